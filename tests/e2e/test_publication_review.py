"""Nothing a branch uploads is public until reviewed (issue 24, item 5), walked in the browser: a picture the
secretary uploads is neither on the public showcase nor in the booklet; after 申请公开, the 二级党组织's and
the 组织部's 同意, it is on both, caption included."""
from cultivation.enums import ProjectState
from cultivation.models import Project
from tests.dissemination.booklet_helpers import png_bytes
from tests.e2e.conftest import login, screenshot
from tests.factories import Tree, cultivating_project

CAPTION = "内部材料：党员名单照片（不应公开）"


def _click(page, url, button):
    page.goto(url)
    page.locator("#attachments").get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def _on_showcase(page, project):
    page.goto(f"/public/showcase/projects/{project.pk}/")
    return CAPTION in page.content() or page.locator("[data-testid=showcase-pictures] img").count() > 0


def _in_booklet(page, project):
    page.goto(f"/dissemination/batches/{project.batch_id}/booklet/")
    return CAPTION in page.content()


def test_a_picture_reaches_the_showcase_and_the_booklet_only_after_review(transactional_db, new_page, tmp_path,
                                                                          settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    tree = Tree()
    project = cultivating_project(tree.branch_a1, title="红烛先锋")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)  # in the booklet once public
    record = f"/cultivation/projects/{project.pk}/reports/"
    picture = tmp_path / "名单.png"
    picture.write_bytes(png_bytes())

    secretary = new_page()
    login(secretary, "secretary")
    secretary.goto(record)
    secretary.get_by_role("button", name="上传佐证材料（图片、PDF、Office 文档）").click()
    assert secretary.get_by_text("经二级党组织和组织部同意后").is_visible()  # it says what becomes public
    secretary.set_input_files("#add-attachment input[type=file]", files=[str(picture)])
    secretary.locator("#add-attachment").get_by_label("说明").fill(CAPTION)
    secretary.locator("#add-attachment").get_by_role("button", name="上传").click()
    secretary.wait_for_url(f"**{record}*")
    assert secretary.locator("[data-testid=publication-state]").inner_text() == "不公开"

    visitor, staff = new_page(), new_page()
    login(staff, "staff")
    assert not _on_showcase(visitor, project) and not _in_booklet(staff, project)

    _click(secretary, record, "申请公开")
    unit = new_page()
    login(unit, "unit")
    unit.goto(record)
    unit.locator("#attachments").scroll_into_view_if_needed()
    screenshot(unit, "picture-review-unit")
    _click(unit, record, "同意公开")
    assert not _on_showcase(visitor, project) and not _in_booklet(staff, project)  # the 组织部 has yet to agree

    _click(staff, record, "同意公开并发布")
    assert staff.locator("[data-testid=publication-state]").inner_text() == "已公开"
    assert _on_showcase(visitor, project) and _in_booklet(staff, project)
    visitor.goto(f"/public/showcase/projects/{project.pk}/")
    assert visitor.locator("[data-testid=showcase-pictures] img").first.evaluate("img => img.naturalWidth") > 0
    screenshot(visitor, "showcase-approved-picture")
