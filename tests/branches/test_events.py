import pytest
from django.urls import reverse

from branches import services
from branches.enums import OrgKind, Role
from branches.models import Event, Organization

pytestmark = pytest.mark.django_db


def test_creating_an_organization_writes_an_event_with_the_actor_and_source(tree):
    organization = services.organization_create(actor=tree.staff, code="NEW", name="新党委", kind=OrgKind.COMMITTEE,
                                                 parent=tree.school)
    event = Event.objects.get(action="organization.created", object_id=str(organization.pk))
    assert event.actor == tree.staff and event.source == "命令行" and event.data["name"] == ["", "新党委"]


def test_an_update_records_what_changed(tree):
    services.organization_update(actor=tree.staff, organization=tree.branch_a1, full_members=40)
    event = Event.objects.get(action="organization.updated")
    assert event.data == {"full_members": ["12", "40"]}


def test_an_update_that_changes_nothing_writes_nothing(tree):
    services.organization_update(actor=tree.staff, organization=tree.branch_a1, full_members=12)
    assert not Event.objects.filter(action="organization.updated").exists()


def test_granting_and_revoking_roles_are_logged(tree):
    assignment = services.role_grant(actor=tree.staff, user=tree.reviewer, role=Role.UNIT_STAFF,
                                     organization=tree.unit_a)
    services.role_revoke(actor=tree.staff, assignment=assignment)
    assert list(Event.objects.order_by("id").values_list("action", flat=True))[-2:] == ["role.granted", "role.revoked"]


def test_a_page_change_records_the_client_address(client_for, tree):
    client_for(tree.secretary).post(reverse("branches:organization_declare", args=[tree.branch_a1.pk]),
                                    {"no_violation": "on"}, REMOTE_ADDR="10.1.2.3")
    assert Event.objects.get(action="organization.declared").source == "10.1.2.3"


def test_events_cannot_be_edited_or_deleted_in_code(tree):
    services.organization_update(actor=tree.staff, organization=tree.branch_a1, full_members=40)
    event = Event.objects.get(action="organization.updated")
    event.action = "forged"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        Event.objects.all().delete()
    with pytest.raises(PermissionError):
        Event.objects.update(action="forged")
    assert Event.objects.get(pk=event.pk).action == "organization.updated"


def test_the_admin_offers_no_way_to_change_events(client_for, tree):
    services.organization_update(actor=tree.staff, organization=tree.branch_a1, full_members=40)
    event = Event.objects.get(action="organization.updated")
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    client = client_for(tree.staff)
    assert client.get(reverse("admin:branches_event_changelist")).status_code == 200
    page = client.get(reverse("admin:branches_event_change", args=[event.pk])).content.decode()
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:branches_event_delete", args=[event.pk])).status_code == 403
    assert client.post(reverse("admin:branches_event_changelist"),
                       {"action": "delete_selected", "_selected_action": [event.pk]}).status_code in (200, 302)
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_admin_shows_the_tree_path_and_saves_through_the_services(client_for, tree):
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    client = client_for(tree.staff)
    page = client.get(reverse("admin:branches_organization_changelist"), {"q": "甲二"}).content.decode()
    assert "测试大学党委 › 甲学院党委 › 甲学院临床党总支 › 甲二党支部" in page
    url = reverse("admin:branches_organization_change", args=[tree.branch_b1.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(parent=tree.unit_a.pk, founded_on="2015-03-01", name="乙一党支部（调整）")
    client.post(url, data)
    moved = Organization.objects.get(pk=tree.branch_b1.pk)
    assert moved.unit == tree.unit_a and moved.name == "乙一党支部（调整）"
    assert Event.objects.filter(action="organization.updated", actor=tree.staff, object_id=str(moved.pk)).exists()
    assert client.get(reverse("admin:branches_roleassignment_changelist")).status_code == 200


def test_the_event_filter_offers_each_label_once_and_finds_every_action_under_it(client_for, tree):
    # self.save and self.saved are both 保存自评 (issue 24, item 17): one choice, and it finds both.
    from branches.audit import log_event
    from branches.forms import EventFilterForm

    labels = [label for _, label in EventFilterForm().fields["action"].choices]
    assert len(labels) == len(set(labels)) and "保存自评" in labels
    for action in ("self.save", "self.saved", "self.submit"):
        log_event(actor=tree.staff, action=action, target=tree.branch_a1)
    value = dict((label, value) for value, label in EventFilterForm().fields["action"].choices)["保存自评"]
    page = client_for(tree.staff).get(reverse("branches:event_list"), {"action": value})
    assert page.status_code == 200
    assert sorted(event.action for event in page.context["page"]) == ["self.save", "self.saved"]
