"""The 成果汇编 .docx built outside the request (django-tasks, see notifications/tasks.py).

A large batch's booklet embeds every picture and takes a while; with TASKS_BACKEND=database the request
only queues it, `task_worker` builds it into the media storage under booklets/<batch>/ and the user who asked finds a
link in the inbox. With the immediate backend (development, tests) it is built during the request.
"""

import io

from django.contrib.auth import get_user_model
from django.urls import reverse
from django_tasks import task

BOOKLET_FOLDER = "booklets"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@task()
def build_booklet(batch_id, user_id):
    """Build and store the batch's booklet and notify the user; the file's name (no extension), or None
    when the user may no longer read the batch (access is checked again: the queue may be hours old)."""
    from branches.uploads import CheckedUpload, _sha256, store_upload
    from cultivation.models import Batch
    from notifications.services import notify

    from .booklet import compile_booklet
    from .booklet_docx import booklet_docx

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    batch = user and Batch.objects.managed_by(user).select_related("owner").filter(pk=batch_id).first()
    if batch is None:
        return None
    content = io.BytesIO(booklet_docx(batch, compile_booklet(batch)))
    upload = CheckedUpload(file=content, display_name=f"{batch.name}成果汇编.docx", type="docx", kind="office",
                           extension=".docx", content_type=DOCX, size=len(content.getvalue()), sha256=_sha256(content))
    path = store_upload(upload, folder=f"{BOOKLET_FOLDER}/{batch.pk}")
    name = path.rsplit("/", 1)[-1].removesuffix(".docx")
    notify([user], title=f"{batch.name}成果汇编（Word）已生成", body="点击下载 Word 文件。",
           url=reverse("dissemination:booklet_file", args=[batch.pk, name]))
    return name
