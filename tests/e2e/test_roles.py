import pytest
from django.core.management import call_command

from tests.e2e.conftest import login, screenshot


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def test_each_demo_role_logs_in_and_sees_its_home(demo, new_page):
    page = new_page()
    login(page, "staff")
    assert page.get_by_test_id("staff-home").is_visible()
    assert int(page.get_by_test_id("branch-total").first.inner_text()) > 250
    screenshot(page, "home-staff")
    page.get_by_role("link", name="党组织", exact=True).click()
    page.get_by_placeholder("名称、编码或书记姓名").fill("中医内科学")
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name="中医内科学教研室党支部").click()
    assert page.get_by_text("符合“样板党支部”申报基本要求").is_visible()

    page = new_page()
    login(page, "unit")
    section = page.get_by_test_id("unit-home")
    assert "中医学院党委" in section.inner_text()
    assert page.get_by_test_id("staff-home").count() == 0
    screenshot(page, "home-unit")

    page = new_page()
    login(page, "secretary")
    section = page.get_by_test_id("secretary-home")
    assert "中医内科学教研室党支部" in section.inner_text()
    assert "张明华" in section.inner_text()
    assert page.get_by_role("link", name="党组织", exact=True).count() == 0
    screenshot(page, "home-secretary")

    page = new_page()
    login(page, "reviewer")
    assert "管理学院党委" in page.get_by_test_id("reviewer-home").inner_text()
    screenshot(page, "home-reviewer")


def test_a_wrong_password_stays_on_the_login_page_with_a_message(demo, new_page):
    page = new_page()
    page.goto("/login/")
    page.get_by_label("用户名").fill("staff")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_text("用户名或密码不正确").is_visible()
