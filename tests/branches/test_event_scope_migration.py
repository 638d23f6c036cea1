"""Events written before they knew their organization get it from their object when migrating (branches 0003)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from branches.models import Event
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("branches", "0002_ministry_kind")]


def test_old_events_are_given_the_scope_of_their_object(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
    OldEvent, OldType = old.get_model("branches", "Event"), old.get_model("contenttypes", "ContentType")
    for model, pk in [("project", project.pk), ("batch", project.batch_id)]:
        kind = OldType.objects.get(app_label="cultivation", model=model)
        OldEvent.objects.create(action=f"{model}.edited", content_type=kind, object_id=str(pk), data={})
    OldEvent.objects.create(action="user.login", data={})
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    scopes = dict(Event.objects.values_list("action", "scope"))
    assert scopes == {"project.edited": tree.branch_a1.path, "batch.edited": tree.school.path, "user.login": ""}
