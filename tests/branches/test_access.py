import pytest

from branches import access

pytestmark = pytest.mark.django_db


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_org_staff_see_the_whole_school(tree):
    assert names(access.visible_organizations(tree.staff)) == {
        "测试大学党委", "甲学院党委", "甲学院临床党总支", "甲一党支部", "甲二党支部", "乙学院党委", "乙一党支部", "校医院直属党支部"}


def test_unit_staff_see_their_sub_tree_only(tree):
    assert names(access.visible_organizations(tree.unit_staff)) == {"甲学院党委", "甲学院临床党总支", "甲一党支部", "甲二党支部"}
    assert names(access.visible_organizations(tree.other_unit_staff)) == {"乙学院党委", "乙一党支部"}


def test_a_secretary_sees_one_branch(tree):
    assert names(access.visible_organizations(tree.secretary)) == {"甲一党支部"}


def test_a_reviewer_sees_no_organizations(tree):
    assert names(access.visible_organizations(tree.reviewer)) == set()


def test_a_person_with_two_roles_sees_both_scopes(tree):
    from branches.enums import Role
    from branches.services import role_grant

    role_grant(actor=tree.staff, user=tree.secretary, role=Role.UNIT_STAFF, organization=tree.unit_b)
    assert names(access.visible_organizations(tree.secretary)) == {"甲一党支部", "乙学院党委", "乙一党支部"}


def test_can_see_agrees_with_the_queryset(tree):
    users = [tree.staff, tree.unit_staff, tree.other_unit_staff, tree.secretary, tree.other_secretary, tree.reviewer]
    organizations = [tree.school, tree.unit_a, tree.general, tree.branch_a1, tree.branch_a2, tree.unit_b,
                     tree.branch_b1, tree.direct]
    for user in users:
        visible = set(access.visible_organizations(user).values_list("pk", flat=True))
        for organization in organizations:
            assert access.can_see(user, organization) == (organization.pk in visible), (user, organization)


def test_anonymous_sees_nothing(tree):
    from django.contrib.auth.models import AnonymousUser

    assert not access.visible_organizations(AnonymousUser()).exists()
