"""Writes to applications and their featured activities (state changes live in workflow.py)."""

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from branches import access
from branches.audit import field_value, log_event
from branches.enums import Role
from branches.models import in_subtree, subtree_q
from notifications.recipients import secretaries
from notifications.services import notify
from transitions.refusals import MoveRefused

from .enums import CULTIVATED_STATES, EDITABLE_STATES, Actor, Level, ProjectState
from .models import (
    AcceptanceRecord, Batch, FeaturedActivity, FeedbackItem, FinalDeliverable, FinalReport, MidtermReport, Project,
    ReviewAttachment, ReviewStage, UnitQuota,
)
from . import batch_dates, selectors, workflow
from .workflow import actor_roles

APPLICATION_FIELDS = ["title", "concept", "practice", "experience", "plan"]


@transaction.atomic
def project_create(*, batch, organization, actor, activities=(), **application):
    """A secretary (or staff above the branch) starts the branch's application in a batch."""
    if batch.level != Level.SCHOOL:
        raise MoveRefused(workflow.LADDER_ROUTE[batch.level])
    if not in_subtree(organization.path, batch.owner.path):
        raise MoveRefused(f"{organization.name}不在“{batch.name}”主办单位（{batch.owner.name}）的范围内，不能申报")
    project = Project(batch=batch, organization=organization, unit=workflow.recommender_of(batch, organization),
                      created_by=actor, **application)
    if not actor_roles(actor, project) & {Actor.SECRETARY, Actor.UNIT, Actor.SCHOOL}:
        raise MoveRefused("您无权为该组织申报")
    if Project.objects.filter(batch=batch, organization=organization).exists():
        raise MoveRefused("该组织在本批次已有申报，请在原申报上修改")
    workflow.check_one_project_per_branch(organization, batch)
    project.full_clean(exclude=["created_by"])
    project.save()
    _replace_activities(project, activities)
    log_event(actor=actor, action="project.created", target=project, data={"批次": batch.name})
    return project


@transaction.atomic
def project_edit(*, project, actor, expected_version, activities=None, **application):
    """Edit a draft or returned application; a stale form is refused, never merged silently."""
    locked = Project.objects.select_for_update().select_related("organization", "batch").get(pk=project.pk)
    if Actor.SECRETARY not in actor_roles(actor, locked):
        raise MoveRefused("只有本支部书记可以修改申报书")
    if locked.state not in EDITABLE_STATES:
        raise MoveRefused("申报已提交，不能再修改；如需修改请联系二级党组织退回")
    if int(expected_version) != locked.version:
        raise MoveRefused("申报书已在别处被修改，请刷新页面后再编辑，以免覆盖他人的修改")
    changed = [field for field in APPLICATION_FIELDS if field in application and getattr(locked, field) != application[field]]
    for field in APPLICATION_FIELDS:
        if field in application:
            setattr(locked, field, application[field])
    try:
        locked.full_clean(exclude=["created_by"])
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages))
    locked.save(update_fields=APPLICATION_FIELDS + ["updated_at"])
    Project.objects.filter(pk=locked.pk).update(version=F("version") + 1)
    if activities is not None:
        _replace_activities(locked, activities)
        changed.append("特色活动")
    locked.refresh_from_db()
    log_event(actor=actor, action="project.edited", target=locked,
              data={"修改": "、".join(Project._meta.get_field(f).verbose_name if f in APPLICATION_FIELDS else f
                                     for f in changed)})
    return locked


LEVEL_RANK = {Level.SCHOOL: 0, Level.PROVINCE: 1, Level.NATIONAL: 2}
# A lower level's project may climb once it is a cultivation target there (认定之后, not failed).
CLIMBING_STATES = CULTIVATED_STATES - {ProjectState.FAILED}


