"""A round belongs to its batch's owner (主办单位): only 组织部 staff over that owner see and run it.

Two schools side by side: the Tree's 测试大学党委 and a 第二大学党委 with a branch and staff of its own,
a mid-term round in a batch of each. The second school's staff get 404 on every round URL of the first
and see none of its rounds; every service refuses them; the first school's staff still do it all.
"""

import datetime
import io

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from branches import access
from branches.enums import OrgKind, Role
from branches.models import Event, RoleAssignment
from cultivation.models import Notice
from evaluations import rules, selectors, services, sheets
from evaluations.enums import RoundState, SheetState
from evaluations.machines import ROUND_MACHINE, SHEET_MACHINE
from evaluations.models import Round, ScoreSheet
from notifications.models import Notification
from tests.factories import (BatchFactory, BranchFactory, OrganizationFactory, RoundFactory, UserFactory, full_scores,
                             materials_for, reviewer_in, round_project, seven_rubric, submitted_sheet, user_with_role)
from transitions import engine
from transitions.refusals import MoveRefused, NotAllowed

SCOPE = "本单位"


class Schools:
    """The Tree's school with a round of its own batch, and a second school with its own."""

    def __init__(self, tree):
        self.tree = tree
        self.staff = tree.staff
        self.second = OrganizationFactory(kind=OrgKind.SCHOOL, name="第二大学党委")
        self.second_unit = OrganizationFactory(name="第二大学文学院党委", parent=self.second)
        self.second_branch = BranchFactory(name="文学院第一党支部", parent=self.second_unit)
        self.second_staff = user_with_role(Role.ORG_STAFF, self.second, username="staff_second")
        # An expert of the first school's pool (评审专家库), with no sheet yet.
        self.extra_reviewer = reviewer_in(OrganizationFactory(name="丙学院党委", parent=tree.school),
                                          username="expert_c")
        # The Tree's reviewer is also one of the second school's experts (a role in each pool), so one
        # person holds a sheet in each school's round.
        RoleAssignment.objects.create(user=tree.reviewer, role=Role.REVIEWER,
                                      organization=OrganizationFactory(name="第二大学理学院党委", parent=self.second))
        access.forget(tree.reviewer)
        self.round = RoundFactory(batch=BatchFactory(owner=tree.school), name="测试大学中期评估")
        self.project = round_project(tree.branch_a1, self.round)
        self.sheet = submitted_sheet(self.round, self.project, tree.reviewer, staff=self.staff)
        self.second_round = RoundFactory(batch=BatchFactory(owner=self.second), name="第二大学中期评估")
        self.second_project = round_project(self.second_branch, self.second_round)
        self.second_sheet = submitted_sheet(self.second_round, self.second_project, tree.reviewer,
                                            staff=self.second_staff)

    def close(self):
        materials_for(self.project, "conclude_midterm", user=self.staff)
        self.round = services.round_move(round_=self.round, name="close", actor=self.staff)
        return self.round


@pytest.fixture
def schools(tree):
    return Schools(tree)


def snapshot():
    """Everything a refused request must leave as it was."""
    return (list(Round.objects.order_by("pk").values_list("pk", "state", "version", "name", "deadline")),
            list(ScoreSheet.objects.order_by("pk").values_list("pk", "state", "version", "percent")),
            Event.objects.count(), Notice.objects.count())


# ---- pages -----------------------------------------------------------------------------------

def _round(s):
    return {"pk": s.round.pk}


def _closed_round(s):
    s.close()
    return {"pk": s.round.pk}


def _result(s):
    return {"pk": s.round.pk, "project_pk": s.project.pk}


def _sheet(s):
    return {"pk": s.sheet.pk}


def _settings(s):
    return {"name": "测试大学中期评估（调整）", "rubric": s.round.rubric_id,
            "deadline": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
            "reviewers_per_project": 4, "method": "mean", "trim_min_count": 5, "excellent_min": 90, "good_min": 80,
            "pass_min": 60}


def _assign(s):
    return {"project": s.project.pk, "reviewer": s.extra_reviewer.pk}


def _reason(s):
    return {"reason": "评分与评语不符"}


def _publish(s):
    return {"title": "中期评估结果公示", "body": "现予公示", "starts_on": timezone.localdate().isoformat(),
            "version": s.round.version}


def _workbook(s):
    buffer = io.BytesIO()
    sheets.export_workbook(s.round, buffer)
    return {"file": SimpleUploadedFile("矩阵.xlsx", buffer.getvalue()), "dry_run": "on"}


# (URL name, method, kwargs, data, the own school's answer)
CASES = [
    ("round_detail", "get", _round, None, 200),
    ("round_edit", "get", _round, None, 200),
    ("round_edit", "post", _round, _settings, 302),
    ("round_assign", "post", _round, _assign, 302),
    ("round_auto_assign", "post", _round, None, 302),
    ("round_close", "post", _round, None, 302),
    ("round_reopen", "post", _closed_round, _reason, 302),
    ("round_results", "get", _round, None, 200),
    ("result_detail", "get", _result, None, 200),
    ("round_publish", "get", _closed_round, None, 200),
    ("round_publish", "post", _closed_round, _publish, 302),
    ("round_export", "get", _round, None, 200),
    ("round_import", "get", _round, None, 200),
    ("round_import", "post", _round, _workbook, 200),  # a dry run: the checked rows, nothing written
    ("sheet_reopen", "post", _sheet, _reason, 302),
    ("sheet_withdraw", "post", _sheet, None, 302),
]
IDS = [f"{name}-{method}" for name, method, *_ in CASES]


