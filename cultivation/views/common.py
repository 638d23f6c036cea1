"""What every cultivation view needs: find a project the user may see, refuse the rest."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.html import format_html, format_html_join

from branches import access
from branches.registry import declared
from transitions.refusals import MoveRefused

from ..models import Batch, Project
from ..workflow import actor_roles, one_project_refusal


def project_or_404(user, pk, *, readable=False, related=()):
    """The project, if the user may see it (readable: also what other apps let them read); `related` names
    more relations to read in the same query (the project page's 中期 and 验收 records)."""
    projects = Project.objects.readable_by(user) if readable else Project.objects.visible_to(user)
    project = projects.select_related("batch__owner", "organization", "unit", "source__batch", *related).filter(pk=pk).first()
    if project is None:
        access.refuse(user, f"project {pk}")
    return project


def project_panels(request, project):
    """The sections later apps add to a project's pages (settings.PROJECT_PANELS), e.g. the task book's
    plan against its result on the project, 中期评估, 验收 and scoring pages."""
    return [panel for contribute in declared("PROJECT_PANELS") if (panel := contribute(request, project))]


def batch_or_404(user, pk):
    """A batch the user takes part in or runs; another school's answers 404."""
    batch = Batch.objects.visible_to(user).select_related("owner").filter(pk=pk).first()
    if batch is None:
        access.refuse(user, f"batch {pk}")
    return batch


def managed_batch_or_404(user, pk):
    """A batch the user runs as 组织部 staff of its owner (or above it); any other answers 404."""
    batch = Batch.objects.managed_by(user).select_related("owner").filter(pk=pk).first()
    if batch is None:
        access.refuse(user, f"managing batch {pk}")
    return batch


def application_openings(batch, organizations, cultivated):
    """The organizations that may start an application in the batch, and the refusals (as messages) of
    those that may not: the rule saving the application applies (`one_project_refusal`), asked before the
    user writes a word. `cultivated`: `workflow.cultivated_projects` of the organizations, read once."""
    free, refused = [], []
    for organization in organizations:
        refusal = one_project_refusal(organization, batch, cultivated)
        if refusal is None:
            free.append(organization)
        else:
            refused.append(refusal_message(refusal))
    return free, refused


def require_roles(user, project, roles):
    """403 for someone who may see the project but holds none of the roles the action needs."""
    held = actor_roles(user, project)
    if not held & set(roles):
        access.refuse(user, f"action on project {project.pk}", not_found=False)
    return held


def require_staff(user):
    access.require_org_staff(user)


def to_project(project, anchor=""):
    return redirect(f"/cultivation/projects/{project.pk}/" + (f"#{anchor}" if anchor else ""))


def refusal_message(refused):
    """A refusal as a message: the headline, then each object it concerns as a link to its page.

    Every part is escaped by format_html; the result is safe to flash (Django's messages keep it safe).
    """
    if not refused.offenders:
        return refused.message
    items = format_html_join("", '<li><a href="{}">{}</a>{}</li>', (
        (o.url, o.label, f"（{o.detail}）" if o.detail else "") for o in refused.offenders))
    return format_html('{}<ul class="mb-0" data-testid="refusal-objects">{}</ul>', refused.message, items)


def flash_refusal(request, refused, level=messages.ERROR):
    messages.add_message(request, level, refusal_message(refused))


def warn_elsewhere(request, project):
    """After a step of the selection, say so when the organization is in play in another batch too."""
    from ..workflow import elsewhere_warning

    warning = elsewhere_warning(project.organization, project.batch)
    if warning is not None:
        flash_refusal(request, warning, messages.WARNING)


def run(request, action, *, success):
    """Call a service; flash its Chinese refusal instead of failing. Returns (result, ok)."""
    try:
        result = action()
    except MoveRefused as refused:
        flash_refusal(request, refused)
        return None, False
    if success:
        messages.success(request, success)
    return result, True


def form_errors(form):
    """A form's errors as one Chinese sentence, for flashing when the form lives on another page."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts += [f"{label}：{error}" if label else str(error) for error in errors]
    return "；".join(parts)
