import datetime
import itertools

import pytest

from cultivation import workflow
from cultivation.enums import MOVES, Actor, Grade, ProjectState
from cultivation.models import Notice, NoticeItem, Objection, Project, UnitQuota
from tests.factories import BatchFactory, ProjectFactory, materials_for

pytestmark = pytest.mark.django_db


def day_in(batch, phase):
    start, _ = batch.window(phase)
    return start + datetime.timedelta(days=1)


def actor_for(tree, move):
    return {Actor.SECRETARY: tree.secretary, Actor.UNIT: tree.unit_staff, Actor.SCHOOL: tree.staff}[move.actors[0]]


def closed_notice(project, tree):
    notice = Notice.objects.create(batch=project.batch, kind="recognition", title="拟认定公示", body="公示",
                                   starts_on=project.batch.recognition_start,
                                   ends_on=project.batch.recognition_start, published_by=tree.staff)
    NoticeItem.objects.create(notice=notice, project=project)
    return notice


@pytest.mark.parametrize(("state", "name"), list(itertools.product(ProjectState.values, MOVES)))
def test_every_move_from_every_state(tree, state, name):
    move = MOVES[name]
    project = ProjectFactory(organization=tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state=state)
    if name == "recognize":
        closed_notice(project, tree)
    materials_for(project, name, user=tree.staff)
    fields = {"conclude_midterm": {"midterm_grade": Grade.GOOD}, "accept": {"final_grade": Grade.EXCELLENT}}.get(name)
    today = day_in(project.batch, move.phase) + datetime.timedelta(days=5)
    kwargs = dict(project=project, name=name, actor=actor_for(tree, move), reason="材料不完整", fields=fields,
                  today=today)
    if state in move.sources:
        moved = workflow.move(**kwargs)
        assert moved.state == move.target and moved.version == 2
    else:
        with pytest.raises(workflow.MoveRefused, match="当前状态为"):
            workflow.move(**kwargs)
        assert Project.objects.get(pk=project.pk).state == state


@pytest.mark.parametrize("name", list(MOVES))
def test_every_move_refuses_the_wrong_roles(tree, name):
    move = MOVES[name]
    project = ProjectFactory(organization=tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state=move.sources[0])
    wrong = {Actor.SECRETARY: tree.secretary, Actor.UNIT: tree.unit_staff, Actor.SCHOOL: tree.staff}
    outsiders = [tree.other_secretary, tree.other_unit_staff, tree.reviewer]
    for user in outsiders + [user for actor, user in wrong.items() if actor not in move.actors]:
        with pytest.raises(workflow.MoveRefused, match="您无权"):
            workflow.move(project=project, name=name, actor=user, reason="x", today=day_in(project.batch, move.phase))
    assert Project.objects.get(pk=project.pk).version == 1


