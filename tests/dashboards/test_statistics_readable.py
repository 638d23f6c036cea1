"""Issue 24, item 15: statistics rows and unit filters in the order of the organizations' codes (not their
path string, where "/1/10/" sorts before "/1/9/"), numbers with thousands separators, and an Excel export
of what the page counts."""
from decimal import Decimal

import pytest
from django.urls import reverse

from branches import selectors
from branches.models import Organization
from cultivation.models import FeaturedActivity
from dashboards import statistics
from tests.dashboards.helpers import World
from tests.exports.helpers import rows_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tree):
    # 乙 was created after 甲 (its path sorts after); its code sorts first.
    Organization.objects.filter(pk=tree.unit_a.pk).update(code="U0010")
    Organization.objects.filter(pk=tree.unit_b.pk).update(code="U0009")
    return World(tree)


def test_statistics_rows_and_unit_filters_follow_the_code(world):
    tree = world.tree
    both = {tree.unit_a.pk, tree.unit_b.pk}
    units = [group.key for group in statistics.statistics(tree.staff, by="unit").groups if group.key in both]
    assert units == [tree.unit_b.pk, tree.unit_a.pk]
    assert [unit for unit in selectors.visible_units(tree.staff) if unit.pk in both] == [tree.unit_b, tree.unit_a]


def test_the_statistics_page_groups_thousands(world, client_for):
    FeaturedActivity.objects.filter(project__organization=world.tree.branch_a1).update(
        allocated_budget=Decimal("197000"))
    page = client_for(world.tree.staff).get(reverse("dashboards:statistics"), {"by": "branch"}).content.decode()
    assert "197000" not in page
    row = page.split(f'data-testid="row-funding-{world.tree.branch_a1.pk}"')[1].split("</tr>")[0]
    assert ",000.00</td>" in row


def test_the_statistics_export_holds_what_the_page_counts(world, client_for):
    client = client_for(world.tree.staff)
    page = client.get(reverse("dashboards:statistics"), {"by": "unit", "batch": world.first.pk}).content.decode()
    assert f'{reverse("dashboards:statistics_export")}?by=unit&amp;batch={world.first.pk}' in page
    table = statistics.statistics(world.tree.staff, by="unit", batches=[world.first])
    header, rows = rows_of(client.get(reverse("dashboards:statistics_export"), {"by": "unit", "batch": world.first.pk}))
    assert header[0] == "二级党组织" and "培育项目" in header and "经费：学校支持经费（元）" in header
    assert [row["二级党组织"] for row in rows] == [group.label for group in table.groups] + ["合计"]
    assert rows[-1]["培育项目"] == table.totals["projects"]
    assert Decimal(str(rows[-1]["经费：学校支持经费（元）"])) == table.totals["allocated"]
    assert "丙学院党委" not in [row["二级党组织"] for row in rows]


def test_the_statistics_export_is_refused_like_the_page(world, client_for, client):
    assert client_for(world.tree.reviewer).get(reverse("dashboards:statistics_export")).status_code == 403
    assert client_for(world.tree.staff).get(reverse("dashboards:statistics_export"),
                                            {"batch": world.other_batch.pk}).status_code == 404
