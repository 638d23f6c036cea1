"""A batch from 选苗 to 收获推广, entirely through the pages, as each person would do it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.enums import Grade, ProjectState
from cultivation.models import FeedbackItem, Notice, Objection, Project
from cultivation.models.reviews import DeliverableKind

from .helpers import answered, batch_in, enter

pytestmark = pytest.mark.django_db


def post(client, url, data=None, *, follow=True):
    return client.post(url, data or {}, follow=follow)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def move(client, project, name, **data):
    project.refresh_from_db()
    return post(client, reverse("cultivation:project_move", args=[project.pk, name]),
                {"version": project.version, **data})


APPLICATION = {
    "title": "“名医传承”党建+业务双融合", "concept": "以党建引领中医传承", "practice": "师带徒、党员示范门诊",
    "experience": "形成“支部建在教研室”工作法", "plan": "18个月形成可复制经验",
    "activities-TOTAL_FORMS": "2", "activities-INITIAL_FORMS": "0", "activities-MIN_NUM_FORMS": "1",
    "activities-MAX_NUM_FORMS": "2",
    "activities-0-name": "经典诵读进课堂", "activities-0-description": "每月一次经典诵读", "activities-0-planned_budget": "5000",
    "activities-1-name": "", "activities-1-description": "", "activities-1-planned_budget": "",
}


def test_a_batch_from_selection_to_acceptance_through_the_pages(tree, client):
    staff, unit, secretary = tree.staff, tree.unit_staff, tree.secretary
    batch = batch_in("selection", name="第九批“样板党支部”培育工程")

    # 选苗: the secretary drafts, sees the eligibility result, submits.
    client.force_login(secretary)
    page = client.get(reverse("cultivation:project_start", args=[batch.pk]))
    assert page.status_code == 200 and "符合申报基本要求" in page.content.decode()
    response = post(client, reverse("cultivation:project_start", args=[batch.pk]),
                    {"organization": tree.branch_a1.pk, **APPLICATION})
    project = Project.objects.get(batch=batch, organization=tree.branch_a1)
    assert project.state == ProjectState.DRAFT and project.activities.count() == 1
    assert "申报书已保存为草稿" in " ".join(messages_of(response))
    response = move(client, project, "submit")
    project.refresh_from_db()
    assert project.state == ProjectState.SUBMITTED, messages_of(response)

    # The unit ranks it, writes its 推荐意见 and forwards it.
    client.force_login(unit)
    page = client.get(reverse("cultivation:nominations", args=[batch.pk]))
    assert tree.branch_a1.name in page.content.decode()
    post(client, reverse("cultivation:project_recommend", args=[project.pk]),
         {"version": project.version, "rank": 1, "recommendation": "基础扎实，特色鲜明"})
    project.refresh_from_db()
    assert (project.nomination_rank, project.recommendation) == (1, "基础扎实，特色鲜明")
    move(client, project, "nominate")
    project.refresh_from_db()
    assert project.state == ProjectState.NOMINATED

    # 认定: staff screen and shortlist, publish the notice.
    enter(batch, "recognition")
    client.force_login(staff)
    page = client.get(reverse("cultivation:screening", args=[batch.pk]))
    assert tree.branch_a1.name in page.content.decode()
    move(client, project, "shortlist")
    project.refresh_from_db()
    assert project.state == ProjectState.SHORTLISTED
    today = timezone.localdate()
    response = post(client, reverse("cultivation:notice_create", args=[batch.pk]), {
        "kind": "recognition", "title": "拟认定培育对象公示", "body": "现予公示。", "starts_on": today.isoformat(),
        "contact": "组织部 6428xxxx", "projects": [project.pk]})
    notice = Notice.objects.get(batch=batch)
    assert "已发布公示" in " ".join(messages_of(response))

    # Anyone objects on the public page; recognition waits for the answer.
    client.logout()
    public = client.get(reverse("public:notice_detail", args=[notice.pk]))
    assert public.status_code == 200 and tree.branch_a1.name in public.content.decode()
    item = notice.items.get()
    post(client, reverse("public:objection_lodge", args=[notice.pk]),
         answered({"item": item.pk, "name": "李四", "contact": "13800000000", "content": "请核实其党员发展材料"}))
    objection = Objection.objects.get()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=10),
                                               ends_on=today - datetime.timedelta(days=3))
    client.force_login(staff)
    response = move(client, project, "recognize")
    assert "异议尚未全部处理" in " ".join(messages_of(response))
    post(client, reverse("cultivation:objection_answer", args=[objection.pk]),
         {"outcome": "dismissed", "response": "经核实，材料齐全规范"})
    move(client, project, "recognize")
    project.refresh_from_db()
    assert project.state == ProjectState.RECOGNIZED

    # 中期评估: the secretary writes both texts and submits; staff give feedback and conclude.
    enter(batch, "midterm")
    client.force_login(secretary)
    response = move(client, project, "submit_midterm")
    assert "中期材料尚未填写" in " ".join(messages_of(response))
    project.refresh_from_db()
    post(client, reverse("cultivation:midterm_edit", args=[project.pk]),
         {"version": project.version, "summary": "开展主题党日12次", "outcome_report": "形成案例2个"})
    move(client, project, "submit_midterm")
    project.refresh_from_db()
    assert project.state == ProjectState.MIDTERM_SUBMITTED
    client.force_login(staff)
    response = move(client, project, "conclude_midterm", grade=Grade.GOOD)
    assert "整改意见" in " ".join(messages_of(response))
    post(client, reverse("cultivation:feedback_add", args=[project.pk]), {"content": "宣传平台更新不够及时"})
    move(client, project, "conclude_midterm", grade=Grade.GOOD)
    project.refresh_from_db()
    assert (project.state, project.midterm_grade) == (ProjectState.RECTIFYING, Grade.GOOD)

    # 收获推广: rectification, the 四个一, the acceptance record and the decision.
    enter(batch, "harvest")
    client.force_login(secretary)
    feedback = FeedbackItem.objects.get(project=project)
    post(client, reverse("cultivation:feedback_respond", args=[feedback.pk]), {"response": "已每周更新公众号"})
    project.refresh_from_db()
    post(client, reverse("cultivation:final_edit", args=[project.pk]), {"version": project.version, "summary": "培育总结"})
    for kind, label in DeliverableKind.choices[:3]:
        post(client, reverse("cultivation:deliverable_add", args=[project.pk]), {"kind": kind, "title": label})
    response = move(client, project, "submit_final")
    assert "尚缺：一本示范建设成果资料汇编" in " ".join(messages_of(response))
    post(client, reverse("cultivation:deliverable_add", args=[project.pk]),
         {"kind": DeliverableKind.BOOKLET, "title": "成果汇编", "link": "https://example.edu.cn/book"})
    move(client, project, "submit_final")
    project.refresh_from_db()
    assert project.state == ProjectState.FINAL_SUBMITTED

    client.force_login(staff)
    response = move(client, project, "accept", grade=Grade.EXCELLENT)
    assert "须先记录验收情况" in " ".join(messages_of(response))
    project.refresh_from_db()
    post(client, reverse("cultivation:acceptance_edit", args=[project.pk]), {
        "version": project.version, "material_review_on": today.isoformat(), "material_review_notes": "齐全",
        "presentation_on": today.isoformat(), "presentation_notes": "清楚"})
    post(client, reverse("cultivation:feedback_verify", args=[feedback.pk]), {"verified": "yes", "note": "已核实"})
    move(client, project, "accept", grade=Grade.EXCELLENT)
    project.refresh_from_db()
    assert (project.state, project.final_grade) == (ProjectState.ACCEPTED, Grade.EXCELLENT)

    # The results notice, public.
    post(client, reverse("cultivation:notice_create", args=[batch.pk]), {
        "kind": "acceptance", "title": "验收结果公示", "body": "现予公示。", "starts_on": today.isoformat(),
        "projects": [project.pk]})
    results = Notice.objects.get(kind="acceptance")
    assert results.items.get().note == "验收等次：优秀"
    client.logout()
    assert "验收等次：优秀" in client.get(reverse("public:notice_detail", args=[results.pk])).content.decode()

    # Every step is in the log, and the secretary heard of every decision.
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"project.submit", "project.recommended", "project.nominate", "project.shortlist", "notice.published",
            "objection.lodged", "objection.answered", "project.recognize", "midterm.saved", "project.submit_midterm",
            "feedback.added", "project.conclude_midterm", "feedback.answered", "deliverable.added",
            "project.submit_final", "acceptance.recorded", "feedback.verified", "project.accept"} <= actions
    titles = list(secretary.notifications.values_list("title", flat=True))
    assert any("列入拟认定名单" in t for t in titles) and any("通过验收" in t for t in titles)
    assert any("公示" in t for t in titles)