def recommendable(user, batch):
    """The lower levels' projects the user's school (or province) may recommend into the batch: those of
    organizations it recommends for, recognized there and not already in this batch (one query)."""
    if not workflow.recommends_into(user, batch):
        return Project.objects.none()
    lower = [level for level, rank in LEVEL_RANK.items() if rank < LEVEL_RANK[batch.level]]
    own = [a.organization.path for a in access.assignments(user)
           if a.role == Role.ORG_STAFF and a.organization.parent_id == batch.owner_id]
    return (Project.objects.filter(subtree_q(own, "organization__"), batch__level__in=lower, state__in=CLIMBING_STATES)
            .exclude(organization__in=Project.objects.filter(batch=batch).values("organization"))
            .select_related("organization", "batch").order_by("organization__code", "-batch__selection_start"))


@transaction.atomic
def project_recommend_up(*, batch, source, actor, rank, recommendation, today=None):
    """A school's 组织部 recommends one of its branches into a batch above (a province's; a province's
    组织部 into the ministry's), from the branch's project of the level below: the application takes that
    project's texts and featured activities and keeps a link to its whole record; it is submitted and
    forwarded (推荐报送) within the school's quota in one step, or, refused, leaves nothing behind."""
    if batch.level == Level.SCHOOL:
        raise MoveRefused("校级批次由党支部申报、二级党组织推荐")
    if not recommendable(actor, batch).filter(pk=source.pk).exists():
        raise MoveRefused(f"{source.organization.name}的“{source.batch.name}”项目不能由您推荐到本批次："
                          "须为本单位下一级批次中已确定为培育对象的项目，且尚未推荐")
    source = Project.objects.select_related("organization", "batch").get(pk=source.pk)
    organization = source.organization
    project = Project(batch=batch, organization=organization, unit=workflow.recommender_of(batch, organization),
                      source=source, created_by=actor, **{field: getattr(source, field) for field in APPLICATION_FIELDS})
    project.full_clean(exclude=["created_by", "source"])
    project.save()
    _replace_activities(project, [{"name": a.name, "description": a.description, "planned_budget": a.planned_budget}
                                  for a in source.activities.order_by("order", "id")[:2]])
    log_event(actor=actor, action="project.created", target=project,
              data={"批次": batch.name, "推荐依据": str(source)})
    workflow.project_submit(project=project, actor=actor, today=today)
    return project_recommend(project=project, actor=actor, rank=rank, recommendation=recommendation, nominate=True,
                             today=today)


def _replace_activities(project, activities):
    activities = list(activities)
    if len(activities) > 2:
        raise MoveRefused("特色活动最多填写2项")
    project.activities.all().delete()
    for order, activity in enumerate(activities, start=1):
        item = FeaturedActivity(project=project, order=order, **activity)
        item.full_clean()
        item.save()


# ---- batches and quotas --------------------------------------------------------------------


EVENT_LABELS = {
    "batch.created": "新建培育批次",
    "batch.updated": "修改培育批次",
    "batch.quota_set": "设置推荐名额",
    "project.recommended": "填写推荐意见",
    "project.screened": "填写筛选意见",
    "midterm.saved": "保存中期材料",
    "final.saved": "保存验收材料",
    "attachment.added": "上传材料附件",
    "attachment.removed": "删除材料附件",
    "deliverable.added": "填写“四个一”成果",
    "deliverable.removed": "删除“四个一”成果",
    "feedback.added": "提出整改意见",
    "feedback.answered": "填写整改情况",
    "feedback.verified": "核查整改情况",
    "acceptance.recorded": "记录验收情况",
    "acceptance.override": "未整改到位事项的处理意见",
}

BATCH_FIELDS = [field.name for field in Batch._meta.concrete_fields if field.name not in ("id", "created_at")]


def _require_school(actor):
    if not access.is_org_staff(actor):
        raise MoveRefused("只有党委组织部可以进行此操作")


def _require_runs(actor, owner):
    """Only 组织部 staff over a batch's owner may set it up or change it."""
    _require_school(actor)
    if owner is None or not access.runs(actor, owner):
        raise MoveRefused("只能管理本单位主办的批次")


def _changes(before, after):
    return {str(Batch._meta.get_field(name).verbose_name): [field_value(Batch, name, before[name]),
                                                            field_value(Batch, name, after[name])]
            for name in BATCH_FIELDS if before[name] != after[name]}