def test_a_secretary_cannot_submit_after_the_window_unless_extended(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    late = project.batch.selection_end + datetime.timedelta(days=1)
    with pytest.raises(workflow.MoveRefused, match="已于.*截止"):
        workflow.project_submit(project=project, actor=tree.secretary, today=late)
    workflow.extend_window(project=project, phase="selection", until=late, reason="系统培训延误", actor=tree.staff)
    assert workflow.project_submit(project=project, actor=tree.secretary, today=late).state == ProjectState.SUBMITTED


def test_a_move_before_its_phase_is_refused(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    with pytest.raises(workflow.MoveRefused, match="尚未开始"):
        workflow.project_submit(project=project, actor=tree.secretary,
                                today=project.batch.selection_start - datetime.timedelta(days=1))


def test_an_ineligible_branch_cannot_submit(tree):
    tree.branch_a1.founded_on = datetime.date(2018, 1, 1)
    tree.branch_a1.save()
    project = ProjectFactory(organization=tree.branch_a1)
    with pytest.raises(workflow.MoveRefused, match="创建不满2年"):
        workflow.project_submit(project=project, actor=tree.secretary, today=day_in(project.batch, "selection"))


def test_a_return_needs_a_reason_and_tells_the_secretary(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    today = day_in(project.batch, "selection")
    workflow.project_submit(project=project, actor=tree.secretary, today=today)
    with pytest.raises(workflow.MoveRefused, match="须填写原因"):
        workflow.project_return_application(project=project, actor=tree.unit_staff, reason="  ", today=today)
    workflow.project_return_application(project=project, actor=tree.unit_staff, reason="做法写得太笼统", today=today)
    note = tree.secretary.notifications.get()
    assert "退回修改" in note.title and "做法写得太笼统" in note.body


def test_the_unit_quota_is_enforced_when_forwarding(tree):
    batch = BatchFactory()
    UnitQuota.objects.create(batch=batch, unit=tree.unit_a, quota=1)
    first = ProjectFactory(batch=batch, organization=tree.branch_a1)
    second = ProjectFactory(batch=batch, organization=tree.branch_a2)
    today = day_in(batch, "selection")
    Project.objects.filter(pk__in=[first.pk, second.pk]).update(state=ProjectState.SUBMITTED, nomination_rank=1,
                                                                 recommendation="同意推荐")
    first.refresh_from_db()
    workflow.project_nominate(project=first, actor=tree.unit_staff, today=today)
    with pytest.raises(workflow.MoveRefused, match="推荐名额为 1 个"):
        workflow.project_nominate(project=second, actor=tree.unit_staff, today=today)


def test_recognition_waits_for_the_notice_and_every_objection(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED)
    today = day_in(project.batch, "recognition") + datetime.timedelta(days=3)
    with pytest.raises(workflow.MoveRefused, match="须先发布"):
        workflow.project_recognize(project=project, actor=tree.staff, today=today)
    notice = closed_notice(project, tree)
    objection = Objection.objects.create(notice=notice, item=notice.items.get(), name="李四", contact="13800000000",
                                         content="该支部有人违纪")
    with pytest.raises(workflow.MoveRefused, match="异议尚未全部处理"):
        workflow.project_recognize(project=project, actor=tree.staff, today=today)
    Objection.objects.filter(pk=objection.pk).update(answered_at=datetime.datetime(2019, 7, 5, tzinfo=datetime.UTC),
                                                      response="经核实不属实", outcome="dismissed")
    assert workflow.project_recognize(project=project, actor=tree.staff, today=today).state == ProjectState.RECOGNIZED


def test_a_stale_version_is_refused(tree):
    project = ProjectFactory(organization=tree.branch_a1)
    with pytest.raises(workflow.MoveRefused, match="已被他人更新"):
        workflow.project_submit(project=project, actor=tree.secretary, expected_version=0,
                                today=day_in(project.batch, "selection"))


def test_every_move_writes_one_event_with_from_to_and_reason(tree):
    from branches.models import Event

    project = ProjectFactory(organization=tree.branch_a1)
    today = day_in(project.batch, "selection")
    workflow.project_submit(project=project, actor=tree.secretary, today=today)
    workflow.project_return_application(project=project, actor=tree.unit_staff, reason="补充经验", today=today)
    events = list(Event.objects.filter(action__startswith="project.").order_by("id").values_list("action", "data"))
    assert events == [
        ("project.submit", {"从": "草稿", "到": "待二级党组织推荐"}),
        ("project.return_application", {"从": "待二级党组织推荐", "到": "已退回修改", "原因": "补充经验"}),
    ]


def test_a_benchmark_unit_is_applied_for_by_its_own_staff(tree, client_for):
    from django.urls import reverse

    from cultivation.enums import BatchKind

    batch = BatchFactory(kind=BatchKind.BENCHMARK_UNIT, start=datetime.date.today() - datetime.timedelta(days=3))
    assert workflow.applicant_organizations(tree.unit_staff, batch) == [tree.unit_a]
    assert workflow.applicant_organizations(tree.secretary, batch) == []
    client = client_for(tree.unit_staff)
    response = client.post(reverse("cultivation:project_start", args=[batch.pk]), {
        "organization": tree.unit_a.pk, "title": "标杆院系建设", "concept": "立意", "practice": "做法",
        "experience": "经验", "plan": "思路", "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "0",
        "activities-0-name": "党建引领学科建设", "activities-0-description": "每季度一次",
        "activities-0-planned_budget": "10000"})
    project = Project.objects.get(batch=batch)
    assert response.status_code == 302 and project.organization == tree.unit_a
    assert workflow.project_submit(project=project, actor=tree.unit_staff).state == ProjectState.SUBMITTED
    assert client_for(tree.secretary).get(reverse("cultivation:project_start", args=[batch.pk])).status_code == 403


def test_a_move_notice_names_the_branch_as_its_subject_and_never_doubles_zhong(tree):
    # "“…”中中医儿科…的申报已通过验收": the batch's 中 ran into a name starting with 中, and an accepted
    # project is no longer an application.
    from types import SimpleNamespace

    from tests.factories import BranchFactory

    branch = BranchFactory(name="中医儿科教研室党支部", parent=tree.unit_a)
    project = ProjectFactory(organization=branch)
    title, body, _ = workflow._message(project, SimpleNamespace(move=MOVES["accept"], reason=""))
    assert "中中" not in body and body.startswith("中医儿科教研室党支部")
    assert "申报已通过验收" not in body and "培育项目" in body and "通过验收" in body
    _, body, _ = workflow._message(project, SimpleNamespace(move=MOVES["return_application"], reason="材料不全。"))
    assert "的申报" in body and "原因：材料不全。" in body and "。。" not in body
