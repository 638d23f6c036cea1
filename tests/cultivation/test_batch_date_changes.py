"""Editing a batch's dates (issue 24, item 4): a period that holds a report stays in the record whatever
the dates say; a change that affects projects shows what it will change and asks a reason, which the
event log keeps; a change that would strand a project is refused with the project's name."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Batch, Project
from cultivation.reports.selectors import periods_of
from tests.factories import cultivating_project, progress_report

from .helpers import batch_in

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)

FIELDS = ["name", "kind", "year", "description", "quota_total", "quota_faculty", "quota_student",
          "cultivation_months", "notice_working_days", "nomination_deadline", "selection_start", "selection_end",
          "recognition_start", "recognition_end", "cultivation_start", "cultivation_end", "midterm_start",
          "midterm_end", "harvest_start", "harvest_end", "report_every_months", "report_due_day"]


def form_data(batch, **changes):
    data = {name: getattr(batch, name) for name in FIELDS}
    data.update(changes)
    data["owner"] = batch.owner_id
    return {name: value.isoformat() if isinstance(value, datetime.date) else value for name, value in data.items()
            if value is not None}


def confirmation(page):
    """The digest the confirmation step carries, as a person's second click would send it back."""
    return page.split('name="confirmed" value="')[1].split('"')[0]


def shortened(batch, before):
    """The batch's windows with 培育 ending the day before `before`, and the later phases moved up."""
    end = before - DAY
    return {"cultivation_end": end, "midterm_start": end + DAY, "midterm_end": end + 30 * DAY,
            "harvest_start": end + 31 * DAY, "harvest_end": end + 200 * DAY}


def test_a_period_holding_a_report_stays_in_the_record_when_the_dates_drop_it(tree, client_for):
    today = timezone.localdate()
    project = cultivating_project(tree.branch_a1)
    later = [period for period in periods_of(project) if period.due > today + 40 * DAY][0]
    report = progress_report(project, due=later.due, state="accepted")
    client = client_for(tree.staff)
    url = reverse("cultivation:batch_edit", args=[project.batch.pk])
    page = client.post(url, form_data(project.batch, **shortened(project.batch, later.start))).content.decode()
    # First the effects, nothing saved: the report's period is kept, later empty ones are dropped.
    assert 'data-testid="date-change-effects"' in page and "修改原因" in page
    assert f"保留报告期：{later.title}" in page and tree.branch_a1.name in page
    assert Batch.objects.get(pk=project.batch.pk).cultivation_end == project.batch.cultivation_end
    response = client.post(url, {**form_data(project.batch, **shortened(project.batch, later.start)),
                                 "confirmed": confirmation(page), "change_reason": "省里统一调整培育周期"})
    assert response.status_code == 302
    batch = Batch.objects.get(pk=project.batch.pk)
    assert batch.cultivation_end == later.start - DAY
    record = client.get(reverse("cultivation:report_project", args=[project.pk])).content.decode()
    assert later.title in record and reverse("cultivation:report_detail", args=[report.pk]) in record
    # Every reader of the schedule (the record, 述职评议's count of periods) sees the kept period.
    project.refresh_from_db()
    kept = [period for period in periods_of(project, reports=[report]) if period.due == later.due]
    assert len(kept) == 1 and kept[0].report == report and kept[0].title == later.title
    event = Event.objects.get(action="batch.updated")
    assert event.data["原因"] == "省里统一调整培育周期" and "保留报告期" in str(event.data["影响"])


def test_a_date_change_that_affects_projects_needs_a_reason(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    batch = project.batch
    client = client_for(tree.staff)
    url = reverse("cultivation:batch_edit", args=[batch.pk])
    changes = {"report_due_day": 10}
    page = client.post(url, form_data(batch, **changes)).content.decode()
    digest = confirmation(page)
    page = client.post(url, {**form_data(batch, **changes), "confirmed": digest, "change_reason": " "}).content.decode()
    assert "请填写修改原因" in page and Batch.objects.get(pk=batch.pk).report_due_day == batch.report_due_day
    assert not Event.objects.filter(action="batch.updated").exists()
    # A change of the effects since the page was shown asks again.
    page = client.post(url, {**form_data(batch, report_due_day=11), "confirmed": digest,
                             "change_reason": "调整"}).content.decode()
    assert 'data-testid="date-change-effects"' in page and Batch.objects.get(pk=batch.pk).report_due_day != 11


def test_a_change_that_affects_no_project_saves_at_once(tree, client_for):
    batch = batch_in("cultivation")
    response = client_for(tree.staff).post(reverse("cultivation:batch_edit", args=[batch.pk]),
                                           form_data(batch, report_due_day=10))
    assert response.status_code == 302 and Batch.objects.get(pk=batch.pk).report_due_day == 10


def test_ending_recognition_while_a_project_is_shortlisted_is_refused_with_its_name(tree, client_for):
    batch = batch_in("recognition")
    project = Project.objects.create(batch=batch, organization=tree.branch_a1, unit=tree.unit_a, title="主题",
                                     concept="立意", practice="做法", experience="经验", plan="思路")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED)
    today = timezone.localdate()
    response = client_for(tree.staff).post(reverse("cultivation:batch_edit", args=[batch.pk]), form_data(
        batch, recognition_end=today - DAY, cultivation_start=today, change_reason="提前结束认定"))
    page = response.content.decode()
    assert response.status_code == 200 and tree.branch_a1.name in page and "认定" in page
    assert "无法继续办理" in page and 'name="confirmed"' not in page
    assert Batch.objects.get(pk=batch.pk).recognition_end == batch.recognition_end


def test_the_admin_does_not_walk_around_the_confirmation(tree, client_for):
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    project = cultivating_project(tree.branch_a1)
    batch = project.batch
    data = {**form_data(batch, report_due_day=10), "one_project_per_branch": "on",
            "unit_quotas-TOTAL_FORMS": 0, "unit_quotas-INITIAL_FORMS": 0,
            "unit_quotas-MIN_NUM_FORMS": 0, "unit_quotas-MAX_NUM_FORMS": 1000}
    response = client_for(tree.staff).post(reverse("admin:cultivation_batch_change", args=[batch.pk]), data)
    page = response.content.decode()
    assert response.status_code == 200 and "修改设置" in page and tree.branch_a1.name in page
    assert Batch.objects.get(pk=batch.pk).report_due_day == batch.report_due_day
