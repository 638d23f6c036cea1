import datetime

import factory
from django.contrib.auth import get_user_model

from branches.enums import BranchCategory, BranchType, OrgKind, Role
from branches.models import Organization, RoleAssignment
from branches.services import refresh_tree


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"ORG{n:05d}")
    name = factory.Sequence(lambda n: f"测试组织{n}")
    kind = OrgKind.COMMITTEE
    parent = None

    @factory.post_generation
    def placed(obj, create, extracted, **kwargs):
        if create:
            refresh_tree([obj])
            obj.refresh_from_db()


class BranchFactory(OrganizationFactory):
    kind = OrgKind.BRANCH
    name = factory.Sequence(lambda n: f"测试党支部{n}")
    branch_type = BranchType.FACULTY
    category = BranchCategory.TEACHING
    founded_on = datetime.date(2015, 3, 1)
    secretary_name = "张三"
    full_members = 12
    probationary_members = 1
    declares_no_violation = True
    declares_no_conduct_issue = True
    declares_no_safety_risk = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role, organization, **kwargs):
    user = UserFactory(**kwargs)
    RoleAssignment.objects.create(user=user, role=role, organization=organization)
    return user


class Tree:
    """A small university: school → two units (one with a 党总支 inside) → branches."""

    def __init__(self):
        self.school = OrganizationFactory(kind=OrgKind.SCHOOL, name="测试大学党委")
        self.unit_a = OrganizationFactory(name="甲学院党委", parent=self.school)
        self.general = OrganizationFactory(kind=OrgKind.GENERAL_BRANCH, name="甲学院临床党总支", parent=self.unit_a)
        self.branch_a1 = BranchFactory(name="甲一党支部", parent=self.unit_a)
        self.branch_a2 = BranchFactory(name="甲二党支部", parent=self.general, branch_type=BranchType.STUDENT,
                                       category=BranchCategory.GRADUATE)
        self.unit_b = OrganizationFactory(name="乙学院党委", parent=self.school)
        self.branch_b1 = BranchFactory(name="乙一党支部", parent=self.unit_b)
        self.direct = BranchFactory(kind=OrgKind.DIRECT_BRANCH, name="校医院直属党支部", parent=self.school,
                                    category=BranchCategory.MEDICAL)
        self.staff = user_with_role(Role.ORG_STAFF, self.school, username="staff")
        self.unit_staff = user_with_role(Role.UNIT_STAFF, self.unit_a, username="unit")
        self.other_unit_staff = user_with_role(Role.UNIT_STAFF, self.unit_b, username="unit_b")
        self.secretary = user_with_role(Role.SECRETARY, self.branch_a1, username="secretary")
        self.other_secretary = user_with_role(Role.SECRETARY, self.branch_b1, username="secretary_b")
        self.reviewer = user_with_role(Role.REVIEWER, self.unit_b, username="reviewer")
        for org in vars(self).values():
            if isinstance(org, Organization):
                org.refresh_from_db()
