"""The roster import writes only inside the importer's sub-tree (issue 22, finding 1).

The world: the Tree's school (测试大学党委, `tree.staff` its 组织部) and a second school beside it
(第二大学党委, `staff2` its 组织部), both under a province. A row naming an organization of the other
school, or hanging a row under one, is a row error of the dry run; nothing of the file is written.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from branches import roster
from branches.enums import OrgKind, Role
from branches.models import Event, Organization
from tests.branches.xlsx import row, upload
from tests.factories import BranchFactory, OrganizationFactory, province_over, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(tree):
    """The second school, its unit and branch, and its 组织部 `staff2`."""
    province = province_over(tree)
    school = OrganizationFactory(kind=OrgKind.SCHOOL, code="S2", name="第二大学党委", parent=province)
    unit = OrganizationFactory(code="S2U", name="第二大学文学院党委", parent=school)
    branch = BranchFactory(code="S2B", name="第二大学中文系党支部", parent=unit)
    staff2 = user_with_role(Role.ORG_STAFF, school, username="staff2")
    return type("Second", (), {"province": province, "school": school, "unit": unit, "branch": branch,
                               "staff": staff2})


def post(client, rows, dry_run):
    data = {"file": upload(rows)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("branches:roster_import"), data)


def problems(response):
    """(row, column, message) of each problem the page lists; a successful import redirects instead."""
    assert response.status_code == 200
    page = response.content.decode()
    listed = [(p.row, p.column, p.message) for p in response.context["result"].problems]
    assert all(message in page for _, _, message in listed) and "未写入任何数据" in page
    return listed


def snapshot():
    return list(Organization.objects.order_by("pk").values_list("code", "name", "parent_id", "is_active", "path"))


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_another_schools_staff_cannot_rename_this_schools_branch(tree, second, client_for, dry_run):
    client = client_for(second.staff)  # signing in is an event of its own
    before, events = snapshot(), Event.objects.count()
    code = tree.branch_a1.code
    response = post(client, [row(code, "被改名的党支部", parent=tree.unit_a.code)], dry_run)
    assert problems(response) == [(2, "组织编码", f"组织编码“{code}”不在您管理的组织范围内，不能修改")]
    assert "将新建" not in response.content.decode()
    assert snapshot() == before and Event.objects.count() == events


@pytest.mark.parametrize("rows", [
    # Deactivated, or moved under the importer's own school.
    lambda tree, second: [row(tree.branch_a1.code, tree.branch_a1.name, parent=tree.unit_a.code, status="已撤销")],
    lambda tree, second: [row(tree.branch_a1.code, tree.branch_a1.name, parent=second.unit.code)],
    # The province above both schools, renamed.
    lambda tree, second: [row(second.province.code, "改名的省委教育工委", kind="上级党组织", branch_type="", category="")],
], ids=["deactivate", "re-parent-into-own", "province"])
def test_a_foreign_organization_is_a_row_error_whatever_the_change(tree, second, client_for, rows):
    before = snapshot()
    response = post(client_for(second.staff), rows(tree, second), dry_run=False)
    assert [(number, column) for number, column, _ in problems(response)] == [(2, "组织编码")]
    assert snapshot() == before


@pytest.mark.parametrize("parent", ["foreign", "root"])
def test_a_new_row_must_hang_inside_the_importers_sub_tree(tree, second, client_for, parent):
    code = tree.unit_a.code if parent == "foreign" else ""
    kind = "党支部" if parent == "foreign" else "学校党委"
    before = snapshot()
    response = post(client_for(second.staff), [row("NEW1", "新党支部", kind=kind, parent=code,
                                                   **({} if code else {"branch_type": "", "category": ""}))],
                    dry_run=False)
    [(number, column, message)] = problems(response)
    assert (number, column) == (2, "上级组织编码") and "不在您管理的组织范围内" in message
    assert snapshot() == before


def test_moving_an_own_branch_under_another_school_is_refused(tree, second, client_for):
    before = snapshot()
    rows = [row(second.branch.code, second.branch.name, parent=tree.unit_a.code)]
    response = post(client_for(second.staff), rows, dry_run=False)
    assert problems(response) == [
        (2, "上级组织编码", f"上级组织“{tree.unit_a.code}”不在您管理的组织范围内，不能在其下新建或移入组织")]
    assert snapshot() == before


def test_one_foreign_row_stops_the_whole_file(tree, second, client_for):
    before = snapshot()
    rows = [row("NEW2", "第二大学新党支部", parent=second.unit.code),
            row(tree.branch_b1.code, "被改名的党支部", parent=tree.unit_b.code)]
    response = post(client_for(second.staff), rows, dry_run=False)
    assert [(number, column) for number, column, _ in problems(response)] == [(3, "组织编码")]
    assert snapshot() == before and not Organization.objects.filter(code="NEW2").exists()


def test_the_own_sub_tree_imports_and_its_root_keeps_its_parent(tree, second, client_for):
    rows = [row(second.school.code, "第二大学党委（更名）", kind="学校党委", parent=second.province.code,
                branch_type="", category=""),
            row("NEW3", "第二大学新党支部", parent=second.unit.code),
            row(second.branch.code, second.branch.name, parent=second.school.code)]
    response = post(client_for(second.staff), rows, dry_run=False)
    assert response.status_code == 302
    assert Organization.objects.get(code="NEW3").path.startswith(second.unit.path)
    assert Organization.objects.get(code=second.school.code).name == "第二大学党委（更名）"
    assert Organization.objects.get(code=second.branch.code).parent_id == second.school.pk


def test_the_own_export_reimports_unchanged(tree, second, client_for):
    client = client_for(tree.staff)
    exported = client.get(reverse("branches:roster_export"))
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    before = snapshot()
    response = client.post(reverse("branches:roster_import"), {"file": upload(content=content)})
    assert response.status_code == 302
    assert snapshot() == before


def test_the_check_names_each_foreign_row(tree, second):
    result = roster.check(upload([row("NEW4", "新党支部", parent=second.unit.code),
                                  row(tree.direct.code, "改名", kind="直属党支部", parent=tree.school.code,
                                      category="医疗一线")]), actor=second.staff)
    assert [(p.row, p.column) for p in result.problems] == [(3, "组织编码")]
    assert result.problems[0].message == f"组织编码“{tree.direct.code}”不在您管理的组织范围内，不能修改"


def test_apply_asserts_the_scope_itself(tree, second):
    """A check made for someone else (here the system) does not let `apply` write outside the actor's scope."""
    result = roster.check(upload([row(tree.branch_a1.code, "被改名的党支部", parent=tree.unit_a.code)]), actor=None)
    assert result.ok
    with pytest.raises(PermissionDenied):
        roster.apply(result, actor=second.staff)
    assert Organization.objects.get(pk=tree.branch_a1.pk).name == tree.branch_a1.name


def test_the_command_acts_for_no_user_and_may_write_anywhere(tree, second):
    result = roster.check(upload([row(tree.branch_a1.code, "改名的党支部", parent=tree.unit_a.code)]), actor=None)
    assert roster.apply(result, actor=None)["updated"] == 1
