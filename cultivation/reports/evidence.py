"""Writes to a project's evidence (attachments, publications, outcomes, exemplars) and funding.

Each function checks the actor's role through workflow.actor_roles, runs in one transaction and writes
the event log. A refusal raises MoveRefused (or, for a file, ValidationError) with a Chinese message
and changes nothing, on disk or in the database.
"""

import logging
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from branches import media
from branches.audit import log_event
from branches.uploads import INLINE_IMAGE_TYPES, check_upload, store_upload
from notifications.services import notify
from transitions.refusals import MoveRefused, NotAllowed

from ..enums import CULTIVATED_STATES, Actor, ProjectState
from ..models import Attachment, Exemplar, FeaturedActivity, Outcome, ProgressReport, Project, Publication, Spending
from ..workflow import actor_roles, audience
from . import publication
from .enums import ATTACHMENT_PUBLICATION_MOVES, EDITABLE_REPORT_STATES, EvidenceKind
from .tasks import thumbnail_after_commit

logger = logging.getLogger(__name__)

def _guard_picture(attachment, change):
    # Only what the showcase can show (a verified raster image) is ever public; a PDF or a document is not.
    if attachment.content_type not in INLINE_IMAGE_TYPES:
        raise MoveRefused(f"“{attachment.original_name}”不是图片，只有图片可以申请公开（PDF、Office 文档只供审核查阅）")


PICTURE_MACHINE = publication.publication_machine(
    model=Attachment, moves=ATTACHMENT_PUBLICATION_MOVES, prefix="attachment", noun="佐证图片",
    url=lambda attachment: f"/cultivation/projects/{attachment.project_id}/reports/#attachments",
    title=lambda attachment: attachment.caption or attachment.original_name,
    guards={"request": [_guard_picture]},
)
# The verdict of acceptance closes the record: what was accepted stays as it was (and on the showcase).
ARCHIVED_PROJECT_STATES = {ProjectState.ACCEPTED, ProjectState.FAILED}

EVENT_LABELS = {
    **PICTURE_MACHINE.event_labels(),
    "attachment.uploaded": "上传佐证材料",
    "attachment.deleted": "删除佐证材料",
    "publication.created": "登记宣传报道",
    "publication.deleted": "删除宣传报道",
    "outcome.created": "登记培育成果",
    "outcome.deleted": "删除培育成果",
    "exemplar.created": "登记先进典型",
    "exemplar.deleted": "删除先进典型",
    "funding.allocated": "分配特色活动经费",
    "spending.created": "登记经费支出",
}

MODELS = {EvidenceKind.ATTACHMENT: Attachment, EvidenceKind.PUBLICATION: Publication,
          EvidenceKind.OUTCOME: Outcome, EvidenceKind.EXEMPLAR: Exemplar}
UPLOAD_FOLDER = "reports"


def _locked_project(project):
    return Project.objects.select_for_update(of=("self",)).select_related("organization", "batch").get(pk=project.pk)


def _require_contributor(actor, project, doing):
    if Actor.SECRETARY not in actor_roles(actor, project):
        raise NotAllowed(f"只有本支部书记可以{doing}")
    if project.state not in CULTIVATED_STATES:
        raise MoveRefused("该项目尚未确定为培育对象，还不能登记培育材料")


def _check_report(report, project):
    """Evidence may join a report of the same project that the secretary can still edit."""
    if report is None:
        return None
    report = ProgressReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if report.project_id != project.pk:
        raise MoveRefused("所选报告不属于本项目")
    if report.state not in EDITABLE_REPORT_STATES:
        raise MoveRefused("报告已提交，不能再添加材料；如需补充请联系二级党组织退回")
    return report


def _clean(item):
    try:
        item.full_clean(exclude=["created_by", "project", "report"])
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages)) from None


def attachment_add(*, project, actor, file, caption="", report=None):
    """Check the file by its content and size, store it under a generated name, and record it.

    Role and state are checked before the file is read, and the file is removed again if the record
    cannot be written, so a refused upload leaves nothing behind.
    """
    with transaction.atomic():
        locked = _locked_project(project)
        _require_contributor(actor, locked, "上传佐证材料")
        _check_report(report, locked)
    checked = check_upload(file)  # ValidationError in Chinese: empty, too large, not what it claims
    path = store_upload(checked, folder=UPLOAD_FOLDER)
    try:
        with transaction.atomic():
            locked = _locked_project(project)
            _require_contributor(actor, locked, "上传佐证材料")
            report = _check_report(report, locked)
            attachment = Attachment(project=locked, report=report, path=path, original_name=checked.display_name,
                                    content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
                                    caption=(caption or "").strip(), created_by=actor)
            _clean(attachment)
            attachment.save()
            log_event(actor=actor, action="attachment.uploaded", target=attachment,
                      data={"项目": str(locked), "文件名": checked.display_name, "大小": checked.size,
                            "SHA-256": checked.sha256})
            if attachment.content_type in INLINE_IMAGE_TYPES:
                thumbnail_after_commit(attachment)
    except BaseException:
        _remove_file(path)
        raise
    return attachment


def _remove_file(path):
    try:
        media.delete(path)
    except Exception as error:  # noqa: BLE001 -- a leftover file is harmless; the record is what counts
        logger.warning("could not remove %s: %s", path, error)


