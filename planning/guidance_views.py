"""Pages of 常态化跟踪指导 (per project: guidance records and difficulty threads) and of 表彰奖励 (组织部's list),
and the organization page's 表彰奖励 section (settings.ORGANIZATION_PANELS).

Answers: a project or thread outside the user's scope is 404; an action the user's role never allows is 403;
an action refused for now (a finished project, bad input) flashes the Chinese reason, nothing changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.exports import xlsx_response
from branches.pagination import paginate, query_without_page
from cultivation.enums import Actor
from cultivation.models import Project
from cultivation.workflow import actor_roles
from transitions.views import run as _run

from . import guidance as services
from . import exports, listings, selectors
from .guidance_enums import DIFFICULTY_MOVES
from .guidance_forms import CommendationForm, DifficultyForm, GuidanceForm, ReplyForm, error_text


def _project_or_404(user, pk):
    """A project within the user's own scope (reviewers, who only read assigned materials, get 404)."""
    project = (Project.objects.visible_to(user).select_related(*services.PROJECT_RELATED, "batch")
               .filter(pk=pk).first())
    if project is None:
        access.refuse(user, f"guidance of project {pk}")
    return project




def _back(project, anchor=""):
    response = redirect("planning:guidance_project", pk=project.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@require_GET
def guidance_project(request, pk):
    return _guidance_page(request, _project_or_404(request.user, pk))


def _guidance_page(request, project, *, guidance_form=None, difficulty_form=None):
    """The project's guidance page; `guidance_form`, `difficulty_form`: a refused form, shown again with
    what was typed and its errors."""
    user = request.user
    roles = actor_roles(user, project)
    guided = project.state in services.GUIDED_STATES
    difficulties = selectors.difficulties_of(project)
    for difficulty in difficulties:
        difficulty.moves = services.allowed_difficulty_moves(user, difficulty)
    return render(request, "planning/guidance/project.html", {
        "project": project, "guided": guided,
        "guidance": selectors.guidance_of(project), "difficulties": difficulties,
        "guidance_form": (guidance_form or GuidanceForm()) if guided and services.guiding_side(user, project) else None,
        "difficulty_form": (difficulty_form or DifficultyForm()) if guided and Actor.SECRETARY in roles else None,
        "answering_level": Actor(services.answering_level(project)).label if guided and Actor.SECRETARY in roles
        else "",
    })


@login_required
@require_POST
def guidance_add(request, pk):
    project = _project_or_404(request.user, pk)
    if services.guiding_side(request.user, project) is None:
        access.refuse(request.user, f"guidance of project {pk} by a non-guide", not_found=False)
    form = GuidanceForm(request.POST)
    if form.is_valid() and _run(request, lambda: services.guidance_record(
            project=project, actor=request.user, **form.cleaned_data), "已记录跟踪指导", form=form):
        return _back(project, "guidance")
    return _refused_page(request, project, form, guidance_form=form)


@login_required
@require_POST
def difficulty_raise(request, pk):
    project = _project_or_404(request.user, pk)
    if Actor.SECRETARY not in actor_roles(request.user, project):
        access.refuse(request.user, f"difficulty of project {pk} by a non-secretary", not_found=False)
    form = DifficultyForm(request.POST)
    if form.is_valid() and _run(request, lambda: services.difficulty_raise(
            project=project, actor=request.user, **form.cleaned_data), "已提出困难和问题", form=form):
        return _back(project, "difficulties")
    return _refused_page(request, project, form, difficulty_form=form)


def _refused_page(request, project, form, **forms):
    """The page again with the refused form as typed; when the project no longer takes the form (it left
    培育, say), its reason is flashed, there being no form to show it beside."""
    if project.state not in services.GUIDED_STATES:
        messages.error(request, error_text(form))
    return _guidance_page(request, project, **forms)


@login_required
@require_POST
def difficulty_move(request, pk, name):
    difficulty = selectors.readable_difficulty(request.user, pk)
    if difficulty is None or name not in DIFFICULTY_MOVES:
        access.refuse(request.user, f"difficulty {pk} move {name}")
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        move = DIFFICULTY_MOVES[name]
        _run(request, lambda: services.difficulty_move(
            difficulty=difficulty, name=name, actor=request.user, text=form.cleaned_data["text"],
            expected_version=form.cleaned_data["version"]), f"问题{move.done}")
    return _back(difficulty.project, f"difficulty-{difficulty.pk}")


# ---- 表彰奖励 --------------------------------------------------------------------------------------

@login_required
@require_GET
def commendation_list(request):
    access.require_org_staff(request.user)
    form = CommendationForm(projects=selectors.commendable_projects(request.user))
    return render(request, "planning/guidance/commendation_list.html", {
        "page": paginate(request, listings.commendations(request.user).items),
        "query": query_without_page(request), "form": form,
    })


@login_required
@require_GET
def commendation_export(request):
    access.require_org_staff(request.user)
    return xlsx_response(name="表彰奖励", columns=exports.COMMENDATION_COLUMNS,
                         items=listings.commendations(request.user).items, request=request)


@login_required
@require_POST
def commendation_add(request):
    access.require_org_staff(request.user)
    form = CommendationForm(request.POST, projects=selectors.commendable_projects(request.user))
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: services.commendation_record(actor=request.user, **form.cleaned_data),
             "已记录表彰奖励（尚未发布）")
    return redirect("planning:commendation_list")


def _commendation_action(request, pk, service, success):
    access.require_org_staff(request.user)
    commendation = selectors.managed_commendations(request.user).filter(pk=pk).first()
    if commendation is None:
        access.refuse(request.user, f"commendation {pk}")
    _run(request, lambda: service(commendation=commendation, actor=request.user), success)
    return redirect("planning:commendation_list")


@login_required
@require_POST
def commendation_publish(request, pk):
    return _commendation_action(request, pk, services.commendation_publish, "已发布，表彰将显示在组织页、成果展示和成果汇编中")


@login_required
@require_POST
def commendation_unpublish(request, pk):
    return _commendation_action(request, pk, services.commendation_unpublish, "已撤回发布")


@login_required
@require_POST
def commendation_delete(request, pk):
    return _commendation_action(request, pk, services.commendation_delete, "已删除")


def commendations_panel(request, organization):
    """The organization page's 表彰奖励: every one to the 组织部 running its batches, published ones to others."""
    if not (organization.is_branch or organization.is_secondary):
        return None  # commendations come from projects, which are of branches and 二级党组织
    rows = selectors.commendations_on_organization(request.user, organization)
    if not rows:
        return None
    return {"template": "planning/guidance/includes/commendations_panel.html", "commendations": rows,
            "organization": organization}
