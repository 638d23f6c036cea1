"""The batch's 成果汇编: a print-ready page and a .docx, for the 组织部 running the batch (others 404)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.uploads import attachment_response
from cultivation.models import Batch

from .booklet import compile_booklet
from .booklet_docx import booklet_docx
from .tasks import BOOKLET_FOLDER, DOCX, build_booklet

GENERATED_NAME = re.compile(r"[0-9a-f]{32}")


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


@login_required
@require_POST
def booklet_request(request, pk):
    """Queue the .docx (built by the worker where TASKS_BACKEND=database); the inbox gets the link."""
    batch = _batch(request.user, pk)
    build_booklet.enqueue(batch.pk, request.user.pk)
    messages.success(request, "正在生成成果汇编的 Word 文件，完成后会在站内通知中提供下载链接。")
    return redirect("notifications:inbox_list")


@login_required
@require_GET
def booklet_file(request, pk, name):
    """A booklet the worker built: for the batch's 组织部 only, like the booklet itself."""
    batch = _batch(request.user, pk)
    if not GENERATED_NAME.fullmatch(name):  # store_upload's uuid4 hex: nothing else was ever written here
        raise Http404("文件不存在或已被删除")
    return attachment_response(f"{BOOKLET_FOLDER}/{batch.pk}/{name}.docx", download_name=f"{batch.name}成果汇编.docx",
                               content_type=DOCX)
