"""The event log is written in the transaction of the change it records; refusals are logged too."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from branches import services
from branches.enums import OrgKind, Role
from branches.models import Event, Organization, RoleAssignment

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


CHANGES = {
    "declaration": lambda tree: services.declare_basic_requirements(
        actor=tree.secretary, branch=tree.branch_a1, no_violation=False, no_conduct_issue=False, no_safety_risk=False),
    "update": lambda tree: services.organization_update(actor=tree.staff, organization=tree.branch_a1, name="改名"),
    "create": lambda tree: services.organization_create(actor=tree.staff, code="NEW1", name="新党委",
                                                       kind=OrgKind.COMMITTEE, parent=tree.school),
    "grant": lambda tree: services.role_grant(actor=tree.staff, user=tree.reviewer, role=Role.UNIT_STAFF,
                                             organization=tree.unit_a),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_an_event_rolls_back_with_the_change_it_records(tree, change):
    events, organizations, roles = Event.objects.count(), Organization.objects.count(), RoleAssignment.objects.count()
    branch = Organization.objects.get(pk=tree.branch_a1.pk)
    with pytest.raises(Boom):
        with transaction.atomic():
            CHANGES[change](tree)
            assert Event.objects.count() == events + 1  # written, inside the transaction
            raise Boom
    assert Event.objects.count() == events
    assert (Organization.objects.count(), RoleAssignment.objects.count()) == (organizations, roles)
    after = Organization.objects.get(pk=tree.branch_a1.pk)
    assert (after.name, after.declares_no_violation) == (branch.name, branch.declares_no_violation)


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_the_same_change_committed_keeps_its_event(tree, change):
    events = Event.objects.count()
    CHANGES[change](tree)
    assert Event.objects.count() == events + 1


def test_a_service_that_fails_validation_logs_nothing(tree):
    events = Event.objects.count()
    with pytest.raises(ValidationError):
        services.organization_create(actor=tree.staff, code="bad code!", name="", kind="nonsense", parent=tree.school)
    with pytest.raises(ValidationError):
        services.organization_update(actor=tree.staff, organization=tree.unit_a, parent=tree.branch_a1)  # a cycle
    assert Event.objects.count() == events


def refusals(caplog):
    return [record.getMessage() for record in caplog.records if record.name == "branches.access"]


def test_a_refused_declaration_is_logged_and_changes_nothing(tree, caplog):
    events = Event.objects.count()
    with caplog.at_level(logging.WARNING, logger="branches.access"), pytest.raises(PermissionDenied):
        services.declare_basic_requirements(actor=tree.other_secretary, branch=tree.branch_a1, no_violation=False,
                                            no_conduct_issue=False, no_safety_risk=False)
    assert refusals(caplog) == [f"refused declaration for {tree.branch_a1.pk} to secretary_b"]
    assert Event.objects.count() == events
    assert Organization.objects.get(pk=tree.branch_a1.pk).declares_no_violation


@pytest.mark.parametrize("who, name, args, logged", [
    ("other_secretary", "branches:organization_detail", "branch_a1", "refused organization {pk} to secretary_b"),
    ("reviewer", "branches:organization_detail", "branch_a1", "refused organization {pk} to reviewer"),
    ("secretary", "branches:roster_import", None, "refused org-staff page to secretary"),
    ("unit_staff", "branches:event_list", None, "refused org-staff page to unit"),
])
def test_refused_pages_are_logged_with_who_and_what(client_for, tree, caplog, who, name, args, logged):
    target = getattr(tree, args) if args else None
    with caplog.at_level(logging.WARNING, logger="branches.access"):
        response = client_for(getattr(tree, who)).get(reverse(name, args=[target.pk] if target else []))
    assert response.status_code in (403, 404)
    assert logged.format(pk=target.pk if target else "") in refusals(caplog)


def test_an_allowed_page_logs_no_refusal(client_for, tree, caplog):
    with caplog.at_level(logging.WARNING, logger="branches.access"):
        client_for(tree.secretary).get(reverse("branches:organization_detail", args=[tree.branch_a1.pk]))
    assert refusals(caplog) == []
