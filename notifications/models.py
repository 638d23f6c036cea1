from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """An in-app message in one user's inbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="收件人", on_delete=models.CASCADE,
                             related_name="notifications")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class OutboundEmail(models.Model):
    """A mail waiting to be sent. Written in the action's transaction and sent afterwards, with
    retries, so an unreachable mail server never fails the user's action nor loses the mail."""

    to = models.EmailField("收件地址")
    subject = models.CharField("主题", max_length=200)
    body = models.TextField("正文")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    # Which sender is sending it, and since when: two senders never send one mail, and the claim of a
    # sender that crashed expires so the mail goes out later (see services.send_pending).
    claimed_by = models.CharField("发送进程", max_length=32, blank=True)
    claimed_at = models.DateTimeField("领取时间", null=True, blank=True)

    class Meta:
        verbose_name = "待发邮件"
        verbose_name_plural = "待发邮件"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self):
        return f"{self.to} {self.subject}"


class Reminder(models.Model):
    """A reminder that was sent, under a key its app chose ("report/<project>/<due date>/<kind>").

    Keys are ids shaped like paths, app name first: the admin lists them, and a path's parts read as
    parts of an id, not as words (tests/test_crawl.py flags a raw enum value standing as a word).
    The unique key is what makes a reminder go out once: `services.remind_once` writes it in the
    transaction of the notification, so a second run, even one overlapping the first, fails to
    write it and sends nothing.
    """

    key = models.CharField("提醒标识", max_length=200, unique=True)
    # A default rather than auto_now_add, so rows carried over from an older table keep their time.
    created_at = models.DateTimeField("发送时间", default=timezone.now, editable=False)

    class Meta:
        verbose_name = "已发提醒"
        verbose_name_plural = "已发提醒"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.key
