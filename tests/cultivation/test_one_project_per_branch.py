"""A branch in cultivation in one batch, applying to another (defect 9): refused where the batch allows
one project per branch (same kind and level), otherwise a warning with links at every step, and shown on
the nominations, screening and compare pages."""

import pytest
from django.urls import reverse

from cultivation import workflow
from cultivation.enums import Level, ProjectState
from cultivation.models import Batch, Notice, NoticeItem, Project
from tests.factories import ProjectFactory, cultivating_project, province_over

from .helpers import batch_in

pytestmark = pytest.mark.django_db

APPLICATION = {"title": "支部建在教研室上", "concept": "立意", "practice": "做法", "experience": "经验", "plan": "思路",
               "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "0", "activities-MIN_NUM_FORMS": "1",
               "activities-MAX_NUM_FORMS": "2", "activities-0-name": "读书会", "activities-0-description": "每月一次",
               "activities-0-planned_budget": "3000"}


def flashed(response):
    return " ".join(str(m) for m in response.context["messages"])


def link(project):
    return f'href="/cultivation/projects/{project.pk}/"'


def test_a_branch_in_cultivation_cannot_apply_to_another_batch_that_allows_one_project(tree, client_for):
    elsewhere = cultivating_project(tree.branch_a1)
    batch = batch_in("selection")
    assert batch.one_project_per_branch  # on by default
    response = client_for(tree.secretary).post(reverse("cultivation:project_start", args=[batch.pk]),
                                               {"organization": tree.branch_a1.pk, **APPLICATION}, follow=True)
    message = response.content.decode()  # the form is not offered; a stale one posted meets the same refusal
    assert "只能有一个在培项目" in message and link(elsewhere) in message and elsewhere.batch.name in message
    assert not Project.objects.filter(batch=batch).exists()


def test_shortlisting_and_recognizing_are_refused_while_the_branch_is_cultivated_elsewhere(tree, client_for):
    batch = batch_in("recognition")
    project = ProjectFactory(batch=batch, organization=tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.NOMINATED)
    # Nominated here while the other batch was still choosing; then recognized there.
    elsewhere = cultivating_project(tree.branch_a1)
    project.refresh_from_db()
    client = client_for(tree.staff)
    response = client.post(reverse("cultivation:project_move", args=[project.pk, "shortlist"]),
                           {"version": project.version}, follow=True)
    assert "只能有一个在培项目" in flashed(response) and link(elsewhere) in flashed(response)
    assert Project.objects.get(pk=project.pk).state == ProjectState.NOMINATED
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED)
    notice = Notice.objects.create(batch=batch, kind="recognition", title="拟认定公示", body="公示",
                                   starts_on=batch.recognition_start, ends_on=batch.recognition_start,
                                   published_by=tree.staff)
    NoticeItem.objects.create(notice=notice, project=project)
    with pytest.raises(workflow.MoveRefused, match="只能有一个在培项目"):
        workflow.project_recognize(project=project, actor=tree.staff)
    assert Project.objects.get(pk=project.pk).state == ProjectState.SHORTLISTED


def test_without_the_rule_every_step_warns_and_the_pages_show_the_other_batch(tree, client_for):
    elsewhere = cultivating_project(tree.branch_a1)
    batch = batch_in("selection", one_project_per_branch=False)
    response = client_for(tree.secretary).post(reverse("cultivation:project_start", args=[batch.pk]),
                                               {"organization": tree.branch_a1.pk, **APPLICATION}, follow=True)
    assert "其他批次也有申报或培育项目" in flashed(response) and link(elsewhere) in flashed(response)
    project = Project.objects.get(batch=batch)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SUBMITTED)
    project.refresh_from_db()

    unit = client_for(tree.unit_staff)
    page = unit.get(reverse("cultivation:nominations", args=[batch.pk])).content.decode()
    assert 'data-testid="elsewhere"' in page and link(elsewhere) in page
    response = unit.post(reverse("cultivation:project_recommend", args=[project.pk]),
                         {"version": project.version, "rank": 1, "recommendation": "同意", "nominate": "1"}, follow=True)
    assert "已推荐报送" in flashed(response) and "其他批次也有申报或培育项目" in flashed(response)

    staff = client_for(tree.staff)
    page = staff.get(reverse("cultivation:screening", args=[batch.pk])).content.decode()
    assert 'data-testid="elsewhere"' in page and link(elsewhere) in page
    other = ProjectFactory(batch=batch, organization=tree.branch_b1)
    Project.objects.filter(pk=other.pk).update(state=ProjectState.NOMINATED)
    page = staff.get(reverse("cultivation:compare", args=[batch.pk]), {"ids": [project.pk, other.pk]}).content.decode()
    assert "其他批次" in page and link(elsewhere) in page


def test_a_refusal_the_save_would_meet_is_said_before_the_application_is_written(tree, client_for):
    """Home, the batch page and the form itself say why, where 查看并申报 / 开始申报 / the form would be."""
    elsewhere = cultivating_project(tree.branch_a1)
    batch = batch_in("selection")
    client = client_for(tree.secretary)
    start = reverse("cultivation:project_start", args=[batch.pk])

    home = client.get("/").content.decode()
    assert batch.name in home and 'data-testid="open-batch-refused"' in home and "只能有一个在培项目" in home
    assert "查看并申报" not in home and link(elsewhere) in home

    page = client.get(reverse("cultivation:batch_detail", args=[batch.pk])).content.decode()
    assert 'data-testid="apply-refused"' in page and "只能有一个在培项目" in page and link(elsewhere) in page
    assert start not in page and "开始申报" not in page

    form = client.get(start)
    assert form.status_code == 200
    text = form.content.decode()
    assert "只能有一个在培项目" in text and link(elsewhere) in text and elsewhere.batch.name in text
    assert 'name="title"' not in text and "保存草稿" not in text and "符合申报基本要求" not in text


def test_a_branch_free_to_apply_is_offered_the_form(tree, client_for):
    batch = batch_in("selection")
    client = client_for(tree.secretary)
    home = client.get("/").content.decode()
    assert 'data-testid="open-batch"' in home and "查看并申报" in home
    assert "开始申报" in client.get(reverse("cultivation:batch_detail", args=[batch.pk])).content.decode()
    assert 'name="title"' in client.get(reverse("cultivation:project_start", args=[batch.pk])).content.decode()


def test_a_higher_level_batch_is_the_ladder_not_a_second_place(tree, client_for):
    """A branch cultivated at school is recommended into the province's batch by its school: the rule of
    one project per branch weighs batches of the same level only."""
    cultivating_project(tree.branch_a1)
    source = Project.objects.get(organization=tree.branch_a1)
    batch = batch_in("selection", owner=province_over(tree))
    assert batch.level == Level.PROVINCE and batch.one_project_per_branch
    assert workflow.one_project_refusal(tree.branch_a1, batch, workflow.cultivated_projects([tree.branch_a1])) is None
    client_for(tree.staff).post(reverse("cultivation:recommend_up", args=[batch.pk]),
                                {"source": source.pk, "rank": 1, "recommendation": "同意推荐"})
    assert Project.objects.filter(batch=batch, organization=tree.branch_a1, source=source).exists()
