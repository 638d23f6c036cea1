import datetime

import pytest

from branches.enums import OrgKind
from branches.rules import eligibility_problems
from tests.factories import BranchFactory

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2019, 6, 30)


def test_an_old_declared_branch_is_eligible():
    assert eligibility_problems(BranchFactory(founded_on=datetime.date(2017, 6, 30)), deadline=DEADLINE) == []


def test_a_branch_younger_than_two_years_at_the_deadline_fails():
    problems = eligibility_problems(BranchFactory(founded_on=datetime.date(2017, 7, 1)), deadline=DEADLINE)
    assert len(problems) == 1 and "创建不满2年" in problems[0]


@pytest.mark.parametrize(
    ("field", "words"),
    [("declares_no_violation", "违法乱纪"), ("declares_no_conduct_issue", "师德师风"), ("declares_no_safety_risk", "安全稳定")],
)
def test_each_missing_declaration_is_a_reason(field, words):
    problems = eligibility_problems(BranchFactory(**{field: False}), deadline=DEADLINE)
    assert len(problems) == 1 and words in problems[0]


def test_a_dissolved_branch_without_founding_date_lists_both_reasons():
    problems = eligibility_problems(BranchFactory(is_active=False, founded_on=None), deadline=DEADLINE)
    assert any("撤销" in p for p in problems) and any("成立日期" in p for p in problems)


def test_a_committee_cannot_apply():
    committee = BranchFactory(kind=OrgKind.COMMITTEE)
    assert "只有党支部可以申报" in eligibility_problems(committee, deadline=DEADLINE)
