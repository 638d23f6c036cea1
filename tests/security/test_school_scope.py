"""Two schools under one province: the staff of one never reach the other's batches, projects, notices
or rounds, and the province's staff reach both (issue 10).

The world is the access matrix's (tests.factories.Tree().with_reviewers(), 测试大学党委), grown upward
under a province, with a second school beside it:

    省委教育工委 (OrgKind.UPPER)                 province_staff: its 组织部
    ├── 测试大学党委 (the Tree)                   org_staff and the matrix's other roles
    └── 第二大学党委                              other_school_staff: its 组织部
        └── 第二大学文学院党委 → 第二大学中文系党支部

1. Objects. Every matrix row (tests/security/matrix_*.py) with an object whose own-object answer for
   `org_staff` is a success (200 or a redirect) while a visitor's is not (a staff or scoped page, not
   a public one) is requested on the own object, which belongs to 测试大学党委:
   - as `other_school_staff`, it answers 404. Not 403, even where the row answers 403 to the roles
     that are not 组织部: in the matrix, 403 means "a page your role may never use" (the role gate,
     e.g. require_staff, turns them away before any object is looked up) and 404 means "an object you
     may not see". `other_school_staff` holds the 组织部 role, so every one of these pages is theirs to
     use on their own school's objects; this object is another school's, so its existence stays
     hidden (a lookup through Batch.objects.managed_by / visible_to, Project.objects.visible_to or
     the organization scope finds nothing).
   - as `province_staff`, it gives exactly `org_staff`'s answer: the province oversees its schools.
     (The one form that asks them more than a school's staff, the batch form's 主办单位, gets it:
     PROVINCE_DATA.)
   Each request runs like test_access_matrix's (its `check`): in a savepoint rolled back afterwards,
   a refusal must write nothing and leave a record in the branches.access log.
2. Lists. The pages without an object that a 组织部 account opens (home, organization list and
   roster export, event log, batches, the batch and round forms' choices, projects, staff notices,
   every tab of the progress reports, rounds) show, as `other_school_staff`, none of 测试大学党委's
   organization, batch, notice or round names; as `org_staff` each shows some, so the check is not
   vacuous.
"""

import dataclasses
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from branches import access
from branches.enums import OrgKind, Role
from branches.models import Organization
from branches.services import refresh_tree
from cultivation import services as cultivation_services
from cultivation.models import Batch, Notice, NoticeItem, Project
from cultivation.reports.selectors import TABS
from evaluations.models import Round
from tests.cultivation.helpers import batch_in, start_for
from tests.factories import (BranchFactory, OrganizationFactory, ProjectFactory, RoundFactory, Tree, batch_windows,
                             cultivating_batch, cultivating_project, progress_report, user_with_role)

from .matrix import NOT_FOUND, SUCCESS, World, all_rows
from .test_access_matrix import check

ROWS = all_rows()
# Today's matrix has this many such rows; a refactor that silently drops them fails the meta-check.
MIN_SCOPED_ROWS = 50
# A province's batch is every school's to recommend into: another school's 组织部 opens its recommending
# page too (offered only its own branches, tests/cultivation/test_province_batch.py), and the province,
# which runs the batch, does not recommend into it. These rows are the province's batch, not a school's.
SHARED = {"cultivation:recommend_up"}
SCOPED = [row for row in ROWS
          if row.kwargs and row.own["org_staff"] in SUCCESS and row.own["anonymous"] not in SUCCESS
          and row.name not in SHARED]


class TwoSchools(World):
    """The matrix's world, under a province and beside a second school (see the module docstring)."""

    ROLES = ("other_school_staff", "province_staff")

    def __init__(self, tree):
        super().__init__(tree)
        self.province = OrganizationFactory(kind=OrgKind.UPPER, name="省委教育工委")
        # The tree grows upward (tests/branches/test_tree.py): the school becomes the province's child.
        Organization.objects.filter(pk=tree.school.pk).update(parent=self.province)
        refresh_tree([tree.school])
        for value in vars(tree).values():
            if isinstance(value, Organization):
                value.refresh_from_db()
            else:
                access.forget(value)  # a user's assignments, read before the move, held the old paths
        self.second_school = OrganizationFactory(kind=OrgKind.SCHOOL, name="第二大学党委", parent=self.province)
        self.second_unit = OrganizationFactory(name="第二大学文学院党委", parent=self.second_school)
        self.second_branch = BranchFactory(name="第二大学中文系党支部", parent=self.second_unit)
        self.other_school_staff = user_with_role(Role.ORG_STAFF, self.second_school, username="other_school_staff")
        self.province_staff = user_with_role(Role.ORG_STAFF, self.province, username="province_staff")

    def user(self, role):
        return getattr(self, role) if role in self.ROLES else super().user(role)


