"""Organization tree at a province's scale: build it, then time the reads pages make.

    DEBUG=true .venv/bin/python benchmarks/tree_scale.py [--branches 150000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/tree_scale.py

Runs in a throw-away test database (created and dropped here) and prints its figures: seconds and
the number of SQL queries of each operation. It asserts nothing about time.
"""

import argparse
import datetime
import io
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402


def timed(label, function):
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - started
    print(f"{label:<52} {elapsed:8.3f} s {len(queries):6d} queries")
    return result


def build(branches):
    from branches.enums import BranchCategory, BranchType, OrgKind
    from branches.models import Organization
    from branches.services import refresh_tree

    per_unit, units_per_school = 50, 30
    schools = max(1, branches // (per_unit * units_per_school))
    province = Organization.objects.create(code="P", name="省委教育工委", kind=OrgKind.UPPER)
    rows, made = [], 0
    for s in range(schools):
        rows.append(Organization(code=f"S{s}", name=f"第{s}所大学党委", kind=OrgKind.SCHOOL, parent=province))
    Organization.objects.bulk_create(rows, batch_size=5000)
    school_ids = dict(Organization.objects.filter(kind=OrgKind.SCHOOL).values_list("code", "id"))
    rows = [Organization(code=f"S{s}U{u}", name=f"第{s}校第{u}学院党委", kind=OrgKind.COMMITTEE,
                         parent_id=school_ids[f"S{s}"]) for s in range(schools) for u in range(units_per_school)]
    Organization.objects.bulk_create(rows, batch_size=5000)
    unit_ids = list(Organization.objects.filter(kind=OrgKind.COMMITTEE).values_list("id", flat=True))
    rows = []
    for index in range(branches):
        unit_id = unit_ids[index % len(unit_ids)]
        student = index % 3 == 0
        rows.append(Organization(
            code=f"B{index}", name=f"党支部{index}", kind=OrgKind.BRANCH, parent_id=unit_id,
            branch_type=BranchType.STUDENT if student else BranchType.FACULTY,
            category=BranchCategory.GRADUATE if student else BranchCategory.TEACHING,
            founded_on=datetime.date(2010 + index % 15, 1 + index % 12, 1), full_members=10 + index % 20))
        made += 1
    Organization.objects.bulk_create(rows, batch_size=5000)
    return refresh_tree()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--branches", type=int, default=150_000)
    options = parser.parse_args()

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from branches import access, roster, selectors
    from branches.enums import Role
    from branches.models import Organization, RoleAssignment

    old = setup_databases(verbosity=0, interactive=False)
    try:
        print(f"database: {connection.vendor}, branches: {options.branches:,}")
        timed("build the tree (bulk insert + refresh_tree)", lambda: build(options.branches))
        province = Organization.objects.get(code="P")
        school = Organization.objects.get(code="S0")
        leaf = Organization.objects.filter(kind="branch").last()
        timed("sub-tree count of the province", lambda: Organization.objects.within([province.path]).count())
        timed("sub-tree count of one school", lambda: Organization.objects.within([school.path]).count())
        timed("ancestors of a branch", lambda: list(Organization.objects.filter(pk__in=leaf.ancestor_ids)))
        user = get_user_model().objects.create(username="bench")
        RoleAssignment.objects.create(user=user, role=Role.ORG_STAFF, organization=school)
        today = timezone.localdate()
        timed("school staff home summary (totals, by category, by unit)",
              lambda: selectors.branch_summary(user, today=today))
        timed("school staff organization list, first page",
              lambda: list(selectors.organization_list(user)[:30]))
        timed("scoped detail lookup (visible_organization_or_404)",
              lambda: access.visible_organization_or_404(user, leaf.pk if access.can_see(user, leaf) else school.pk))
        buffer = io.BytesIO()
        timed("export the school's roster to xlsx",
              lambda: roster.export_workbook(selectors.organization_list(user), buffer))
        buffer.seek(0)
        exported = Organization.objects.within([school.path]).count()
        if exported <= 5000:
            result = timed(f"check a re-import of that export ({exported} rows)",
                           lambda: roster.check(buffer, actor=None))
            timed("apply it (all unchanged)", lambda: roster.apply(result, actor=None))
        timed("refresh_tree over the whole province", lambda: __import__("branches.services").services.refresh_tree())
    finally:
        teardown_databases(old, verbosity=0)


if __name__ == "__main__":
    main()
