"""Whose experts a round may draw on (the 评审专家库): a 评审专家 role sits on an organization, and a round
uses the experts whose role lies in its batch owner's sub-tree (its own) or on an organization above the
owner (the province's, the ministry's). A school's round never draws another school's experts; a
province's round draws on every school of the province, never on another province's."""

import pytest
from django.urls import reverse

from branches.enums import OrgKind
from evaluations import rules, selectors, services
from evaluations.models import ScoreSheet
from transitions.refusals import MoveRefused
from tests.factories import (BatchFactory, OrganizationFactory, RoundFactory, province_over, reviewer_in,
                             round_project)

pytestmark = pytest.mark.django_db


class Pools:
    def __init__(self, tree):
        self.tree = tree
        self.province = province_over(tree)
        self.second = OrganizationFactory(kind=OrgKind.SCHOOL, name="第二大学党委", parent=self.province)
        self.second_reviewer = reviewer_in(OrganizationFactory(name="第二大学理学院党委", parent=self.second),
                                           username="second_expert", first_name="第二大学专家")
        self.province_reviewer = reviewer_in(self.province, username="province_expert", first_name="省级专家")
        elsewhere = OrganizationFactory(kind=OrgKind.SCHOOL, name="外省大学党委")
        self.foreign_reviewer = reviewer_in(OrganizationFactory(name="外省大学文学院党委", parent=elsewhere),
                                            username="foreign_expert", first_name="外省专家")
        tree.reviewer.refresh_from_db()
        self.school_round = RoundFactory(batch=BatchFactory(owner=tree.school))
        self.school_project = round_project(tree.branch_a1, self.school_round)
        self.province_round = RoundFactory(batch=BatchFactory(owner=self.province, name="省级样板党支部中期评估"))


@pytest.fixture
def pools(tree):
    return Pools(tree)


def usernames(users):
    return {user.username for user in users}


def test_a_school_round_draws_on_its_own_experts_and_those_above_it(pools):
    assert usernames(selectors.reviewers(pools.school_round)) == {"reviewer", "province_expert"}


def test_a_province_round_draws_on_its_schools_and_never_on_another_province(pools):
    assert usernames(selectors.reviewers(pools.province_round)) == {"reviewer", "second_expert", "province_expert"}


def test_assigning_another_school_s_expert_by_hand_is_refused(pools):
    for outsider in (pools.second_reviewer, pools.foreign_reviewer):
        assert "评审专家库" in rules.assignable_problem(outsider, pools.school_project)
        with pytest.raises(MoveRefused, match="不在本轮的评审专家库中"):
            services.assignment_add(round_=pools.school_round, project=pools.school_project, reviewer=outsider,
                                    actor=pools.tree.staff)
    assert not ScoreSheet.objects.exists()
    sheet = services.assignment_add(round_=pools.school_round, project=pools.school_project,
                                    reviewer=pools.province_reviewer, actor=pools.tree.staff)
    assert sheet.reviewer == pools.province_reviewer


def test_automatic_assignment_never_reaches_outside_the_pool(pools):
    made, shortfalls = services.assignments_auto(round_=pools.school_round, actor=pools.tree.staff)
    assert usernames(sheet.reviewer for sheet in made) == {"reviewer", "province_expert"}
    assert [(p.pk, n) for p, n in shortfalls] == [(pools.school_project.pk, 1)]


def test_the_round_page_offers_only_the_pool(pools, client_for):
    page = client_for(pools.tree.staff).get(reverse("evaluations:round_detail", args=[pools.school_round.pk]))
    text = page.content.decode()
    assert "省级专家" in text
    assert "第二大学专家" not in text and "外省专家" not in text


def test_the_page_refuses_an_outsider_posted_by_hand_with_the_reason(pools, client_for):
    response = client_for(pools.tree.staff).post(
        reverse("evaluations:round_assign", args=[pools.school_round.pk]),
        {"project": pools.school_project.pk, "reviewer": pools.second_reviewer.pk}, follow=True)
    assert "不在本轮的评审专家库中" in response.content.decode()
    assert not ScoreSheet.objects.exists()
