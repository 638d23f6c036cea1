import datetime
import re

import pytest
from django.core.management import CommandError, call_command

from branches import demo
from branches.enums import OrgKind, Role
from branches.models import Organization, RoleAssignment
from branches.rules import eligibility_problems

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_a_university_with_one_account_per_role(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    university = Organization.objects.within([Organization.objects.get(name="北京中医药大学党委").path])
    assert 25 <= university.secondary().count() <= 35
    assert 250 <= university.branches().count() <= 330
    assert university.branches().values("founded_on").distinct().count() > 100
    for username in ["staff", "unit", "secretary", "reviewer", "province", "staff2"]:
        assert username in out
    secretary = RoleAssignment.objects.get(user__username="secretary", role=Role.SECRETARY).organization
    unit = RoleAssignment.objects.get(user__username="unit", role=Role.UNIT_STAFF).organization
    reviewer_unit = RoleAssignment.objects.get(user__username="reviewer", role=Role.REVIEWER).organization
    assert secretary.unit == unit and reviewer_unit != unit
    assert RoleAssignment.objects.get(user__username="staff").user.check_password("demo12345")


def test_seed_demo_puts_the_university_and_a_smaller_one_under_a_province(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    province = Organization.objects.get(code="HNJW")
    assert province.kind == OrgKind.UPPER and province.parent is None
    schools = Organization.objects.filter(kind=OrgKind.SCHOOL).order_by("pk")
    assert [school.parent_id for school in schools] == [province.pk, province.pk]
    first, second = schools
    assert first.name == "北京中医药大学党委"
    small = Organization.objects.within([second.path])
    assert 2 <= small.secondary().count() <= 4 and 10 <= small.branches().count() <= 15
    # Every branch of the small university may apply today.
    assert all(not eligibility_problems(branch) for branch in small.branches())


def test_seed_demo_gives_the_province_and_the_second_university_a_staff_account_each(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    second = Organization.objects.filter(kind=OrgKind.SCHOOL).order_by("pk")[1]
    for username, organization in [("province", Organization.objects.get(code="HNJW")), ("staff2", second)]:
        assignment = RoleAssignment.objects.select_related("user").get(user__username=username)
        assert (assignment.role, assignment.organization) == (Role.ORG_STAFF, organization)
        assert not assignment.user.is_superuser and not assignment.user.is_staff
        assert assignment.user.check_password("demo12345")
    assert RoleAssignment.objects.get(user__username="staff").user.is_superuser  # as before


def test_seed_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not Organization.objects.exists()


def test_seed_demo_skips_a_database_that_has_data(settings, tree, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--if-empty")
    assert "跳过" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_demo_password_can_be_set(settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "another-pass-2026"
    call_command("seed_demo")
    assert RoleAssignment.objects.get(user__username="unit").user.check_password("another-pass-2026")


@pytest.mark.parametrize("today", [datetime.date(2026, 3, 9), datetime.date(2026, 9, 20), datetime.date(2026, 12, 1)])
def test_a_branch_named_after_a_grade_is_founded_in_that_grade_and_never_after_today(today):
    demo.build(today)
    grades = []
    for branch in Organization.objects.branches():
        assert branch.founded_on <= today, branch.name
        named = re.search(r"(\d{4})级", branch.name)
        if named:
            grade = int(named.group(1))
            grades.append(grade)
            assert datetime.date(grade, 9, 1) <= branch.founded_on, (branch.name, branch.founded_on)
    # The newest grade is this year's only once its September is over.
    assert max(grades) == (today.year if today.month >= 10 else today.year - 1)
