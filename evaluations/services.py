"""Every write of the evaluations app. Each function is one transaction: role check, row lock,
the event log and the notifications; where a round or a sheet changes state, the transition engine
makes the move (`machines.py` holds their guards and audiences).

Refusals raise `MoveRefused` with a Chinese message meant for the user, so a page that publishes
results reports a refused decision and a refused score the same way.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from branches.audit import log_event
from branches.models import subtree_q
from cultivation import workflow
from cultivation.enums import Grade
from cultivation.models import Project
from notifications.recipients import organizers
from notifications.services import notify
from transitions import engine
from transitions.refusals import MoveRefused

from . import rules, scoring, selectors
from .enums import ACTIVE_SHEET_STATES, Method, RoundPhase, RoundState, SheetState, branch_kind
from .machines import ROUND_MACHINE, SELF_MACHINE, SHEET_MACHINE, person, round_url
from .models import (ConflictDeclaration, Criterion, Round, Rubric, RubricLocked, Score, ScoreSheet, SelfEvaluation,
                     SelfScore)

EVENT_LABELS = {
    **ROUND_MACHINE.event_labels(),
    **SHEET_MACHINE.event_labels(),
    **SELF_MACHINE.event_labels(),
    "sheet.assigned": "分配评审专家",
    "round.created": "新建评估轮次",
    "round.updated": "修改评估轮次",
    "round.auto_assigned": "自动分配评审专家",
    "round.imported": "导入线下评分",
    "rubric.created": "新建评分细则",
    "rubric.updated": "修改评分细则",
    "rubric.revised": "评分细则新版本",
    "criterion.saved": "保存评分指标",
    "criterion.deleted": "删除评分指标",
    # Written before self-evaluations moved through the engine (now self.save / self.submit).
    "self.saved": "保存自评",
    "self.submitted": "提交自评",
    "conflict.declared": "申报回避",
}

ROUND_FIELDS = ["name", "rubric", "deadline", "reviewers_per_project", "method", "trim_min_count", "excellent_min",
                "good_min", "pass_min"]


ROUND_REFUSED = "只能管理本单位主办批次的评估轮次"


def _require_staff(actor):
    """The role gate: rubrics (七个有力) are shared by every school and need no more than this."""
    if not rules.may_manage(actor):
        raise MoveRefused("只有党委组织部可以管理评审")


def require_round_staff(actor, round_):
    """Staff manage a round only when they run its batch's owner (主办单位) or an organization above it.
    `round_.batch.owner` should be loaded (select_related "batch__owner"); the locked rows below are."""
    _require_staff(actor)
    if not rules.may_manage_round(actor, round_):
        raise MoveRefused(ROUND_REFUSED)


def _lock_round(round_):
    return Round.objects.select_for_update(of=("self",)).select_related("batch__owner").get(pk=round_.pk)


# ---- rubrics ---------------------------------------------------------------------------------

@transaction.atomic
def rubric_save(*, actor, rubric, changed=()):
    """A rubric added or edited in the admin (its criteria are the admin's inline, frozen once used)."""
    _require_staff(actor)
    created = rubric.pk is None
    if created:
        rubric.created_by = actor
    rubric.save()
    log_event(actor=actor, action="rubric.created" if created else "rubric.updated", target=rubric,
              data={"修改": "、".join(changed)})
    return rubric


@transaction.atomic
def rubric_revise(*, rubric, actor):
    """Copy a rubric, criteria and all, into version n+1: the way to change a rubric already used."""
    _require_staff(actor)
    latest = Rubric.objects.select_for_update().filter(code=rubric.code).aggregate(v=Max("version"))["v"] or 0
    copy = Rubric.objects.create(code=rubric.code, version=latest + 1, name=rubric.name,
                                 description=rubric.description, batch_kind=rubric.batch_kind, created_by=actor)
    Criterion.objects.bulk_create(
        Criterion(rubric=copy, order=c.order, group=c.group, name=c.name, description=c.description,
                  max_score=c.max_score, weight=c.weight, branch_kind=c.branch_kind)
        for c in rubric.criteria.all())
    log_event(actor=actor, action="rubric.revised", target=copy, data={"复制自": f"第{rubric.version}版"})
    return copy


@transaction.atomic
def criterion_save(*, actor, rubric, criterion=None, **fields):
    """Add or change a criterion of a rubric not yet used for any score."""
    _require_staff(actor)
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric.is_used():
        raise MoveRefused("该评分细则已用于评分，不能修改；请复制为新版本后修改")
    criterion = criterion or Criterion(rubric=rubric)
    for name, value in fields.items():
        setattr(criterion, name, value)
    criterion.rubric = rubric
    _clean(criterion)
    try:
        criterion.save()
    except RubricLocked as locked:
        raise MoveRefused(locked.message)
    log_event(actor=actor, action="criterion.saved", target=rubric, data={"指标": criterion.name})
    return criterion


def _clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages))