@transaction.atomic
def batch_create(*, actor, **fields):
    _require_runs(actor, fields.get("owner"))
    batch = Batch(**fields)
    batch.full_clean()
    batch.save()
    log_event(actor=actor, action="batch.created", target=batch, data={"批次": batch.name, "主办单位": batch.owner.name})
    return batch


@transaction.atomic
def batch_update(*, actor, batch, change_reason="", confirmed="", today=None, **fields):
    """Change a batch's settings. A change of dates that affects projects (their report periods or the
    window of the phase they are in) is saved only when `confirmed` names the effects the user was shown
    (batch_dates.DateChange.digest) and a reason is given, which the event keeps; one that would end a
    phase a project still waits in is refused, naming each."""
    batch = Batch.objects.select_for_update().select_related("owner").get(pk=batch.pk)
    _require_runs(actor, batch.owner)
    _require_runs(actor, fields.get("owner", batch.owner))
    before = {name: getattr(batch, name) for name in BATCH_FIELDS}
    previous = copy.copy(batch)
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.full_clean()
    change = batch_dates.effects(previous, batch, today=today or timezone.localdate())
    if change.stranded:
        raise batch_dates.refusal(change)
    reason = (change_reason or "").strip()
    if change.projects and confirmed != change.digest:
        raise batch_dates.Unconfirmed(change, "此次修改会影响本批次的项目，请核对下列变化，填写修改原因后确认")
    if change.projects and not reason:
        raise batch_dates.Unconfirmed(change, "请填写修改原因：此次修改会影响本批次的项目，原因记入事件日志")
    batch.save()
    changes = _changes(before, {name: getattr(batch, name) for name in BATCH_FIELDS})
    if changes and change.projects:
        changes.update({"原因": reason, "影响": "；".join(change.lines)})
    if changes:
        log_event(actor=actor, action="batch.updated", target=batch, data=changes)
    return batch


@transaction.atomic
def unit_quota_set(*, actor, batch, unit, quota):
    """Cap one 二级党组织's nominations in the batch; None removes the cap."""
    _require_runs(actor, batch.owner)
    if not selectors.quota_units(batch).filter(pk=unit.pk).exists():
        raise MoveRefused("推荐名额只能分配给本批次主办单位下的二级党组织" if batch.level == Level.SCHOOL
                          else f"推荐名额只能分配给{batch.owner.name}下一级的推荐单位")
    if quota is None:
        UnitQuota.objects.filter(batch=batch, unit=unit).delete()
    else:
        UnitQuota.objects.update_or_create(batch=batch, unit=unit, defaults={"quota": quota})
    log_event(actor=actor, action="batch.quota_set", target=batch,
              data={"二级党组织": unit.name, "推荐名额": "不限" if quota is None else quota})


# ---- recommendation (二级党组织) and screening (组织部) -------------------------------------

def _locked(project, expected_version=None):
    locked = Project.objects.select_for_update().select_related("organization", "batch", "unit").get(pk=project.pk)
    if expected_version is not None and int(expected_version) != locked.version:
        raise MoveRefused("该项目已在别处被修改，请刷新页面后再操作，以免覆盖他人的修改")
    return locked


def _bump(project):
    Project.objects.filter(pk=project.pk).update(version=F("version") + 1, updated_at=timezone.now())
    project.refresh_from_db()
    return project


def recommendation_open(project):
    """Whether the 二级党组织 may still change its rank and 推荐意见: until the school acts on the
    nomination (筛选意见, 拟认定, 退回 or 不予认定). A nomination the school returns is the unit's again."""
    if project.state == ProjectState.SUBMITTED:
        return True
    return project.state == ProjectState.NOMINATED and not project.screening_note.strip()


# A rank stays held while its application is in the running; a withdrawn or 未入选 one lets it go.
RANK_RELEASED_STATES = {ProjectState.WITHDRAWN, ProjectState.REJECTED}


