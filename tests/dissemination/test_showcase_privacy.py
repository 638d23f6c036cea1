"""Nothing private reaches the public showcase: every page is read with private data all around it.

The world (showcase_helpers.showcase_world) holds a secretary's e-mail, a notice's phone number, an
objection and its answer, a submitted score sheet of an unpublished round with comments, a draft
self-evaluation, grades on the projects, a draft progress report with a photo and an outcome,
unfinished acceptance materials, and projects in draft, submitted, shortlisted, rejected, failed and
withdrawn states; each carries a marker that must appear on no showcase page.
"""
import re

from django.urls import reverse

from tests.dissemination.showcase_helpers import SECRET_MARKERS, showcase_world

PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def showcase_urls(world, tree):
    index = reverse("showcase:index")
    yield index
    for params in ["?q=红烛", f"?batch={world.batch.pk}", f"?unit={tree.unit_a.pk}", f"?year={world.batch.year}",
                   "?category=teaching", "?q=机密", "?q=草稿", "?batch=abc", "?page=2"]:
        yield index + params
    for project in world.shown:
        yield reverse("showcase:project", args=[project.pk])
    yield reverse("showcase:booklet", args=[world.batch.pk])


def test_no_showcase_page_shows_anything_private(client, tree):
    world = showcase_world(tree, count=2)
    for url in showcase_urls(world, tree):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for marker in SECRET_MARKERS:
            assert marker not in html, f"{url} shows {marker}"
        assert not PHONE.search(html), f"{url} shows a phone number"
        assert not EMAIL.search(html), f"{url} shows an e-mail address"
        assert "异议" not in html and "评分" not in html and "等次" not in html, url


def test_no_private_picture_is_served_and_shown_ones_carry_nothing_else(client, tree):
    world = showcase_world(tree, count=2)
    for picture in world.pictures:
        response = client.get(reverse("showcase:picture", args=[picture.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        body = b"".join(response.streaming_content)
        assert body.startswith(b"\x89PNG") and not any(m.encode() in body for m in SECRET_MARKERS)
    for attachment in world.private_files:
        assert client.get(reverse("showcase:picture", args=[attachment.pk])).status_code == 404


def test_hidden_projects_are_not_found_by_search_either(client, tree):
    world = showcase_world(tree, count=1)
    for project in world.hidden:
        html = client.get(reverse("showcase:index"), {"q": project.title}).content.decode()
        assert "没有符合条件的展示项目" in html and 'data-testid="showcase-card"' not in html
        listed = html.split('data-testid="showcase-projects"', 1)[1]
        assert project.title not in listed  # only in the search box and the filter line, as typed