# ---- rounds ----------------------------------------------------------------------------------

def _check_round_settings(round_, *, today, deadline_changed=True, rubric_chosen=True):
    """What the model cannot know by itself: dates against today, a rubric with criteria that serves the batch."""
    if deadline_changed and round_.deadline is not None and round_.deadline < today:
        raise MoveRefused(f"评分截止日期不能早于今天（{today:%Y年%m月%d日}）")
    if round_.rubric_id and not Criterion.objects.filter(rubric_id=round_.rubric_id).exists():
        raise MoveRefused(f"评分细则“{round_.rubric}”还没有评分指标，请先在后台添加指标或选择其他细则")
    # Only a rubric being chosen is checked: a round already judged by another keeps its settings editable.
    refusal = rubric_chosen and round_.rubric_id and rules.rubric_refusal(round_.rubric, round_.batch)
    if refusal:
        raise MoveRefused(refusal)


def settings_warnings(round_):
    """Settings that are allowed but probably not meant, for the page to point out after saving."""
    warnings = []
    if round_.method == Method.TRIMMED and round_.reviewers_per_project < round_.trim_min_count:
        warnings.append(f"每个项目只分配 {round_.reviewers_per_project} 位评审专家，少于去掉最高分和最低分所需的 "
                        f"{round_.trim_min_count} 个有效评分，除非另行增派专家，综合得分将按算术平均计算")
    return warnings


@transaction.atomic
def round_create(*, actor, batch, phase, today=None, **fields):
    """A new round of a batch. `today` is for the demo's history; a deadline may not lie in the past."""
    _require_staff(actor)
    if not rules.may_manage_batch(actor, batch):
        raise MoveRefused("只能为本单位主办的批次新建评估轮次")
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"not a round setting: {sorted(unknown)}")
    if phase not in RoundPhase.values:
        raise MoveRefused("请选择评估类型")
    round_ = Round(batch=batch, phase=phase, created_by=actor, **fields)
    _clean(round_)
    _check_round_settings(round_, today=today or timezone.localdate())
    round_.save()
    log_event(actor=actor, action="round.created", target=round_, data={
        "批次": batch.name, "评估类型": RoundPhase(phase).label, "评分细则": str(round_.rubric),
        "截止日期": round_.deadline.isoformat()})
    return round_


