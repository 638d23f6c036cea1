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
    message = flashed(response)
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


def test_a_higher_level_batch_is_the_ladder_not_a_second_place(tree, client_for):
    cultivating_project(tree.branch_a1)
    batch = batch_in("selection", owner=province_over(tree))
    assert batch.level == Level.PROVINCE
    response = client_for(tree.secretary).post(reverse("cultivation:project_start", args=[batch.pk]),
                                               {"organization": tree.branch_a1.pk, **APPLICATION}, follow=True)
    assert Project.objects.filter(batch=batch).exists()
    assert "其他批次也有申报或培育项目" in flashed(response)
    assert Batch.objects.get(pk=batch.pk).one_project_per_branch
