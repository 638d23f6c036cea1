"""The due and overdue tab numbers are counted in SQL, per batch and due date, not from each project's
periods: they must be what the lists list, whatever the schedule, the milestones and the reports."""

import datetime
import random
from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from cultivation.enums import ProjectState
from cultivation.models import Batch, Milestone, ProgressReport, Project
from cultivation.reports.enums import ReportState
from cultivation.reports.selectors import pending_periods, periods_of, tab_counts
from tests.factories import BatchFactory, BranchFactory, cultivating_project

pytestmark = pytest.mark.django_db

D = datetime.date
STATES = [None, None, *ReportState.values]  # None: the period's report is not begun
PROJECT_STATES = [ProjectState.RECOGNIZED] * 4 + [ProjectState.MIDTERM_SUBMITTED, ProjectState.RECTIFYING,
                                                  ProjectState.FINAL_SUBMITTED, ProjectState.ACCEPTED]


def make_world(tree, seed):
    """Three batches of different schedules, a dozen projects in open and finished states, milestones
    (between the dates, on one, before the first), reports in every state, and one on no period's date."""
    rng = random.Random(seed)
    batches = [BatchFactory(start=D(2019, 6, 1), report_due_day=25),
               BatchFactory(start=D(2019, 7, 15), report_due_day=31, report_every_months=2),
               BatchFactory(start=D(2019, 9, 3), report_due_day=1)]
    units = [tree.unit_a, tree.general, tree.unit_b]
    for number in range(12):
        batch = batches[number % 3]
        project = cultivating_project(BranchFactory(parent=units[number % 3]), batch=batch)
        for _ in range(rng.choice([0, 0, 1, 2])):
            dates = [period.due for period in periods_of(project)]
            date = rng.choice([rng.choice(dates), rng.choice(dates) - datetime.timedelta(days=rng.randint(1, 20)),
                               batch.cultivation_start])
            Milestone.objects.get_or_create(project=project, date=date,
                                            defaults={"title": "节点", "created_by": tree.staff})
        milestones = list(Milestone.objects.filter(project=project))
        for period in periods_of(project, milestones):
            state = rng.choice(STATES)
            if state:
                ProgressReport.objects.create(project=project, period_start=period.start, period_due=period.due,
                                              title=period.title, state=state)
        if number == 0:  # a report left on a date the schedule no longer has
            ProgressReport.objects.create(project=project, period_start=D(2019, 8, 1), period_due=D(2019, 8, 3),
                                          title="旧报告期", state=ReportState.DRAFT)
        Project.objects.filter(pk=project.pk).update(state=rng.choice(PROJECT_STATES))
    return batches


def fresh(user):
    """The user read again: the lists are kept on the user object for the rest of a request."""
    return get_user_model().objects.get(pk=user.pk)


@pytest.mark.parametrize("seed", range(3))
def test_the_counted_numbers_are_the_listed_ones(tree, seed):
    batches = make_world(tree, seed)
    days = [D(2019, 6, 30), D(2019, 7, 25), D(2019, 9, 2), D(2019, 9, 3), D(2019, 12, 10), D(2020, 3, 31),
            D(2021, 1, 1)]
    users = [tree.staff, tree.unit_staff, tree.other_unit_staff, tree.secretary, tree.reviewer]
    seen = Counter()
    for today in days:
        for user in users:
            for batch in [None, *batches]:
                counted = tab_counts(fresh(user), today=today, batch=batch)
                listed = Counter(p.current_status for p in pending_periods(fresh(user), today=today, batch=batch))
                assert (counted["due"], counted["overdue"]) == (listed["due"], listed["overdue"]), (today, user, batch)
                seen.update(listed)
    assert seen["due"] and seen["overdue"]  # the world has something to count
    assert Milestone.objects.exists() and Batch.objects.count() == 3


def test_a_page_that_listed_the_periods_counts_them_with_one_query(tree, django_assert_num_queries):
    make_world(tree, 0)
    staff = fresh(tree.staff)
    access_reads = fresh(tree.staff)
    tab_counts(access_reads, today=D(2019, 12, 10))  # the roles are read once per user object
    pending_periods(staff, today=D(2019, 12, 10))
    tab_counts(staff, today=D(2019, 12, 10))
    with django_assert_num_queries(1):
        counted = tab_counts(staff, today=D(2019, 12, 10))
    with django_assert_num_queries(3):
        assert tab_counts(access_reads, today=D(2019, 12, 10)) == counted
