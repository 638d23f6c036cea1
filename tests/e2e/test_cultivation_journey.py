"""A batch in the browser: application, nomination, shortlist, public notice, objection, recognition,
and the acceptance result in public — each person seeing what is theirs."""

import datetime
import re

import pytest
from django.utils import timezone

from cultivation import notices
from cultivation.challenge import parse_answer
from cultivation.enums import Grade, ProjectState
from cultivation.models import Notice, Objection, Project
from tests.cultivation.helpers import batch_in, enter
from tests.e2e.conftest import login, screenshot
from tests.factories import Tree


@pytest.fixture
def world(transactional_db):
    tree = Tree()
    return tree, batch_in("selection", name="第五批“样板党支部”培育工程")


def solve(question):
    """Answer the 验证题 as a person reads it: "验证题：三加四等于几？" → "7"."""
    a, b = re.search(r"：(.+)加(.+)等于几", question).groups()
    return str(parse_answer(a) + parse_answer(b))


def accept_dialogs(page):
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_a_batch_from_application_to_public_result(world, new_page):
    tree, batch = world

    # The secretary drafts the application and submits it.
    secretary = accept_dialogs(new_page())
    login(secretary, "secretary")
    secretary.goto(f"/cultivation/batches/{batch.pk}/")
    secretary.get_by_role("link", name="开始申报").click()
    assert "符合申报基本要求" in secretary.get_by_test_id("eligibility").inner_text()
    secretary.fill("#id_title", "“名医传承”党建+业务双融合")
    for field, text in [("concept", "以党建引领中医传承"), ("practice", "师带徒、党员示范门诊"),
                        ("experience", "支部建在教研室"), ("plan", "18个月形成可复制经验")]:
        secretary.fill(f"#id_{field}", text)
    secretary.fill("#id_activities-0-name", "经典诵读进课堂")
    secretary.fill("#id_activities-0-description", "每月一次")
    secretary.fill("#id_activities-0-planned_budget", "5000")
    secretary.get_by_role("button", name="保存草稿").click()
    secretary.get_by_role("button", name="提交申报").click()
    assert secretary.get_by_test_id("state").first.inner_text() == "待二级党组织推荐"
    assert secretary.get_by_role("button", name="推荐报送").count() == 0
    screenshot(secretary, "cultivation-secretary-submitted")
    project = Project.objects.get(batch=batch, organization=tree.branch_a1)

    # The unit's staff see it waiting on their home page, and forward it.
    unit = accept_dialogs(new_page())
    login(unit, "unit")
    assert "待推荐的申报（1）" in unit.get_by_test_id("cultivation-unit").inner_text()
    unit.goto(f"/cultivation/batches/{batch.pk}/nominations/")
    # Rank and 推荐意见 are required, and go with the nomination in one form (nothing typed is lost).
    unit.get_by_role("button", name="保存并推荐报送").click()
    assert "推荐报送须填写推荐排序和推荐意见" in unit.content()
    unit.get_by_label("推荐排序").fill("1")
    unit.get_by_label("推荐意见").fill("基础扎实、特色鲜明，同意推荐。")
    unit.get_by_role("button", name="保存并推荐报送").click()
    assert "已推荐报送" in unit.content()
    assert unit.get_by_role("link", name="公示管理").count() == 0
    project.refresh_from_db()
    assert project.state == ProjectState.NOMINATED

    # 组织部 shortlists and publishes the notice.
    enter(batch, "recognition")
    staff = accept_dialogs(new_page())
    login(staff, "staff")
    staff.goto(f"/cultivation/batches/{batch.pk}/screening/")
    staff.get_by_role("button", name="列入拟认定名单").click()
    staff.goto(f"/cultivation/batches/{batch.pk}/notices/new/?kind=recognition")
    staff.fill("#id_body", "经推荐和筛选，拟确定以下党支部为培育对象，现予公示。")
    staff.get_by_role("button", name="发布公示").click()
    assert staff.get_by_test_id("notice-status").inner_text() == "公示中"
    notice = Notice.objects.get(batch=batch)

    # Anyone reads it without logging in, and objects under real name.
    visitor = new_page()
    visitor.goto("/public/notices/")
    visitor.get_by_role("link", name=notice.title).click()
    assert tree.branch_a1.name in visitor.get_by_test_id("notice-items").inner_text()
    visitor.get_by_role("button", name="提交异议").click()  # empty: refused, in Chinese
    assert "请填写真实姓名" in visitor.content()
    visitor.fill("#id_name", "李四")
    visitor.fill("#id_contact", "13800000000")
    visitor.fill("#id_content", "请核实该支部的党员发展材料。")
    visitor.fill("#id_answer", "0")  # a wrong sum: refused, and what was typed stays
    visitor.get_by_role("button", name="提交异议").click()
    assert "验证题回答不正确" in visitor.content()
    assert visitor.input_value("#id_content") == "请核实该支部的党员发展材料。"
    visitor.fill("#id_answer", solve(visitor.locator("label[for=id_answer]").inner_text()))
    visitor.get_by_role("button", name="提交异议").click()
    assert "您的异议已提交" in visitor.content()
    assert "李四" not in visitor.content()
    screenshot(visitor, "cultivation-public-notice")

    # Staff answer it; after the notice closes, they recognize the branch.
    staff.goto(f"/cultivation/notices/{notice.pk}/")
    assert "李四" in staff.get_by_test_id("objection").inner_text()
    staff.select_option("#id_outcome", "dismissed")
    staff.fill("#id_response", "经核查发展党员档案，材料齐全规范。")
    staff.get_by_role("button", name="记录处理情况").click()
    assert Objection.objects.get().is_answered
    today = timezone.localdate()
    Notice.objects.filter(pk=notice.pk).update(starts_on=today - datetime.timedelta(days=9),
                                               ends_on=today - datetime.timedelta(days=2))
    staff.goto(f"/cultivation/projects/{project.pk}/")
    staff.get_by_role("button", name="确定为培育对象").click()
    assert staff.get_by_test_id("state").first.inner_text() == "培育中"
    screenshot(staff, "cultivation-staff-recognized")

    # The secretary sees the outcome and was told of it.
    secretary.goto(f"/cultivation/projects/{project.pk}/")
    assert secretary.get_by_test_id("state").first.inner_text() == "培育中"
    assert tree.secretary.notifications.filter(title__contains="确定为培育对象").exists()

    # Much later: accepted, and the result is public.
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED, final_grade=Grade.EXCELLENT)
    enter(batch, "harvest")
    notices.notice_publish(batch=batch, kind="acceptance", title="第五批验收结果公示", body="现予公示。",
                           starts_on=today, items=[(Project.objects.get(pk=project.pk), "验收等次：优秀")],
                           actor=tree.staff)
    visitor.goto("/public/notices/")
    visitor.get_by_role("link", name="第五批验收结果公示").click()
    assert "验收等次：优秀" in visitor.get_by_test_id("notice-items").inner_text()
    screenshot(visitor, "cultivation-public-result")
