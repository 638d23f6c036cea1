"""A province's batch: each school's 组织部 recommends its cultivated branches within the quota the province
sets per school, the province screens, publishes its 公示 and decides; the record travels by reference."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches import access
from branches.enums import OrgKind, Role
from cultivation import notices, services, workflow
from cultivation.enums import Grade, Level, ProjectState
from cultivation.models import Batch, FeaturedActivity, Project
from tests.cultivation.helpers import batch_in
from tests.factories import BranchFactory, OrganizationFactory, ProjectFactory, province_over, user_with_role
from transitions.refusals import MoveRefused

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def world(tree):
    province = province_over(tree)
    tree.province = province
    tree.province_staff = user_with_role(Role.ORG_STAFF, province, username="province")
    tree.second = OrganizationFactory(kind=OrgKind.SCHOOL, name="第二大学党委", parent=province)
    tree.second_branch = BranchFactory(name="第二大学文学院第一党支部",
                                       parent=OrganizationFactory(name="第二大学文学院党委", parent=tree.second))
    tree.second_staff = user_with_role(Role.ORG_STAFF, tree.second, username="staff2")
    tree.accepted = cultivated(tree.branch_a1, tree.school, ProjectState.ACCEPTED, final_grade=Grade.EXCELLENT)
    tree.other_accepted = cultivated(tree.branch_b1, tree.school, ProjectState.ACCEPTED, final_grade=Grade.GOOD)
    tree.second_recognized = cultivated(tree.second_branch, tree.second, ProjectState.RECOGNIZED)
    tree.batch = batch_in("selection", name="省级样板党支部培育创建", owner=province)
    return tree


def cultivated(branch, school, state, **fields):
    project = ProjectFactory(batch=batch_in("harvest", owner=school, name=f"{school.name}第一批"), organization=branch,
                             title=f"{branch.name}的创建主题")
    FeaturedActivity.objects.create(project=project, name="红色讲堂", description="每月一讲", order=1)
    Project.objects.filter(pk=project.pk).update(state=state, **fields)
    return project


def recommend(client, user, batch, source, rank=1):
    client.force_login(user)
    return client.post(reverse("cultivation:recommend_up", args=[batch.pk]),
                       {"source": source.pk, "rank": rank, "recommendation": "创建成效突出，推荐参加省级培育"}, follow=True)


def test_a_province_batch_is_province_level_and_run_by_the_province_only(world):
    assert world.batch.level == Level.PROVINCE
    assert world.batch in Batch.objects.managed_by(world.province_staff)
    assert world.batch not in Batch.objects.managed_by(world.staff)
    assert world.batch in Batch.objects.visible_to(world.staff) and world.batch in Batch.objects.visible_to(
        world.second_staff)


def test_a_school_recommends_its_own_cultivated_branches_with_their_record(world, client):
    client.force_login(world.staff)
    page = client.get(reverse("cultivation:recommend_up", args=[world.batch.pk])).content.decode()
    assert world.branch_a1.name in page and world.second_branch.name not in page
    response = recommend(client, world.staff, world.batch, world.accepted)
    assert response.status_code == 200
    project = Project.objects.get(batch=world.batch, organization=world.branch_a1)
    assert project.state == ProjectState.NOMINATED and project.unit == world.school and project.source == world.accepted
    assert project.title == world.accepted.title and project.recommendation.startswith("创建成效突出")
    names = list(project.activities.order_by("order").values_list("name", flat=True))
    assert names == list(world.accepted.activities.order_by("order", "id").values_list("name", flat=True))[:2]
    assert "红色讲堂" in names
    detail = client.get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    assert 'data-testid="project-source"' in detail and reverse("cultivation:project_detail", args=[world.accepted.pk]) in detail


def test_the_province_s_quota_per_school_holds(world, client):
    client.force_login(world.province_staff)
    client.post(reverse("cultivation:batch_quota", args=[world.batch.pk]), {"unit": world.school.pk, "quota": 1})
    recommend(client, world.staff, world.batch, world.accepted)
    response = recommend(client, world.staff, world.batch, world.other_accepted, rank=2)
    assert "推荐名额为 1 个" in response.content.decode()
    assert not Project.objects.filter(batch=world.batch, organization=world.branch_b1).exists()  # no draft left
    recommend(client, world.second_staff, world.batch, world.second_recognized)
    assert Project.objects.filter(batch=world.batch, state=ProjectState.NOMINATED).count() == 2


def test_a_school_cannot_recommend_another_school_s_branch_nor_run_the_province_batch(world, client):
    with pytest.raises(MoveRefused, match="不能由您推荐"):
        services.project_recommend_up(batch=world.batch, source=world.second_recognized, actor=world.staff, rank=1,
                                      recommendation="推荐")
    client.force_login(world.province_staff)
    assert client.get(reverse("cultivation:recommend_up", args=[world.batch.pk])).status_code == 403
    client.force_login(world.staff)
    assert client.get(reverse("cultivation:batch_edit", args=[world.batch.pk])).status_code == 404


def test_the_province_screens_publishes_its_notice_and_decides(world, client):
    recommend(client, world.staff, world.batch, world.accepted)
    recommend(client, world.second_staff, world.batch, world.second_recognized)
    projects = list(Project.objects.filter(batch=world.batch).order_by("id"))
    day = world.batch.recognition_start
    with pytest.raises(MoveRefused, match="您无权"):
        workflow.project_shortlist(project=projects[0], actor=world.staff, today=day)  # the school only recommends
    for project in projects:
        workflow.project_shortlist(project=project, actor=world.province_staff, today=day)
    notice = notices.notice_publish(batch=world.batch, kind="recognition", title="省级样板党支部培育对象拟认定公示",
                                    body="现予公示", starts_on=day, items=[(p, "") for p in projects],
                                    actor=world.province_staff, today=day)
    assert notice.batch.owner == world.province
    for project in projects:
        workflow.project_recognize(project=project, actor=world.province_staff, today=notice.ends_on + DAY)
    assert set(Project.objects.filter(batch=world.batch).values_list("state", flat=True)) == {ProjectState.RECOGNIZED}
    client.force_login(world.secretary)
    ladder = client.get(reverse("branches:organization_detail", args=[world.branch_a1.pk])).content.decode()
    steps = ladder.split('data-testid="ladder-step"')[1:]
    assert len(steps) == 2 and Level.SCHOOL.label in steps[0] and Level.PROVINCE.label in steps[1]
    assert "由“" in steps[1] and "优秀" in steps[0] and notice.title in steps[1]
    client.force_login(world.second_staff)
    assert client.get(reverse("cultivation:project_detail", args=[projects[0].pk])).status_code == 404


def test_an_expert_of_another_school_reads_the_record_the_recommendation_climbs_from(world, client):
    from evaluations.models import ScoreSheet
    from tests.factories import RoundFactory

    recommend(client, world.staff, world.batch, world.accepted)
    project = Project.objects.get(batch=world.batch)
    expert = user_with_role(Role.REVIEWER, world.second_branch.parent, username="expert2")
    assert world.accepted not in Project.objects.readable_by(expert)
    ScoreSheet.objects.create(round=RoundFactory(batch=world.batch), project=project, reviewer=expert,
                              assigned_by=world.province_staff)
    readable = Project.objects.readable_by(expert)
    assert project in readable and world.accepted in readable and world.other_accepted not in readable


def test_the_province_s_mid_term_round_draws_experts_across_schools_and_publishes_its_results(world, client):
    from evaluations import services as evaluations
    from evaluations.enums import RoundState
    from tests.cultivation.helpers import enter
    from tests.factories import RoundFactory, full_scores, materials_for, round_project

    enter(world.batch, "midterm")
    world.batch.refresh_from_db()
    round_ = RoundFactory(batch=world.batch, reviewers_per_project=1)
    own, other = round_project(world.branch_a1, round_), round_project(world.second_branch, round_)
    expert = user_with_role(Role.REVIEWER, world.unit_b, username="expert1")  # 测试大学 乙学院党委
    expert2 = user_with_role(Role.REVIEWER, world.second_branch.parent, username="expert2")
    made, _ = evaluations.assignments_auto(round_=round_, actor=world.province_staff)
    assert {(sheet.project_id, sheet.reviewer_id) for sheet in made} == {(own.pk, expert2.pk), (other.pk, expert.pk)}
    with pytest.raises(MoveRefused, match="只能管理本单位主办批次"):
        evaluations.round_move(round_=round_, name="close", actor=world.staff)  # a school does not run it
    for sheet, value in zip(sorted(made, key=lambda s: s.project_id), (9, 8)):
        evaluations.sheet_save(sheet=sheet, actor=sheet.reviewer, values=full_scores(round_, sheet.project, value),
                               submit=True)
    for project in (own, other):
        materials_for(project, "conclude_midterm", user=world.province_staff)
    round_ = evaluations.round_move(round_=round_, name="close", actor=world.province_staff)
    published = evaluations.round_publish(round_=round_, actor=world.province_staff, title="省级中期评估结果公示",
                                          body="现予公示", starts_on=timezone.localdate())
    assert published.state == RoundState.PUBLISHED and published.notice.batch.owner == world.province
    assert Project.objects.get(pk=own.pk).midterm_grade == Grade.EXCELLENT
    listing = client.get(reverse("public:notice_list")).content.decode()
    assert "省级中期评估结果公示" in listing and "省委教育工委" in listing


def test_a_ministry_batch_takes_recommendations_from_provinces_the_same_way(world):
    from branches import services as tree

    ministry = tree.organization_create(actor=None, code="MOE", name="教育部党组", kind=OrgKind.MINISTRY)
    tree.organization_update(actor=None, organization=world.province, parent=ministry)
    for user in (world.staff, world.province_staff):
        access.forget(user)
    world.branch_a1.refresh_from_db()
    province_project = ProjectFactory(batch=batch_in("harvest", owner=world.province), organization=world.branch_a1)
    Project.objects.filter(pk=province_project.pk).update(state=ProjectState.ACCEPTED)
    national = batch_in("selection", owner=ministry, name="全国党建工作样板支部培育创建")
    assert national.level == Level.NATIONAL
    assert not services.recommendable(world.staff, national).exists()  # a school does not recommend to the ministry
    project = services.project_recommend_up(batch=national, source=province_project, actor=world.province_staff,
                                            rank=1, recommendation="省委教育工委推荐")
    project.refresh_from_db()
    assert project.state == ProjectState.NOMINATED and project.unit == world.province and project.source == province_project


def test_a_province_sets_quotas_for_its_schools_not_for_their_units(world, client):
    client.force_login(world.province_staff)
    page = client.get(reverse("cultivation:batch_detail", args=[world.batch.pk])).content.decode()
    assert f'value="{world.school.pk}"' in page and f'value="{world.unit_a.pk}"' not in page
    with pytest.raises(MoveRefused, match="下一级的推荐单位"):
        services.unit_quota_set(actor=world.province_staff, batch=world.batch, unit=world.unit_a, quota=1)
    services.unit_quota_set(actor=world.province_staff, batch=world.batch, unit=world.second, quota=1)
    assert world.batch.unit_quotas.get().unit == world.second


def test_one_route_into_a_province_batch_said_where_it_starts(world, client):
    """Secretaries are not offered to apply there (home, batch page, form, service); the school's staff
    recommend; both read the same sentence saying so."""
    start = reverse("cultivation:project_start", args=[world.batch.pk])
    detail = reverse("cultivation:batch_detail", args=[world.batch.pk])
    route = workflow.LADDER_ROUTE[Level.PROVINCE]
    client.force_login(world.secretary)
    home = client.get("/").content.decode()
    assert world.batch.name in home and route in home and "查看并申报" not in home
    page = client.get(detail).content.decode()
    assert route in page and "开始申报" not in page and start not in page
    response = client.get(start, follow=True)
    assert response.redirect_chain[-1][0] == detail and route in response.content.decode()
    with pytest.raises(MoveRefused, match="不由党支部直接申报"):
        services.project_create(batch=world.batch, organization=world.branch_a1, actor=world.secretary,
                                title="主题", concept="立意", practice="做法", experience="经验", plan="思路")
    assert not Project.objects.filter(batch=world.batch).exists()

    client.force_login(world.staff)
    page = client.get(detail).content.decode()
    assert route in page and 'data-testid="recommend-up"' in page and "开始申报" not in page
