"""In the browser: typing a progress report, then uploading a photo, keeps every word typed."""

import io

import pytest
from PIL import Image

from cultivation.models import Attachment, ProgressReport
from tests.e2e.conftest import login, screenshot
from tests.factories import Tree, cultivating_project, progress_report

TYPED = "本月开展“经典诵读进课堂”主题党日，支部书记讲专题党课一次。"


@pytest.fixture
def report(transactional_db):
    tree = Tree()
    return progress_report(cultivating_project(tree.branch_a1), narrative="")


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (183, 28, 28)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_uploading_a_photo_keeps_the_report_text_typed_before_it(report, new_page):
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, "secretary")
    page.goto(f"/cultivation/reports/{report.pk}/edit/")
    page.get_by_label("工作进展").fill(TYPED)
    page.get_by_label("支委会（次）").fill("2")
    page.get_by_role("button", name="上传佐证材料（图片、PDF、Office 文档）").click()
    page.set_input_files("#id_attachment-file", files=[
        {"name": "主题党日合影.png", "mimeType": "image/png", "buffer": png_bytes()}])
    page.fill("#id_attachment-caption", "主题党日合影")
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_url(f"**/cultivation/reports/{report.pk}/edit/#attachments")

    assert page.get_by_label("工作进展").input_value() == TYPED
    assert page.get_by_label("支委会（次）").input_value() == "2"
    assert "主题党日合影.png" in page.get_by_test_id("attachments").inner_text()
    screenshot(page, "report-upload-keeps-text")
    saved = ProgressReport.objects.get(pk=report.pk)
    assert saved.narrative == TYPED and Attachment.objects.get().report_id == report.pk

    # Deleting the photo again keeps what was typed since.
    page.get_by_label("工作进展").fill(TYPED + "下月继续。")
    page.get_by_test_id("attachments").get_by_role("button", name="删除").click()
    page.wait_for_load_state()
    page.wait_for_function("() => !document.querySelector('[data-testid=attachments] button')")
    assert page.get_by_label("工作进展").input_value() == TYPED + "下月继续。"
    assert not Attachment.objects.exists()


def test_a_page_of_separate_forms_asks_before_one_button_drops_what_another_holds(transactional_db, new_page):
    from cultivation.models import FeedbackItem, Project

    tree = Tree()
    project = cultivating_project(tree.branch_a1)
    Project.objects.filter(pk=project.pk).update(state="rectifying")
    first = FeedbackItem.objects.create(project=project, content="宣传平台更新不够及时", created_by=tree.staff)
    second = FeedbackItem.objects.create(project=project, content="党课记录不完整", created_by=tree.staff)
    page = new_page()
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    login(page, "secretary")
    page.goto(f"/cultivation/projects/{project.pk}/")
    page.locator(f"#feedback-{first.pk} textarea").fill("已每周更新公众号")
    page.locator(f"#feedback-{second.pk} textarea").fill("已补齐党课记录")
    page.locator(f"#feedback-{second.pk}").get_by_role("button", name="保存整改情况").click()
    assert dialogs and "未保存的内容" in dialogs[0]
    # Dismissed: nothing was sent and both texts are still on the page.
    assert page.locator(f"#feedback-{first.pk} textarea").input_value() == "已每周更新公众号"
    assert page.locator(f"#feedback-{second.pk} textarea").input_value() == "已补齐党课记录"
    assert not FeedbackItem.objects.filter(response__gt="").exists()
    # Saved one at a time, nothing is asked.
    page.locator(f"#feedback-{first.pk}").get_by_role("button", name="保存整改情况").click()
    assert len(dialogs) == 2  # the second item's text was still unsaved: asked again
    page.locator(f"#feedback-{second.pk} textarea").fill("")
    page.locator(f"#feedback-{first.pk}").get_by_role("button", name="保存整改情况").click()
    page.wait_for_load_state()
    page.wait_for_function(f"() => document.querySelector('#feedback-{first.pk}').innerText.includes('已每周更新公众号')")
    assert FeedbackItem.objects.get(pk=first.pk).response == "已每周更新公众号"
