"""Fixtures shared by the export tests."""

import pytest

from branches.enums import OrgKind, Role
from tests.factories import BatchFactory, BranchFactory, OrganizationFactory, user_with_role


@pytest.fixture
def other(db, tree):
    """Another school with its own staff, unit, branch and batch."""
    school = OrganizationFactory(kind=OrgKind.SCHOOL, name="外校党委")
    unit = OrganizationFactory(name="外校学院党委", parent=school)
    branch = BranchFactory(name="外校党支部", parent=unit)
    return {"school": school, "unit": unit, "branch": branch, "batch": BatchFactory(owner=school),
            "staff": user_with_role(Role.ORG_STAFF, school, username="other_staff")}
