from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import ExpressionWrapper
from django.db.models.lookups import StartsWith

from .enums import BRANCH_KINDS, SECONDARY_KINDS, BranchCategory, BranchType, OrgKind, Role


def in_subtree(path, root_path):
    """Whether the node at `path` lies in the sub-tree rooted at `root_path` (the root included).

    The one statement of the tree's scope rule; `subtree_q` is the same rule as a query condition."""
    return path.startswith(root_path)


def subtree_q(root_paths, prefix=""):
    """Rows whose organization (at `prefix`, e.g. "organization__") lies in any of the sub-trees."""
    condition = models.Q(pk__in=[])
    for root_path in root_paths:
        condition |= models.Q(**{f"{prefix}path__startswith": root_path})
    return condition


def holds_q(path):
    """Organizations whose sub-tree holds the node at `path` (an expression, such as an OuterRef to a row's
    organization path): the same rule read the other way, for "is this row under one of these"."""
    return StartsWith(ExpressionWrapper(path, output_field=models.CharField()), models.F("path"))


# How organizations are listed to people (filters, statistics rows): by 组织编码. Not by path, which holds ids
# as text ("/1/10/" sorts before "/1/9/"), nor by name, which two schools may share.
LISTING_ORDER = ("code", "id")


class OrganizationQuerySet(models.QuerySet):
    def in_listing_order(self):
        return self.order_by(*LISTING_ORDER)

    def branches(self):
        return self.filter(kind__in=BRANCH_KINDS)

    def secondary(self):
        return self.filter(kind__in=SECONDARY_KINDS, unit_id=models.F("id"))

    def active(self):
        return self.filter(is_active=True)

    def within(self, paths):
        """Organizations in the sub-trees rooted at the given paths: one query, any depth."""
        return self.filter(subtree_q(paths))


class Organization(models.Model):
    """A node of the party organization tree, from an upper committee down to a branch.

    `path` is the chain of ids from the root ("/1/7/42/"), so a sub-tree is one prefix query
    and the ancestors are one `id IN` query, whatever the depth. `unit` is the
    secondary-level organization (二级党组织) the node belongs to, kept by the services.
    """

    code = models.CharField("组织编码", max_length=32, unique=True)
    name = models.CharField("组织名称", max_length=100)
    kind = models.CharField("组织类型", max_length=16, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    unit = models.ForeignKey(
        "self",
        verbose_name="所属二级党组织",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    branch_type = models.CharField("支部类型", max_length=16, choices=BranchType.choices, blank=True)
    category = models.CharField("支部分类", max_length=16, choices=BranchCategory.choices, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    secretary_name = models.CharField("支部书记", max_length=50, blank=True)
    secretary_is_double_leader = models.BooleanField("双带头人", default=False)
    full_members = models.PositiveIntegerField("正式党员", default=0)
    probationary_members = models.PositiveIntegerField("预备党员", default=0)
    is_active = models.BooleanField("状态正常", default=True, help_text="撤销的组织取消勾选")
    # 基本要求 declarations, made by the branch and shown with its eligibility.
    declares_no_violation = models.BooleanField("无违法乱纪行为", default=False)
    declares_no_conduct_issue = models.BooleanField("无师德师风、医德医风、学风考风问题", default=False)
    declares_no_safety_risk = models.BooleanField("无安全稳定风险因素", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        indexes = [models.Index(fields=["unit", "kind"]), models.Index(fields=["category"])]

    def __str__(self):
        return self.name

    @property
    def is_branch(self):
        return self.kind in BRANCH_KINDS

    @property
    def is_secondary(self):
        return self.kind in SECONDARY_KINDS and self.unit_id == self.id

    @property
    def member_count(self):
        return self.full_members + self.probationary_members

    @property
    def ancestor_ids(self):
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]


class RoleAssignment(models.Model):
    """Ties a user to an organization with a role; one person may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    organization = models.ForeignKey(
        Organization, verbose_name="所在组织", on_delete=models.PROTECT, related_name="role_assignments"
    )
    created_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "role", "organization"], name="unique_role")]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"


class EventQuerySet(models.QuerySet):
    def within(self, paths):
        """Events about organizations in the sub-trees rooted at the given paths (the sub-tree rule)."""
        condition = models.Q(pk__in=[])
        for root_path in paths:
            condition |= models.Q(scope__startswith=root_path)
        return self.filter(condition)

    def update(self, **kwargs):
        raise PermissionError("事件日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("事件日志只能追加，不能删除")


class Event(models.Model):
    """The append-only audit trail: who did what to which object, when and from where."""

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("操作", max_length=64, db_index=True)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField("对象", max_length=200, blank=True)
    data = models.JSONField("详情", default=dict, blank=True)
    source = models.CharField("来源", max_length=64, blank=True, help_text="IP 地址或命令行")
    # The tree path of the organization the event is about (a branch, a batch's owner...), so staff see
    # the events of their own sub-tree; empty for events tied to no organization (sign-ins, rubrics).
    scope = models.CharField("所属范围", max_length=255, blank=True, db_index=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = "事件日志"
        verbose_name_plural = "事件日志"
        ordering = ["-created_at", "-id"]
        # The log is read newest first, a page at a time: this index hands out the page without sorting
        # every event of the reader's scope (migration 0005 builds it without stopping writes).
        indexes = [models.Index(fields=["content_type", "object_id"]),
                   models.Index(fields=["-created_at", "-id"], name="event_newest_first")]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("事件日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("事件日志只能追加，不能删除")


class CampusIdentity(models.Model):
    """An account's 工号/学号 in the campus single sign-on (统一身份认证): how a CAS login finds it.

    Accounts are opened by the 组织部 (or imported); a CAS login whose number matches none is refused,
    never turned into a new account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="campus_identity")
    campus_id = models.CharField("工号/学号", max_length=64, unique=True)

    class Meta:
        verbose_name = "统一身份认证账号"
        verbose_name_plural = "统一身份认证账号"

    def __str__(self):
        return self.campus_id