@pytest.fixture
def schools(db):
    return TwoSchools(Tree().with_reviewers())


def test_the_world_puts_both_schools_under_the_province(schools):
    tree = schools.tree
    assert tree.branch_a1.path.startswith(schools.province.path)
    assert tree.branch_a1.path.startswith(tree.school.path)
    assert schools.second_branch.path.startswith(schools.second_school.path)
    assert not schools.second_branch.path.startswith(tree.school.path)
    # BatchFactory's default owner stays the Tree's school, whatever the order of the paths' text.
    assert ProjectFactory(organization=tree.branch_a1).batch.owner == tree.school


# ---- 1. objects ---------------------------------------------------------------------------------

def _url(world, row):
    return reverse(row.name, kwargs=row.kwargs(world, "own"))


@pytest.mark.parametrize("row", SCOPED, ids=lambda row: row.id)
def test_another_schools_staff_find_none_of_this_schools_objects(schools, caplog, row):
    failure = check(schools, caplog, row, "own", "other_school_staff", NOT_FOUND, _url(schools, row))
    assert failure is None, failure


# What province_staff post beyond a row's data: above several schools, the batch form asks which one
# runs the batch (主办单位), where a school's own staff have theirs filled in; they name the batch's own.
PROVINCE_DATA = {("cultivation:batch_edit", "post"): lambda world, which: {"owner": world.tree.school.pk}}


def _as_province(row):
    extra = PROVINCE_DATA.get((row.name, row.method))
    if extra is None:
        return row
    return dataclasses.replace(row, data=lambda world, which: {**row.data(world, which), **extra(world, which)})


@pytest.mark.parametrize("row", SCOPED, ids=lambda row: row.id)
def test_province_staff_get_what_the_schools_own_staff_get(schools, caplog, row):
    row = _as_province(row)
    failure = check(schools, caplog, row, "own", "province_staff", row.own["org_staff"], _url(schools, row))
    assert failure is None, failure


def test_the_scope_test_covers_the_staff_pages_of_every_app():
    assert len(SCOPED) >= MIN_SCOPED_ROWS, [row.id for row in SCOPED]
    assert {row.name.split(":")[0] for row in SCOPED} >= {"branches", "cultivation", "evaluations"}
    assert len(LISTS) >= 12


# ---- 2. lists -----------------------------------------------------------------------------------

LISTS = [
    ("home", {}),
    ("branches:organization_list", {}),
    ("branches:roster_export", {}),
    ("branches:event_list", {}),
    ("cultivation:batch_list", {}),
    ("cultivation:batch_create", {}),
    ("cultivation:project_list", {}),
    ("cultivation:notice_list", {}),
    *[("cultivation:report_list", {"tab": tab}) for tab in TABS],
    ("evaluations:round_list", {}),
    ("evaluations:round_create", {}),
]


def _seed(tree):
    """What 测试大学党委 runs: a batch in 选苗 (made through the service, so the event log has it) with an
    application, a batch in 认定 with a 公示, a batch in 培育 with progress reports in several states
    (and overdue ones) and a round. Returns the names another school's staff must never read."""
    start = start_for("selection")
    selection = cultivation_services.batch_create(
        actor=tree.staff, owner=tree.school, name="测试大学第四批“样板党支部”培育工程", year=start.year,
        nomination_deadline=start + datetime.timedelta(days=20), **batch_windows(start))
    cultivation_services.project_create(
        batch=selection, organization=tree.branch_a1, actor=tree.secretary, title="“三会一课”提质增效",
        concept="立意", practice="做法", experience="经验", plan="思路",
        activities=[{"name": "经典诵读进课堂", "description": "每月一次", "planned_budget": 5000}])

    recognition = batch_in("recognition", name="测试大学第一批党支部书记工作室培育建设")
    shortlisted = ProjectFactory(batch=recognition, organization=tree.branch_a2)
    Project.objects.filter(pk=shortlisted.pk).update(state="shortlisted")
    today = timezone.localdate()
    notice = Notice.objects.create(batch=recognition, kind="recognition", title="测试大学拟认定培育对象公示",
                                   body="现予公示", starts_on=today, ends_on=today + datetime.timedelta(days=7),
                                   published_by=tree.staff)
    NoticeItem.objects.create(notice=notice, project=shortlisted)

    # 培育 began four months ago: the first period's report is in, the later ones are overdue.
    cultivating = cultivating_batch(today - datetime.timedelta(days=90), name="测试大学第三批“样板党支部”培育工程")
    for branch, state in [(tree.branch_b1, "submitted"), (tree.direct, "returned"), (tree.branch_a1, "endorsed")]:
        progress_report(cultivating_project(branch, batch=cultivating), state=state)
    RoundFactory(batch=cultivating, name="测试大学第三批中期评估")

    organizations = Organization.objects.within([tree.school.path])
    return sorted({
        *organizations.values_list("name", flat=True),
        *Batch.objects.filter(owner=tree.school).values_list("name", flat=True),
        *Notice.objects.filter(batch__owner=tree.school).values_list("title", flat=True),
        *Round.objects.filter(batch__owner=tree.school).values_list("name", flat=True),
    })


