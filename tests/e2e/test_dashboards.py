"""In the browser: each overview page renders its Chinese text and its SVG charts at desktop and phone
width, with no horizontal scroll on the phone (issue 11). Screenshots go to test-artifacts/."""

import pytest

from tests.dashboards.helpers import World
from tests.e2e.conftest import login, screenshot
from tests.factories import Tree

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def world(transactional_db):
    return World(Tree(), size=3)


def pages(world):
    return [("staff", f"/dashboards/batches/{world.first.pk}/", "批次概览", True),
            ("staff", "/dashboards/", "概览", False),
            ("staff", "/dashboards/statistics/", "培育工作统计", False),
            ("unit", "/dashboards/", "概览", False),
            ("unit", "/dashboards/statistics/", "培育工作统计", False),
            ("secretary", "/dashboards/", "概览", False)]


@pytest.mark.parametrize("device", WIDTHS)
def test_each_dashboard_renders_at_desktop_and_phone_width(world, new_page, device):
    for username, path, heading, has_charts in pages(world):
        page = new_page()
        page.set_viewport_size({"width": WIDTHS[device], "height": 900})
        login(page, username)
        page.goto(path)
        assert heading in page.locator("h1").first.inner_text(), path
        if has_charts:
            bars = page.locator("svg.chart rect.chart-bar")
            assert bars.count() > 0, path
            widths = [box["width"] for box in (bars.nth(i).bounding_box() for i in range(bars.count())) if box]
            assert widths and max(widths) > 0, path
        if device == "phone":
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
        screenshot(page, f"dashboard_{username}_{path.strip('/').replace('/', '_')}_{device}")
        page.close()
