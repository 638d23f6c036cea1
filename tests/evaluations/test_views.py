"""List pages run a constant number of queries; navigation follows the role."""

import pytest
from django.urls import reverse

from evaluations import services
from tests.factories import BranchFactory, RoundFactory, round_project


def grow(panel, size):
    for n in range(size):
        project = round_project(BranchFactory(parent=panel.unit_d), panel.round)
        services.assignment_add(round_=panel.round, project=project, reviewer=panel.reviewer_b, actor=panel.tree.staff)
        services.assignment_add(round_=panel.round, project=project, reviewer=panel.reviewer_c, actor=panel.tree.staff)


def count_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 4])
def test_the_reviewer_queue_runs_a_constant_number_of_queries(panel, client_for, size, django_assert_num_queries):
    grow(panel, size)
    client = client_for(panel.reviewer_b)
    # session, user, roles, conflicts, count, page, progress, next, panel-free nav, then the first session save (3)
    count_queries(client, reverse("evaluations:queue"), django_assert_num_queries, 12)


@pytest.mark.parametrize("size", [1, 4])
def test_the_round_page_runs_a_constant_number_of_queries(panel, client_for, size, django_assert_num_queries):
    grow(panel, size)
    client = client_for(panel.tree.staff)
    count_queries(client, reverse("evaluations:round_detail", args=[panel.round.pk]), django_assert_num_queries, 16)


@pytest.mark.parametrize("size", [1, 4])
def test_the_results_page_runs_a_constant_number_of_queries(panel, client_for, size, django_assert_num_queries):
    grow(panel, size)
    client = client_for(panel.tree.staff)
    count_queries(client, reverse("evaluations:round_results", args=[panel.round.pk]), django_assert_num_queries, 13)


@pytest.mark.parametrize("size", [1, 4])
def test_the_round_list_runs_a_constant_number_of_queries(panel, client_for, size, django_assert_num_queries):
    for n in range(size):
        RoundFactory()
    count_queries(client_for(panel.tree.staff), reverse("evaluations:round_list"), django_assert_num_queries, 9)


def test_navigation_follows_the_role(panel, client_for):
    html = client_for(panel.reviewer_b).get(reverse("home")).content.decode()
    assert reverse("evaluations:queue") in html and reverse("evaluations:round_list") not in html
    html = client_for(panel.tree.staff).get(reverse("home")).content.decode()
    assert reverse("evaluations:round_list") in html and 'data-testid="staff-rounds-panel"' in html
    html = client_for(panel.tree.secretary).get(reverse("home")).content.decode()
    assert reverse("evaluations:self_list") in html and f'href="{reverse("evaluations:queue")}"' not in html


def test_secretaries_and_unit_staff_reach_their_results_from_the_menu(panel, client_for):
    link = 'data-testid="nav-branch-results"'
    assert link in client_for(panel.tree.secretary).get(reverse("home")).content.decode()
    assert link in client_for(panel.tree.unit_staff).get(reverse("home")).content.decode()
    assert link not in client_for(panel.reviewer_b).get(reverse("home")).content.decode()
