"""Rows the system writes (reminders, imports, anonymous visitors) have no actor: every page that
shows them renders, in Chinese (issue 8, defect 1 and the security review's worst finding)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from branches.audit import data_rows, log_event
from branches.models import Event
from cultivation.enums import Grade
from tests.factories import BatchFactory, cultivating_project, progress_report

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def reminded(tree):
    batch = BatchFactory(cultivation_start=D(2019, 7, 1), cultivation_end=D(2020, 5, 31), report_due_day=25,
                         midterm_start=D(2020, 6, 1), midterm_end=D(2020, 6, 30), harvest_start=D(2020, 7, 1),
                         harvest_end=D(2020, 12, 31))
    project = cultivating_project(tree.branch_a1, batch=batch)
    call_command("send_reminders", "--date", "2019-07-26")
    assert Event.objects.filter(action="report.reminded", actor=None).exists()
    return project


@pytest.mark.parametrize("who", ["secretary", "unit_staff", "staff"])
def test_a_project_page_renders_after_send_reminders_reminded_it(tree, reminded, client_for, who):
    response = client_for(getattr(tree, who)).get(reverse("cultivation:project_detail", args=[reminded.pk]))
    assert response.status_code == 200


def test_the_event_log_renders_events_without_an_actor(tree, reminded, client_for):
    log_event(actor=None, action="organization.updated", target=tree.branch_a1, data={"name": ["旧", "新"]})
    client = client_for(tree.staff)
    for url in [reverse("branches:event_list"), reverse("branches:event_list") + "?page=1",
                reverse("branches:organization_detail", args=[tree.branch_a1.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "系统" in response.content.decode()


def test_a_report_history_renders_a_reminder_without_an_actor(tree, reminded, client_for):
    report = progress_report(reminded, due=D(2019, 7, 25), state="draft")
    log_event(actor=None, action="report.reminded", target=report, data={"意见": "系统提醒"})
    response = client_for(tree.secretary).get(reverse("cultivation:report_detail", args=[report.pk]))
    assert response.status_code == 200 and "系统" in response.content.decode()


def test_event_data_shows_labels_for_keys_and_enum_values_old_rows_included():
    rows = dict(data_rows({"验收等次": "excellent", "中期评估等次": "pass", "kind": ["committee", "general"],
                           "导入": True, "created": 3}))
    assert rows["验收等次"] == Grade.EXCELLENT.label
    assert rows["中期评估等次"] == Grade.PASS.label
    assert rows["组织类型"] == "基层党委 → 党总支"
    assert rows["导入"] == "是" and rows["新建"] == "3"


def test_the_event_log_page_shows_no_raw_grade(tree, client_for):
    log_event(actor=None, action="project.accept", target=tree.branch_a1, data={"验收等次": "excellent"})
    html = client_for(tree.staff).get(reverse("branches:event_list")).content.decode()
    assert "验收等次：优秀" in html and "excellent" not in html
