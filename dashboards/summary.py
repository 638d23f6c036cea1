"""The one-page summary of a batch for a 党委会 meeting: phase, projects by state, the key counts,
funding, grades and highlights. A constant number of queries whatever the size of the batch."""

from django.db.models import Count, Q
from django.utils import timezone

from cultivation import levels
from cultivation.enums import ProjectState
from cultivation.models import Batch, Outcome, Project

from . import statistics

HIGHLIGHTS = 5


def managed_batch(user, pk):
    """The batch if the user runs it (Batch.objects.managed_by), else None (the view answers 404)."""
    return Batch.objects.managed_by(user).select_related("owner").filter(pk=pk).first()


def batch_summary(user, batch, *, today=None):
    today = today or timezone.localdate()
    projects = Project.objects.visible_to(user).filter(batch=batch)
    by_state = {row["state"]: row["n"] for row in projects.order_by().values("state").annotate(n=Count("pk"))}
    table = statistics.statistics(user, by="batch", batches=[batch])
    counted = statistics.counted_projects(user).filter(batch=batch)
    excellent = list(counted.filter(Q(midterm_grade="excellent") | Q(final_grade="excellent"))
                     .select_related("organization").order_by("organization__path")[:HIGHLIGHTS])
    # The branches that published most, one query: the top of the by-branch publication counts.
    top_publishers = list(counted.annotate(n=Count("publications", filter=statistics._evidence_condition(
        "publications__"))).filter(n__gt=0).select_related("organization").order_by("-n", "organization__path")[:3])
    outcomes = list(Outcome.objects.filter(statistics._evidence_condition(), project__in=counted.values("pk"))
                    .select_related("project__organization").order_by("-achieved_on", "-created_at", "-id")[:HIGHLIGHTS])
    return {
        "batch": batch,
        "today": today,
        "phase": batch.phase_on(today),
        "finished": batch.is_finished(today),
        "states": [(levels.state_label(state, batch.level), by_state[state])
                   for state in ProjectState if by_state.get(state)],
        "project_total": sum(by_state.values()),
        "table": table,
        "grades": statistics.grade_distribution(counted),
        "excellent": excellent,
        "top_publishers": top_publishers,
        "outcomes": outcomes,
    }