def rank_refusal(*, batch, unit, rank, exclude=None):
    """The refusal of `rank` for an application of `unit` (its recommender) in the batch when another of
    the recommender's applications holds it already, else None. Forms ask it to show the error beside
    the field; project_recommend asks again under the batch's lock, where it decides."""
    if rank is None:
        return None
    holder = (Project.objects.filter(batch=batch, unit=unit, nomination_rank=rank)
              .exclude(state__in=RANK_RELEASED_STATES).exclude(pk=getattr(exclude, "pk", None))
              .select_related("organization", "batch").first())
    if holder is None:
        return None
    return MoveRefused(f"同一推荐单位在本批次内的推荐排序不能重复，请改用其他排序或先修改另一份申报的排序。推荐排序第{rank}位已给了：",
                       offenders=[workflow.offender(holder, ProjectState(holder.state).label)])


@transaction.atomic
def project_recommend(*, project, actor, rank, recommendation, expected_version=None, nominate=False, today=None):
    """The 二级党组织 ranks a submitted application among its own and writes its 推荐意见; with
    `nominate`, it forwards it (推荐报送) in the same step, so nothing typed is lost to a second form."""
    locked = _locked(project, expected_version)
    if not actor_roles(actor, locked) & {Actor.UNIT, Actor.SCHOOL}:
        raise MoveRefused("只有二级党组织或党委组织部可以填写推荐意见")
    if not recommendation_open(locked):
        if locked.state == ProjectState.NOMINATED:
            raise MoveRefused("党委组织部已开始筛选该推荐，推荐排序和推荐意见不能再修改")
        raise MoveRefused(f"当前状态为“{ProjectState(locked.state).label}”，推荐排序和推荐意见不能再修改")
    if rank is not None and rank < 1:
        raise MoveRefused("推荐排序应为正整数")
    if rank is not None and rank != locked.nomination_rank:
        # Two staff ranking two applications lock two project rows; the batch's row puts them in turn
        # (after the project row, in the order the engine locks them), so one rank is given once.
        Batch.objects.select_for_update(of=("self",)).filter(pk=locked.batch_id).first()
        refused = rank_refusal(batch=locked.batch, unit=locked.unit, rank=rank, exclude=locked)
        if refused is not None:
            raise refused
    recommendation = (recommendation or "").strip()
    if locked.state == ProjectState.NOMINATED or nominate:
        # A nomination always carries both; it cannot be emptied once forwarded.
        missing = [label for label, present in [("推荐排序", rank is not None), ("推荐意见", bool(recommendation))]
                   if not present]
        if missing:
            raise MoveRefused(f"推荐报送须填写{'和'.join(missing)}")
    changed = (locked.nomination_rank, locked.recommendation) != (rank, recommendation)
    locked.nomination_rank = rank
    locked.recommendation = recommendation
    if changed:
        locked.full_clean(exclude=["created_by"])
        locked.save(update_fields=["nomination_rank", "recommendation"])
        log_event(actor=actor, action="project.recommended", target=locked,
                  data={"推荐排序": rank if rank is not None else "", "推荐意见": locked.recommendation})
        locked = _bump(locked)
    if nominate:
        return workflow.move(project=locked, name="nominate", actor=actor, expected_version=locked.version,
                             today=today)
    return locked


@transaction.atomic
def project_screen(*, project, actor, note, expected_version=None):
    """组织部's 筛选意见 on a nomination, kept beside the application."""
    locked = _locked(project, expected_version)
    if Actor.SCHOOL not in actor_roles(actor, locked):
        raise MoveRefused("只有党委组织部可以填写筛选意见")
    locked.screening_note = (note or "").strip()
    locked.full_clean(exclude=["created_by"])
    locked.save(update_fields=["screening_note"])
    log_event(actor=actor, action="project.screened", target=locked, data={"筛选意见": locked.screening_note})
    return _bump(locked)


# ---- mid-term and final materials (支部书记) -----------------------------------------------

# Which state lets the secretary work on each stage's materials.
STAGE_STATE = {ReviewStage.MIDTERM: ProjectState.RECOGNIZED, ReviewStage.FINAL: ProjectState.RECTIFYING}


def _require_secretary(actor, project, stage):
    if Actor.SECRETARY not in actor_roles(actor, project):
        raise MoveRefused("只有本支部书记可以填写材料")
    if project.state != STAGE_STATE[stage]:
        label = "中期材料" if stage == ReviewStage.MIDTERM else "验收材料"
        raise MoveRefused(f"当前状态为“{ProjectState(project.state).label}”，不能修改{label}")


