"""整改 is done, not only checked (defect 10): an unanswered 整改意见 blocks 提交验收材料; an unchecked or
unresolved one blocks 通过验收, unless staff write why the project passes all the same: that reason is
logged and shown on the acceptance record. Through the pages."""

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import AcceptanceRecord, FeedbackItem, Project
from tests.factories import ProjectFactory, materials_for

from .helpers import batch_in

pytestmark = pytest.mark.django_db


def in_harvest(tree, state):
    project = ProjectFactory(organization=tree.branch_a1, batch=batch_in("harvest"))
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    return project


def move(client, project, name, **data):
    project.refresh_from_db()
    return client.post(reverse("cultivation:project_move", args=[project.pk, name]),
                       {"version": project.version, **data}, follow=True)


def flashed(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_an_unanswered_item_blocks_submitting_the_final_materials(tree, client_for):
    project = in_harvest(tree, ProjectState.RECTIFYING)
    materials_for(project, "submit_final", user=tree.secretary)
    FeedbackItem.objects.create(project=project, content="宣传平台更新不及时", created_by=tree.staff)
    client = client_for(tree.secretary)
    response = move(client, project, "submit_final")
    assert "还有 1 条整改意见未填写整改情况" in flashed(response)
    assert Project.objects.get(pk=project.pk).state == ProjectState.RECTIFYING
    item = FeedbackItem.objects.get(response="")
    client.post(reverse("cultivation:feedback_respond", args=[item.pk]), {"response": "已每周更新"})
    assert "已提交验收材料" in flashed(move(client, project, "submit_final")) or \
        Project.objects.get(pk=project.pk).state == ProjectState.FINAL_SUBMITTED
    assert Project.objects.get(pk=project.pk).state == ProjectState.FINAL_SUBMITTED


def accepting(tree):
    project = in_harvest(tree, ProjectState.FINAL_SUBMITTED)
    AcceptanceRecord.objects.create(project=project, material_review_on=project.batch.harvest_start,
                                    presentation_on=project.batch.harvest_start, recorded_by=tree.staff)
    item = FeedbackItem.objects.create(project=project, content="宣传平台更新不及时", created_by=tree.staff,
                                       response="已每周更新", responded_at=timezone.now())
    return project, item


def test_an_unchecked_item_blocks_acceptance(tree, client_for):
    project, _ = accepting(tree)
    response = move(client_for(tree.staff), project, "accept", grade="good")
    assert "还有 1 条整改意见未核查整改情况" in flashed(response)
    assert Project.objects.get(pk=project.pk).state == ProjectState.FINAL_SUBMITTED


def test_an_unresolved_item_blocks_acceptance_until_staff_write_why(tree, client_for):
    project, item = accepting(tree)
    client = client_for(tree.staff)
    client.post(reverse("cultivation:feedback_verify", args=[item.pk]), {"verified": "no", "note": "仍未更新"})
    response = move(client, project, "accept", grade="good")
    assert "未整改到位" in flashed(response) and "不能通过验收" in flashed(response)
    assert Project.objects.get(pk=project.pk).state == ProjectState.FINAL_SUBMITTED

    project.refresh_from_db()
    record = {"material_review_on": project.batch.harvest_start.isoformat(),
              "presentation_on": project.batch.harvest_start.isoformat(), "material_review_notes": "齐全",
              "override_reason": "平台已由学院统一接管，该项不再由支部整改。"}
    client.post(reverse("cultivation:acceptance_edit", args=[project.pk]), {"version": project.version, **record})
    saved = AcceptanceRecord.objects.get(project=project)
    assert saved.override_reason.startswith("平台已由学院") and saved.override_by == tree.staff
    event = Event.objects.get(action="acceptance.override")
    assert event.data["处理意见"].startswith("平台已由学院") and "宣传平台更新不及时" in event.data["未整改到位的整改意见"]

    response = move(client, project, "accept", grade="good")
    assert Project.objects.get(pk=project.pk).state == ProjectState.ACCEPTED, flashed(response)
    page = client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    assert 'data-testid="acceptance-override"' in page and "平台已由学院统一接管" in page


def test_an_item_found_unresolved_after_the_reason_was_written_blocks_again(tree, client_for):
    project, item = accepting(tree)
    AcceptanceRecord.objects.filter(project=project).update(
        override_reason="已说明", override_by=tree.staff, override_at=timezone.now() - timezone.timedelta(hours=1))
    client = client_for(tree.staff)
    client.post(reverse("cultivation:feedback_verify", args=[item.pk]), {"verified": "no"})
    response = move(client, project, "accept", grade="good")
    assert "未整改到位" in flashed(response)
    assert Project.objects.get(pk=project.pk).state == ProjectState.FINAL_SUBMITTED
