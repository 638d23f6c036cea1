"""The task book on the project page: a timeline of the plan in force, its counts, its queries."""

import datetime

import pytest
from django.utils import timezone

from planning import selectors
from planning.enums import TaskBookState, TaskStatus
from planning.models import Task
from tests.factories import ProjectFactory, cultivating_project

from .helpers import book_with_tasks

pytestmark = pytest.mark.django_db
D = datetime.timedelta


def _plan(project, n=1):
    today = timezone.localdate()
    tasks = []
    for _ in range(n):
        tasks += [("已完成的", today - D(days=5), TaskStatus.DONE), ("逾期的", today - D(days=1), TaskStatus.ONGOING),
                  ("逾期未开始", today - D(days=2), TaskStatus.PLANNED), ("进行中的", today + D(days=3), TaskStatus.ONGOING),
                  ("今天到期", today, TaskStatus.PLANNED), ("将来的", today + D(days=30), TaskStatus.PLANNED)]
    return book_with_tasks(project, state=TaskBookState.CONFIRMED, tasks=tasks)


def test_the_timeline_marks_each_task_and_its_counts_equal_direct_counts(tree):
    project = cultivating_project(tree.branch_a1)
    book = _plan(project, 2)
    today = timezone.localdate()
    timeline = selectors.timeline(book, today=today)
    tasks = Task.objects.filter(book=book)
    assert timeline.counts == {
        "done": tasks.filter(status=TaskStatus.DONE).count(),
        "late": tasks.filter(selectors.late_q(today)).count(),
        "ongoing": tasks.filter(status=TaskStatus.ONGOING, due__gte=today).count(),
        "upcoming": tasks.filter(status=TaskStatus.PLANNED, due__gte=today).count(),
    } == {"done": 2, "late": 4, "ongoing": 2, "upcoming": 4}
    assert [row[0].due for row in timeline.rows] == sorted(row[0].due for row in timeline.rows)
    marks = {row[0].title: row[2] for row in timeline.rows}
    assert marks == {"已完成的": "已完成", "逾期的": "已逾期", "逾期未开始": "已逾期", "进行中的": "进行中",
                     "今天到期": "未到期", "将来的": "未到期"}


def test_the_project_page_shows_the_plan_in_force_not_the_draft_revision(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    _plan(project)
    book_with_tasks(project, number=2, tasks=[("修订中的任务", timezone.localdate(), TaskStatus.PLANNED)])
    body = client_for(tree.unit_staff).get(f"/cultivation/projects/{project.pk}/").content.decode()
    assert 'data-testid="taskbook-timeline"' in body and "逾期未开始" in body and "修订中的任务" not in body
    assert 'data-testid="timeline-count-late">已逾期 2' in body
    assert "查看任务书（第2版 · 草稿）" in body


def test_the_project_page_says_when_there_is_no_book_and_lets_the_secretary_start(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    assert "起草任务书" in client_for(tree.secretary).get(f"/cultivation/projects/{project.pk}/").content.decode()
    body = client_for(tree.unit_staff).get(f"/cultivation/projects/{project.pk}/").content.decode()
    assert "尚未制定任务书" in body and "起草任务书" not in body
    draft = ProjectFactory(organization=tree.branch_a2)
    assert "taskbook-panel" not in client_for(tree.staff).get(f"/cultivation/projects/{draft.pk}/").content.decode()


@pytest.mark.parametrize("n", [1, 4])
def test_the_project_page_runs_the_same_queries_with_more_tasks(tree, client_for, django_assert_num_queries, n):
    project = cultivating_project(tree.branch_a1)
    _plan(project, n)
    client = client_for(tree.secretary)
    client.get(f"/cultivation/projects/{project.pk}/")
    # 22 before issue 14: the visibility check, the second read of the activities (funding), the 中期 record and
    # the evidence counts now ride on other queries
    with django_assert_num_queries(18):
        body = client.get(f"/cultivation/projects/{project.pk}/").content.decode()
    assert body.count('data-mark="late"') == 2 * n


def test_the_scoring_and_review_pages_show_the_plan_against_the_result(tree, client_for):
    from evaluations import services as evaluation_services
    from tests.factories import RoundFactory, round_project

    round_ = RoundFactory()
    project = round_project(tree.branch_a1, round_)
    _plan(project)
    evaluation_services.assignment_add(round_=round_, project=project, reviewer=tree.reviewer, actor=tree.staff)
    body = client_for(tree.reviewer).get(f"/evaluations/rounds/{round_.pk}/projects/{project.pk}/score/").content.decode()
    assert 'data-testid="sheet-plan"' in body and 'data-mark="late"' in body and "逾期未开始" in body
    Project = project.__class__
    Project.objects.filter(pk=project.pk).update(state="final_submitted")
    body = client_for(tree.staff).get(f"/cultivation/projects/{project.pk}/acceptance/").content.decode()
    assert "对照任务书：计划与完成情况" in body and 'data-mark="done"' in body
