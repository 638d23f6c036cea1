"""推荐报送 (defect 3): rank and 推荐意见 are required to nominate, and stay the unit's to edit until the
school acts on the nomination; after that they are read-only. Driven through the pages."""

import pytest
from django.urls import reverse

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Project
from tests.factories import ProjectFactory

from .helpers import batch_in

pytestmark = pytest.mark.django_db


def submitted(tree, phase="selection"):
    project = ProjectFactory(organization=tree.branch_a1, batch=batch_in(phase))
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SUBMITTED)
    project.refresh_from_db()
    return project


def recommend(client, project, **data):
    project.refresh_from_db()
    return client.post(reverse("cultivation:project_recommend", args=[project.pk]),
                       {"version": project.version, **data}, follow=True)


def flashed(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_nominating_without_rank_and_recommendation_is_refused_and_changes_nothing(tree, client_for):
    project = submitted(tree)
    client = client_for(tree.unit_staff)
    response = client.post(reverse("cultivation:project_move", args=[project.pk, "nominate"]),
                           {"version": project.version}, follow=True)
    assert "推荐报送前请填写推荐排序和推荐意见" in flashed(response)
    response = recommend(client, project, rank=2, recommendation="  ", nominate="1")
    assert "推荐报送须填写推荐意见" in flashed(response)
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED and project.nomination_rank is None
    assert not Event.objects.filter(action__in=["project.nominate", "project.recommended"]).exists()


def test_the_unit_ranks_recommends_and_nominates_in_one_step(tree, client_for):
    project = submitted(tree)
    client = client_for(tree.unit_staff)
    page = client.get(reverse("cultivation:nominations", args=[project.batch.pk])).content.decode()
    assert "保存并推荐报送" in page
    response = recommend(client, project, rank=1, recommendation="基础扎实，特色鲜明，同意推荐。", nominate="1")
    assert "已推荐报送" in flashed(response)
    project.refresh_from_db()
    assert (project.state, project.nomination_rank) == (ProjectState.NOMINATED, 1)
    assert project.recommendation == "基础扎实，特色鲜明，同意推荐。"
    assert list(Event.objects.filter(action__startswith="project.").order_by("id").values_list("action", flat=True)) \
        == ["project.recommended", "project.nominate"]


def test_rank_and_recommendation_stay_editable_until_the_school_screens(tree, client_for):
    project = submitted(tree, "recognition")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.NOMINATED, nomination_rank=1,
                                                 recommendation="同意推荐。")
    client = client_for(tree.unit_staff)
    nominations = reverse("cultivation:nominations", args=[project.batch.pk])
    assert 'name="recommendation"' in client.get(nominations).content.decode()
    assert 'action="/cultivation/projects/%d/recommend/"' % project.pk in \
        client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    response = recommend(client, project, rank=2, recommendation="补充：该支部“双带头人”书记领衔。")
    assert "已保存" in flashed(response)
    project.refresh_from_db()
    assert (project.nomination_rank, project.state) == (2, ProjectState.NOMINATED)
    assert Event.objects.filter(action="project.recommended", data__推荐排序=2).exists()
    # A forwarded nomination cannot be emptied.
    response = recommend(client, project, rank=2, recommendation="")
    assert "推荐报送须填写推荐意见" in flashed(response)
    assert Project.objects.get(pk=project.pk).recommendation.startswith("补充")

    # The school acts: from now on the unit's rank and 推荐意见 are read-only.
    client_for(tree.staff).post(reverse("cultivation:project_screen", args=[project.pk]),
                                {"version": Project.objects.get(pk=project.pk).version, "note": "特色鲜明"})
    client = client_for(tree.unit_staff)
    response = recommend(client, project, rank=3, recommendation="再改")
    assert "党委组织部已开始筛选" in flashed(response)
    project.refresh_from_db()
    assert (project.nomination_rank, project.recommendation[:2]) == (2, "补充")
    assert 'name="recommendation"' not in client.get(nominations).content.decode()
    assert "/recommend/" not in client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()


def test_a_shortlisted_nomination_is_read_only(tree, client_for):
    project = submitted(tree, "recognition")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED, nomination_rank=1,
                                                 recommendation="同意推荐。")
    response = recommend(client_for(tree.unit_staff), project, rank=5, recommendation="改")
    assert "不能再修改" in flashed(response)
    assert Project.objects.get(pk=project.pk).nomination_rank == 1
