"""Long choice lists are searchable: typing narrows the options, and the chosen one is submitted."""
from evaluations.models import ConflictDeclaration as Conflict
from tests.e2e.conftest import login, screenshot
from tests.factories import BranchFactory, OrganizationFactory, Tree


def test_typing_filters_the_conflict_choices_and_the_chosen_branch_is_declared(transactional_db, new_page):
    tree = Tree()
    for n in range(40):
        BranchFactory(name=f"甲学院第{n + 1}教工党支部", parent=tree.unit_a)
    page = new_page()
    login(page, "reviewer")
    page.goto("/evaluations/conflicts/")
    select = page.locator("select[name=organization]")
    assert select.locator("option").count() > 40

    page.get_by_label("筛选回避的党组织").fill("甲一")
    assert select.locator("option").all_inner_texts() == ["甲一党支部（甲学院党委）"]
    assert select.input_value() == str(tree.branch_a1.pk)
    assert page.get_by_text("匹配 1 项").is_visible()
    page.get_by_label("筛选回避的党组织").fill("第4 教工")  # every word must match
    # Both match, in the list's own order (which the database's collation decides).
    assert sorted(select.locator("option").all_inner_texts()) == [
        "甲学院第40教工党支部（甲学院党委）", "甲学院第4教工党支部（甲学院党委）"]
    page.get_by_label("筛选回避的党组织").fill("没有这个")
    assert page.get_by_text("没有匹配的选项").is_visible()

    page.get_by_label("筛选回避的党组织").fill("甲一")
    page.get_by_label("筛选回避的党组织").press("Enter")  # moves to the list, does not submit
    assert not Conflict.objects.exists()
    page.get_by_label("回避原因").fill("近亲属为该支部党员")
    screenshot(page, "conflicts-searchable")
    page.get_by_role("button", name="申报回避").click()
    page.get_by_text("已申报回避").wait_for()
    conflict = Conflict.objects.get()
    assert conflict.organization == tree.branch_a1 and conflict.reviewer == tree.reviewer


def test_any_long_select_gets_a_filter_box_and_short_ones_do_not(transactional_db, new_page):
    tree = Tree()
    for n in range(25):
        OrganizationFactory(name=f"第{n + 1}学院党委", parent=tree.school)
    page = new_page()
    login(page, "staff")
    page.goto("/organizations/")
    # Nothing marks the 二级党组织 filter searchable: its length does.
    assert page.locator("input.select-filter").count() == 1
    page.get_by_label("筛选二级党组织").fill("第12")
    assert page.locator("select[name=unit] option").all_inner_texts() == ["第12学院党委"]
    page.get_by_role("button", name="筛选").click()
    assert "unit=" in page.url and page.locator("select[name=unit]").input_value() != ""
