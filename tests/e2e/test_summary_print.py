"""In the browser: the batch summary prints on exactly one A4 page, in Chinese, without the navbar."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from tests.dashboards.helpers import World
from tests.e2e.conftest import login, screenshot
from tests.factories import Tree


@pytest.fixture
def world(transactional_db):
    return World(Tree(), size=3)


def test_the_batch_summary_prints_on_one_a4_page(world, new_page):
    page = new_page()
    login(page, "staff")
    page.goto(f"/dashboards/batches/{world.first.pk}/summary/")
    assert page.get_by_test_id("summary").is_visible()
    assert page.get_by_role("button", name="打印").is_visible()
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="打印").is_visible()  # the tools do not print
    assert page.get_by_test_id("navbar").count() == 0
    screenshot(page, "summary_print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    assert len(pdf.pages) == 1
    # The CJK font maps some characters to Kangxi radicals (⼀ for 一): NFKC folds them back.
    text = unicodedata.normalize("NFKC", pdf.pages[0].extract_text()).replace(" ", "")
    for words in ("第一批培育工作情况", "培育项目", "主要数据", "经费", "评估等次", "亮点", "甲一党支部"):
        assert words in text, words
    assert "返回统计" not in text and "样板党支部培育管理系统" in text
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 in points (210 × 297 mm)
