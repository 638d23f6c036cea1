"""推荐排序 is unique within the recommender and the batch (issue 24, item 8): a second application given a
rank already held is refused with the other application's name, in a school batch's nominations and in
the province's recommendations alike; another recommender may use the same rank."""

import pytest
from django.urls import reverse

from cultivation import services
from cultivation.enums import ProjectState
from cultivation.models import Project
from tests.factories import ProjectFactory
from transitions.refusals import MoveRefused

from .helpers import batch_in
from .test_province_batch import recommend as recommend_up
from .test_province_batch import world  # noqa: F401  (the province fixture)
from .test_recommendation import flashed, recommend

pytestmark = pytest.mark.django_db


def _submitted(batch, branch):
    project = ProjectFactory(organization=branch, batch=batch)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SUBMITTED)
    project.refresh_from_db()
    return project


def test_a_rank_taken_by_another_application_of_the_unit_is_refused_with_its_name(tree, client_for):
    batch = batch_in("selection")
    first, second = _submitted(batch, tree.branch_a1), _submitted(batch, tree.branch_a2)
    client = client_for(tree.unit_staff)
    recommend(client, first, rank=1, recommendation="同意推荐", nominate="1")
    response = recommend(client, second, rank=1, recommendation="同意推荐", nominate="1")
    text = flashed(response)
    assert "推荐排序第1位" in text and tree.branch_a1.name in text
    second.refresh_from_db()
    assert (second.state, second.nomination_rank) == (ProjectState.SUBMITTED, None)
    assert "推荐排序" in flashed(recommend(client, second, rank=2, recommendation="同意推荐")) 
    assert Project.objects.get(pk=second.pk).nomination_rank == 2


def test_the_service_refuses_a_duplicate_rank_whoever_calls_it(tree):
    batch = batch_in("selection")
    first, second = _submitted(batch, tree.branch_a1), _submitted(batch, tree.branch_a2)
    services.project_recommend(project=first, actor=tree.unit_staff, rank=3, recommendation="")
    with pytest.raises(MoveRefused, match="推荐排序第3位") as refused:
        services.project_recommend(project=second, actor=tree.unit_staff, rank=3, recommendation="")
    assert refused.value.offenders[0].label == tree.branch_a1.name
    # The application keeps its own rank when its 推荐意见 is edited.
    services.project_recommend(project=first, actor=tree.unit_staff, rank=3, recommendation="同意推荐")


def test_a_withdrawn_application_frees_its_rank(tree):
    batch = batch_in("selection")
    first, second = _submitted(batch, tree.branch_a1), _submitted(batch, tree.branch_a2)
    services.project_recommend(project=first, actor=tree.unit_staff, rank=1, recommendation="")
    Project.objects.filter(pk=first.pk).update(state=ProjectState.WITHDRAWN)
    services.project_recommend(project=second, actor=tree.unit_staff, rank=1, recommendation="")


def test_a_school_cannot_give_two_recommendations_to_the_province_the_same_rank(world, client):  # noqa: F811
    recommend_up(client, world.staff, world.batch, world.accepted, rank=1)
    response = recommend_up(client, world.staff, world.batch, world.other_accepted, rank=1)
    page = response.content.decode()
    assert "推荐排序第1位" in page and world.branch_a1.name in page
    assert not Project.objects.filter(batch=world.batch, organization=world.branch_b1).exists()
    # Another school ranks its own: its first is no clash.
    recommend_up(client, world.second_staff, world.batch, world.second_recognized, rank=1)
    assert Project.objects.filter(batch=world.batch, nomination_rank=1).count() == 2
