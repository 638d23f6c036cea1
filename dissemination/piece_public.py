"""The public side of the publicity pieces: an approved piece's page, its pictures, and the Atom feed.

Anyone may open them without logging in; a draft or a piece still under review answers 404.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from branches.uploads import inline_image_response

from . import selectors

FEED_SIZE = 50


def _published(pk):
    piece = selectors.published_piece(pk)
    if piece is None:
        raise Http404("未找到该页面")
    return piece


@require_GET
def piece_page(request, pk):
    piece = _published(pk)
    return render(request, "dissemination/piece_public.html", {
        "piece": piece, "project": piece.project, "pictures": list(piece.pictures.all())})


@require_GET
def piece_picture(request, pk, picture):
    """One picture of an approved piece; any other attachment of the project stays private (404)."""
    piece = _published(pk)
    found = next((item for item in piece.pictures.all() if item.pk == picture), None)
    if found is None or not found.can_preview:
        raise Http404("未找到该图片")
    return inline_image_response(found.path, content_type=found.content_type, name=found.original_name)


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entry summaries are plain text (type="text").

    Django writes every summary as type="html": a reader then renders the piece's text, escaped only once
    for XML, as markup, so a <script> or <img onerror> typed into a piece would run in the reader.
    """

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class PieceFeed(Feed):
    """The approved pieces, newest first, as Atom: each entry links to its public page."""

    feed_type = PlainTextAtomFeed
    title = "样板党支部建设宣传稿件"
    subtitle = "经二级党组织和组织部审核通过的创建纪实报道、新闻简稿和工作专报"

    def link(self):
        return reverse("showcase:index")

    def feed_url(self):
        return reverse("showcase:feed")

    def items(self):
        return list(selectors.published_pieces()[:FEED_SIZE])

    def item_title(self, item):
        branch = item.project.organization.name
        # A 纪实报道's title usually starts with the branch already: name it once.
        return item.title if item.title.startswith(branch) else f"{branch}：{item.title}"

    def item_description(self, item):
        return f"【{item.get_kind_display()}】{item.project.organization.name} · " + Truncator(item.body).chars(200)

    def item_link(self, item):
        return reverse("showcase:piece", args=[item.pk])

    def item_pubdate(self, item):
        return item.approved_at

    def item_updateddate(self, item):
        return item.approved_at

    def item_author_name(self, item):
        return item.project.organization.name

    def item_categories(self, item):
        return [item.get_kind_display()]
