"""Assignment by hand and automatically, and the 回避 rule through every path: service, page, admin."""

import pytest
from django.urls import reverse

from branches.enums import Role
from branches.models import Event, RoleAssignment
from cultivation.workflow import MoveRefused
from evaluations import rules, selectors, services
from evaluations.enums import SheetState
from evaluations.models import ScoreSheet
from notifications.models import Notification
from tests.factories import BranchFactory, round_project, user_with_role


def test_a_reviewer_is_assigned_and_told_of_the_deadline(panel):
    sheet = services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                                    actor=panel.tree.staff)
    assert sheet.state == SheetState.ASSIGNED
    note = Notification.objects.get(user=panel.reviewer_b)
    assert panel.round.deadline.strftime("%Y年%m月%d日") in note.body
    assert Event.objects.filter(action="sheet.assigned", object_id=str(sheet.pk)).exists()


def test_the_service_refuses_a_reviewer_of_the_branchs_own_unit(panel):
    with pytest.raises(MoveRefused, match="同一二级党组织"):
        services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_a,
                                actor=panel.tree.staff)
    assert not ScoreSheet.objects.exists()


def test_the_unit_rule_holds_below_a_general_branch(panel):
    # 甲二党支部 sits under 甲学院临床党总支 inside 甲学院党委: still the reviewer's own unit.
    project = round_project(panel.tree.branch_a2, panel.round)
    assert rules.conflict_reason(panel.reviewer_a, project)
    with pytest.raises(MoveRefused):
        services.assignment_add(round_=panel.round, project=project, reviewer=panel.reviewer_a, actor=panel.tree.staff)


def test_the_service_refuses_a_declared_conflict(panel):
    services.conflict_declare(reviewer=panel.reviewer_c, organization=panel.tree.unit_a, reason="本人曾任该院党委委员",
                              actor=panel.reviewer_c)
    with pytest.raises(MoveRefused, match="申报"):
        services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_c,
                                actor=panel.tree.staff)


def test_declaring_a_conflict_withdraws_live_assignments(panel):
    sheet = services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_c,
                                    actor=panel.tree.staff)
    services.conflict_declare(reviewer=panel.reviewer_c, organization=panel.tree.branch_a1, reason="近亲属在该支部",
                              actor=panel.reviewer_c)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.WITHDRAWN
    assert not selectors.reviewer_sheets(panel.reviewer_c).exists()


def test_only_staff_assign(panel):
    with pytest.raises(MoveRefused):
        services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                                actor=panel.tree.unit_staff)


def test_a_user_without_the_reviewer_role_cannot_be_assigned(panel):
    with pytest.raises(MoveRefused, match="不是评审专家"):
        services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.tree.other_unit_staff,
                                actor=panel.tree.staff)


def test_the_same_reviewer_is_not_assigned_twice(panel):
    services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                            actor=panel.tree.staff)
    with pytest.raises(MoveRefused, match="已分配"):
        services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                                actor=panel.tree.staff)


def test_automatic_assignment_fills_each_panel_balances_load_and_never_breaks_the_rule(panel):
    extra = [round_project(BranchFactory(parent=unit), panel.round)
             for unit in (panel.unit_c, panel.unit_d, panel.tree.unit_a, panel.tree.unit_b)]
    made, shortfalls = services.assignments_auto(round_=panel.round, actor=panel.tree.staff)
    assert not shortfalls
    sheets = list(ScoreSheet.objects.select_related("project__organization", "reviewer"))
    assert len(made) == len(sheets) == 3 * (2 + len(extra))
    for sheet in sheets:
        assert rules.conflict_reason(sheet.reviewer, sheet.project) is None
    loads = {}
    for sheet in sheets:
        loads[sheet.reviewer_id] = loads.get(sheet.reviewer_id, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 2
    # Each reviewer hears once, with the count.
    assert Notification.objects.filter(user=panel.reviewer_d).count() == 1
    # A second run has nothing left to do.
    assert services.assignments_auto(round_=panel.round, actor=panel.tree.staff) == ([], [])


def test_automatic_assignment_reports_a_shortfall(panel):
    panel.round.reviewers_per_project = 5
    panel.round.save()
    made, shortfalls = services.assignments_auto(round_=panel.round, actor=panel.tree.staff)
    # Five reviewers, one in each project's unit: four eligible for each project.
    assert {(p.pk, n) for p, n in shortfalls} == {(panel.project_a.pk, 1), (panel.project_b.pk, 1)}


def test_the_page_refuses_a_conflicted_assignment(panel, client_for):
    response = client_for(panel.tree.staff).post(
        reverse("evaluations:round_assign", args=[panel.round.pk]),
        {"project": panel.project_a.pk, "reviewer": panel.reviewer_a.pk}, follow=True)
    assert "同一二级党组织" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_the_page_assigns(panel, client_for):
    client_for(panel.tree.staff).post(reverse("evaluations:round_assign", args=[panel.round.pk]),
                                      {"project": panel.project_a.pk, "reviewer": panel.reviewer_c.pk})
    assert ScoreSheet.objects.filter(reviewer=panel.reviewer_c, project=panel.project_a).exists()


def test_the_admin_refuses_a_conflicted_assignment(panel, client_for):
    panel.tree.staff.is_staff = panel.tree.staff.is_superuser = True
    panel.tree.staff.save()
    client = client_for(panel.tree.staff)
    url = reverse("admin:evaluations_scoresheet_add")
    response = client.post(url, {"round": panel.round.pk, "project": panel.project_a.pk,
                                 "reviewer": panel.reviewer_a.pk})
    assert response.status_code == 200
    assert "同一二级党组织" in response.content.decode()
    assert not ScoreSheet.objects.exists()
    response = client.post(url, {"round": panel.round.pk, "project": panel.project_a.pk,
                                 "reviewer": panel.reviewer_c.pk})
    assert response.status_code == 302
    assert ScoreSheet.objects.get().reviewer == panel.reviewer_c
    assert Notification.objects.filter(user=panel.reviewer_c).exists()


def test_a_conflicted_reviewer_never_sees_a_forced_assignment(panel):
    # Written straight to the table, around the services: the selector still hides it.
    ScoreSheet.objects.create(round=panel.round, project=panel.project_a, reviewer=panel.reviewer_a)
    assert not selectors.reviewer_sheets(panel.reviewer_a).exists()
    assert not selectors.readable_project_ids(panel.reviewer_a).exists()


def test_an_assigned_reviewer_may_read_the_projects_materials(panel):
    from cultivation.models import Project

    services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                            actor=panel.tree.staff)
    readable = set(Project.objects.readable_by(panel.reviewer_b).values_list("pk", flat=True))
    assert readable == {panel.project_a.pk}


