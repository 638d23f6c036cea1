"""The review before anything a branch uploaded becomes public, declared once for the evidence pictures
(cultivation.reports.evidence) and the micro-video (dissemination.video_publication).

Its moves are `enums.publication_moves`: 申请公开 by the secretary, 同意 by the 二级党组织 and then the 组织部
(or 不同意, with a reason), 撤回. Every move goes through transitions.engine.run with the Machine built here;
the showcase and the booklet read only rows in PublicationState.PUBLIC.
"""

from cultivation.enums import Actor
from cultivation.workflow import actor_roles, audience
from notifications import recipients
from transitions import engine
from transitions.refusals import MoveRefused

from .enums import PublicationState

AUDIENCE = {
    "request": [Actor.UNIT],
    "endorse": [Actor.SCHOOL, Actor.SECRETARY],
    "approve": [Actor.SECRETARY, Actor.UNIT],
    "decline_requested": [Actor.SECRETARY],
    "decline_endorsed": [Actor.SECRETARY, Actor.UNIT],
    "withdraw": [Actor.UNIT, Actor.SCHOOL],
    "take_down": [Actor.SECRETARY, Actor.UNIT],
}
# Shown beside the upload forms, so the branch knows before uploading what may become public.
UPLOAD_HELP = ("上传后仅本项目的书记、二级党组织和党委组织部可见；图片须由书记“申请公开”，经二级党组织和组织部同意后，"
               "连同说明显示在公开的成果展示和成果汇编中")


def publication_machine(*, model, moves, prefix, noun, url, title, guards=None):
    """The Machine of one table of `publication_moves` for `model` (a row with `project`, `state`, `version`).

    `url(row)` is where the notices point, `title(row)` names the row in them and in the event."""

    def _audience(row, change):
        project = row.project
        actors = list(AUDIENCE[change.move.name])
        if change.move.name == "request" and not recipients.unit_staff(project.organization):
            actors.append(Actor.SCHOOL)  # a 直属党支部: the 组织部 takes the first step too
        return audience(project, actors)

    def _message(row, change):
        organization = row.project.organization
        body = f"{organization.name}的{noun}“{title(row)}”{change.move.done}。" + (
            f"意见：{change.reason}" if change.reason else "")
        return f"{organization.name}：{noun}{change.move.done}", body, url(row)

    return engine.Machine(
        model=model, states=PublicationState, moves=moves, prefix=prefix, noun=noun,
        roles=lambda user, row: actor_roles(user, row.project),
        guards=guards or {}, audience=_audience, message=_message,
        related=("project__organization", "project__batch__owner", "project__unit"),
        reason_label="意见", reason_missing="{label}须填写意见", reason_max=2000,
        context=lambda row: {"项目": str(row.project), noun: title(row)},
    )


def offered(moves, roles, row):
    """The moves of `moves` the roles may make on the row now: the page's buttons, without a query per row
    (the engine checks again, under the lock, when one is pressed)."""
    return [move for move in moves.values() if roles & set(move.actors) and row.state in move.sources]


def run_move(machine, row, name, *, actor, comment="", expected_version=None):
    if name not in machine.moves:
        raise MoveRefused("没有这项操作")
    return engine.run(machine, row, name, actor=actor, reason=comment, expected_version=expected_version)
