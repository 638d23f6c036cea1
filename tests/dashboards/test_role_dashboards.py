"""The role overview (/dashboards/): each number equals a direct count and its link lists that many rows;
each person sees their own scope only; the same queries at any size (issue 11)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.grow import grow
from branches.models import in_subtree
from cultivation.enums import ProjectState
from cultivation.models import Project

from .helpers import World

pytestmark = pytest.mark.django_db
HOME = reverse("dashboards:home")


def listed(client, href):
    """How many rows the linked list holds (its paginator's count)."""
    return client.get(href).context["page"].paginator.count


def test_the_units_numbers_equal_counts_and_their_lists(tree, client_for):
    World(tree, size=2)
    Project.objects.filter(organization=tree.branch_a1).update(state=ProjectState.SUBMITTED)
    client = client_for(tree.unit_staff)
    unit = client.get(HOME).context["unit"]
    mine = [p for p in Project.objects.select_related("organization") if in_subtree(p.organization.path, tree.unit_a.path)]
    waiting, href = unit["waiting"]
    assert waiting == sum(1 for p in mine if p.state == ProjectState.SUBMITTED) > 0
    assert listed(client, href) == waiting
    to_endorse, href = unit["to_endorse"]
    assert listed(client, href) == to_endorse


def test_the_secretary_sees_their_branch_and_nothing_else(tree, client_for):
    World(tree, size=2)
    client = client_for(tree.secretary)
    section = client.get(HOME).context["secretary"]
    assert {p.organization_id for p in section["projects"]} == {tree.branch_a1.pk}
    assert len(section["projects"]) == Project.objects.filter(organization=tree.branch_a1).count()
    page = client.get(HOME).content.decode()
    assert tree.branch_b1.name not in page


def test_another_units_staff_do_not_see_these_numbers(tree, client_for):
    World(tree, size=2)
    Project.objects.filter(organization=tree.branch_a1).update(state=ProjectState.SUBMITTED)
    ours = client_for(tree.unit_staff).get(HOME).context["unit"]["waiting"][0]
    theirs = client_for(tree.other_unit_staff).get(HOME).context["unit"]["waiting"][0]
    assert ours > 0 and theirs == Project.objects.filter(
        organization__in=[tree.branch_b1], state=ProjectState.SUBMITTED).count()


def test_a_person_without_a_role_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("nobody", password="x-Pass-2026"))
    assert client.get(HOME).status_code == 403
    client.logout()
    assert client.get(HOME).status_code == 302


@pytest.mark.parametrize("who", ["staff", "unit_staff", "secretary", "reviewer"])
def test_the_overview_runs_the_same_queries_with_three_times_the_rows(tree, client_for, who):
    World(tree, size=2)
    client = client_for(getattr(tree, who))

    def count():
        client.get(HOME)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(HOME).status_code == 200
        return len(queries)

    before = count()
    grow(copies=2)
    assert count() == before


def test_the_units_funding_and_the_staffs_objections_are_the_totals_of_their_lists(tree, client_for):
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from cultivation.enums import CULTIVATED_STATES
    from cultivation.models import FeaturedActivity, Notice, Objection, Spending

    world = World(tree, size=2)
    client = client_for(tree.unit_staff)
    unit = client.get(HOME).context["unit"]
    ours = [p for p in Project.objects.select_related("organization")
            if in_subtree(p.organization.path, tree.unit_a.path) and p.state in CULTIVATED_STATES]
    allocated = sum((a.allocated_budget for a in FeaturedActivity.objects.filter(project__in=ours)), Decimal(0))
    spent = sum((s.amount for s in Spending.objects.filter(activity__project__in=ours)), Decimal(0))
    assert (unit["funding"]["allocated"], unit["funding"]["spent"]) == (allocated, spent) and allocated > 0
    listed_page = client.get(unit["funding_href"]).content.decode()
    assert f'data-testid="total-allocated">{allocated}</td>' in listed_page
    assert f'data-testid="total-spent">{spent}</td>' in listed_page

    today = timezone.localdate()
    notice = Notice.objects.create(batch=world.first, kind="recognition", title="拟认定公示", body="公示",
                                   starts_on=today, ends_on=today + datetime.timedelta(days=5), published_by=tree.staff)
    for answered in (False, False, True):
        Objection.objects.create(notice=notice, name="李四", contact="13800000000", content="异议",
                                 answered_at=timezone.now() if answered else None)
    staff = client_for(tree.staff)
    count, href = staff.get(HOME).context["staff"]["objections"]
    assert count == 2 and listed(staff, href) == 2


def test_task_books_and_pieces_waiting_for_review_equal_their_queues(tree, client_for):
    from dissemination import pieces
    from planning.enums import TaskBookState
    from tests.dissemination.piece_helpers import draft
    from tests.factories import cultivating_project
    from tests.planning.helpers import book_with_tasks

    first, second = cultivating_project(tree.branch_a1), cultivating_project(tree.branch_a2)
    book_with_tasks(first, state=TaskBookState.SUBMITTED)
    book_with_tasks(second, state=TaskBookState.ENDORSED)
    book_with_tasks(cultivating_project(tree.branch_b1), state=TaskBookState.SUBMITTED)  # another unit's
    submitted = pieces.piece_move(piece=draft(tree, first, title="待审稿件"), name="submit", actor=tree.secretary)
    pieces.piece_move(piece=draft(tree, first, title="已审稿件"), name="submit", actor=tree.secretary)
    pieces.piece_move(piece=pieces.PublicityPiece.objects.get(title="已审稿件"), name="endorse", actor=tree.unit_staff)
    for user, key, books, waiting in [(tree.unit_staff, "unit", 1, 1), (tree.staff, "staff", 1, 1)]:
        client = client_for(user)
        section = client.get(HOME).context[key]
        assert section["taskbooks"][0] == books and listed(client, section["taskbooks"][1]) == books
        assert section["pieces"][0] == waiting and listed(client, section["pieces"][1]) == waiting
    assert submitted.state == "submitted"
    other = client_for(tree.other_unit_staff).get(HOME).context["unit"]
    assert other["taskbooks"][0] == 1 and other["pieces"][0] == 0
