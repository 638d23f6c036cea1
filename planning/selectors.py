"""Reads of the planning app, already scoped to the user."""

from cultivation.models import Project

from .models import TaskBook


def readable_taskbook(user, pk):
    """A task book of a project the user may read (their own scope, or a reviewer's assignment)."""
    return (TaskBook.objects.filter(pk=pk, project__in=Project.objects.readable_by(user))
            .select_related("project__organization", "project__batch__owner", "project__unit").first())


def taskbooks_of(project):
    """Every version of the project's task book, newest first, with its tasks (two queries)."""
    return list(TaskBook.objects.filter(project=project).prefetch_related("tasks").order_by("-number"))