@transaction.atomic
def midterm_report_save(*, project, actor, summary, outcome_report, expected_version=None):
    locked = _locked(project, expected_version)
    _require_secretary(actor, locked, ReviewStage.MIDTERM)
    report, _ = MidtermReport.objects.get_or_create(project=locked, defaults={"updated_by": actor})
    report.summary, report.outcome_report, report.updated_by = summary.strip(), outcome_report.strip(), actor
    report.full_clean()
    report.save()
    log_event(actor=actor, action="midterm.saved", target=locked,
              data={"阶段性工作总结": f"{len(report.summary)} 字", "成果报告": f"{len(report.outcome_report)} 字"})
    _bump(locked)
    return report


@transaction.atomic
def final_report_save(*, project, actor, summary, expected_version=None):
    locked = _locked(project, expected_version)
    _require_secretary(actor, locked, ReviewStage.FINAL)
    report, _ = FinalReport.objects.get_or_create(project=locked, defaults={"updated_by": actor})
    report.summary, report.updated_by = summary.strip(), actor
    report.full_clean()
    report.save()
    log_event(actor=actor, action="final.saved", target=locked, data={"工作总结报告": f"{len(report.summary)} 字"})
    _bump(locked)
    return report


@transaction.atomic
def attachment_add(*, project, actor, stage, file):
    """Check the file by its content and store it; a refused file leaves nothing behind."""
    from branches.uploads import check_upload, store_upload

    locked = _locked(project)
    _require_secretary(actor, locked, stage)
    try:
        checked = check_upload(file, allowed=("image", "pdf", "office"))
        path = store_upload(checked, folder=f"reviews/{stage}")
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages))
    attachment = ReviewAttachment.objects.create(
        project=locked, stage=stage, path=path, display_name=checked.display_name, content_type=checked.content_type,
        size=checked.size, sha256=checked.sha256, uploaded_by=actor)
    log_event(actor=actor, action="attachment.added", target=locked,
              data={"阶段": ReviewStage(stage).label, "文件": checked.display_name})
    return attachment


@transaction.atomic
def attachment_remove(*, attachment, actor):
    locked = _locked(attachment.project)
    _require_secretary(actor, locked, attachment.stage)
    log_event(actor=actor, action="attachment.removed", target=locked,
              data={"阶段": attachment.get_stage_display(), "文件": attachment.display_name})
    # The file stays on disk: the event log may still refer to it and disk space is cheap.
    attachment.delete()


@transaction.atomic
def deliverable_add(*, project, actor, kind, title, description="", link=""):
    locked = _locked(project)
    _require_secretary(actor, locked, ReviewStage.FINAL)
    item = FinalDeliverable(project=locked, kind=kind, title=(title or "").strip(),
                            description=(description or "").strip(), link=(link or "").strip(), created_by=actor)
    try:
        item.full_clean()
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages))
    item.save()
    log_event(actor=actor, action="deliverable.added", target=locked, data={"类型": item.get_kind_display(), "名称": item.title})
    return item


@transaction.atomic
def deliverable_remove(*, deliverable, actor):
    locked = _locked(deliverable.project)
    _require_secretary(actor, locked, ReviewStage.FINAL)
    log_event(actor=actor, action="deliverable.removed", target=locked,
              data={"类型": deliverable.get_kind_display(), "名称": deliverable.title})
    deliverable.delete()


# ---- feedback and acceptance (组织部) --------------------------------------------------------

def _require_school_of(actor, project):
    if Actor.SCHOOL not in actor_roles(actor, project):
        raise MoveRefused("只有党委组织部可以进行此操作")


