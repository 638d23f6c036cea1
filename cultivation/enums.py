"""Batches, phases, project states and the allowed moves, declared once as data."""

from django.db import models

from transitions.moves import Move


class BatchKind(models.TextChoices):
    MODEL_BRANCH = "model_branch", "样板党支部"
    BENCHMARK_UNIT = "benchmark_unit", "标杆院系"
    STUDIO = "studio", "“双带头人”教师党支部书记工作室"


class Level(models.TextChoices):
    SCHOOL = "school", "校级"
    PROVINCE = "province", "省级"
    NATIONAL = "national", "国家级"


# A batch's level follows from the kind of organization that runs it (branches.enums.OWNER_KINDS).
LEVEL_OF_OWNER = {"school": Level.SCHOOL, "upper": Level.PROVINCE, "ministry": Level.NATIONAL}


class Phase(models.TextChoices):
    SELECTION = "selection", "选苗"
    RECOGNITION = "recognition", "认定"
    CULTIVATION = "cultivation", "培育"
    MIDTERM = "midterm", "中期评估"
    HARVEST = "harvest", "收获推广"


PHASE_ORDER = list(Phase)


class ProjectState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待二级党组织推荐"
    RETURNED = "returned", "已退回修改"
    NOMINATED = "nominated", "已推荐，待学校筛选"
    SHORTLISTED = "shortlisted", "拟认定（公示）"
    RECOGNIZED = "recognized", "培育中"
    MIDTERM_SUBMITTED = "midterm_submitted", "中期材料已提交"
    RECTIFYING = "rectifying", "中期评估完成，整改中"
    FINAL_SUBMITTED = "final_submitted", "验收材料已提交"
    ACCEPTED = "accepted", "通过验收"
    FAILED = "failed", "未通过验收"
    REJECTED = "rejected", "未入选"
    WITHDRAWN = "withdrawn", "已撤回"


class Actor(models.TextChoices):
    """Who may make a move, relative to the project's organization."""

    SECRETARY = "secretary", "支部书记"
    UNIT = "unit", "二级党组织"
    SCHOOL = "school", "组织部"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"


S = ProjectState
MOVES = {
    move.name: move
    for move in [
        Move("submit", "提交申报", (S.DRAFT, S.RETURNED), S.SUBMITTED, (Actor.SECRETARY,), Phase.SELECTION),
        Move("withdraw", "撤回申报", (S.DRAFT, S.SUBMITTED, S.RETURNED), S.WITHDRAWN, (Actor.SECRETARY,),
             Phase.SELECTION),
        Move("return_application", "退回修改", (S.SUBMITTED,), S.RETURNED, (Actor.UNIT, Actor.SCHOOL),
             Phase.SELECTION, needs_reason=True),
        Move("nominate", "推荐报送", (S.SUBMITTED,), S.NOMINATED, (Actor.UNIT, Actor.SCHOOL), Phase.SELECTION),
        Move("return_nomination", "退回二级党组织", (S.NOMINATED,), S.SUBMITTED, (Actor.SCHOOL,), Phase.RECOGNITION,
             needs_reason=True),
        Move("shortlist", "列入拟认定名单", (S.NOMINATED,), S.SHORTLISTED, (Actor.SCHOOL,), Phase.RECOGNITION),
        Move("reject", "不予认定", (S.NOMINATED, S.SHORTLISTED), S.REJECTED, (Actor.SCHOOL,), Phase.RECOGNITION,
             needs_reason=True),
        Move("recognize", "确定为培育对象", (S.SHORTLISTED,), S.RECOGNIZED, (Actor.SCHOOL,), Phase.RECOGNITION),
        Move("submit_midterm", "提交中期材料", (S.RECOGNIZED,), S.MIDTERM_SUBMITTED, (Actor.SECRETARY,), Phase.MIDTERM),
        Move("return_midterm", "退回中期材料", (S.MIDTERM_SUBMITTED,), S.RECOGNIZED, (Actor.UNIT, Actor.SCHOOL),
             Phase.MIDTERM, needs_reason=True),
        Move("conclude_midterm", "完成中期评估", (S.MIDTERM_SUBMITTED,), S.RECTIFYING, (Actor.SCHOOL,), Phase.MIDTERM),
        Move("submit_final", "提交验收材料", (S.RECTIFYING,), S.FINAL_SUBMITTED, (Actor.SECRETARY,), Phase.HARVEST),
        Move("return_final", "退回验收材料", (S.FINAL_SUBMITTED,), S.RECTIFYING, (Actor.UNIT, Actor.SCHOOL),
             Phase.HARVEST, needs_reason=True),
        Move("accept", "通过验收", (S.FINAL_SUBMITTED,), S.ACCEPTED, (Actor.SCHOOL,), Phase.HARVEST),
        Move("fail", "不予通过验收", (S.FINAL_SUBMITTED,), S.FAILED, (Actor.SCHOOL,), Phase.HARVEST, needs_reason=True),
    ]
}

# States in which a project is a cultivation target (认定之后).
CULTIVATED_STATES = {S.RECOGNIZED, S.MIDTERM_SUBMITTED, S.RECTIFYING, S.FINAL_SUBMITTED, S.ACCEPTED, S.FAILED}
# States whose application the secretary may still edit.
EDITABLE_STATES = {S.DRAFT, S.RETURNED}
# States counted against the quota when a 二级党组织 forwards its nominations.
NOMINATED_STATES = {S.NOMINATED, S.SHORTLISTED} | CULTIVATED_STATES


def moves_from(state):
    return [move for move in MOVES.values() if state in move.sources]

