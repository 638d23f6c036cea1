"""The rounds' and score sheets' machines for the transition engine: who the actor is to a row, each
move's guards, and who hears of it. The moves themselves are data in enums.py."""

from django.contrib.auth import get_user_model

from notifications import recipients
from transitions import engine
from transitions.refusals import MoveRefused

from . import rules
from .enums import ACTIVE_SHEET_STATES, ROUND_MOVES, SELF_MOVES, SHEET_MOVES, RoundState, SelfState, SheetState, Who
from .models import Round, ScoreSheet, SelfEvaluation


def person(user):
    return user.get_full_name() or user.username


def sheet_url(sheet):
    return f"/evaluations/rounds/{sheet.round_id}/projects/{sheet.project_id}/score/"


def round_url(round_):
    return f"/evaluations/rounds/{round_.pk}/"


# ---- rounds ----------------------------------------------------------------------------------

def _round_roles(user, round_):
    # Staff of the batch's owner (or above it) run the round; another school's staff are nobody to it.
    return {Who.STAFF} if rules.may_manage_round(user, round_) else set()


def _round_state_message(round_, move):
    if move.name == "publish":
        return f"当前状态为“{RoundState(round_.state).label}”，请先结束评审再发布结果"
    return None


def _reopened_to(round_, change):
    if change.move.name != "reopen":
        return []
    return list(get_user_model().objects.filter(
        pk__in=round_.sheets.filter(state__in=ACTIVE_SHEET_STATES).values("reviewer_id")))


def _round_message(round_, change):
    return (f"{round_.name}重新开放评审",
            f"原因：{change.reason}。评分截止日期：{round_.deadline:%Y年%m月%d日}。", "/evaluations/")


ROUND_MACHINE = engine.Machine(
    model=Round, states=RoundState, moves=ROUND_MOVES, prefix="round", noun="评估轮次", roles=_round_roles,
    state_message=_round_state_message, audience=_reopened_to, message=_round_message, related=("batch__owner",),
)


# ---- score sheets ----------------------------------------------------------------------------

def _sheet_roles(user, sheet):
    roles = {Who.REVIEWER} if sheet.reviewer_id == user.pk else set()
    if rules.may_manage_round(user, sheet.round):
        roles.add(Who.STAFF)
    return roles


def _sheet_state_message(sheet, move):
    if sheet.state == SheetState.SUBMITTED and move.name in ("save", "submit", "record"):
        return "该评分表已提交并锁定，不能再修改；如需修改请联系党委组织部退回"
    return None


def _round_open(message):
    def guard(sheet, change):
        if sheet.round.state != RoundState.OPEN:
            raise MoveRefused(message)
    return guard


def _before_deadline(sheet, change):
    deadline = sheet.round.deadline
    if change.today > deadline:
        raise MoveRefused(f"评分已于{deadline:%Y年%m月%d日}截止；如需延期请联系党委组织部")


def _sheet_context(sheet):
    return {"项目": sheet.project.organization.name, "评审专家": person(sheet.reviewer)}


def _told_reviewer(sheet, change):
    return [sheet.reviewer] if change.move.name in ("reopen", "withdraw") else []


def _sheet_message(sheet, change):
    organization = sheet.project.organization.name
    if change.move.name == "reopen":
        return (f"评分表被退回：{organization}",
                f"党委组织部退回了您对{organization}的评分，请修改后重新提交。原因：{change.reason}", sheet_url(sheet))
    return (f"评审任务已撤回：{organization}",
            f"{sheet.round.name}中对{organization}的评审任务已撤回，无需再评分。", "/evaluations/")


SHEET_MACHINE = engine.Machine(
    model=ScoreSheet, states=SheetState, moves=SHEET_MOVES, prefix="sheet", noun="评分表", roles=_sheet_roles,
    guards={
        "save": [_round_open("本轮评审已结束，不能再修改评分"), _before_deadline],
        "submit": [_round_open("本轮评审已结束，不能再修改评分"), _before_deadline],
        "record": [_round_open("本轮评审已结束，不能再录入评分")],
        "reopen": [_round_open("本轮评审已结束，请先重新开放评审")],
        "withdraw": [_round_open("本轮评审已结束，不能撤回分配")],
        "reassign": [_round_open("评审已结束，不能再分配评审专家")],
    },
    state_message=_sheet_state_message, context=_sheet_context, audience=_told_reviewer, message=_sheet_message,
    related=("round__batch__owner", "project__organization", "project__unit", "reviewer"),
)


# ---- self-evaluations ------------------------------------------------------------------------

def _self_roles(user, evaluation):
    return {Who.BRANCH} if rules.may_self_evaluate(user, evaluation.project) else set()


def _self_state_message(evaluation, move):
    return "自评已提交，不能再修改" if evaluation.state == SelfState.SUBMITTED else None


def _self_audience(evaluation, change):
    return recipients.unit_staff(evaluation.project.organization) if change.move.name == "submit" else []


def _self_message(evaluation, change):
    return (f"{evaluation.project.organization.name}已提交自评",
            f"{evaluation.round.name}：自评合计 {change.data['合计']} 分。", "")


SELF_MACHINE = engine.Machine(
    model=SelfEvaluation, states=SelfState, moves=SELF_MOVES, prefix="self", noun="自评", roles=_self_roles,
    state_message=_self_state_message, audience=_self_audience, message=_self_message,
    related=("round", "project__organization", "project__unit"),
)