@transaction.atomic
def evidence_add(*, evidence, project, actor, report=None, **fields):
    """Record a publication, an outcome or an exemplar (`evidence` names which; files use attachment_add)."""
    if evidence == EvidenceKind.ATTACHMENT:
        raise ValueError("attachments come through attachment_add")
    model = MODELS[evidence]
    label = EvidenceKind(evidence).label
    locked = _locked_project(project)
    _require_contributor(actor, locked, f"登记{label}")
    report = _check_report(report, locked)
    item = model(project=locked, report=report, created_by=actor, **fields)
    _clean(item)
    item.save()
    log_event(actor=actor, action=f"{evidence}.created", target=item, data={"项目": str(locked), label: str(item)})
    return item


@transaction.atomic
def evidence_delete(*, kind, item, actor):
    """Remove a piece of evidence the secretary recorded, while its report is still editable."""
    locked = _locked_project(item.project)
    _require_contributor(actor, locked, f"删除{EvidenceKind(kind).label}")
    if locked.state in ARCHIVED_PROJECT_STATES:
        raise MoveRefused(f"项目已有验收结论（{ProjectState(locked.state).label}），培育记录已归档，"
                          f"其中的{EvidenceKind(kind).label}不能删除")
    item = MODELS[kind].objects.select_for_update(of=("self",)).select_related("report").get(pk=item.pk)
    if item.report is not None and item.report.state not in EDITABLE_REPORT_STATES:
        raise MoveRefused("所属报告已提交，不能删除其中的材料")
    log_event(actor=actor, action=f"{kind}.deleted", target=item, data={"项目": str(locked), "内容": str(item)})
    path = getattr(item, "path", None)
    item.delete()
    if path:
        transaction.on_commit(lambda: _remove_file(path))


def picture_move(*, attachment, name, actor, comment="", expected_version=None):
    """A move of the picture's publication review (申请公开, 同意公开…); MoveRefused in Chinese when not now."""
    return publication.run_move(PICTURE_MACHINE, attachment, name, actor=actor, comment=comment,
                                expected_version=expected_version)


def _amount(value):
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise MoveRefused("请填写正确的金额") from None
    return amount


def _spent(activity):
    return Spending.objects.filter(activity=activity).aggregate(total=Sum("amount"))["total"] or Decimal("0")


@transaction.atomic
def activity_allocate(*, activity, amount, actor):
    """组织部 sets the school's funding for one featured activity; never below what is already spent."""
    locked = FeaturedActivity.objects.select_for_update(of=("self",)).select_related("project__organization").get(pk=activity.pk)
    project = locked.project
    if Actor.SCHOOL not in actor_roles(actor, project):
        raise NotAllowed("只有党委组织部可以分配特色活动经费")
    if project.state not in CULTIVATED_STATES:
        raise MoveRefused("该项目尚未确定为培育对象，不能分配经费")
    amount = _amount(amount)
    if amount < 0:
        raise MoveRefused("经费金额不能为负数")
    if amount >= Decimal("100000000"):
        raise MoveRefused("经费金额过大，请核对")
    spent = _spent(locked)
    if amount < spent:
        raise MoveRefused(f"该特色活动已支出 {spent} 元，分配的经费不能少于已支出金额")
    previous = locked.allocated_budget
    FeaturedActivity.objects.filter(pk=locked.pk).update(allocated_budget=amount)
    locked.allocated_budget = amount
    log_event(actor=actor, action="funding.allocated", target=project,
              data={"特色活动": locked.name, "原分配（元）": str(previous), "现分配（元）": str(amount)})
    notify([p for p in audience(project, [Actor.SECRETARY, Actor.UNIT]) if p.pk != actor.pk],
           title=f"{project.organization.name}：特色活动经费已分配",
           body=f"学校为特色活动“{locked.name}”分配经费 {amount} 元。",
           url=f"/cultivation/projects/{project.pk}/reports/#funding")
    return locked


@transaction.atomic
def spending_add(*, activity, actor, amount, spent_on, purpose, today=None):
    """The branch records money spent on a featured activity; spending past the allocation is refused.

    The activity row is locked first, so two spendings recorded at once cannot both fit a balance
    that holds only one of them.
    """
    today = today or timezone.localdate()
    locked = FeaturedActivity.objects.select_for_update(of=("self",)).select_related("project__organization").get(pk=activity.pk)
    project = locked.project
    _require_contributor(actor, project, "登记经费支出")
    amount = _amount(amount)
    if amount <= 0:
        raise MoveRefused("支出金额须大于0")
    if spent_on > today:
        raise MoveRefused("支出日期不能晚于今天")
    spent = _spent(locked)
    balance = locked.allocated_budget - spent
    if amount > balance:
        raise MoveRefused(f"超出学校支持经费：“{locked.name}”已分配 {locked.allocated_budget} 元，已支出 {spent} 元，"
                          f"余额 {balance} 元，本次支出 {amount} 元超出余额，不能登记")
    spending = Spending(activity=locked, amount=amount, spent_on=spent_on, purpose=(purpose or "").strip(),
                        created_by=actor)
    try:
        spending.full_clean(exclude=["created_by", "activity"])
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages)) from None
    spending.save()
    log_event(actor=actor, action="spending.created", target=project,
              data={"特色活动": locked.name, "金额（元）": str(amount), "用途": spending.purpose,
                    "余额（元）": str(balance - amount)})
    return spending
