"""Each event knows the organization it is about, and the event log shows staff their sub-tree's only."""

import pytest
from django.urls import reverse

from branches.audit import log_event, scope_of
from branches.enums import OrgKind, Role
from branches.models import Event
from tests.cultivation.helpers import batch_in
from tests.factories import (BranchFactory, OrganizationFactory, ProjectFactory, RoundFactory, province_over,
                             user_with_role)

pytestmark = pytest.mark.django_db


def test_an_event_is_scoped_to_the_organization_its_object_is_about(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    round_ = RoundFactory(batch=project.batch)
    assert scope_of(tree.unit_a) == tree.unit_a.path
    assert scope_of(project) == tree.branch_a1.path
    assert scope_of(project.batch) == project.batch.owner.path == tree.school.path
    assert scope_of(round_) == tree.school.path
    assert scope_of(tree.staff) == "" and scope_of(None) == ""
    assert log_event(actor=tree.staff, action="project.edited", target=project).scope == tree.branch_a1.path


def test_the_log_shows_each_school_its_own_and_the_province_both(tree, client):
    province = province_over(tree)
    second = OrganizationFactory(kind=OrgKind.SCHOOL, name="第二大学党委", parent=province)
    second_branch = BranchFactory(name="第二大学第一党支部", parent=OrganizationFactory(name="第二大学文学院党委",
                                                                                  parent=second))
    log_event(actor=None, action="organization.updated", target=tree.branch_a1)
    log_event(actor=None, action="organization.updated", target=second_branch)
    log_event(actor=tree.staff, action="user.login", target=tree.staff)
    ProjectFactory(batch=batch_in("selection", name="第二大学第一批", owner=second), organization=second_branch)

    def read(user):
        client.force_login(user)
        return client.get(reverse("branches:event_list")).content.decode()

    own = read(tree.staff)
    assert tree.branch_a1.name in own and second_branch.name not in own
    other = read(user_with_role(Role.ORG_STAFF, second, username="staff2"))
    assert second_branch.name in other and tree.branch_a1.name not in other
    both = read(user_with_role(Role.ORG_STAFF, province, username="province"))
    assert tree.branch_a1.name in both and second_branch.name in both
    assert not Event.objects.within([province.path]).filter(action="user.login").exists()
