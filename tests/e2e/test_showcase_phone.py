"""The 成果展示平台 on a phone (390 px): the Chinese heading shows, nothing scrolls sideways, and the
page's QR code, as the browser draws it, scans to the page's own address."""
import zxingcpp
from PIL import Image

from tests.dissemination.showcase_helpers import showcase_world
from tests.e2e.conftest import screenshot
from tests.factories import Tree

PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"


def scanned(page, tmp_path, name):
    path = tmp_path / f"{name}-qr.png"
    page.locator("[data-testid=page-qr] svg").screenshot(path=str(path))
    return [result.text for result in zxingcpp.read_barcodes(Image.open(path))]


def test_showcase_fits_a_phone(transactional_db, new_page, tmp_path):
    world = showcase_world(Tree(), count=3)
    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/public/showcase/")
    assert page.get_by_role("heading", name="“样板党支部”培育成果展示").is_visible()
    assert page.locator("[data-testid=showcase-card]").count() == 4
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert scanned(page, tmp_path, "index") == [page.url]
    screenshot(page, "showcase-index-390")

    page.locator("[data-testid=showcase-card] a", has_text=world.shown[0].organization.name).click()
    page.wait_for_url(f"**/public/showcase/projects/{world.shown[0].pk}/")
    assert page.get_by_role("heading", name=world.shown[0].organization.name).is_visible()
    assert page.get_by_role("heading", name="典型经验").is_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator("[data-testid=showcase-pictures] img").first.evaluate("img => img.naturalWidth") > 0
    assert scanned(page, tmp_path, "project") == [page.url]
    screenshot(page, "showcase-project-390")


def test_a_page_of_cards_without_pictures_stays_short_on_a_phone(transactional_db, new_page):
    """Issue 24: a card without a picture is text only, so a full page of twelve is not a long column of
    empty 暂无图片 boxes (it was about 13,300 px at 375 px)."""
    from cultivation.models import Attachment
    from tests.dissemination.booklet_helpers import accepted_projects

    accepted_projects(Tree(), 12)
    Attachment.objects.all().delete()
    page = new_page()
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto("/public/showcase/")
    assert page.locator("[data-testid=showcase-card]").count() == 12
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    screenshot(page, "showcase-index-375-no-pictures")
    assert height < 3600, height
