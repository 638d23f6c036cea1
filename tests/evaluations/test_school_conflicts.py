"""回避 across schools: in a province's round an expert reviews no branch of their own school (in a
school's own batch every branch is of that school, so there only the 二级党组织 rule applies)."""

import pytest
from django.urls import reverse

from branches.enums import OrgKind, Role
from evaluations import rules, selectors, services
from evaluations.models import ScoreSheet
from tests.factories import (BatchFactory, BranchFactory, OrganizationFactory, RoundFactory, province_over,
                             round_project, user_with_role)

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(tree):
    province = province_over(tree)
    second = OrganizationFactory(kind=OrgKind.SCHOOL, name="第二大学党委", parent=province)
    unit = OrganizationFactory(name="第二大学文学院党委", parent=second)
    tree.second_branch = BranchFactory(name="文学院第一党支部", parent=unit)
    tree.province_staff = user_with_role(Role.ORG_STAFF, province, username="province")
    other_unit = OrganizationFactory(name="第二大学理学院党委", parent=second)
    tree.second_reviewer = user_with_role(Role.REVIEWER, other_unit, username="reviewer_second")
    round_ = RoundFactory(batch=BatchFactory(owner=province, name="省级样板党支部中期评估"))
    return round_


def test_an_expert_may_not_review_a_branch_of_their_own_school_in_a_province_round(tree, province):
    own = round_project(tree.branch_a1, province)  # the tree's reviewer sits in 乙学院党委 of the same school
    other = round_project(tree.second_branch, province)
    assert "同一学校" in rules.conflict_reason(tree.reviewer, own)
    assert rules.conflict_reason(tree.reviewer, other) is None
    assert "同一学校" in rules.conflict_reason(tree.second_reviewer, other)
    with pytest.raises(services.MoveRefused, match="同一学校"):
        services.assignment_add(round_=province, project=own, reviewer=tree.reviewer, actor=tree.province_staff)
    assert services.assignment_add(round_=province, project=other, reviewer=tree.reviewer,
                                   actor=tree.province_staff).reviewer == tree.reviewer


def test_in_the_school_s_own_round_only_the_unit_rule_applies(tree, province):
    school_round = RoundFactory(batch=BatchFactory(owner=tree.school))
    project = round_project(tree.branch_a1, school_round)
    assert rules.conflict_reason(tree.reviewer, project) is None


def test_automatic_assignment_draws_experts_across_schools_and_skips_their_own(tree, province):
    own = round_project(tree.branch_a1, province)
    other = round_project(tree.second_branch, province)
    services.assignments_auto(round_=province, actor=tree.province_staff)
    sheets = set(ScoreSheet.objects.filter(round=province).values_list("project_id", "reviewer__username"))
    assert (own.pk, "reviewer_second") in sheets and (other.pk, "reviewer") in sheets
    assert (own.pk, "reviewer") not in sheets and (other.pk, "reviewer_second") not in sheets


def test_a_sheet_forced_in_by_hand_never_reaches_the_expert(tree, province, client):
    own = round_project(tree.branch_a1, province)
    ScoreSheet.objects.create(round=province, project=own, reviewer=tree.reviewer, assigned_by=tree.province_staff)
    assert not selectors.reviewer_sheets(tree.reviewer).exists()
    client.force_login(tree.reviewer)
    url = reverse("evaluations:sheet", args=[province.pk, own.pk])
    assert client.get(url).status_code == 404
