"""A project's pages: the scoped list, the detail page with its moves, the application form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.exports import xlsx_response
from branches.inputs import STALE_PAGE, posted_next, posted_version, pressed
from branches.pagination import paginate, query_without_page
from branches.rules import eligibility_problems
from branches.selectors import events_for

from .. import exports, listings, selectors, services, workflow
from ..enums import CULTIVATED_STATES, EDITABLE_STATES, MOVES, Actor, BatchKind, Phase, ProjectState, moves_from
from ..forms import (ApplicationForm, AttachmentForm, DeliverableForm, ExtendForm, FeedbackForm,
                     FeedbackResponseForm, FeedbackVerifyForm, MoveForm, RecommendForm,
                     ScreeningNoteForm, StartForm, activities_of, activity_formset)
from ..models import Project, WindowExtension
from ..models.reviews import ReviewStage
from ..reports import selectors as report_selectors
from .common import (application_openings, batch_or_404, form_errors, project_or_404, project_panels, require_roles, run, to_project,
                     warn_elsewhere)

# The steps of selection after which a branch in play in another batch is pointed out (defect 9).
ELSEWHERE_STEPS = {"submit", "nominate", "shortlist", "recognize"}

# Moves whose form asks for a grade, and the project field it fills.
GRADE_FIELDS = {"conclude_midterm": "midterm_grade", "accept": "final_grade"}


@login_required
def project_list(request):
    listing = listings.projects(request.user, request.GET)
    return render(request, "cultivation/project_list.html", {
        "form": listing.form, "page": paginate(request, listing.items), "query": query_without_page(request)})


@login_required
@require_GET
def project_export(request):
    listing = listings.projects(request.user, request.GET)
    return xlsx_response(name="培育项目", columns=exports.PROJECT_COLUMNS, items=listing.items, request=request)


def move_panel(user, project, today):
    """Each move from the current state the user holds a role for: a form, or why not now."""
    roles = workflow.actor_roles(user, project)
    panel = []
    for move in moves_from(project.state):
        if not roles & set(move.actors):
            continue
        refused = workflow.refusals(user, project, move.name, today=today)
        if not refused and move.name == "recognize":
            # The button would only meet the 公示's refusal: say until when, where the button would be.
            refused = [wait] if (wait := workflow.recognition_wait(project, today)) else []
        panel.append({"move": move, "refused": refused[0] if refused else "",
                      "grade": move.name in GRADE_FIELDS})
    return panel


@login_required
def project_detail(request, pk):
    user = request.user
    # The 中期 and 验收 summaries read the one-to-one records (absent ones too): joined, not a query each.
    project = project_or_404(user, pk, readable=True, related=("midterm_report", "final_report", "acceptance"))
    # The move panel, the summary and the sections each read these; one query apiece, not one per reader.
    # The activities carry their spending, so the 培育记录's funding line needs no query of its own.
    prefetch_related_objects([project], Prefetch("activities", queryset=report_selectors.activities_with_spending()),
                             Prefetch("extensions", queryset=WindowExtension.objects.select_related("created_by")))
    # The 中期 and 验收 sections (shown from 培育 on) list the review attachments; 整改意见 are read by the
    # feedback card and again by the final summary.
    if project.state in CULTIVATED_STATES:
        prefetch_related_objects([project], "review_attachments")
    if project.state in CULTIVATED_STATES - {ProjectState.RECOGNIZED}:
        prefetch_related_objects([project], "feedback_items")
    today = timezone.localdate()
    # The queryset rule of visible_to, asked of the project already read (access.can_see is its twin).
    visible = access.can_see(user, project.organization)
    roles = workflow.actor_roles(user, project) if visible else set()
    context = {
        "project": project, "batch": project.batch, "today": today, "roles": roles,
        "is_secretary": Actor.SECRETARY in roles, "is_unit": Actor.UNIT in roles, "is_school": Actor.SCHOOL in roles,
        "activities": project.activities.all(),
        "moves": move_panel(user, project, today) if visible else [],
        "move_form": MoveForm(initial={"version": project.version}),
        "notices": selectors.notices_of_project(project),
        "extensions": project.extensions.all(),
        "editable": project.state in EDITABLE_STATES and Actor.SECRETARY in roles,
        "show_midterm": project.state in CULTIVATED_STATES,
        "show_feedback": project.state in CULTIVATED_STATES - {ProjectState.RECOGNIZED},
        "show_final": project.state in CULTIVATED_STATES - {ProjectState.RECOGNIZED, ProjectState.MIDTERM_SUBMITTED},
    }
    # What later apps show on the page (the task book's timeline): settings.PROJECT_PANELS.
    context["panels"] = project_panels(request, project)
    if visible:
        context["events"] = events_for(project)[:100]
        if project.organization.is_branch and project.batch.kind != BatchKind.BENCHMARK_UNIT:
            context["problems"] = eligibility_problems(project.organization, deadline=project.batch.nomination_deadline)
    if roles & {Actor.UNIT, Actor.SCHOOL} and services.recommendation_open(project):
        context["recommend_form"] = RecommendForm(initial={
            "version": project.version, "rank": project.nomination_rank, "recommendation": project.recommendation})
    if Actor.SCHOOL in roles:
        context["screen_form"] = ScreeningNoteForm(initial={"version": project.version, "note": project.screening_note})
        context["extend_form"] = ExtendForm(initial={"phase": project.batch.phase_on(today) or Phase.SELECTION})
        if project.state in (ProjectState.MIDTERM_SUBMITTED, ProjectState.RECTIFYING):
            context["feedback_form"] = FeedbackForm()
        if project.state == ProjectState.FINAL_SUBMITTED:
            context["verify_form"] = FeedbackVerifyForm()
            context["can_record_acceptance"] = True
    if Actor.SECRETARY in roles:
        if project.state == ProjectState.RECOGNIZED:
            context["upload_form"] = AttachmentForm(initial={"stage": ReviewStage.MIDTERM})
            context["can_edit_midterm"] = True
        if project.state == ProjectState.RECTIFYING:
            context["upload_form"] = AttachmentForm(initial={"stage": ReviewStage.FINAL})
            context["can_edit_final"] = True
            context["response_form"] = FeedbackResponseForm()
            context["deliverable_form"] = DeliverableForm()
    return render(request, "cultivation/project_detail.html", context)


def _secretary_branches(user, batch):
    """Organizations the user applies for that have no application in the batch yet."""
    branches = workflow.applicant_organizations(user, batch)
    taken = set(Project.objects.filter(batch=batch, organization__in=branches).values_list("organization_id", flat=True))
    return [org for org in branches if org.pk not in taken]


@login_required
def project_start(request, pk):
    batch = batch_or_404(request.user, pk)
    if batch.level in workflow.LADDER_ROUTE:
        messages.info(request, workflow.LADDER_ROUTE[batch.level])
        return redirect("cultivation:batch_detail", pk=batch.pk)
    if not workflow.applicant_organizations(request.user, batch):
        access.refuse(request.user, f"application in batch {pk}", not_found=False)
    today = timezone.localdate()
    start, end = batch.window(Phase.SELECTION)
    if not start <= today <= end:
        messages.error(request, f"{batch.name}的选苗阶段为{start:%Y年%m月%d日}至{end:%Y年%m月%d日}，现在不能新建申报")
        return redirect("cultivation:batch_detail", pk=batch.pk)
    branches = _secretary_branches(request.user, batch)
    if not branches:
        messages.info(request, "您的党支部在本批次已有申报，请在原申报上修改")
        return redirect("cultivation:batch_detail", pk=batch.pk)
    branches, refused = application_openings(batch, branches, workflow.cultivated_projects(branches))
    if not branches:
        # The rule saving would apply, said before a word of the application is written.
        return render(request, "cultivation/project_start_refused.html", {"batch": batch, "refusals": refused})
    organizations = access.visible_organizations(request.user).filter(pk__in=[b.pk for b in branches])
    form = StartForm(request.POST or None, organizations=organizations, initial={"organization": branches[0]})
    formset = activity_formset(request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        organization = data.pop("organization")
        project, ok = run(request, lambda: services.project_create(
            batch=batch, organization=organization, actor=request.user, activities=activities_of(formset), **data),
            success="申报书已保存为草稿；核对无误后请点击“提交申报”")
        if ok:
            warn_elsewhere(request, project)
            return to_project(project)
    return render(request, "cultivation/project_form.html", {
        "form": form, "formset": formset, "batch": batch, "project": None,
        "problems": [] if batch.kind == BatchKind.BENCHMARK_UNIT
        else eligibility_problems(branches[0], deadline=batch.nomination_deadline)})


@login_required
def project_edit(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SECRETARY})
    if project.state not in EDITABLE_STATES:
        messages.error(request, "申报已提交，不能再修改；如需修改请联系二级党组织退回")
        return to_project(project)
    initial = [{"name": a.name, "description": a.description, "planned_budget": a.planned_budget}
               for a in project.activities.order_by("order", "id")]
    form = ApplicationForm(request.POST or None, instance=project)
    formset = activity_formset(request.POST or None, initial=initial)
    version, version_ok = posted_version(request) if request.method == "POST" else (None, True)
    version = project.version if version is None else version
    if not version_ok:
        messages.error(request, STALE_PAGE)
    elif request.method == "POST" and form.is_valid() and formset.is_valid():
        _, ok = run(request, lambda: services.project_edit(
            project=project, actor=request.user, expected_version=version, activities=activities_of(formset),
            **{name: form.cleaned_data[name] for name in services.APPLICATION_FIELDS}), success="已保存申报书")
        if ok:
            return to_project(project)
    return render(request, "cultivation/project_form.html", {
        "form": form, "formset": formset, "batch": project.batch, "project": project, "version": version,
        "problems": eligibility_problems(project.organization, deadline=project.batch.nomination_deadline)})


def back(request, project):
    """Back to the page the form was on (a list of nominations, say), or to the project."""
    target = posted_next(request)
    return redirect(target) if target else to_project(project)


@login_required
@require_POST
def project_move(request, pk, name):
    if name not in MOVES:
        raise Http404("未找到该页面")
    move = MOVES[name]
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, move.actors)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "页面已过期，请刷新后再操作")
        return back(request, project)
    fields = {}
    if name in GRADE_FIELDS:
        fields[GRADE_FIELDS[name]] = form.cleaned_data["grade"]
    _, ok = run(request, lambda: workflow.move(project=project, name=name, actor=request.user,
                                               reason=form.cleaned_data["reason"], fields=fields,
                                               expected_version=form.cleaned_data["version"]),
                success=f"已{move.label}：{project.organization.name}")
    if ok and name in ELSEWHERE_STEPS:
        warn_elsewhere(request, project)
    return back(request, project)


def recommend(request, project, form):
    """Save a valid RecommendForm's rank and 推荐意见 (forwarding them with 推荐报送); a refusal is flashed,
    naming any nomination it concerns. True when done."""
    nominate = pressed(request, "nominate")
    _, ok = run(request, lambda: services.project_recommend(
        project=project, actor=request.user, rank=form.cleaned_data["rank"],
        recommendation=form.cleaned_data["recommendation"], expected_version=form.cleaned_data["version"],
        nominate=nominate),
        success=f"已推荐报送：{project.organization.name}" if nominate
        else f"已保存{project.organization.name}的推荐排序与推荐意见")
    if ok and nominate:
        warn_elsewhere(request, project)
    return ok


@login_required
@require_POST
def project_recommend(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.UNIT, Actor.SCHOOL})
    form = RecommendForm(request.POST, project=project)
    if form.is_valid():
        recommend(request, project, form)
    else:
        messages.error(request, form_errors(form))
    return back(request, project)


@login_required
@require_POST
def project_screen(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SCHOOL})
    form = ScreeningNoteForm(request.POST)
    if form.is_valid():
        run(request, lambda: services.project_screen(project=project, actor=request.user, note=form.cleaned_data["note"],
                                                     expected_version=form.cleaned_data["version"]),
            success="已保存筛选意见")
    else:
        messages.error(request, form_errors(form))
    return back(request, project)


@login_required
@require_POST
def project_extend(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SCHOOL})
    form = ExtendForm(request.POST)
    if form.is_valid():
        run(request, lambda: workflow.extend_window(project=project, actor=request.user, **form.cleaned_data),
            success=f"已将{Phase(form.cleaned_data['phase']).label}阶段延长至{form.cleaned_data['until']:%Y年%m月%d日}")
    else:
        messages.error(request, form_errors(form))
    return to_project(project, "extensions")

