"""The organization and role services assert the actor's scope themselves (issue 22, finding 2): the
admin (superusers) and the demo (actor None) call them today, and a page that forgot its own check
would otherwise write anywhere."""

import pytest
from django.core.exceptions import PermissionDenied

from branches import services
from branches.enums import OrgKind, Role
from branches.models import Organization, RoleAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_may_not_rename_or_move_outside_their_sub_tree(tree):
    branch = tree.branch_a1
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=tree.unit_staff, organization=tree.branch_b1, name="改名")
    with pytest.raises(PermissionDenied):  # 二级党组织 staff do not run the tree, even their own part
        services.organization_update(actor=tree.unit_staff, organization=branch, name="改名")
    with pytest.raises(PermissionDenied):  # out of the tree: to the top
        services.organization_update(actor=tree.staff, organization=branch, parent=None)
    assert Organization.objects.get(pk=branch.pk).name == branch.name
    moved = services.organization_update(actor=tree.staff, organization=branch, parent=tree.unit_b)
    assert moved.parent_id == tree.unit_b.pk


def test_staff_create_only_under_their_sub_tree(tree):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=tree.staff, code="TOP", name="另一所大学党委", kind=OrgKind.SCHOOL)
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=tree.unit_staff, code="U9", name="丙学院党委", parent=tree.unit_b,
                                      kind=OrgKind.COMMITTEE)
    created = services.organization_create(actor=tree.staff, code="U9", name="丙学院党委", parent=tree.school,
                                           kind=OrgKind.COMMITTEE)
    assert created.unit_id == created.pk
    assert services.organization_create(actor=None, code="TOP", name="另一所大学党委", kind=OrgKind.SCHOOL)


def test_roles_are_granted_and_revoked_only_inside_the_actors_sub_tree(tree):
    user = UserFactory()
    with pytest.raises(PermissionDenied):
        services.role_grant(actor=tree.unit_staff, user=user, role=Role.ORG_STAFF, organization=tree.school)
    assignment = services.role_grant(actor=tree.staff, user=user, role=Role.SECRETARY, organization=tree.branch_b1)
    with pytest.raises(PermissionDenied):
        services.role_revoke(actor=tree.other_unit_staff, assignment=assignment)
    services.role_revoke(actor=tree.staff, assignment=assignment)
    assert not RoleAssignment.objects.filter(user=user).exists()
