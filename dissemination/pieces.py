"""The one place where a publicity piece (宣传稿件) is written, edited and moved.

Its moves are data (`enums.PIECE_MOVES`); `MACHINE` gives the transition engine the piece's roles,
guards, stamps and audiences, and the engine makes every move. Views call the named functions.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from branches.audit import log_event
from branches.uploads import INLINE_IMAGE_TYPES
from cultivation.enums import CULTIVATED_STATES, Actor, ProjectState
from cultivation.models import Attachment, Project
from cultivation.workflow import actor_roles, audience
from notifications import recipients
from transitions import engine
from transitions.refusals import MoveRefused, NotAllowed

from .enums import EDITABLE_PIECE_STATES, PIECE_MOVES, PIECE_PROJECT_STATES, PieceKind, PieceState
from .models import PublicityPiece

MAX_PICTURES = 9
AUDIENCE = {
    "submit": [Actor.UNIT],
    "endorse": [Actor.SCHOOL, Actor.SECRETARY],
    "approve": [Actor.SECRETARY, Actor.UNIT],
    "return_submitted": [Actor.SECRETARY],
    "return_endorsed": [Actor.SECRETARY, Actor.UNIT],
}


def piece_url(piece):
    return f"/dissemination/pieces/{piece.pk}/"


def image_attachments(project):
    """The project's own pictures a piece may show: raster images the upload check verified."""
    return Attachment.objects.filter(project=project, content_type__in=list(INLINE_IMAGE_TYPES)).order_by(
        "created_at", "id")


def _require_secretary(actor, project, doing):
    if Actor.SECRETARY not in actor_roles(actor, project):
        raise NotAllowed(f"只有本支部书记可以{doing}")


def _require_open(project):
    if project.state not in CULTIVATED_STATES:
        raise MoveRefused("该项目尚未确定为培育对象，还不能撰写宣传稿件")
    if project.state not in PIECE_PROJECT_STATES:
        raise MoveRefused(f"该项目当前为“{ProjectState(project.state).label}”，不能再撰写或提交宣传稿件")


def _fill(piece, *, kind, title, body):
    piece.kind, piece.title, piece.body = kind, (title or "").strip(), (body or "").strip()
    if kind not in PieceKind.values:
        raise MoveRefused("请选择稿件类型（创建纪实报道、新闻简稿或工作专报）")
    if not piece.title:
        raise MoveRefused("请填写稿件标题")
    if not piece.body:
        raise MoveRefused("请填写稿件正文")
    try:
        piece.full_clean(exclude=["project", "created_by", "pictures"])
    except ValidationError as error:
        raise MoveRefused("；".join(error.messages)) from None


def _pictures(project, picture_ids):
    """The chosen attachments, each one of the project's own verified images; else a refusal."""
    wanted = {int(pk) for pk in picture_ids or ()}
    if len(wanted) > MAX_PICTURES:
        raise MoveRefused(f"一篇稿件最多选择{MAX_PICTURES}张配图")
    chosen = list(image_attachments(project).filter(pk__in=wanted))
    if len(chosen) != len(wanted):
        raise MoveRefused("所选配图不是本项目上传的图片，请刷新页面后重新选择")
    return chosen


def _data(piece, pictures):
    return {"项目": str(piece.project), "类型": piece.get_kind_display(), "标题": piece.title, "配图": f"{len(pictures)}张"}


@transaction.atomic
def piece_create(*, project, actor, kind, title, body, picture_ids=()):
    """A new draft by the project's secretary, once the project is a cultivation target."""
    project = Project.objects.select_for_update(of=("self",)).select_related("batch__owner", "organization").get(
        pk=project.pk)
    _require_secretary(actor, project, "撰写宣传稿件")
    _require_open(project)
    piece = PublicityPiece(project=project, created_by=actor)
    _fill(piece, kind=kind, title=title, body=body)
    pictures = _pictures(project, picture_ids)
    piece.save()
    piece.pictures.set(pictures)
    log_event(actor=actor, action="piece.created", target=piece, data=_data(piece, pictures))
    return piece