def _request(client, schools, case):
    name, method, kwargs, data, _ = case
    url = reverse(f"evaluations:{name}", kwargs=kwargs(schools))
    payload = data(schools) if data else {}
    return client.get(url) if method == "get" else client.post(url, payload)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_another_schools_staff_get_404_on_every_round_url(schools, client_for, case):
    client = client_for(schools.second_staff)
    name, method, kwargs, data, _ = case
    url = reverse(f"evaluations:{name}", kwargs=kwargs(schools))
    payload = data(schools) if data else {}
    before = snapshot()
    response = client.get(url) if method == "get" else client.post(url, payload)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_owning_schools_staff_still_succeed(schools, client_for, case):
    response = _request(client_for(schools.staff), schools, case)
    assert response.status_code == case[4]
    if response.status_code == 302:
        assert "/login" not in response["Location"]
        refusals = [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]
        assert not refusals, refusals


def test_the_owning_schools_moves_take_effect(schools, client_for):
    client = client_for(schools.staff)
    client.post(reverse("evaluations:sheet_withdraw", args=[schools.sheet.pk]))
    assert ScoreSheet.objects.get(pk=schools.sheet.pk).state == SheetState.WITHDRAWN
    client.post(reverse("evaluations:round_close", args=[schools.round.pk]))
    assert Round.objects.get(pk=schools.round.pk).state == RoundState.CLOSED


def test_the_round_list_and_home_panel_show_only_managed_rounds(schools, client_for):
    mine = reverse("evaluations:round_detail", args=[schools.round.pk])
    theirs = reverse("evaluations:round_detail", args=[schools.second_round.pk])
    for page in ("evaluations:round_list", "home"):
        html = client_for(schools.second_staff).get(reverse(page)).content.decode()
        assert theirs in html and mine not in html and schools.round.name not in html, page
        html = client_for(schools.staff).get(reverse(page)).content.decode()
        assert mine in html and theirs not in html and schools.second_round.name not in html, page


def test_the_selectors_answer_only_for_managed_rounds(schools):
    assert list(selectors.round_list(schools.second_staff)) == [schools.second_round]
    assert schools.round not in selectors.open_rounds_overview(schools.second_staff)
    assert set(selectors.round_list(UserFactory(is_superuser=True))) == {schools.round, schools.second_round}
    assert not selectors.round_list(schools.tree.unit_staff).exists()


def test_the_round_form_offers_only_managed_batches(schools, client_for):
    client = client_for(schools.second_staff)
    form = client.get(reverse("evaluations:round_create")).context["form"]
    assert list(form.fields["batch"].queryset) == [schools.second_round.batch]
    data = {"batch": schools.round.batch_id, "phase": "midterm", "name": "越权新建", "rubric": seven_rubric().pk,
            "deadline": timezone.localdate().isoformat(), "reviewers_per_project": 3, "method": "trimmed",
            "trim_min_count": 5, "excellent_min": 90, "good_min": 80, "pass_min": 60}
    response = client.post(reverse("evaluations:round_create"), data)
    assert response.status_code == 200 and "所选批次不存在" in response.content.decode()
    assert not Round.objects.filter(name="越权新建").exists()


# ---- services --------------------------------------------------------------------------------

def _settings_call(s, actor):
    return services.round_update(round_=s.round, actor=actor, name="越权修改")


SERVICE_CALLS = {
    "round_create": lambda s, actor: services.round_create(
        actor=actor, batch=s.round.batch, phase="midterm", name="越权新建", rubric=s.round.rubric,
        deadline=s.round.deadline),
    "round_update": _settings_call,
    "round_move": lambda s, actor: services.round_move(round_=s.round, name="close", actor=actor),
    "round_publish": lambda s, actor: services.round_publish(
        round_=s.round, actor=actor, title="公示", body="现予公示", starts_on=timezone.localdate()),
    "assignment_add": lambda s, actor: services.assignment_add(
        round_=s.round, project=s.project, reviewer=s.extra_reviewer, actor=actor),
    "assignments_auto": lambda s, actor: services.assignments_auto(round_=s.round, actor=actor),
    "sheet_reopen": lambda s, actor: services.sheet_reopen(sheet=s.sheet, actor=actor, reason="评分与评语不符"),
    "sheet_withdraw": lambda s, actor: services.sheet_withdraw(sheet=s.sheet, actor=actor),
    "sheet_record": lambda s, actor: services.sheet_record(
        round_=s.round, project=s.project, reviewer=s.extra_reviewer, values=full_scores(s.round, s.project),
        comment="", actor=actor),
    "import": lambda s, actor: sheets.apply(sheets.ImportCheck(), round_=s.round, actor=actor),
}


