"""Background work of the evidence (django-tasks; see notifications/tasks.py)."""

from django.db import transaction
from django_tasks import task


@task()
def make_thumbnail(attachment_id):
    from .models import Attachment
    from .thumbnails import make_thumbnail as make

    attachment = Attachment.objects.filter(pk=attachment_id).first()
    return make(attachment) if attachment is not None else None


def thumbnail_after_commit(attachment):
    transaction.on_commit(lambda: make_thumbnail.enqueue(attachment.pk))