@transaction.atomic
def piece_edit(*, piece, actor, kind, title, body, picture_ids=(), expected_version=None):
    """Rewrite a draft or a returned piece; a piece under review or approved is not changed."""
    locked = PublicityPiece.objects.select_for_update(of=("self",)).select_related(
        "project__organization", "project__batch__owner").get(pk=piece.pk)
    _require_secretary(actor, locked.project, "修改宣传稿件")
    _require_open(locked.project)
    if locked.state not in EDITABLE_PIECE_STATES:
        raise MoveRefused(f"宣传稿件当前状态为“{PieceState(locked.state).label}”，不能修改")
    if expected_version not in (None, "") and int(expected_version) != locked.version:
        raise MoveRefused("宣传稿件已在别处被修改，请刷新页面后再编辑，以免覆盖他人的修改")
    _fill(locked, kind=kind, title=title, body=body)
    pictures = _pictures(locked.project, picture_ids)
    locked.save(update_fields=["kind", "title", "body"])
    locked.pictures.set(pictures)
    PublicityPiece.objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now())
    locked.refresh_from_db()
    log_event(actor=actor, action="piece.edited", target=locked, data=_data(locked, pictures))
    return locked


def _guard_submit(piece, change):
    _require_open(piece.project)
    if not piece.title.strip() or not piece.body.strip():
        raise MoveRefused("请先填写稿件标题和正文，再提交审核")


def _stamp(piece, change):
    if change.move.name == "approve":
        change.writes["approved_at"] = timezone.now()


def _audience(piece, change):
    project = piece.project
    actors = list(AUDIENCE[change.move.name])
    if change.move.name == "submit" and not recipients.unit_staff(project.organization):
        actors.append(Actor.SCHOOL)  # a 直属党支部: 组织部 reviews
    return audience(project, actors)


def _message(piece, change):
    move, organization = change.move, piece.project.organization
    body = f"{organization.name}的宣传稿件“{piece.title}”{move.done}。" + (
        f"{'退回意见' if move.needs_reason else '意见'}：{change.reason}" if change.reason else "")
    return f"{organization.name}：宣传稿件{move.done}", body, piece_url(piece)


MACHINE = engine.Machine(
    model=PublicityPiece, states=PieceState, moves=PIECE_MOVES, prefix="piece", noun="宣传稿件",
    roles=lambda user, piece: actor_roles(user, piece.project),
    guards={"submit": [_guard_submit]}, stamp=_stamp, audience=_audience, message=_message,
    related=("project__organization", "project__batch__owner", "project__unit"),
    reason_label="意见", reason_missing="{label}须填写退回意见", reason_max=2000,
    context=lambda piece: {"项目": str(piece.project), "标题": piece.title},
)
EVENT_LABELS = {
    **MACHINE.event_labels(),
    "piece.created": "撰写宣传稿件",
    "piece.edited": "修改宣传稿件",
}


def piece_move(*, piece, name, actor, comment="", expected_version=None):
    """Make the named move; raise MoveRefused with a Chinese message when it may not happen."""
    if name not in PIECE_MOVES:
        raise MoveRefused("没有这项操作")
    return engine.run(MACHINE, piece, name, actor=actor, reason=comment, expected_version=expected_version)


def piece_return(*, piece, actor, comment, expected_version=None):
    """退回修改 from whichever review state the piece is in."""
    state = PublicityPiece.objects.filter(pk=piece.pk).values_list("state", flat=True).first()
    name = "return_endorsed" if state == PieceState.ENDORSED else "return_submitted"
    return piece_move(piece=piece, name=name, actor=actor, comment=comment, expected_version=expected_version)


def allowed_piece_moves(user, piece):
    return engine.allowed(MACHINE, user, piece)
