"""In the browser: the 成果汇编 in print mode shows its Chinese text and pictures, and the A4 PDF Chromium saves
from it holds one chapter per accepted project, each starting on a page of its own, with page numbers."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from tests.dissemination.booklet_helpers import accepted_projects
from tests.e2e.conftest import login, screenshot
from tests.factories import Tree

FOOTER = '<div style="font-size:9px;width:100%;text-align:center">第 <span class="pageNumber"></span> 页</div>'


@pytest.fixture
def world(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tree = Tree()
    batch, projects = accepted_projects(tree, 3)
    return batch, projects


def _text(page):
    # The CJK font maps some characters to Kangxi radicals (⼀ for 一): NFKC folds them back.
    return unicodedata.normalize("NFKC", page.extract_text()).replace(" ", "")


def test_the_booklet_prints_one_chapter_per_accepted_project(world, new_page):
    batch, projects = world
    page = new_page()
    login(page, "staff")
    page.goto(f"/dissemination/batches/{batch.pk}/booklet/")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="生成 Word 文件").is_visible()  # the tools do not print
    assert not page.get_by_role("button", name="打印").is_visible()
    pictures = page.locator(".booklet-chapter img")
    assert pictures.count() == len(projects)
    assert all(pictures.nth(n).evaluate("img => img.complete && img.naturalWidth > 0") for n in range(len(projects)))
    screenshot(page, "booklet_print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="A4", display_header_footer=True, header_template="<div></div>",
                                        footer_template=FOOTER, margin={"top": "2cm", "bottom": "2cm"})))
    texts = [_text(pdf_page) for pdf_page in pdf.pages]
    assert "示范建设成果资料汇编" in texts[0] and "目录" in texts[1]
    starts = []
    for project in projects:
        heading = f"{project.organization.name}:{project.title}"
        # The chapter's heading is the first line of exactly one page (the 目录 lists it mid-page).
        found = [index for index, text in enumerate(texts)
                 if text.startswith("第") and text.split("\n", 1)[0].endswith(heading)]
        assert len(found) == 1, heading
        starts.append(found[0])
    assert sorted(starts) == list(range(2, 2 + len(projects)))  # cover, 目录, then a page per chapter
    for index in starts:
        # The footer numbers the page (the CJK font draws 页 as the radical ⻚, which NFKC leaves alone).
        assert "典型经验" in texts[index] and texts[index].rstrip().endswith((f"第{index + 1}页", f"第{index + 1}⻚"))
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2