def test_a_reviewer_holding_a_school_level_role_has_no_unit(panel):
    reviewer = user_with_role(Role.REVIEWER, panel.tree.school)
    assert rules.reviewer_units(reviewer) == []
    assert rules.conflict_reason(reviewer, panel.project_a) is None


def test_withdrawn_assignments_can_be_made_again(panel):
    sheet = services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                                    actor=panel.tree.staff)
    services.sheet_withdraw(sheet=sheet, actor=panel.tree.staff)
    again = services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                                    actor=panel.tree.staff)
    assert again.pk == sheet.pk and again.state == SheetState.ASSIGNED


# A reviewer's other roles count for 回避 as much as their 评审专家 role: the branch's own 支部书记, or staff
# of its 二级党组织, is the very person whose work is being judged.
OTHER_ROLES = [(Role.SECRETARY, "branch_a1"), (Role.SECRETARY, "branch_a2"), (Role.UNIT_STAFF, "unit_a"),
               (Role.UNIT_STAFF, "general")]


@pytest.mark.parametrize("role, where", OTHER_ROLES)
def test_a_reviewer_who_serves_the_branch_or_its_unit_in_another_role_is_refused(panel, role, where):
    RoleAssignment.objects.create(user=panel.reviewer_c, role=role, organization=getattr(panel.tree, where))
    rules.forget(panel.reviewer_c)
    with pytest.raises(MoveRefused, match="回避"):
        services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_c,
                                actor=panel.tree.staff)
    assert not ScoreSheet.objects.exists()
    # ...and a sheet forced in around the services never reaches them.
    ScoreSheet.objects.create(round=panel.round, project=panel.project_a, reviewer=panel.reviewer_c)
    assert not selectors.reviewer_sheets(panel.reviewer_c).exists()


def test_the_refusal_names_the_role_the_reviewer_holds_on_the_branch(panel):
    RoleAssignment.objects.create(user=panel.reviewer_c, role=Role.SECRETARY, organization=panel.tree.branch_a1)
    assert "支部书记" in rules.conflict_reason(panel.reviewer_c, panel.project_a)


def test_automatic_assignment_skips_a_reviewer_who_serves_the_branch_in_another_role(panel):
    RoleAssignment.objects.create(user=panel.reviewer_c, role=Role.SECRETARY, organization=panel.tree.branch_a1)
    RoleAssignment.objects.create(user=panel.reviewer_d, role=Role.UNIT_STAFF, organization=panel.tree.unit_a)
    made, shortfalls = services.assignments_auto(round_=panel.round, actor=panel.tree.staff)
    panel_a = set(ScoreSheet.objects.filter(project=panel.project_a).values_list("reviewer__username", flat=True))
    assert panel_a == {"reviewer", "expert_c2"}
    assert [(p.pk, n) for p, n in shortfalls] == [(panel.project_a.pk, 1)]


def test_the_conflict_notice_reads_well_with_and_without_withdrawn_sheets(panel):
    # A reason ending in its own full stop must not be doubled; with nothing withdrawn, no "0 个".
    services.conflict_declare(reviewer=panel.reviewer_c, organization=panel.tree.unit_b, reason="本人曾任该院党委委员。",
                              actor=panel.reviewer_c)
    bodies = list(Notification.objects.values_list("body", flat=True))
    assert bodies and all("。。" not in body and " 0 个" not in body and "补充分配" not in body for body in bodies)
    Notification.objects.all().delete()
    services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_c,
                            actor=panel.tree.staff)
    Notification.objects.all().delete()
    services.conflict_declare(reviewer=panel.reviewer_c, organization=panel.tree.branch_a1, reason="近亲属在该支部",
                              actor=panel.reviewer_c)
    bodies = list(Notification.objects.values_list("body", flat=True))
    assert bodies and all("原因：近亲属在该支部。已撤回相关评审任务 1 个，请补充分配。" == body for body in bodies)
