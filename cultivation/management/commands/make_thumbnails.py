"""Make the small copies of every picture that has none yet (after an upgrade, or a restore without them)."""

from django.core.management.base import BaseCommand

from cultivation.models import Attachment
from cultivation.reports.thumbnails import make_thumbnail, thumbnail_path
from branches.uploads import INLINE_IMAGE_TYPES


class Command(BaseCommand):
    help = "为尚无缩略图的图片附件生成缩略图"

    def handle(self, *args, **options):
        made = failed = 0
        for attachment in Attachment.objects.filter(content_type__in=list(INLINE_IMAGE_TYPES)).iterator(chunk_size=500):
            if thumbnail_path(attachment) is not None:
                continue
            if make_thumbnail(attachment):
                made += 1
            else:
                failed += 1
        self.stdout.write(f"已生成缩略图 {made} 张，无法生成 {failed} 张（保留原图显示）")