def _shown(name, value):
    if name == "method":
        return Method(value).label
    if isinstance(value, Decimal):
        return scoring.fmt(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def rubric_fixed(round_):
    """Whether the round's rubric may no longer change: someone has scored or self-evaluated against it."""
    return (Score.objects.filter(sheet__round=round_).exists()
            or SelfScore.objects.filter(evaluation__round=round_).exists())


@transaction.atomic
def round_update(*, round_, actor, expected_version=None, today=None, **fields):
    """Change an open round's settings; its rubric only while nobody has scored against it (neither
    a reviewer's sheet nor a branch's self-evaluation). Nothing changed: nothing written."""
    _require_staff(actor)
    unknown = set(fields) - set(ROUND_FIELDS)
    if unknown:
        raise ValueError(f"not a round setting: {sorted(unknown)}")
    locked = (Round.objects.select_for_update(of=("self", "rubric")).select_related("rubric", "batch__owner")
              .get(pk=round_.pk))
    require_round_staff(actor, locked)
    if expected_version is not None and int(expected_version) != locked.version:
        raise MoveRefused("该评估轮次已被他人修改，请刷新页面后再操作")
    if locked.state != RoundState.OPEN:
        raise MoveRefused("评审已结束，不能再修改设置")
    if "rubric" in fields and fields["rubric"].pk != locked.rubric_id:
        if Score.objects.filter(sheet__round=locked).exists():
            raise MoveRefused("已有专家按原评分细则评分，不能更换评分细则")
        if SelfScore.objects.filter(evaluation__round=locked).exists():
            raise MoveRefused("已有支部按原评分细则填写自评，不能更换评分细则")
    changes, changed_names = {}, set()
    for name, value in fields.items():
        before = getattr(locked, name)
        if before != value:
            changes[str(Round._meta.get_field(name).verbose_name)] = [_shown(name, before), _shown(name, value)]
            changed_names.add(name)
            setattr(locked, name, value)
    if not changes:
        return locked
    _clean(locked)
    _check_round_settings(locked, today=today or timezone.localdate(), deadline_changed="deadline" in changed_names,
                          rubric_chosen="rubric" in changed_names)
    changed = Round.objects.filter(pk=locked.pk, version=locked.version, state=RoundState.OPEN).update(
        version=F("version") + 1, **{name: getattr(locked, name) for name in fields})
    if not changed:
        raise MoveRefused("该评估轮次刚刚已被他人更新，请刷新页面")
    locked.refresh_from_db()
    log_event(actor=actor, action="round.updated", target=locked, data=changes)
    if "deadline" in changed_names:
        reviewers = get_user_model().objects.filter(
            pk__in=locked.sheets.filter(state__in=[SheetState.ASSIGNED, SheetState.DRAFT]).values("reviewer_id"))
        notify(list(reviewers), title=f"{locked.name}评分截止日期调整",
               body=f"评分截止日期调整为{locked.deadline:%Y年%m月%d日}。", url="/evaluations/")
    return locked


def round_move(*, round_, name, actor, reason="", expected_version=None):
    """Close (评审结束) or reopen a round; publishing has its own function below."""
    require_round_staff(actor, round_)
    return engine.run(ROUND_MACHINE, round_, name, actor=actor, reason=reason, expected_version=expected_version)


def decision_problems(round_, results):
    """Why the round's results cannot be turned into decisions: one Offender (the project, with a link
    to its page, and what is wrong) per project. Reads only what the results carry (no query per project)."""
    problems = []
    field = round_.grade_field()
    for result in results:
        project = result.project
        if result.score is None:
            problems.append(workflow.offender(project, "尚无有效评分"))
            continue
        decided = getattr(project, field)
        if project.state != selectors.DECIDABLE_STATE[round_.phase] and decided and decided != result.grade:
            problems.append(workflow.offender(
                project, f"已评定为“{Grade(decided).label}”，与评审结果“{result.grade_label}”不一致，请核对"))
        elif project.state != selectors.DECIDABLE_STATE[round_.phase] and not decided:
            problems.append(workflow.offender(project, f"当前状态不能作出{RoundPhase(round_.phase).label}决定"))
    return problems


def _decision_move(round_, result):
    if round_.phase == RoundPhase.MIDTERM:
        return "conclude_midterm"
    return "fail" if result.grade == Grade.FAIL else "accept"


def workflow_problems(round_, results, *, actor, today=None):
    """What the workflow would refuse, project by project, if the results were published now (a missing
    整改意见, an acceptance record not complete, an item 未整改到位...). Asks each project without moving
    any, so one refusal names every project that is not ready instead of the first one, unnamed."""
    problems = []
    field = round_.grade_field()
    for result in results:
        project = result.project
        if result.score is None or project.state != selectors.DECIDABLE_STATE[round_.phase]:
            continue
        name = _decision_move(round_, result)
        refused = workflow.move_problem(project=project, name=name, actor=actor, fields={field: result.grade},
                                        reason=f"{round_.name}：{result_note(result)}", today=today)
        if refused is not None:
            problems.append(workflow.offender(project, refused.text))
    return problems


def result_note(result):
    return f"{result.grade_label}（综合得分 {scoring.fmt(result.score)}，第 {result.rank} 名）"


def round_publish(*, round_, actor, title, body, starts_on, expected_version=None, today=None):
    """Turn a closed round's results into the workflow's decisions and publish its results notice.

    All or nothing: a project the workflow refuses leaves every project, and the round, as it was.
    """
    from cultivation.models.notices import NoticeKind
    from cultivation.notices import notice_publish

    def decide(locked, change):
        results = selectors.round_results(locked, with_previous=False)
        if not results:
            raise MoveRefused("本轮没有参评项目")
        problems = decision_problems(locked, results) or workflow_problems(locked, results, actor=actor, today=today)
        if problems:
            raise MoveRefused("以下项目尚不能作出决定，结果未发布：", offenders=problems)
        field = locked.grade_field()
        decided = 0
        for result in results:
            project = result.project
            if project.state != selectors.DECIDABLE_STATE[locked.phase]:
                continue  # decided already, with this very grade (checked above)
            fields = {field: result.grade}
            note = f"{locked.name}：{result_note(result)}"
            if locked.phase == RoundPhase.MIDTERM:
                workflow.project_conclude_midterm(project=project, actor=actor, fields=fields, today=today)
            elif result.grade == Grade.FAIL:
                workflow.project_fail(project=project, actor=actor, fields=fields, reason=note, today=today)
            else:
                workflow.project_accept(project=project, actor=actor, fields=fields, today=today)
            decided += 1
        projects = {p.pk: p for p in Project.objects.filter(pk__in=[r.project.pk for r in results]).select_related(
            "organization")}
        kind = NoticeKind.MIDTERM if locked.phase == RoundPhase.MIDTERM else NoticeKind.ACCEPTANCE
        notice = notice_publish(batch=locked.batch, kind=kind, title=title, body=body, starts_on=starts_on,
                                items=[(projects[r.project.pk], result_note(r)) for r in results], actor=actor,
                                today=today)
        change.writes["notice"] = notice
        change.data.update({
            "公示": notice.title, "项目数": len(results), "作出决定": decided,
            "等次": "、".join(f"{r.project.organization.name}{r.grade_label}" for r in results)[:1000]})

    require_round_staff(actor, round_)
    return engine.run(ROUND_MACHINE, round_, "publish", actor=actor, expected_version=expected_version, today=today,
                      before=decide)


# ---- assignments -----------------------------------------------------------------------------

def _assign(*, round_, project, reviewer, actor):
    """Assign one reviewer inside the caller's transaction; the 回避 rule is checked here, always."""
    if round_.state != RoundState.OPEN:
        raise MoveRefused("评审已结束，不能再分配评审专家")
    if project.batch_id != round_.batch_id:
        raise MoveRefused(f"{project.organization.name}不属于本轮评估的批次")
    if project.state not in selectors.ROUND_STATES[round_.phase]:
        raise MoveRefused(f"{project.organization.name}尚未提交{RoundPhase(round_.phase).label}材料，不能分配评审")
    project.batch = round_.batch  # the same row (checked above), its owner loaded: the pool asks it
    problem = rules.assignable_problem(reviewer, project)
    if problem:
        raise MoveRefused(f"{person(reviewer)}：{problem}（{project.organization.name}）")
    sheet = ScoreSheet.objects.select_for_update().filter(round=round_, project=project, reviewer=reviewer).first()
    if sheet is not None and sheet.state != SheetState.WITHDRAWN:
        raise MoveRefused(f"{person(reviewer)}已分配评审{project.organization.name}")
    if sheet is not None:
        return engine.run(SHEET_MACHINE, sheet, "reassign", actor=actor, before=_clear_scores, writes={
            "assigned_by": actor, "assigned_at": timezone.now(), "submitted_at": None, "total": None, "percent": None})
    sheet = ScoreSheet.objects.create(round=round_, project=project, reviewer=reviewer, assigned_by=actor)
    log_event(actor=actor, action="sheet.assigned", target=sheet, data={
        "评估轮次": round_.name, "项目": project.organization.name, "评审专家": person(reviewer)})
    return sheet


def _clear_scores(sheet, change):
    sheet.scores.all().delete()


def _tell_reviewers(round_, counts):
    for reviewer, count in counts.values():
        notify([reviewer], title=f"新的评审任务：{round_.name}",
               body=f"您有 {count} 个新的评审任务，请于{round_.deadline:%Y年%m月%d日}前完成评分。",
               url="/evaluations/")


@transaction.atomic
def assignment_add(*, round_, project, reviewer, actor):
    _require_staff(actor)
    locked = _lock_round(round_)
    require_round_staff(actor, locked)
    project = Project.objects.select_related("organization", "unit").get(pk=project.pk)
    sheet = _assign(round_=locked, project=project, reviewer=reviewer, actor=actor)
    _tell_reviewers(locked, {reviewer.pk: (reviewer, 1)})
    return sheet


@transaction.atomic
def assignments_auto(*, round_, actor):
    """Fill every project of the round up to `reviewers_per_project`, least-loaded eligible reviewer
    first (ties by username, so a re-run is predictable). Returns (sheets made, shortfalls)."""
    _require_staff(actor)
    locked = _lock_round(round_)
    require_round_staff(actor, locked)
    if locked.state != RoundState.OPEN:
        raise MoveRefused("评审已结束，不能再分配评审专家")
    candidates = selectors.reviewers(locked)
    if not candidates:
        raise MoveRefused(f"本轮的评审专家库中还没有评审专家：请先在后台为{locked.batch.owner.name}或其下属组织、"
                          "上级组织的专家授予“评审专家”角色")
    live = list(ScoreSheet.objects.filter(round=locked, state__in=ACTIVE_SHEET_STATES).values_list(
        "project_id", "reviewer_id"))
    load = {user.pk: 0 for user in candidates}
    panel = {}
    for project_id, reviewer_id in live:
        load[reviewer_id] = load.get(reviewer_id, 0) + 1
        panel.setdefault(project_id, set()).add(reviewer_id)
    made, shortfalls, counts = [], [], {}
    for project in selectors.round_projects(locked):
        have = panel.get(project.pk, set())
        need = locked.reviewers_per_project - len(have)
        if need <= 0:
            continue
        eligible = [u for u in candidates if u.pk not in have and not rules.conflict_reason(u, project)]
        eligible.sort(key=lambda u: (load[u.pk], u.username))
        for reviewer in eligible[:need]:
            made.append(_assign(round_=locked, project=project, reviewer=reviewer, actor=actor))
            load[reviewer.pk] += 1
            counts.setdefault(reviewer.pk, [reviewer, 0])[1] += 1
        if len(eligible) < need:
            shortfalls.append((project, need - len(eligible)))
    _tell_reviewers(locked, {pk: tuple(v) for pk, v in counts.items()})
    log_event(actor=actor, action="round.auto_assigned", target=locked, data={
        "新分配": len(made), "专家不足的项目": "、".join(p.organization.name for p, _ in shortfalls)[:500]})
    return made, shortfalls


# ---- score sheets ----------------------------------------------------------------------------

class ScoreProblems(MoveRefused):
    """Scores that cannot be accepted; `errors` maps a criterion id to its Chinese message."""

    def __init__(self, errors):
        super().__init__("评分有误，请按提示修改：" + "；".join(errors.values()))
        self.errors = errors


def applicable_criteria(round_, project):
    kind = branch_kind(project.organization)
    return [c for c in Criterion.objects.filter(rubric_id=round_.rubric_id).order_by("order", "id")
            if not c.branch_kind or c.branch_kind == kind]


def check_scores(criteria, values, *, complete):
    """Parse {criterion id: (raw value, comment)} against the criteria. Returns the clean dict or
    raises ScoreProblems naming each bad criterion. `complete`: every criterion must be scored."""
    by_id = {c.pk: c for c in criteria}
    errors, clean = {}, {}
    for key in values:
        if int(key) not in by_id:
            errors[int(key)] = "该指标不属于本项目适用的评分细则"
    for criterion in criteria:
        raw, comment = values.get(criterion.pk, (None, ""))
        try:
            value = scoring.parse_score(raw, criterion.max_score)
        except ValueError as error:
            errors[criterion.pk] = f"{criterion.name}：{error}"
            continue
        comment = (comment or "").strip()
        if len(comment) > 500:
            errors[criterion.pk] = f"{criterion.name}：评语不超过500字"
            continue
        if value is None:
            if complete:
                errors[criterion.pk] = f"{criterion.name}：请填写分数"
            continue
        clean[criterion.pk] = (value, comment)
    if errors:
        raise ScoreProblems(errors)
    return clean


def totals(criteria, clean):
    total = scoring.weighted_total((clean[c.pk][0], c.weight) for c in criteria if c.pk in clean)
    full = scoring.full_marks((c.max_score, c.weight) for c in criteria)
    return scoring.quantize(total), scoring.percent(total, full)


def _write_scores(model, owner_field, owner, clean):
    model.objects.filter(**{owner_field: owner}).delete()
    model.objects.bulk_create(model(**{owner_field: owner}, criterion_id=pk, value=value, comment=comment)
                              for pk, (value, comment) in clean.items())


def _lock_sheet(sheet):
    return (ScoreSheet.objects.select_for_update(of=("self",))
            .select_related("round__batch__owner", "project__organization", "project__unit", "reviewer")
            .get(pk=sheet.pk))


@transaction.atomic
def sheet_save(*, sheet, actor, values, comment="", expected_version=None, submit=False, today=None):
    """The reviewer saves a draft or submits. A submitted sheet is locked until staff reopen it."""
    today = today or timezone.localdate()
    locked = _lock_sheet(sheet)
    if locked.reviewer_id != actor.pk:
        raise MoveRefused("只能填写分配给自己的评分表")
    problem = rules.conflict_reason(actor, locked.project)
    if problem:
        raise MoveRefused(problem)
    comment = (comment or "").strip()
    if len(comment) > 3000:
        raise MoveRefused("总体评语不超过3000字")

    def write_scores(locked, change):
        criteria = applicable_criteria(locked.round, locked.project)
        clean = check_scores(criteria, values, complete=submit)
        _write_scores(Score, "sheet", locked, clean)
        total, percent = totals(criteria, clean)
        change.writes.update({"comment": comment, "total": total, "percent": percent if submit else None})
        if submit:
            change.writes["submitted_at"] = timezone.now()
        change.data["合计"] = scoring.fmt(total)

    round_ = locked.round
    locked = engine.run(SHEET_MACHINE, locked, "submit" if submit else "save", actor=actor,
                        expected_version=expected_version, today=today, before=write_scores)
    if submit and not round_.sheets.filter(state__in=[SheetState.ASSIGNED, SheetState.DRAFT]).exists():
        # Those who run the round hear of it, not every school's 组织部.
        notify(organizers(round_.batch.owner), title=f"{round_.name}：全部评分已提交",
               body="全部评审专家已提交评分，可以结束评审并查看结果。", url=round_url(round_))
    return locked


def sheet_reopen(*, sheet, actor, reason):
    require_round_staff(actor, sheet.round)
    return engine.run(SHEET_MACHINE, sheet, "reopen", actor=actor, reason=reason,
                      writes={"submitted_at": None, "percent": None})


def sheet_withdraw(*, sheet, actor):
    require_round_staff(actor, sheet.round)
    return engine.run(SHEET_MACHINE, sheet, "withdraw", actor=actor)


@transaction.atomic
def sheet_record(*, round_, project, reviewer, values, comment, actor):
    """Staff enter a sheet filled on paper at a panel meeting. The reviewer is assigned here if they
    were not yet, through `_assign` and so through the 回避 rule. Returns "created", "updated" or
    "unchanged" (the same scores already submitted: an exported file imports again as a no-op)."""
    _require_staff(actor)
    locked_round = _lock_round(round_)
    require_round_staff(actor, locked_round)
    project = Project.objects.select_related("organization", "unit").get(pk=project.pk)
    problem = rules.assignable_problem(reviewer, project)
    if problem:
        raise MoveRefused(problem)
    criteria = applicable_criteria(locked_round, project)
    clean = check_scores(criteria, values, complete=True)
    sheet = ScoreSheet.objects.filter(round=locked_round, project=project, reviewer=reviewer).first()
    outcome = "updated"
    if sheet is None or sheet.state == SheetState.WITHDRAWN:
        sheet = _assign(round_=locked_round, project=project, reviewer=reviewer, actor=actor)
        outcome = "created"
    locked = _lock_sheet(sheet)
    if locked.state == SheetState.SUBMITTED:
        stored = {s.criterion_id: s.value for s in locked.scores.all()}
        if stored == {pk: value for pk, (value, _) in clean.items()}:
            return "unchanged"
        raise MoveRefused("该专家对该项目的评分表已提交，导入的分数与之不同；如需修改请先退回该评分表")
    total, percent = totals(criteria, clean)
    engine.run(SHEET_MACHINE, locked, "record", actor=actor,
               before=lambda locked, change: _write_scores(Score, "sheet", locked, clean),
               writes={"comment": (comment or "").strip()[:3000], "total": total, "percent": percent,
                       "submitted_at": timezone.now()},
               data={"合计": scoring.fmt(total), "来源": "线下评分导入"})
    return outcome


# ---- self-evaluation -------------------------------------------------------------------------

@transaction.atomic
def self_evaluation_save(*, round_, project, actor, narrative, values, submit=False, expected_version=None,
                         today=None):
    """The branch scores itself (自评) against the round's rubric, with a narrative report."""
    today = today or timezone.localdate()
    project = Project.objects.select_related("organization", "unit").get(pk=project.pk)
    if not rules.may_self_evaluate(actor, project):
        raise MoveRefused("只有本支部书记可以填写自评")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    if project.batch_id != round_.batch_id or project.state not in selectors.ROUND_STATES[round_.phase]:
        raise MoveRefused("该项目不在本轮评估中")
    if round_.state != RoundState.OPEN:
        raise MoveRefused("本轮评审已结束，不能再修改自评")
    if today > round_.deadline:
        raise MoveRefused(f"自评已于{round_.deadline:%Y年%m月%d日}截止")
    evaluation, _ = SelfEvaluation.objects.get_or_create(round=round_, project=project, defaults={"author": actor})
    narrative = (narrative or "").strip()
    if submit and not narrative:
        raise MoveRefused("请填写自评报告")
    if len(narrative) > 20000:
        raise MoveRefused("自评报告不超过20000字")

    def write_scores(locked, change):
        criteria = applicable_criteria(round_, project)
        clean = check_scores(criteria, values, complete=submit)
        _write_scores(SelfScore, "evaluation", locked, clean)
        total, percent = totals(criteria, clean)
        change.writes.update({"narrative": narrative, "total": total, "percent": percent if submit else None,
                              "author": actor, "submitted_at": timezone.now() if submit else None})
        change.data.update({"评估轮次": round_.name, "合计": scoring.fmt(total)})

    return engine.run(SELF_MACHINE, evaluation, "submit" if submit else "save", actor=actor,
                      expected_version=expected_version, today=today, before=write_scores)


# ---- conflicts -------------------------------------------------------------------------------

def conflict_notice_body(reason, withdrawn):
    """The reason as one sentence (its own full stop is not doubled), then what staff must do, if anything."""
    body = f"原因：{reason.rstrip('。.！!；;，, ')}。"
    return body + (f"已撤回相关评审任务 {withdrawn} 个，请补充分配。" if withdrawn else "")


@transaction.atomic
def conflict_declare(*, reviewer, organization, reason, actor):
    """A reviewer (or staff for them) declares a conflict; their live sheets in open rounds for any
    project under the organization are withdrawn at once. Staff declare only with an organization they
    run, and only when they also run every round whose sheets it withdraws."""
    if not rules.may_declare_conflict(actor, reviewer, organization):
        _require_staff(actor)
        raise MoveRefused("只能为本单位所属的党组织申报回避")
    if not rules.is_reviewer(reviewer):
        raise MoveRefused("只有评审专家需要申报回避")
    reason = (reason or "").strip()
    if not reason:
        raise MoveRefused("请填写回避原因")
    if ConflictDeclaration.objects.filter(reviewer=reviewer, organization=organization).exists():
        raise MoveRefused(f"已申报回避{organization.name}")
    affected = list(ScoreSheet.objects.filter(
        subtree_q([organization.path], "project__organization__"),
        reviewer=reviewer, round__state=RoundState.OPEN, state__in=ACTIVE_SHEET_STATES,
    ).select_related("round__batch__owner", "project__organization"))
    if actor.pk != reviewer.pk:
        owners = {s.round.batch.owner.name for s in affected if not rules.may_manage_round(actor, s.round)}
        if owners:
            raise MoveRefused(f"该专家在{'、'.join(sorted(owners))}主办的评估轮次中有涉及该组织的评审任务，"
                              "请由主办单位或专家本人申报回避")
    declaration = ConflictDeclaration(reviewer=reviewer, organization=organization, reason=reason[:300],
                                      declared_by=actor)
    _clean(declaration, exclude=["declared_by"])
    declaration.save()
    rules.forget(reviewer)
    for sheet in affected:
        engine.run(SHEET_MACHINE, sheet, "recuse", actor=actor, reason="申报回避")
    log_event(actor=actor, action="conflict.declared", target=declaration, data={
        "评审专家": person(reviewer), "回避的组织": organization.name, "原因": reason[:300],
        "撤回的评审任务": len(affected)})
    # Who hears of it: the 组织部 over the organization and over each round it withdrew sheets from.
    staff = {u.pk: u for owner in [organization, *{s.round.batch.owner for s in affected}] for u in organizers(owner)}
    notify([u for u in staff.values() if u.pk != actor.pk], title=f"{person(reviewer)}申报回避{organization.name}",
           body=conflict_notice_body(reason, len(affected)), url="/evaluations/rounds/")
    return declaration
