"""Batches: the list, the staff's create/edit form, the page with timeline, phase and quotas."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.enums import Role
from branches.exports import xlsx_response
from branches.pagination import paginate
from transitions.refusals import MoveRefused

from .. import batch_dates, exports, listings, selectors, services, workflow
from ..enums import Phase, ProjectState
from ..forms import BatchEditForm, BatchForm, RecommendUpForm, UnitQuotaForm
from ..models import Notice, Project
from .common import application_openings, batch_or_404, form_errors, managed_batch_or_404, require_staff, run


@login_required
def batch_list(request):
    page = paginate(request, listings.batches(request.user).items)
    today = timezone.localdate()
    for batch in page:
        batch.current_phase = batch.phase_on(today)
        batch.finished = batch.is_finished(today)
    return render(request, "cultivation/batch_list.html", {
        "page": page, "today": today, "can_create": access.is_org_staff(request.user)})


@login_required
@require_GET
def batch_export(request):
    listing = listings.batches(request.user)
    return xlsx_response(name="培育批次", columns=exports.batch_columns(timezone.localdate()), items=listing.items,
                         request=request)


def _save(request, form, batch=None):
    """Run the batch service; its full_clean errors go back onto the form's fields."""
    try:
        if batch is None:
            return services.batch_create(actor=request.user, **form.cleaned_data)
        return services.batch_update(actor=request.user, batch=batch, **form.cleaned_data)
    except ValidationError as error:
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    except batch_dates.Unconfirmed as unconfirmed:
        # Not an error of the input: the page shows the effects and asks for the reason and a second click.
        form.date_change = unconfirmed.change
        form.date_change_message = unconfirmed.message
    except MoveRefused as refused:
        form.add_error(None, refused.text)
    return None


@login_required
def batch_create(request):
    require_staff(request.user)
    form = BatchForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        batch = _save(request, form)
        if batch:
            messages.success(request, f"已建立“{batch.name}”")
            return redirect("cultivation:batch_detail", pk=batch.pk)
    return render(request, "cultivation/batch_form.html", {"form": form, "batch": None})


@login_required
def batch_edit(request, pk):
    require_staff(request.user)
    batch = managed_batch_or_404(request.user, pk)
    form = BatchEditForm(request.POST or None, instance=batch, user=request.user)
    if request.method == "POST" and form.is_valid():
        # The ModelForm already copied the input onto `batch`; the service re-reads and writes it.
        saved = _save(request, form, batch=managed_batch_or_404(request.user, pk))
        if saved:
            messages.success(request, "已保存批次设置")
            return redirect("cultivation:batch_detail", pk=saved.pk)
    return render(request, "cultivation/batch_form.html", {
        "form": form, "batch": batch, "date_change": getattr(form, "date_change", None),
        "date_change_message": getattr(form, "date_change_message", "")})


def timeline(batch, today):
    current = batch.phase_on(today)
    rows = []
    for phase, start, end in batch.windows():
        if today > end:
            status = "done"
        elif start <= today:
            status = "current"
        else:
            status = "upcoming"
        rows.append({"phase": phase, "start": start, "end": end, "status": status, "is_current": phase == current})
    return rows


@login_required
def batch_detail(request, pk):
    batch = batch_or_404(request.user, pk)
    user = request.user
    today = timezone.localdate()
    is_staff = access.runs(user, batch.owner)
    secretary_of = workflow.applicant_organizations(user, batch)
    my_projects = list(selectors.projects_for(user).filter(batch=batch, organization__in=secretary_of)) \
        if secretary_of else []
    start, end = batch.window(Phase.SELECTION)
    selection_open = start <= today <= end
    taken = {p.organization_id for p in my_projects}
    free, refused = application_openings(batch, [org for org in secretary_of if org.pk not in taken],
                                         workflow.cultivated_projects(secretary_of) if secretary_of else [])
    context = {
        "batch": batch, "today": today, "timeline": timeline(batch, today), "current_phase": batch.phase_on(today),
        "progress": batch.progress_percent(today), "finished": batch.is_finished(today),
        "counts": selectors.state_counts(user, batch), "is_staff": is_staff,
        "is_unit_staff": access.has_role(user, Role.UNIT_STAFF),
        "my_projects": my_projects,
        "can_apply": selection_open and bool(free),
        # Said where 开始申报 would be, so nobody writes an application that saving would refuse.
        "apply_refusals": refused if selection_open and not free else [],
        "selection_open": selection_open,
        # Above a school nobody applies: the level below recommends; said where the route starts.
        "ladder_route": workflow.LADDER_ROUTE.get(batch.level, ""),
        # In a batch above a school, a school's 组织部 recommends its own cultivated branches.
        "can_recommend_up": workflow.recommends_into(user, batch) and start <= today <= end,
    }
    if context["is_unit_staff"] or is_staff:
        context["unit_quotas"] = selectors.unit_quotas(user, batch)
    if is_staff:
        context["quotas"] = selectors.quota_rows(batch)
        context["quota_form"] = UnitQuotaForm(batch=batch)
        context["notices"] = Notice.objects.filter(batch=batch).order_by("-starts_on", "-id")
        context["shortlisted"] = Project.objects.filter(batch=batch, state=ProjectState.SHORTLISTED).count()
        context["recognition_wait"] = selectors.recognition_wait(batch, today)
    return render(request, "cultivation/batch_detail.html", context)


@login_required
@require_POST
def batch_quota(request, pk):
    require_staff(request.user)
    batch = managed_batch_or_404(request.user, pk)
    form = UnitQuotaForm(request.POST, batch=batch)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    else:
        try:
            services.unit_quota_set(actor=request.user, batch=batch, **form.cleaned_data)
        except MoveRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, f"已设置{form.cleaned_data['unit'].name}的推荐名额")
    return redirect("cultivation:batch_detail", pk=batch.pk)


@login_required
def recommend_up(request, pk):
    """A school's 组织部 recommends its cultivated branches into a batch above it (a province's)."""
    require_staff(request.user)
    batch = batch_or_404(request.user, pk)
    if not workflow.recommends_into(request.user, batch):
        access.refuse(request.user, f"recommending into batch {pk}", not_found=False)
    form = RecommendUpForm(request.POST or None, projects=services.recommendable(request.user, batch), batch=batch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project, ok = run(request, lambda: services.project_recommend_up(
            batch=batch, source=data["source"], actor=request.user, rank=data["rank"],
            recommendation=data["recommendation"]), success=None)
        if ok:
            messages.success(request, f"已将{project.organization.name}推荐报送“{batch.name}”")
            return redirect("cultivation:nominations", pk=batch.pk)
    return render(request, "cultivation/recommend_up.html", {
        "batch": batch, "form": form, "quotas": selectors.unit_quotas(request.user, batch)})
