"""常态化跟踪指导 and 困难和问题 (planning.guidance): each flow, its refusals in Chinese, and who may see what."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.audit import action_label
from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Project
from notifications.models import Notification
from planning import guidance as services
from planning import selectors
from planning.guidance_enums import DIFFICULTY_MOVES, DifficultyState
from planning.models import Difficulty, DifficultyReply, Guidance
from tests.factories import ProjectFactory, cultivating_project, user_with_role
from transitions import engine
from transitions.refusals import MoveRefused, NotAllowed

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _record(tree, project, *, actor=None, days_ago=1, kind="visit"):
    return services.guidance_record(project=project, actor=actor or tree.unit_staff, kind=kind,
                                    held_on=TODAY() - datetime.timedelta(days=days_ago), guides="王书记、李委员",
                                    notes="走访支部，了解“三会一课”落实情况，建议建立台账。")


def _raise(tree, project, title="活动经费报销慢"):
    return services.difficulty_raise(project=project, actor=tree.secretary, title=title,
                                     text="特色活动经费已垫付两个月，尚未报销。")


# ---- guidance records ----------------------------------------------------------------------------

def test_unit_and_school_record_guidance_listed_newest_first_and_the_secretary_hears(tree):
    project = cultivating_project(tree.branch_a1)
    older = _record(tree, project, days_ago=10)
    newer = _record(tree, project, actor=tree.staff, days_ago=2, kind="talk")
    assert [row.pk for row in selectors.guidance_of(project)] == [newer.pk, older.pk]
    assert (older.side, newer.side) == ("unit", "school")
    assert Notification.objects.filter(user=tree.secretary, url=services.guidance_url(project)).count() == 2
    event = Event.objects.get(action="guidance.recorded", object_id=str(older.pk))
    assert event.data["指导方式"] == "走访" and action_label("guidance.recorded") == "记录跟踪指导"


def test_a_secretary_or_another_unit_cannot_record_guidance(tree):
    project = cultivating_project(tree.branch_a1)
    for actor in (tree.secretary, tree.other_unit_staff, tree.other_secretary):
        with pytest.raises(NotAllowed, match="只有二级党组织和党委组织部可以记录跟踪指导"):
            _record(tree, project, actor=actor)
    assert not Guidance.objects.exists()


def test_guidance_refusals_are_chinese_and_change_nothing(tree):
    draft = ProjectFactory(organization=tree.branch_a1)
    with pytest.raises(MoveRefused, match="尚未确定为培育对象"):
        _record(tree, draft)
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(MoveRefused, match="不能晚于今天"):
        _record(tree, project, days_ago=-3)
    with pytest.raises(MoveRefused, match="情况记录"):
        services.guidance_record(project=project, actor=tree.unit_staff, kind="visit", held_on=TODAY(),
                                 guides="王书记", notes="  ")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    with pytest.raises(MoveRefused, match="培育已结束"):
        _record(tree, project)
    assert not Guidance.objects.exists()


def test_the_page_records_guidance_and_the_secretary_reads_it_but_may_not_post(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    url = reverse("planning:guidance_project", args=[project.pk])
    add = reverse("planning:guidance_add", args=[project.pk])
    data = {"kind": "onsite", "held_on": TODAY().isoformat(), "guides": "组织员张三", "notes": "现场查看党员活动室"}
    response = client_for(tree.unit_staff).post(add, data, follow=True)
    assert "已记录跟踪指导" in response.content.decode() and Guidance.objects.count() == 1
    page = client_for(tree.secretary).get(url).content.decode()
    assert "现场查看党员活动室" in page and 'action="%s"' % add not in page
    assert client_for(tree.secretary).post(add, data).status_code == 403
    response = client_for(tree.unit_staff).post(add, {**data, "held_on": "2999-01-01"}, follow=True)
    assert "日期超出范围" in response.content.decode() and Guidance.objects.count() == 1


@pytest.mark.parametrize("who", ["other_unit_staff", "other_secretary", "reviewer"])
def test_another_units_staff_or_branch_or_a_reviewer_gets_404(tree, client_for, who):
    project = cultivating_project(tree.branch_a1)
    difficulty = _raise(tree, project)
    client = client_for(getattr(tree, who))
    assert client.get(reverse("planning:guidance_project", args=[project.pk])).status_code == 404
    assert client.post(reverse("planning:guidance_add", args=[project.pk]), {}).status_code == 404
    assert client.post(reverse("planning:difficulty_raise", args=[project.pk]), {}).status_code == 404
    moved = client.post(reverse("planning:difficulty_move", args=[difficulty.pk, "close"]),
                        {"version": difficulty.version})
    assert moved.status_code == 404
    assert Difficulty.objects.get().state == DifficultyState.OPEN


def test_the_project_page_links_to_guidance_once_cultivated(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    page = client_for(tree.secretary).get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    assert reverse("planning:guidance_project", args=[project.pk]) in page and "跟踪指导与困难问题" in page


# ---- difficulty threads --------------------------------------------------------------------------

def test_a_difficulty_is_answered_followed_up_escalated_answered_and_closed(tree):
    project = cultivating_project(tree.branch_a1)
    difficulty = _raise(tree, project)
    assert difficulty.addressed_to == "unit" and difficulty.state == DifficultyState.OPEN
    assert Notification.objects.filter(user=tree.unit_staff, url=services.difficulty_url(difficulty)).exists()

    difficulty = services.difficulty_move(difficulty=difficulty, name="answer", actor=tree.unit_staff,
                                          text="已联系财务处，本周内办理。")
    assert difficulty.state == DifficultyState.ANSWERED
    assert Notification.objects.filter(user=tree.secretary, title__contains="已答复").exists()
    difficulty = services.difficulty_move(difficulty=difficulty, name="follow_up", actor=tree.secretary,
                                          text="财务处答复需学校审批。")
    assert difficulty.state == DifficultyState.OPEN
    difficulty = services.difficulty_move(difficulty=difficulty, name="escalate", actor=tree.unit_staff,
                                          text="需组织部协调经费审批。")
    assert difficulty.addressed_to == "school" and difficulty.state == DifficultyState.OPEN
    assert Notification.objects.filter(user=tree.staff, title__contains="提请组织部协调").exists()
    with pytest.raises(MoveRefused, match="由组织部答复"):
        services.difficulty_move(difficulty=difficulty, name="answer", actor=tree.unit_staff, text="再答复")
    with pytest.raises(MoveRefused, match="无需再提请协调"):
        services.difficulty_move(difficulty=difficulty, name="escalate", actor=tree.secretary, text="再提")
    difficulty = services.difficulty_move(difficulty=difficulty, name="answer", actor=tree.staff,
                                          text="已协调，下周拨付。")
    difficulty = services.difficulty_move(difficulty=difficulty, name="close", actor=tree.secretary)
    assert difficulty.state == DifficultyState.CLOSED and difficulty.closed_by == tree.secretary
    replies = list(DifficultyReply.objects.filter(difficulty=difficulty).values_list("move", "side"))
    assert replies == [("answer", "unit"), ("follow_up", "secretary"), ("escalate", "unit"), ("answer", "school")]
    actions = list(Event.objects.filter(object_id=str(difficulty.pk), action__startswith="difficulty.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["difficulty.raised", "difficulty.answer", "difficulty.follow_up", "difficulty.escalate",
                       "difficulty.answer", "difficulty.close"]
    assert action_label("difficulty.escalate") == "提请组织部协调困难问题"
    with pytest.raises(MoveRefused, match="已关闭"):
        services.difficulty_move(difficulty=difficulty, name="answer", actor=tree.staff, text="补充")


def test_a_direct_branch_raises_with_the_school(tree):
    secretary = user_with_role("secretary", tree.direct, username="direct_secretary")
    project = cultivating_project(tree.direct)
    difficulty = services.difficulty_raise(project=project, actor=secretary, title="场地不足", text="缺少活动室")
    assert difficulty.addressed_to == "school"
    assert Notification.objects.filter(user=tree.staff, url=services.difficulty_url(difficulty)).exists()


def test_difficulty_refusals_are_chinese(tree):
    project = cultivating_project(tree.branch_a1)
    with pytest.raises(NotAllowed, match="只有本支部书记可以提出困难和问题"):
        services.difficulty_raise(project=project, actor=tree.unit_staff, title="问题", text="内容")
    with pytest.raises(MoveRefused, match="问题"):
        services.difficulty_raise(project=project, actor=tree.secretary, title=" ", text="内容")
    difficulty = _raise(tree, project)
    with pytest.raises(MoveRefused, match="答复须填写内容"):
        services.difficulty_move(difficulty=difficulty, name="answer", actor=tree.unit_staff, text=" ")
    with pytest.raises(NotAllowed, match="您无权答复"):
        services.difficulty_move(difficulty=difficulty, name="answer", actor=tree.secretary, text="自己答")
    with pytest.raises(NotAllowed, match="您无权关闭问题"):
        services.difficulty_move(difficulty=difficulty, name="close", actor=tree.other_unit_staff)
    with pytest.raises(MoveRefused, match="已被他人更新"):
        services.difficulty_move(difficulty=difficulty, name="close", actor=tree.secretary, expected_version=99)
    assert Difficulty.objects.get().state == DifficultyState.OPEN and not DifficultyReply.objects.exists()


def test_the_page_answers_and_closes_a_thread(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    raised = client_for(tree.secretary).post(reverse("planning:difficulty_raise", args=[project.pk]),
                                             {"title": "缺少指导教师", "text": "希望学院派指导教师"}, follow=True)
    assert "已提出困难和问题" in raised.content.decode()
    difficulty = Difficulty.objects.get()
    answer = reverse("planning:difficulty_move", args=[difficulty.pk, "answer"])
    assert client_for(tree.secretary).post(answer, {"text": "x", "version": 1}).status_code == 403
    response = client_for(tree.unit_staff).post(answer, {"text": "", "version": 1}, follow=True)
    assert "答复须填写内容" in response.content.decode()
    response = client_for(tree.unit_staff).post(answer, {"text": "已安排组织员联系", "version": 1}, follow=True)
    assert "问题已答复" in response.content.decode() and "已安排组织员联系" in response.content.decode()
    stale = client_for(tree.unit_staff).post(answer, {"text": "重复", "version": 1}, follow=True)
    assert "已被他人更新" in stale.content.decode()
    unknown = client_for(tree.unit_staff).post(reverse("planning:difficulty_move", args=[difficulty.pk, "nope"]),
                                               {"version": 2})
    assert unknown.status_code == 404
    closed = client_for(tree.secretary).post(reverse("planning:difficulty_move", args=[difficulty.pk, "close"]),
                                             {"text": "", "version": 2}, follow=True)
    assert "问题已关闭" in closed.content.decode()
    assert Difficulty.objects.get().state == DifficultyState.CLOSED


# ---- the batch dashboard's counts ----------------------------------------------------------------

def test_the_overview_counts_guidance_per_project_and_lists_open_difficulties_by_age(tree):
    project = cultivating_project(tree.branch_a1)
    other = cultivating_project(tree.branch_b1, batch=project.batch)
    _record(tree, project, days_ago=5)
    _record(tree, project, days_ago=1, kind="talk")
    old = _raise(tree, project, title="旧问题")
    Difficulty.objects.filter(pk=old.pk).update(raised_at=timezone.now() - datetime.timedelta(days=12))
    new = _raise(tree, project, title="新问题")
    closed = services.difficulty_move(difficulty=_raise(tree, project, title="已解决"), name="close",
                                      actor=tree.secretary)
    overview = selectors.guidance_overview(project.batch)
    assert overview.counts[project.pk]["total"] == 2 and overview.counts[project.pk]["talk"] == 1
    assert overview.counts[project.pk]["latest"] == TODAY() - datetime.timedelta(days=1)
    assert other.pk not in overview.counts
    assert [(row.pk, row.age_days) for row in overview.open_difficulties] == [(old.pk, 12), (new.pk, 0)]
    assert closed.pk not in [row.pk for row in overview.open_difficulties]


def test_the_overview_costs_two_queries(tree, django_assert_num_queries):
    project = cultivating_project(tree.branch_a1)
    _record(tree, project)
    _raise(tree, project)
    batch = project.batch
    with django_assert_num_queries(2):
        selectors.guidance_overview(batch)


# ---- query counts --------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [1, 3])
def test_the_project_page_runs_a_constant_number_of_queries(tree, client_for, size, django_assert_num_queries):
    project = cultivating_project(tree.branch_a1)
    for number in range(size):
        _record(tree, project, days_ago=number + 1)
        difficulty = _raise(tree, project, title=f"问题{number}")
        services.difficulty_move(difficulty=difficulty, name="answer", actor=tree.unit_staff, text="已答复")
    client = client_for(tree.unit_staff)
    url = reverse("planning:guidance_project", args=[project.pk])
    assert client.get(url).content.decode().count('data-testid="difficulty"') == size
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)


# Session, user, role assignments, the project, its threads, their replies, its guidance, and the inbox
# badge of the navigation bar.
PAGE_QUERIES = 8


@pytest.mark.parametrize("name", list(DIFFICULTY_MOVES))
@pytest.mark.parametrize("state", list(DifficultyState))
def test_every_move_leaves_only_its_sources(tree, name, state):
    project = cultivating_project(tree.branch_a1)
    difficulty = _raise(tree, project)
    Difficulty.objects.filter(pk=difficulty.pk).update(**{"state": state})
    difficulty.refresh_from_db()
    move = DIFFICULTY_MOVES[name]
    actor = tree.secretary if name == "follow_up" else tree.unit_staff
    refused = engine.refusal(services.MACHINE, actor, difficulty, name)
    if state in move.sources:
        assert refused is None
        moved = services.difficulty_move(difficulty=difficulty, name=name, actor=actor, text="内容")
        assert moved.state == move.target
    else:
        assert refused is not None and "不能" in refused.message
        with pytest.raises(MoveRefused):
            services.difficulty_move(difficulty=difficulty, name=name, actor=actor, text="内容")
