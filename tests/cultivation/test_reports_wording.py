"""Report pages and messages say each thing once: no "进展报告确认报告", no "已逾期 已逾期 36 天"."""

import datetime
import re

import pytest
from django.urls import reverse

from branches.audit import action_label
from branches.models import Event
from cultivation.reports import services as reports
from cultivation.reports.enums import REPORT_MOVES, ReportState
from cultivation.reports.selectors import STATUS_LABELS
from notifications.models import Notification
from tests.factories import BatchFactory, cultivating_project, progress_report

pytestmark = pytest.mark.django_db

D = datetime.date

# A word or phrase of two or more characters said twice in a row, or 报告 said twice in one phrase.
STUTTER = re.compile(r"(\S{2,})\s*\1|报告[^，。；：\s]*报告")


def stutters(text):
    return [match.group(0) for match in STUTTER.finditer(text)]


@pytest.mark.parametrize("name", sorted(REPORT_MOVES))
def test_every_report_move_is_logged_and_announced_without_repeating_itself(name):
    move = REPORT_MOVES[name]
    assert action_label(f"report.{name}") == move.event and "进展报告" in move.event
    assert not stutters(move.event) and not stutters(f"2025年3月进展报告{move.done}")


def test_a_confirmed_report_reads_once_in_the_log_the_inbox_and_the_flash(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project, state=ReportState.ENDORSED)
    response = client_for(tree.staff).post(reverse("cultivation:report_move", args=[report.pk, "accept"]),
                                           {"version": report.version}, follow=True)
    page = response.content.decode()
    assert "报告已确认" in page and "确认进展报告" in page  # the flash, and the history on the page
    assert "确认报告报告" not in page and "进展报告确认报告" not in page
    event = Event.objects.get(action="report.accept")
    assert action_label(event.action) == "确认进展报告"
    note = Notification.objects.get(user=tree.secretary)
    assert note.title.endswith("进展报告已确认") and not stutters(note.title) and not stutters(note.body)


def test_every_move_through_the_services_writes_no_stutter(tree):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project)
    reports.report_submit(report=report, actor=tree.secretary)
    reports.report_return(report=report, actor=tree.unit_staff, comment="请补充照片")
    reports.report_submit(report=report, actor=tree.secretary)
    reports.report_endorse(report=report, actor=tree.unit_staff)
    reports.report_accept(report=report, actor=tree.staff)
    for note in Notification.objects.all():
        assert not stutters(note.title), note.title
    for event in Event.objects.filter(action__startswith="report."):
        assert not stutters(action_label(event.action)), event.action


def test_an_overdue_period_says_overdue_once(tree, client_for):
    batch = BatchFactory(cultivation_start=D(2019, 7, 1), cultivation_end=D(2020, 5, 31), report_due_day=25,
                         midterm_start=D(2020, 6, 1), midterm_end=D(2020, 6, 30), harvest_start=D(2020, 7, 1),
                         harvest_end=D(2020, 12, 31))
    project = cultivating_project(tree.branch_a1, batch=batch)
    progress_report(project)  # a draft of the first period; the later ones, all overdue by now, are not begun
    page = client_for(tree.secretary).get(reverse("cultivation:report_project", args=[project.pk])).content.decode()
    rows = re.findall(r"<tr>.*?</tr>", page, flags=re.S)
    overdue = [re.sub(r"<[^>]+>|\s+", " ", row) for row in rows if "已逾期" in row]
    assert overdue, "the test batch should have an overdue period"
    for row in overdue:
        assert row.count("已逾期") == 1, row
    assert len(overdue) == 11
    for label, _ in STATUS_LABELS.values():
        assert not stutters(label)

