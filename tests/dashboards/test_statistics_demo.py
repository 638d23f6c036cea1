"""The statistics of the demo world equal a row-by-row count, for each demo account that has a scope."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cultivation.models import Batch, Project
from dashboards import statistics
from tests.dashboards.helpers import direct_counts, non_zero
from tests.demo_world import demo_fixture

pytestmark = pytest.mark.django_db

demo = demo_fixture([None])


@pytest.mark.parametrize("username", ["staff", "unit", "secretary", "staff2", "province"])
def test_the_demo_counts_equal_a_direct_count(demo, username):
    user = get_user_model().objects.get(username=username)
    projects = list(Project.objects.visible_to(user).filter(batch__in=Batch.objects.visible_to(user))
                    .select_related("batch", "organization"))
    for by, key in [("branch", lambda p: p.organization_id), ("batch", lambda p: p.batch_id)]:
        table = statistics.statistics(user, by=by)
        expected = {k: non_zero(v) for k, v in direct_counts(projects, key=key).items()}
        assert {g.key: non_zero({k: v for k, v in g.values.items() if k != "balance"}) for g in table.groups} == expected


def test_the_demo_shows_meetings_new_members_and_every_kind_of_evidence(demo, client_for):
    staff = get_user_model().objects.get(username="staff")
    table = statistics.statistics(staff, by="unit")
    for key in ("reports", "congress_count", "theme_day_count", "new_members_count", "times_held", "publications",
                "outcomes", "exemplars", "allocated", "spent"):
        assert table.total(key) > 0, key
    assert client_for(staff).get(reverse("dashboards:statistics")).status_code == 200
    for batch in Batch.objects.managed_by(staff):
        assert client_for(staff).get(reverse("dashboards:batch_summary", args=[batch.pk])).status_code == 200
