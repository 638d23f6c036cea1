"""选苗 and 认定: the 二级党组织's nominations, the school's screening and side-by-side comparison."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from branches import access
from branches.exports import xlsx_response
from branches.enums import BranchType, Role
from branches.inputs import query_ids
from branches.pagination import paginate, query_without_page
from branches.rules import eligibility_problems

from .. import exports, listings, selectors, services
from ..enums import Actor, ProjectState
from ..forms import MoveForm, NominationRowForm
from ..models import Project
from .common import batch_or_404, form_errors, managed_batch_or_404, require_roles, require_staff
from .projects import recommend

COMPARE_MAX = 4


@login_required
def nominations(request, pk):
    user = request.user
    if not (access.has_role(user, Role.UNIT_STAFF) or access.is_org_staff(user)):
        access.refuse(user, f"nominations of batch {pk}", not_found=False)
    batch = batch_or_404(user, pk)
    refused = None
    if request.method == "POST":
        # A row's rank and 推荐意见 are posted here, so a refused row is shown again as typed.
        refused = _recommend_row(request, batch)
        if refused is None:
            return redirect(request.get_full_path())
    page = paginate(request, listings.nominations(user, batch).items)
    elsewhere = selectors.elsewhere_by_organization(page, batch)
    for project in page:
        project.recommend_open = services.recommendation_open(project)
        project.elsewhere = elsewhere.get(project.organization_id, [])
        project.recommend_form = refused if refused is not None and refused.project_pk == project.pk else \
            NominationRowForm(initial={"project": project.pk, "rank": project.nomination_rank,
                                       "recommendation": project.recommendation})
    return render(request, "cultivation/nominations.html", {
        "batch": batch, "page": page, "quotas": selectors.unit_quotas(user, batch),
        "move_form": MoveForm(), "today": timezone.localdate()})


def _recommend_row(request, batch):
    """Save one row of the nominations page: None when saved, else the bound form to show again (its
    `project_pk` names the row)."""
    form = NominationRowForm(request.POST)
    form.project_pk = None
    form.is_valid()
    project_id = form.cleaned_data.get("project")
    if project_id is None:  # no row to show it on
        messages.error(request, form_errors(form))
        return form
    project = listings.nominations(request.user, batch).items.filter(pk=project_id).first()
    if project is None:
        access.refuse(request.user, f"nomination {project_id} of batch {batch.pk}")
    require_roles(request.user, project, {Actor.UNIT, Actor.SCHOOL})
    form = NominationRowForm(request.POST, project=project)  # again, now that the rank can be checked for its row
    form.project_pk = project.pk
    if form.is_valid() and recommend(request, project, form):
        return None
    return form


def quota_use(batch):
    """Shortlisted and recognized projects against the batch's quotas, in one query."""
    taken = Project.objects.filter(batch=batch, state__in=[ProjectState.SHORTLISTED, ProjectState.RECOGNIZED]) \
        .aggregate(total=Count("id"),
                   faculty=Count("id", filter=Q(organization__branch_type=BranchType.FACULTY)),
                   student=Count("id", filter=Q(organization__branch_type=BranchType.STUDENT)))
    return [("总名额", taken["total"], batch.quota_total), ("教职工党支部", taken["faculty"], batch.quota_faculty),
            ("学生党支部", taken["student"], batch.quota_student)]


@login_required
def screening(request, pk):
    require_staff(request.user)
    batch = managed_batch_or_404(request.user, pk)
    listing = listings.screening(request.user, batch, request.GET)
    form = listing.form
    page = paginate(request, listing.items)
    elsewhere = selectors.elsewhere_by_organization(page, batch)
    for project in page:
        project.elsewhere = elsewhere.get(project.organization_id, [])
    return render(request, "cultivation/screening.html", {
        "batch": batch, "form": form, "page": page, "query": query_without_page(request),
        "quota_use": quota_use(batch), "move_form": MoveForm(),
        "recognition_wait": selectors.recognition_wait(batch, timezone.localdate())})


@login_required
@require_GET
def screening_export(request, pk):
    require_staff(request.user)
    batch = managed_batch_or_404(request.user, pk)
    listing = listings.screening(request.user, batch, request.GET)
    return xlsx_response(name=f"筛选推荐名单-{batch.name}", title="筛选推荐名单", columns=exports.SCREENING_COLUMNS,
                         items=listing.items, request=request)


@login_required
@require_GET
def nominations_export(request, pk):
    user = request.user
    if not (access.has_role(user, Role.UNIT_STAFF) or access.is_org_staff(user)):
        access.refuse(user, f"nominations of batch {pk}", not_found=False)
    batch = batch_or_404(user, pk)
    return xlsx_response(name=f"申报与推荐-{batch.name}", title="申报与推荐", columns=exports.NOMINATION_COLUMNS,
                         items=listings.nominations(user, batch).items, request=request)


@login_required
def compare(request, pk):
    require_staff(request.user)
    batch = managed_batch_or_404(request.user, pk)
    ids = query_ids(request, "ids", limit=COMPARE_MAX)
    projects = list(selectors.projects_with_activities(
        selectors.projects_for(request.user).filter(batch=batch, pk__in=ids)).order_by("unit__code", "nomination_rank"))
    elsewhere = selectors.elsewhere_by_organization(projects, batch)
    for project in projects:
        project.problems = eligibility_problems(project.organization, deadline=batch.nomination_deadline)
        project.elsewhere = elsewhere.get(project.organization_id, [])
    return render(request, "cultivation/compare.html", {"batch": batch, "projects": projects,
                                                        "too_few": len(projects) < 2})
