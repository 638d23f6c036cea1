"""Funding per featured activity, and the other evidence: publications, outcomes, exemplars."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.models import Exemplar, FeaturedActivity, Outcome, Publication, Spending
from cultivation.reports import evidence as report_evidence
from cultivation.reports.enums import Channel, ExemplarKind, OutcomeType, ReportState
from cultivation.reports.selectors import funding_of, project_summary
from cultivation.reports.services import NotAllowed
from cultivation.workflow import MoveRefused
from tests.factories import ProjectFactory, cultivating_project, progress_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def activity(tree):
    project = cultivating_project(tree.branch_a1)
    activity = project.activities.get()
    report_evidence.activity_allocate(activity=activity, amount="3000", actor=tree.staff)
    return FeaturedActivity.objects.get(pk=activity.pk)


def spend(tree, activity, amount, **kwargs):
    return report_evidence.spending_add(activity=activity, actor=tree.secretary, amount=amount,
                                        spent_on=kwargs.pop("spent_on", timezone.localdate()),
                                        purpose=kwargs.pop("purpose", "购买学习资料"), **kwargs)


def test_staff_allocate_and_the_branch_spends_within_the_balance(tree, activity):
    assert activity.allocated_budget == Decimal("3000.00")
    spend(tree, activity, "1200.50")
    spend(tree, activity, "1799.50")
    [row] = funding_of(activity.project)
    assert (row.allocated, row.spent, row.balance) == (Decimal("3000"), Decimal("3000"), Decimal("0"))
    assert Event.objects.filter(action="spending.created").count() == 2
    assert Event.objects.filter(action="funding.allocated").count() == 1


def test_spending_beyond_the_allocation_is_refused_in_chinese(tree, activity):
    spend(tree, activity, "2500")
    with pytest.raises(MoveRefused, match="超出学校支持经费.*余额 500.00 元"):
        spend(tree, activity, "500.01")
    assert Spending.objects.count() == 1


def test_spending_beyond_the_allocation_through_the_view_changes_nothing(tree, client_for, activity):
    response = client_for(tree.secretary).post(
        reverse("cultivation:spending_add", args=[activity.pk]),
        {"amount": "3000.01", "spent_on": timezone.localdate().isoformat(), "purpose": "印制成果汇编"}, follow=True)
    assert "超出学校支持经费" in response.content.decode()
    assert not Spending.objects.exists()


@pytest.mark.parametrize(("amount", "day", "message"), [
    ("0", 0, "须大于0"), ("-5", 0, "须大于0"), ("100", 1, "不能晚于今天")])
def test_bad_spending_is_refused(tree, activity, amount, day, message):
    with pytest.raises(MoveRefused, match=message):
        spend(tree, activity, amount, spent_on=timezone.localdate() + datetime.timedelta(days=day))
    assert not Spending.objects.exists()


def test_only_the_school_allocates_and_never_below_what_is_spent(tree, activity):
    for user in (tree.secretary, tree.unit_staff, tree.other_unit_staff):
        with pytest.raises(NotAllowed):
            report_evidence.activity_allocate(activity=activity, amount="9000", actor=user)
    spend(tree, activity, "1000")
    with pytest.raises(MoveRefused, match="不能少于已支出金额"):
        report_evidence.activity_allocate(activity=activity, amount="999.99", actor=tree.staff)
    assert FeaturedActivity.objects.get(pk=activity.pk).allocated_budget == Decimal("3000")


def test_only_the_branch_secretary_records_spending(tree, activity):
    for user in (tree.unit_staff, tree.staff, tree.other_secretary):
        with pytest.raises(NotAllowed):
            report_evidence.spending_add(activity=activity, actor=user, amount="10", spent_on=timezone.localdate(),
                                         purpose="x")
    assert not Spending.objects.exists()


def test_funding_needs_a_cultivated_project(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    with pytest.raises(MoveRefused, match="尚未确定为培育对象"):
        report_evidence.activity_allocate(activity=project.activities.get(), amount="100", actor=tree.staff)


def test_the_allocation_form_through_the_view(tree, client_for, activity):
    response = client_for(tree.staff).post(reverse("cultivation:spending_allocate", args=[activity.pk]),
                                           {"amount": "5000"})
    assert response.status_code == 302 and response.url.endswith("#funding")
    assert FeaturedActivity.objects.get(pk=activity.pk).allocated_budget == Decimal("5000")
    page = client_for(tree.secretary).get(response.url.split("#")[0]).content.decode()
    assert "5000.00" in page and "余额" in page


# ---- publications, outcomes, exemplars ---------------------------------------------------------

def test_the_secretary_records_evidence_of_each_kind(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    client = client_for(tree.secretary)
    url = lambda kind: reverse("cultivation:report_evidence_add", args=[project.pk, kind])  # noqa: E731
    client.post(url("publication"), {"channel": Channel.XUEXI, "title": "经典诵读进课堂", "link": "https://www.xuexi.cn/a",
                                     "published_on": "2026-10-10"})
    client.post(url("outcome"), {"kind": OutcomeType.METHOD, "title": "“支部+教研室”工作法", "description": "案例"})
    client.post(url("exemplar"), {"kind": ExemplarKind.PLEDGE, "person": "王芳", "description": "承诺每月义诊一次，已兑现"})
    assert Publication.objects.get().get_channel_display() == "学习强国"
    assert Outcome.objects.get().get_kind_display() == "基层党建工作法、典型案例"
    assert Exemplar.objects.get().person == "王芳"
    summary = project_summary(project)
    assert summary["channels"] == [("学习强国", 1)] and summary["exemplars"] == 1


def test_invalid_evidence_is_refused_with_a_message(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    response = client_for(tree.secretary).post(
        reverse("cultivation:report_evidence_add", args=[project.pk, "publication"]),
        {"channel": "weibo", "title": "", "link": "javascript:alert(1)", "published_on": "昨天"}, follow=True)
    content = response.content.decode()
    assert "发布渠道" in content and "请填写完整的网址" in content
    assert not Publication.objects.exists()


def test_evidence_of_a_submitted_report_cannot_be_deleted(tree):
    project = cultivating_project(tree.branch_a1)
    report = progress_report(project)
    outcome = report_evidence.evidence_add(evidence="outcome", project=project, actor=tree.secretary, report=report,
                                           kind=OutcomeType.SYSTEM, title="支部工作制度汇编")
    assert outcome.report == report
    report.state = ReportState.SUBMITTED
    report.save()
    with pytest.raises(MoveRefused, match="所属报告已提交"):
        report_evidence.evidence_delete(kind="outcome", item=outcome, actor=tree.secretary)
    assert Outcome.objects.filter(pk=outcome.pk).exists()


def test_others_cannot_record_evidence(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    url = reverse("cultivation:report_evidence_add", args=[project.pk, "exemplar"])
    data = {"kind": ExemplarKind.PIONEER_POST, "person": "李明", "description": "设立党员先锋岗"}
    assert client_for(tree.unit_staff).post(url, data).status_code == 403
    assert client_for(tree.other_secretary).post(url, data).status_code == 404
    assert not Exemplar.objects.exists()
