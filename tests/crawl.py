"""A GET-only crawl of the site as one user, reusable by any check that wants "every page".

`crawl(client, start_urls, per_pattern=N)` follows every same-site link it finds (and redirects),
visits at most N URLs per resolved URL name (plus query keys: `?page=` is its own pattern), never
logs out, and returns the pages it saw. Downloads (anything not HTML) are fetched, not parsed.
"""

import re
import traceback
from collections import Counter, deque
from dataclasses import dataclass
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

from django.urls import Resolver404, resolve

SKIP_PATHS = ("/logout/", "/static/", "/media/")
HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(["'])(.*?)\1""", re.I | re.S)


@dataclass
class Page:
    url: str
    status: int
    html: str  # "" for a download or a redirect
    content_type: str = ""
    error: str = ""  # the traceback when the view raised

    @property
    def is_html(self):
        return self.content_type.startswith("text/html")


def pattern_of(url):
    """What makes two URLs "the same page": the URL name and the names of the query keys."""
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    if parts.path.startswith("/admin/"):
        return name  # the admin's filters and sort orders combine without end: one pattern per page
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    return name + ("?" + "&".join(keys) if keys else "")


def same_site(url):
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return None  # mailto:, javascript: ...
    if parts.netloc and parts.netloc not in ("testserver", "localhost", "127.0.0.1"):
        return None
    if not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def links(base, html):
    for _, href in HREF.findall(html):
        href = unescape(href).strip()
        if not href or href.startswith("#"):
            continue
        url = same_site(urldefrag(urljoin(base, href))[0])
        if url:
            yield url


def crawl(client, start_urls, *, per_pattern=2, max_pages=1000, skip=SKIP_PATHS):
    seen, per = set(), Counter()
    queue = deque(start_urls)
    pages = []
    while queue and len(pages) < max_pages:
        url = queue.popleft()
        if url in seen or any(url.startswith(prefix) for prefix in skip):
            continue
        seen.add(url)
        pattern = pattern_of(url)
        if per[pattern] >= per_pattern:
            continue
        per[pattern] += 1
        try:
            response = client.get(url)
        except Exception:  # noqa: BLE001 - a view that raises is a 500, and the crawl goes on
            pages.append(Page(url, 500, "", error=traceback.format_exc()))
            continue
        content_type = response.get("Content-Type", "")
        if 300 <= response.status_code < 400 and response.get("Location"):
            target = same_site(urljoin(url, response["Location"]))
            if target:
                queue.append(target)
            pages.append(Page(url, response.status_code, "", content_type))
            continue
        if response.streaming or not content_type.startswith("text/html"):
            if response.streaming:
                b"".join(response.streaming_content)  # fetch it through
            pages.append(Page(url, response.status_code, "", content_type))
            continue
        html = response.content.decode(response.charset or "utf-8", "replace")
        pages.append(Page(url, response.status_code, html, content_type))
        queue.extend(link for link in links(url, html) if link not in seen)
    return pages
