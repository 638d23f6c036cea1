"""The demo builds on the cultivation demo's context: rounds with scores, results and a notice."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from branches import demo as tree_demo
from cultivation.enums import ProjectState
from cultivation.models import Project
from evaluations import demo, rules, selectors
from evaluations.enums import RoundState, SheetState
from evaluations.models import ScoreSheet
from tests.factories import BatchFactory, ProjectFactory

def stand_in_for_the_cultivation_demo(context, today):
    """What cultivation.demo.build leaves in the context: batches and their projects."""
    # The first university's: the second one under the province runs no rounds.
    school = context["school"]
    branches = list(school.__class__.objects.within([school.path]).branches().filter(is_active=True).order_by("path"))
    finished = BatchFactory(name="第一批“样板党支部”培育工程", start=datetime.date(2019, 6, 1))
    midterm = BatchFactory(name="第三批“样板党支部”培育工程", start=today - datetime.timedelta(days=370))
    grades = ["excellent", "good", "good", "pass", "excellent", "good"]
    projects = {"finished": [], "midterm": []}
    for index, branch in enumerate(branches[::40][:6]):
        project = ProjectFactory(batch=finished, organization=branch)
        Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED, midterm_grade=grades[index],
                                                     final_grade=grades[index])
        projects["finished"].append(Project.objects.get(pk=project.pk))
    for branch in branches[7::35][:6]:
        project = ProjectFactory(batch=midterm, organization=branch)
        Project.objects.filter(pk=project.pk).update(state=ProjectState.MIDTERM_SUBMITTED)
        projects["midterm"].append(Project.objects.get(pk=project.pk))
    context["batches"] = {"finished": finished, "midterm": midterm}
    context["projects"] = projects


@pytest.mark.django_db
def test_the_demo_scores_publishes_and_leaves_the_reviewer_work():
    # The services check dates against the clock, so the demo is built on the clock's today, not a fixed one.
    today = timezone.localdate()
    context = tree_demo.build(today)
    tree_demo.create_demo_users(context, settings.DEMO_PASSWORD)
    stand_in_for_the_cultivation_demo(context, today)
    rounds = demo.build(context)
    assert rounds["finished_midterm"].state == RoundState.PUBLISHED
    assert rounds["finished_final"].state == RoundState.PUBLISHED and rounds["finished_final"].notice
    results = selectors.round_results(rounds["finished_final"])
    assert all(r.score is not None and r.trimmed for r in results)
    assert all(r.change is not None for r in results)
    reviewer = context["users"]["reviewer"]
    todo = selectors.reviewer_sheets(reviewer).filter(round=rounds["midterm"], state=SheetState.ASSIGNED)
    assert todo.count() >= 2
    for sheet in ScoreSheet.objects.select_related("project__organization", "reviewer"):
        assert rules.conflict_reason(sheet.reviewer, sheet.project) is None