@transaction.atomic
def feedback_add(*, project, actor, content):
    locked = _locked(project)
    _require_school_of(actor, locked)
    if locked.state not in (ProjectState.MIDTERM_SUBMITTED, ProjectState.RECTIFYING):
        raise MoveRefused("只有中期材料已提交或整改中的项目可以提出整改意见")
    content = (content or "").strip()
    if not content:
        raise MoveRefused("请填写整改意见")
    item = FeedbackItem.objects.create(project=locked, content=content, created_by=actor)
    log_event(actor=actor, action="feedback.added", target=locked, data={"整改意见": content})
    if locked.state == ProjectState.RECTIFYING:
        # Before the mid-term is concluded the branch hears of all items at once, with the result.
        notify(secretaries(locked.organization), title=f"{locked.organization.name}：新的整改意见",
               body=content, url=f"/cultivation/projects/{locked.pk}/")
    return item


@transaction.atomic
def feedback_respond(*, item, actor, response):
    locked = _locked(item.project)
    if Actor.SECRETARY not in actor_roles(actor, locked):
        raise MoveRefused("只有本支部书记可以填写整改情况")
    if locked.state != ProjectState.RECTIFYING:
        raise MoveRefused("只有整改中的项目可以填写整改情况")
    response = (response or "").strip()
    if not response:
        raise MoveRefused("请填写整改情况")
    FeedbackItem.objects.filter(pk=item.pk).update(response=response, responded_at=timezone.now())
    log_event(actor=actor, action="feedback.answered", target=locked, data={"整改意见": item.content[:100], "整改情况": response})
    return FeedbackItem.objects.get(pk=item.pk)


@transaction.atomic
def feedback_verify(*, item, actor, verified, note=""):
    locked = _locked(item.project)
    _require_school_of(actor, locked)
    if locked.state != ProjectState.FINAL_SUBMITTED:
        raise MoveRefused("验收材料提交后才能核查整改情况")
    if verified not in (True, False):
        raise MoveRefused("请选择是否整改到位")
    FeedbackItem.objects.filter(pk=item.pk).update(verified=verified, verification_note=(note or "").strip()[:1000],
                                                   verified_by=actor, verified_at=timezone.now())
    log_event(actor=actor, action="feedback.verified", target=locked,
              data={"整改意见": item.content[:100], "核查": "整改到位" if verified else "未整改到位", "说明": note})
    return FeedbackItem.objects.get(pk=item.pk)


ACCEPTANCE_FIELDS = ["material_review_on", "material_review_notes", "presentation_on", "presentation_notes",
                     "site_visit_on", "site_visit_notes"]


@transaction.atomic
def acceptance_record_save(*, project, actor, expected_version=None, **fields):
    locked = _locked(project, expected_version)
    _require_school_of(actor, locked)
    if locked.state != ProjectState.FINAL_SUBMITTED:
        raise MoveRefused("验收材料提交后才能记录验收情况")
    record = AcceptanceRecord.objects.filter(project=locked).first() or AcceptanceRecord(project=locked)
    for name in ACCEPTANCE_FIELDS:
        if name in fields:
            value = fields[name]
            setattr(record, name, value.strip() if isinstance(value, str) else value)
    for day_field in ("material_review_on", "presentation_on", "site_visit_on"):
        day = getattr(record, day_field)
        if day and day > timezone.localdate():
            raise MoveRefused(f"{AcceptanceRecord._meta.get_field(day_field).verbose_name}不能晚于今天")
    override = (fields.get("override_reason", record.override_reason) or "").strip()
    override_changed = override != (record.override_reason or "")
    unresolved = list(FeedbackItem.objects.filter(project=locked, verified=False).order_by("created_at", "id"))
    if override_changed:
        record.override_reason = override
        record.override_by, record.override_at = (actor, timezone.now()) if override else (None, None)
    record.recorded_by = actor
    record.full_clean()
    record.save()
    log_event(actor=actor, action="acceptance.recorded", target=locked,
              data={AcceptanceRecord._meta.get_field(name).verbose_name: str(getattr(record, name) or "")
                    for name in ACCEPTANCE_FIELDS if name.endswith("_on")})
    if override_changed:
        # The written reason to pass despite 未整改到位 items is a decision of its own: logged with the
        # items it answers, so the history shows what was overridden and by whom.
        log_event(actor=actor, action="acceptance.override", target=locked, data={
            "处理意见": override or "（已撤销）",
            "未整改到位的整改意见": "；".join(item.content[:60] for item in unresolved)[:1000] or "无"})
    _bump(locked)
    return record