CLOSED_FIRST = {"round_publish"}


@pytest.mark.parametrize("name", SERVICE_CALLS)
def test_every_service_refuses_another_schools_staff(schools, name):
    if name in CLOSED_FIRST:
        schools.close()
    before = snapshot()
    with pytest.raises(MoveRefused, match=SCOPE):
        SERVICE_CALLS[name](schools, schools.second_staff)
    assert snapshot() == before


@pytest.mark.parametrize("name", SERVICE_CALLS)
def test_every_service_still_serves_the_owning_schools_staff(schools, name):
    if name in CLOSED_FIRST:
        schools.close()
    SERVICE_CALLS[name](schools, schools.staff)


def test_the_machines_give_the_staff_role_only_over_the_owner(schools):
    round_ = Round.objects.select_related("batch__owner").get(pk=schools.round.pk)
    assert isinstance(engine.refusal(ROUND_MACHINE, schools.second_staff, round_, "close"), NotAllowed)
    assert engine.refusal(ROUND_MACHINE, schools.staff, round_, "close") is None
    sheet = ScoreSheet.objects.select_related("round__batch__owner").get(pk=schools.sheet.pk)
    assert isinstance(engine.refusal(SHEET_MACHINE, schools.second_staff, sheet, "withdraw"), NotAllowed)
    assert engine.refusal(SHEET_MACHINE, schools.staff, sheet, "withdraw") is None
    assert rules.may_manage_round(UserFactory(is_superuser=True), round_)


def test_only_the_owners_staff_hear_that_every_score_is_in(schools):
    title = f"{schools.round.name}：全部评分已提交"
    assert Notification.objects.filter(user=schools.staff, title=title).exists()
    assert not Notification.objects.filter(user=schools.second_staff, title=title).exists()


# ---- conflicts -------------------------------------------------------------------------------

def test_staff_declare_conflicts_only_for_organizations_they_run(schools):
    reviewer = schools.tree.reviewer
    with pytest.raises(MoveRefused, match=SCOPE):
        services.conflict_declare(reviewer=reviewer, organization=schools.tree.branch_a1, reason="近亲属在该支部",
                                  actor=schools.second_staff)
    assert ScoreSheet.objects.get(pk=schools.sheet.pk).state == SheetState.SUBMITTED
    services.conflict_declare(reviewer=reviewer, organization=schools.second_branch, reason="近亲属在该支部",
                              actor=schools.second_staff)
    assert ScoreSheet.objects.get(pk=schools.second_sheet.pk).state == SheetState.WITHDRAWN
    assert ScoreSheet.objects.get(pk=schools.sheet.pk).state == SheetState.SUBMITTED
    # The declaration is heard of by the second school's staff, not by the first's.
    assert not Notification.objects.filter(user=schools.staff, title__contains="申报回避").exists()


def test_a_reviewer_declares_their_own_conflicts_anywhere(schools):
    services.conflict_declare(reviewer=schools.tree.reviewer, organization=schools.tree.branch_a1,
                              reason="近亲属在该支部", actor=schools.tree.reviewer)
    assert ScoreSheet.objects.get(pk=schools.sheet.pk).state == SheetState.WITHDRAWN


def test_a_schools_staff_cannot_withdraw_sheets_of_a_round_run_above_them(tree):
    # A province's 教育工委 runs a batch over a school beneath it: the school's staff run the branch but
    # not the round, so they may not withdraw its sheets by declaring a conflict; the province may.
    province = OrganizationFactory(kind=OrgKind.UPPER, name="某省委教育工委")
    school = OrganizationFactory(kind=OrgKind.SCHOOL, name="第三大学党委", parent=province)
    branch = BranchFactory(name="第三大学第一党支部", parent=OrganizationFactory(name="第三大学理学院党委", parent=school))
    province_staff = user_with_role(Role.ORG_STAFF, province, username="staff_province")
    school_staff = user_with_role(Role.ORG_STAFF, school, username="staff_third")
    expert = reviewer_in(province, username="expert_province")  # of the province's pool
    round_ = RoundFactory(batch=BatchFactory(owner=province), name="全省中期评估")
    sheet = services.assignment_add(round_=round_, project=round_project(branch, round_), reviewer=expert,
                                    actor=province_staff)
    with pytest.raises(MoveRefused, match="某省委教育工委主办"):
        services.conflict_declare(reviewer=expert, organization=branch, reason="近亲属在该支部",
                                  actor=school_staff)
    assert ScoreSheet.objects.get(pk=sheet.pk).state == SheetState.ASSIGNED
    with pytest.raises(MoveRefused, match=SCOPE):
        services.assignment_add(round_=round_, project=sheet.project, reviewer=reviewer_in(school), actor=school_staff)
    services.conflict_declare(reviewer=expert, organization=branch, reason="近亲属在该支部",
                              actor=province_staff)
    assert ScoreSheet.objects.get(pk=sheet.pk).state == SheetState.WITHDRAWN
