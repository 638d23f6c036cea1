"""A refusal that concerns several projects names each of them, with a link to its page (defect 5)."""

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from cultivation.enums import ProjectState
from cultivation.models import Notice, Project
from evaluations import services
from evaluations.enums import RoundState
from tests.factories import BranchFactory, ProjectFactory, submitted_sheet

pytestmark = pytest.mark.django_db


def link(project):
    return f'<a href="/cultivation/projects/{project.pk}/">{project.organization.name}</a>'


def test_publishing_without_feedback_names_every_project_with_a_link(panel, client_for):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    submitted_sheet(panel.round, panel.project_b, panel.reviewer_c, 8, staff=panel.tree.staff)
    round_ = services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    client = client_for(panel.tree.staff)
    url = reverse("evaluations:round_publish", args=[round_.pk])
    page = client.get(url).content.decode()
    # Before publishing, the page already says which projects are not ready, and links them.
    assert link(panel.project_a) in page and link(panel.project_b) in page and "整改意见" in page
    response = client.post(url, {"title": "中期评估结果公示", "body": "现予公示", "version": round_.version,
                                 "starts_on": timezone.localdate().isoformat()}, follow=True)
    message = " ".join(str(m) for m in response.context["messages"])
    assert "结果未发布" in message and "请先填写至少一条整改意见" in message
    assert link(panel.project_a) in message and link(panel.project_b) in message
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED and not Notice.objects.exists()
    assert {p.state for p in Project.objects.filter(pk__in=[panel.project_a.pk, panel.project_b.pk])} == \
        {ProjectState.MIDTERM_SUBMITTED}


def test_a_refused_name_is_escaped_in_the_message(panel, client_for):
    Project.objects.filter(pk=panel.project_a.pk).update(organization=BranchFactory(
        name="<script>x</script>党支部", parent=panel.tree.unit_a))
    panel.project_a.refresh_from_db()
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    submitted_sheet(panel.round, panel.project_b, panel.reviewer_c, 8, staff=panel.tree.staff)
    round_ = services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    response = client_for(panel.tree.staff).post(
        reverse("evaluations:round_publish", args=[round_.pk]),
        {"title": "t", "body": "b", "version": round_.version, "starts_on": timezone.localdate().isoformat()},
        follow=True)
    page = response.content.decode()
    assert "<script>x</script>" not in page and "&lt;script&gt;x&lt;/script&gt;党支部" in page


def test_shortlisting_past_the_quota_names_the_projects_that_hold_it(tree, client_for):
    from cultivation.models import Batch
    from tests.cultivation.helpers import batch_in

    batch = batch_in("recognition", quota_total=1, quota_faculty=1, quota_student=0)
    held = ProjectFactory(batch=batch, organization=tree.branch_a1)
    waiting = ProjectFactory(batch=batch, organization=tree.branch_b1)
    Project.objects.filter(pk=held.pk).update(state=ProjectState.SHORTLISTED)
    Project.objects.filter(pk=waiting.pk).update(state=ProjectState.NOMINATED)
    waiting.refresh_from_db()
    response = client_for(tree.staff).post(reverse("cultivation:project_move", args=[waiting.pk, "shortlist"]),
                                           {"version": waiting.version}, follow=True)
    message = " ".join(str(m) for m in response.context["messages"])
    assert "已达总名额 1 个" in message and link(held) in message
    assert Batch.objects.get(pk=batch.pk) and Project.objects.get(pk=waiting.pk).state == ProjectState.NOMINATED


def test_an_admin_batch_move_names_every_refused_project_in_one_message(tree):
    from cultivation.admin import ProjectAdmin
    from tests.cultivation.helpers import batch_in

    batch = batch_in("selection")
    projects = [ProjectFactory(batch=batch, organization=branch) for branch in (tree.branch_a1, tree.branch_b1)]
    Project.objects.filter(pk__in=[p.pk for p in projects]).update(state=ProjectState.SUBMITTED)
    request = RequestFactory().post("/admin/")
    request.user = tree.staff
    request.session = {}
    from django.contrib.messages.storage.fallback import FallbackStorage

    request._messages = FallbackStorage(request)
    model_admin = ProjectAdmin(Project, admin.site)
    action = dict((a.__name__, a) for a in model_admin.actions)["move_nominate"]
    action(model_admin, request, Project.objects.filter(pk__in=[p.pk for p in projects]))
    messages = [str(m) for m in get_messages(request)]
    assert len(messages) == 1 and "以下 2 个项目未能推荐报送" in messages[0]
    assert all(link(p) in messages[0] for p in projects) and "推荐报送前请填写" in messages[0]