def _text(response):
    """The page's HTML, or every cell of a downloaded workbook."""
    if response.get("Content-Type", "").startswith("text/html"):
        return response.content.decode()
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for value in row if value is not None)


def _read(user, name, query):
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name), query)
    assert response.status_code == 200, f"{name} {query} as {user.username}: {response.status_code}"
    return _text(response)


@pytest.mark.parametrize("name, query", LISTS, ids=[f"{name}-{'-'.join(query.values())}".rstrip("-")
                                                    for name, query in LISTS])
def test_another_schools_staff_read_none_of_this_schools_names_in_a_list(schools, name, query):
    names = _seed(schools.tree)
    shown_to_own_staff = [n for n in names if n in _read(schools.tree.staff, name, query)]
    assert shown_to_own_staff, f"{name} {query} shows 组织部 none of {names}: the check below would prove nothing"
    text = _read(schools.other_school_staff, name, query)
    leaked = [n for n in names if n in text]
    assert not leaked, f"{name} {query} shows 第二大学党委's 组织部 what 测试大学党委 runs: {leaked}"


def test_the_admin_is_for_administrators_only(tree, client):
    # The admin's lists are not scoped to a tree: a school's 组织部 with the staff flag still may not use it.
    tree.staff.is_staff = True
    tree.staff.save()
    client.force_login(tree.staff)
    assert client.get("/admin/cultivation/batch/").status_code == 302
    tree.staff.is_superuser = True
    tree.staff.save()
    assert client.get("/admin/cultivation/batch/").status_code == 200


# ---- 3. bulk imports: foreign rows ----------------------------------------------------------------

def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _export_of(client, name, **kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _organizations():
    return list(Organization.objects.order_by("pk").values_list("code", "name", "parent_id", "is_active", "path"))


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "import"])
def test_another_schools_staff_import_no_row_of_this_schools_roster(schools, dry_run):
    """第二大学党委's 组织部 uploads 测试大学党委's own export, every name changed: each row is an error."""
    from tests.branches.xlsx import upload

    book = load_workbook(io.BytesIO(_export_of(_client(schools.tree.staff), "branches:roster_export")))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        row[1].value = f"{row[1].value}（改）"
    content = io.BytesIO()
    book.save(content)
    before = _organizations()
    data = {"file": upload(content=content.getvalue()), **({"dry_run": "on"} if dry_run else {})}
    response = _client(schools.other_school_staff).post(reverse("branches:roster_import"), data)
    assert response.status_code == 200
    problems = response.context["result"].problems
    rows = Organization.objects.within([schools.tree.school.path]).count()
    assert len(problems) == rows and {p.column for p in problems} == {"组织编码"}
    assert all("不在您管理的组织范围内" in p.message for p in problems)
    assert _organizations() == before


def test_another_schools_staff_import_no_score_of_this_schools_projects(schools):
    """第二大学党委's 组织部 imports into its own round a sheet naming a project of 测试大学党委's round."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluations.models import ScoreSheet
    from tests.factories import BatchFactory, round_project

    theirs = RoundFactory(batch=BatchFactory(owner=schools.second_school))
    round_project(schools.second_branch, theirs)
    ours = round_project(schools.tree.branch_a1, RoundFactory())
    client = _client(schools.other_school_staff)
    book = load_workbook(io.BytesIO(_export_of(client, "evaluations:round_export", pk=theirs.pk)))
    book.worksheets[0].append([ours.pk])
    content = io.BytesIO()
    book.save(content)
    response = client.post(reverse("evaluations:round_import", kwargs={"pk": theirs.pk}),
                           {"file": SimpleUploadedFile("评分.xlsx", content.getvalue())})
    assert response.status_code == 200
    problems = [(p.row, p.column) for p in response.context["result"].problems]
    assert problems == [(3, "项目编号")]
    assert not ScoreSheet.objects.filter(project=ours).exists()

