"""The dissemination app's models: the publicity pieces here, the micro-video in its own module."""

from django.conf import settings
from django.db import models

from .enums import PieceKind, PieceState
from .video import MicroVideo  # noqa: F401

USER = settings.AUTH_USER_MODEL


class PieceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scoping rule for pieces: those of the projects the user may see."""
        from cultivation.models import Project

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))

    def published(self):
        return self.filter(state=PieceState.APPROVED)


class PublicityPiece(models.Model):
    """A 宣传稿件 of a project: written by its branch, reviewed by its 二级党组织 and the 组织部.

    Every write goes through dissemination.pieces; the state changes only through its MACHINE.
    """

    project = models.ForeignKey("cultivation.Project", verbose_name="培育项目", on_delete=models.CASCADE,
                                related_name="pieces")
    kind = models.CharField("稿件类型", max_length=12, choices=PieceKind.choices, default=PieceKind.STORY)
    title = models.CharField("标题", max_length=150)
    body = models.TextField("正文", max_length=20000)
    # A chosen few of the project's own image attachments (checked in dissemination.pieces).
    pictures = models.ManyToManyField("cultivation.Attachment", verbose_name="配图", blank=True, related_name="+")
    state = models.CharField("状态", max_length=12, choices=PieceState.choices, default=PieceState.DRAFT,
                             editable=False, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    unit_comment = models.TextField("二级党组织意见", max_length=2000, blank=True, editable=False)
    school_comment = models.TextField("组织部意见", max_length=2000, blank=True, editable=False)
    return_reason = models.TextField("退回意见", max_length=2000, blank=True, editable=False)
    created_by = models.ForeignKey(USER, verbose_name="撰稿人", on_delete=models.SET_NULL, related_name="+",
                                   null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    approved_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)

    objects = PieceQuerySet.as_manager()

    class Meta:
        verbose_name = "宣传稿件"
        verbose_name_plural = "宣传稿件"
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["state", "approved_at"])]

    def __str__(self):
        return f"【{self.get_kind_display()}】{self.title}"

    @property
    def is_editable(self):
        from .enums import EDITABLE_PIECE_STATES

        return self.state in EDITABLE_PIECE_STATES
