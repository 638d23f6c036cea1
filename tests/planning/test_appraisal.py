"""述职考核评议: each organization's year counted from its rows, the 二级党组织 adding up its branches, the
result recorded by the level above, the Excel, the scope, and constant queries."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.models import FeedbackItem, Project
from cultivation.reports.selectors import periods_of
from planning import appraisal
from planning.enums import TaskBookState, TaskStatus
from planning.models import Appraisal, Commendation
from tests.factories import cultivating_project, progress_report
from tests.planning.helpers import book_with_tasks

pytestmark = pytest.mark.django_db


def _year_of(project, today):
    """A year with report periods already past: this one, unless the batch began after its last period."""
    return max(p.due.year for p in periods_of(project) if p.due < today)


def _world(tree):
    today = timezone.localdate()
    project = cultivating_project(tree.branch_a1)
    year = _year_of(project, today)
    past = sorted(p for p in periods_of(project) if p.due.year == year and p.due < today)
    on_time, late = past[0], past[-1] if len(past) > 1 else None
    progress_report(project, due=on_time.due, state="submitted",
                    submitted_at=timezone.make_aware(datetime.datetime.combine(on_time.due, datetime.time(9))))
    if late is not None:
        progress_report(project, due=late.due, state="submitted",
                        submitted_at=timezone.make_aware(datetime.datetime.combine(late.due, datetime.time(9)))
                        + datetime.timedelta(days=3))
    due = datetime.date(year, 1, 10)
    book_with_tasks(project, state=TaskBookState.CONFIRMED, number=1,
                    tasks=[("旧版任务", due, TaskStatus.PLANNED)])
    book = book_with_tasks(project, state=TaskBookState.CONFIRMED, number=2, tasks=[
        ("按期完成", due, TaskStatus.DONE), ("逾期未完成", due, TaskStatus.ONGOING),
        ("明年的任务", datetime.date(year + 1, 6, 1), TaskStatus.PLANNED)])
    book.tasks.filter(title="按期完成").update(done_on=due)
    in_year = timezone.make_aware(datetime.datetime(year, 5, 1, 10))
    for verified in (True, False):
        item = FeedbackItem.objects.create(project=project, content="整改意见", created_by=tree.staff,
                                           response="已整改", responded_at=in_year, verified=verified)
        FeedbackItem.objects.filter(pk=item.pk).update(created_at=in_year)
    Project.objects.filter(pk=project.pk).update(state="accepted", final_grade="excellent")
    for published in (True, False):
        Commendation.objects.create(project=project, subject="organization", title="先进基层党组织", level="school",
                                    awarded_on=datetime.date(year, 7, 1), recorded_by=tree.staff,
                                    published_at=timezone.now() if published else None)
    other = cultivating_project(tree.branch_a2)
    return project, other, year, len(past), 1


def test_a_branchs_year_is_counted_from_its_rows(tree, client_for):
    project, _, year, periods, on_time = _world(tree)
    page = client_for(tree.unit_staff).get(reverse("planning:appraisal_detail", args=[tree.branch_a1.pk]),
                                           {"year": year}).content.decode()
    figures = {name: page.split(f'data-testid="{name}">')[1].split("<")[0]
               for name in ("tasks", "tasks-done", "tasks-late", "periods", "on-time", "feedback", "verified",
                            "commendations")}
    # The book in force (version 2) has two tasks due in the year; one done on time, one late.
    assert figures == {"tasks": "2", "tasks-done": "1", "tasks-late": "1", "periods": str(periods),
                       "on-time": str(on_time), "feedback": "2", "verified": "1", "commendations": "1"}
    assert "优秀 1" in page and page.count('data-testid="appraisal-project"') == 1


def test_a_units_record_adds_up_its_branches(tree):
    _, _, year, periods, _ = _world(tree)
    branches, units = appraisal.records(tree.staff, year)
    unit = next(row for row in units if row.organization == tree.unit_a)
    mine = [row for row in branches if row.projects[0].unit_id == tree.unit_a.pk]
    assert len(unit.projects) == 2 and unit.tasks == sum(row.tasks for row in mine) == 2
    assert len(mine) == 2 and unit.periods == sum(row.periods for row in mine) >= periods


def test_the_unit_records_a_branchs_result_and_can_change_it(tree, client_for):
    _, _, year, _, _ = _world(tree)
    client = client_for(tree.unit_staff)
    url = reverse("planning:appraisal_save", args=[tree.branch_a1.pk])
    response = client.post(url, {"year": year, "result": "fairly_good", "note": "落实较好"})
    assert response.status_code == 302
    client.post(url, {"year": year, "result": "good", "note": "落实到位"})
    row = Appraisal.objects.get(organization=tree.branch_a1, year=year)
    assert row.result == "good" and row.recorded_by == tree.unit_staff
    assert Event.objects.filter(action="appraisal.recorded").count() == 2
    page = client.get(reverse("planning:appraisal_list"), {"year": year}).content.decode()
    assert "好</span>" in page


@pytest.mark.parametrize("data, says", [
    ({"result": "excellent"}, "请选择评议结果（好、较好、一般、差）"),
    ({"result": "good", "note": "长" * 3001}, "评议意见不能超过3000字"),
])
def test_a_bad_result_is_refused_in_chinese_and_changes_nothing(tree, client_for, data, says):
    client = client_for(tree.unit_staff)
    response = client.post(reverse("planning:appraisal_save", args=[tree.branch_a1.pk]),
                           {"year": timezone.localdate().year, **data}, follow=True)
    assert says in response.content.decode() and not Appraisal.objects.exists()


def test_a_year_outside_the_range_shows_the_default_year_with_a_note(tree, client_for):
    page = client_for(tree.staff).get(reverse("planning:appraisal_list"), {"year": "99999"}).content.decode()
    assert "年度“99999”无效" in page and f"{appraisal.default_year()}年度书记抓党建述职评议" in page


def test_the_branch_secretary_and_the_units_own_staff_cannot_record_themselves(tree, client_for):
    year = timezone.localdate().year
    assert client_for(tree.secretary).post(reverse("planning:appraisal_save", args=[tree.branch_a1.pk]),
                                           {"year": year, "result": "good"}).status_code == 403
    assert client_for(tree.unit_staff).post(reverse("planning:appraisal_save", args=[tree.unit_a.pk]),
                                            {"year": year, "result": "good"}).status_code == 403
    assert client_for(tree.staff).post(reverse("planning:appraisal_save", args=[tree.unit_a.pk]),
                                       {"year": year, "result": "good"}).status_code == 302
    assert list(Appraisal.objects.values_list("organization_id", flat=True)) == [tree.unit_a.pk]


def test_another_units_staff_see_none_of_ours(tree, client_for):
    _, _, year, _, _ = _world(tree)
    client = client_for(tree.other_unit_staff)
    for level in ("branch", "unit"):
        page = client.get(reverse("planning:appraisal_list"), {"year": year, "level": level}).content.decode()
        assert tree.branch_a1.name not in page and tree.unit_a.name not in page
    assert client.get(reverse("planning:appraisal_detail", args=[tree.branch_a1.pk])).status_code == 404


def test_the_excel_holds_the_rows_and_keeps_formula_text_as_text(tree, client_for):
    _, _, year, _, _ = _world(tree)
    Appraisal.objects.create(organization=tree.branch_a1, year=year, result="good", note="=HYPERLINK(1)",
                             recorded_by=tree.unit_staff)
    response = client_for(tree.staff).get(reverse("planning:appraisal_export"), {"year": year})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    mine = rows[tree.branch_a1.name]
    assert mine[2] == 2 and mine[4] == 1 and mine[11] == "好" and mine[12] == "=HYPERLINK(1)"
    assert sheet.cell(row=2, column=13).data_type == "s"


@pytest.mark.parametrize("size", [1, 4])
def test_the_list_runs_the_same_queries_at_any_size(tree, client_for, django_assert_num_queries, size):
    from tests.factories import BranchFactory

    for n in range(size):
        project = cultivating_project(BranchFactory(parent=tree.unit_a))
        progress_report(project, state="submitted")
        book_with_tasks(project, state=TaskBookState.CONFIRMED, tasks=[("任务", datetime.date.today(), "done")])
    client = client_for(tree.staff)
    url = reverse("planning:appraisal_list")
    client.get(url)
    # session, user, roles; years; projects, milestones, reports, tasks, 整改, commendations, results; the
    # navbar's unread count
    with django_assert_num_queries(12):
        assert client.get(url).content.decode().count('data-testid="appraisal-row"') == size


def test_an_appraisal_note_with_a_nul_byte_is_refused_and_changes_nothing(tree, client_for):
    # PostgreSQL refuses a NUL in text: read past a form, the note answered a 500 there.
    response = client_for(tree.unit_staff).post(
        reverse("planning:appraisal_save", args=[tree.branch_a1.pk]),
        {"year": timezone.localdate().year, "result": "good", "note": "落实\x00到位"}, follow=True)
    assert "不能包含控制字符" in response.content.decode() and not Appraisal.objects.exists()
