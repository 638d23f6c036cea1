"""The batch's 成果汇编: a print-ready page and a .docx, for the 组织部 running the batch (others 404)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from branches import access
from cultivation.models import Batch

from .booklet import compile_booklet
from .booklet_docx import booklet_docx


def _batch(user, pk):
    batch = Batch.objects.managed_by(user).select_related("owner").filter(pk=pk).first()
    if batch is None:
        access.refuse(user, f"booklet of batch {pk}")  # 404, and the refusal is logged like every other
    return batch


@login_required
@require_GET
def booklet_print(request, pk):
    batch = _batch(request.user, pk)
    return render(request, "dissemination/booklet_print.html", {
        "batch": batch, "chapters": compile_booklet(batch), "today": timezone.localdate()})


@login_required
@require_GET
def booklet_download(request, pk):
    batch = _batch(request.user, pk)
    response = HttpResponse(booklet_docx(batch, compile_booklet(batch)),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = content_disposition_header(True, f"{batch.name}成果汇编.docx")
    return response
