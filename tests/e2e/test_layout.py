"""Every page each demo role can reach, at phone and desktop width: no horizontal scroll, and no
navigation label broken inside a word."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.crawl import crawl
from tests.e2e.conftest import login, screenshot

ROLES = ["staff", "unit", "secretary", "reviewer", None]
WIDTHS = [1280, 375]
PER_URL_NAME = 1
# Django's own admin has its own layout; downloads and logout are not pages.
SKIP_PREFIXES = ("/admin/", "/static/", "/media/", "/logout/")


@pytest.fixture
def demo(transactional_db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def reachable_pages(client, start):
    """The HTML pages the crawl of the Django test client reaches (tests/crawl.py), one per pattern."""
    pages = crawl(client, [start], per_pattern=PER_URL_NAME, skip=SKIP_PREFIXES)
    return [page.url for page in pages if page.status == 200 and page.is_html]


LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width) {
    // Report the innermost elements that stick out: their children stay inside.
    const out = [...document.querySelectorAll('body *')].filter(el => el.getBoundingClientRect().right > width + 1);
    const leaves = out.filter(el => ![...el.children].some(child => out.includes(child)));
    leaves.sort((a, b) => b.getBoundingClientRect().width - a.getBoundingClientRect().width);
    const describe = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
      + ' (' + Math.round(el.getBoundingClientRect().width) + 'px: ' + (el.textContent || '').trim().slice(0, 30) + ')';
    problems.push('横向滚动 ' + document.documentElement.scrollWidth + 'px > ' + width + 'px，最宽的越界元素：'
      + leaves.slice(0, 3).map(describe).join('；'));
  }
  for (const el of document.querySelectorAll('.navbar .nav-link, .navbar .dropdown-item, .navbar-brand')) {
    if (getComputedStyle(el).whiteSpace !== 'nowrap') {
      problems.push('导航项可在字间折行：' + el.textContent.trim());
      continue;
    }
    // A label broken inside a word shows as one text node laid out over several line boxes.
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) { continue; }
      const range = document.createRange();
      range.selectNodeContents(node);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) { problems.push('导航项折成多行：' + el.textContent.trim()); break; }
    }
  }
  return problems;
}"""


def layout_problems(page):
    """Checks the loaded page at each width; at phone width the collapsed menu is opened too."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        # The collapsed menu is opened (without its animation) so its labels are measured too.
        # Print pages (the 党委会 summary, the booklet) have no navbar.
        page.evaluate("document.getElementById('nav')?.classList.add('show')")
        problems += [f"{width}px {problem}" for problem in page.evaluate(LAYOUT_PROBLEMS)]
    return problems


def client_as(username):
    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    return client


def test_every_reachable_page_fits_a_phone_and_a_desktop_without_wrapping_the_navigation(demo, new_page):
    failures = []
    for username in ROLES:
        pages = reachable_pages(client_as(username), start="/" if username else "/public/notices/")
        page = new_page()
        if username:
            login(page, username)
        for url in pages:
            page.set_viewport_size({"width": WIDTHS[0], "height": 800})
            page.goto(url, wait_until="domcontentloaded")
            problems = layout_problems(page)
            if problems:
                screenshot(page, f"layout-{username or 'anonymous'}-{url.strip('/').replace('/', '_')[:80]}")
                failures += [f"{username or '未登录'} {url}: {problem}" for problem in problems]
    assert not failures, "\n".join(failures)


def test_statistics_is_one_table_at_a_time_at_both_widths(demo, new_page):
    """Issue 24: the eight counted sections one under another made statistics 7,492 px tall at 1280 px and
    11,156 px on a phone; behind tabs the page shows one, and each tab shows its own."""
    page = new_page()
    login(page, "staff")
    page.goto("/dashboards/statistics/")
    for width, most in [(1280, 2600), (375, 4200)]:
        page.set_viewport_size({"width": width, "height": 800})
        height = page.evaluate("() => document.documentElement.scrollHeight")
        assert height < most, f"{width}px: {height}px"
    page.get_by_role("tab", name="经费").click()
    assert page.locator("[data-testid=section-funding]").is_visible()
    assert not page.locator("[data-testid=section-projects]").is_visible()
    screenshot(page, "statistics-375")


def test_worklists_show_their_actions_and_styled_filters_on_a_phone(transactional_db, new_page):
    """Issue 24: on 筛选推荐名单 and 申报与推荐 the 办理 column was off-screen to the right with no hint, beside
    rows made tall by its forms; the filters were unstyled native selects. On a phone each row is a card
    with its actions in it."""
    from cultivation.enums import ProjectState
    from cultivation.models import Project
    from tests.cultivation.helpers import batch_in
    from tests.factories import ProjectFactory, Tree

    tree = Tree()
    batch = batch_in("selection")
    nominated = ProjectFactory(organization=tree.branch_a1, batch=batch)
    submitted = ProjectFactory(organization=tree.branch_a2, batch=batch)
    Project.objects.filter(pk=nominated.pk).update(state=ProjectState.NOMINATED, nomination_rank=1,
                                                   recommendation="同意推荐")
    Project.objects.filter(pk=submitted.pk).update(state=ProjectState.SUBMITTED)
    for username, url, button in [("staff", f"/cultivation/batches/{batch.pk}/screening/", "列入拟认定名单"),
                                  ("unit", f"/cultivation/batches/{batch.pk}/nominations/", "退回修改")]:
        page = new_page()
        login(page, username)
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(url)
        action = page.get_by_role("button", name=button)
        action.scroll_into_view_if_needed()
        box = action.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, (url, box)
        assert page.evaluate("() => document.documentElement.scrollWidth <= 375"), url
        for select in page.locator("main form[method=get] select").all():
            assert "form-select" in select.get_attribute("class"), url
        screenshot(page, f"worklist-375-{username}")
