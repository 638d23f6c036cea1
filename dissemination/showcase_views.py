"""The public 成果展示平台: the index of showcased projects, a project's page, and its pictures."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from branches.access import refuse
from branches.inputs import query_choice
from branches.pagination import paginate, query_without_page
from branches.uploads import inline_image_response
from cultivation.reports.thumbnails import thumbnail_path

from . import showcase
from .booklet import compile_booklet
from .showcase_forms import ShowcaseFilterForm

PER_PAGE = 12


@require_GET
def index(request):
    batches, units = showcase.filter_options()
    form = ShowcaseFilterForm(request.GET or None, batches=batches, units=units)
    filters = form.filters()
    page = paginate(request, showcase.showcase_list(**filters), per_page=PER_PAGE)
    chosen = filters.get("batch")
    return render(request, "dissemination/showcase/index.html", {
        "form": form, "page": page, "ignored": form.ignored(), "query": query_without_page(request),
        "latest_pieces": showcase.latest_pieces(),
        "booklets": [batch for batch in batches if batch.has_booklet and chosen in (None, batch)]})


@require_GET
def project_page(request, pk):
    shown = showcase.showcase_project(pk)
    if shown is None:  # a draft, a rejected or failed project, or no project: the same 404, logged
        refuse(request.user, f"showcase project {pk}")
    return render(request, "dissemination/showcase/project.html", {"shown": shown})


@require_GET
def booklet(request, pk):
    """A batch's 成果汇编 for anyone, once published (a project passed acceptance); it holds only what the
    showcase shows (booklet.py reads it through showcase.py). Otherwise the same 404 as any hidden page."""
    batch = showcase.booklet_batches().select_related("owner").filter(pk=pk).first()
    if batch is None:
        refuse(request.user, f"showcase booklet of batch {pk}")
    return render(request, "dissemination/booklet_print.html", {
        "batch": batch, "chapters": compile_booklet(batch), "today": timezone.localdate(), "public": True})


@require_GET
def picture(request, pk):
    """A showcased project's picture; any other attachment (a PDF, a draft report's photo) is not found."""
    attachment = showcase.public_pictures().filter(pk=pk).first()
    if attachment is None:
        refuse(request.user, f"showcase picture {pk}")
    small = thumbnail_path(attachment) if query_choice(request, "size", {"small"}) else None
    if small is not None:  # the cards' copy, once the background task has made it
        return inline_image_response(small, content_type="image/jpeg", name=attachment.original_name)
    return inline_image_response(attachment.path, content_type=attachment.content_type,
                                 name=attachment.original_name)
