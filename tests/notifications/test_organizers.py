"""A batch's organizer role is told of its moves; staff above the owner are not told of each step of a
school's own batch, and hear of their own province batch."""

import pytest

from branches.enums import Role
from cultivation import workflow
from cultivation.enums import ProjectState
from cultivation.models import Project
from notifications.models import Notification
from notifications.recipients import organizers
from tests.cultivation.helpers import batch_in
from tests.factories import ProjectFactory, materials_for, province_over, user_with_role

pytestmark = pytest.mark.django_db


def test_the_owner_s_own_staff_are_the_organizers_else_the_nearest_above(tree):
    province = province_over(tree)
    province_staff = user_with_role(Role.ORG_STAFF, province, username="province")
    assert organizers(tree.school) == [tree.staff]
    assert organizers(province) == [province_staff]
    assert organizers(tree.unit_a) == [tree.staff]  # no 组织部 at the unit: the school's


def test_a_province_hears_of_its_own_batch_not_of_each_school_step(tree):
    province = province_over(tree)
    province_staff = user_with_role(Role.ORG_STAFF, province, username="province")
    # In the school's batch its 二级党组织 recommends; in the province's, the school's 组织部 does.
    for owner, recommender, told in [(tree.school, tree.unit_staff, tree.staff),
                                     (province, tree.staff, province_staff)]:
        project = ProjectFactory(batch=batch_in("selection", owner=owner), organization=tree.branch_a1)
        Project.objects.filter(pk=project.pk).update(state=ProjectState.SUBMITTED)
        materials_for(project, "nominate", user=recommender)
        workflow.project_nominate(project=project, actor=recommender)
        assert Notification.objects.filter(user=told, url__endswith=f"/projects/{project.pk}/").exists()
    school_project = Project.objects.get(batch__owner=tree.school)
    assert not Notification.objects.filter(user=province_staff, url__endswith=f"/projects/{school_project.pk}/").exists()
