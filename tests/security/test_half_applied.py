"""A database failure in the middle of a decision leaves nothing of it behind."""

import datetime

import pytest
from django.db import OperationalError
from django.urls import reverse

from branches.models import Event
from cultivation import workflow
from cultivation.enums import ProjectState
from cultivation.models import Project
from notifications.models import Notification
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def nominated(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.NOMINATED)
    return project


def fail_after_the_state_is_written(monkeypatch):
    # The state and the event are written before the notifications; failing here is the latest
    # point inside the transaction.
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("notifications.services.notify", broken)  # what the transition engine calls


def test_a_move_that_fails_midway_is_not_half_applied(tree, nominated, monkeypatch):
    fail_after_the_state_is_written(monkeypatch)
    today = nominated.batch.recognition_start + datetime.timedelta(days=1)
    with pytest.raises(OperationalError):
        workflow.project_shortlist(project=nominated, actor=tree.staff, today=today)
    project = Project.objects.get(pk=nominated.pk)
    assert (project.state, project.version) == (ProjectState.NOMINATED, 1)
    assert not Event.objects.filter(action="project.shortlist").exists()
    assert not Notification.objects.exists()


# The 503 page closes the broken connection, which only a test in real transactions survives.
@pytest.mark.django_db(transaction=True)
def test_the_page_answers_503_and_the_decision_can_be_made_again(tree, nominated, monkeypatch, client_for):
    batch = nominated.batch
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda *args: batch.recognition_start + datetime.timedelta(days=1))
    fail_after_the_state_is_written(monkeypatch)
    client = client_for(tree.staff)
    url = reverse("cultivation:project_move", args=[nominated.pk, "shortlist"])
    response = client.post(url, {"version": 1})
    assert response.status_code == 503 and "数据库暂时无法连接" in response.content.decode()
    assert Project.objects.get(pk=nominated.pk).state == ProjectState.NOMINATED
    monkeypatch.undo()
    monkeypatch.setattr("django.utils.timezone.localdate",
                        lambda *args: batch.recognition_start + datetime.timedelta(days=1))
    client.post(url, {"version": 1})
    assert Project.objects.get(pk=nominated.pk).state == ProjectState.SHORTLISTED
