"""The one transition engine: every state change of every workflow goes through `run()`.

An app declares its states (TextChoices) and its moves (a dict of `Move`) as data in its enums.py,
and one `Machine` saying which model moves, who the actor is to a row, which guards each move has
(and which further rows they count across) and who hears of it. What must be the same everywhere is
written here once: lock the row (and those further rows), refuse a
stale form, check role, state, reason and guards, compare-and-swap on (state, version), record the
event with Chinese labels and notify, all in one transaction.
"""

from dataclasses import dataclass, field
from typing import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from branches.audit import field_value, log_event
import notifications.services

from .moves import Move
from .refusals import MoveRefused, NotAllowed

__all__ = ["Move", "Machine", "run", "refusal", "allowed", "problem"]


@dataclass
class Change:
    """One move being made: what guards read and fill, and what the event and notices say."""

    move: Move
    actor: object
    reason: str
    today: object
    # Columns the move sets that belong in the event, labelled by their verbose names (grades...).
    fields: dict = field(default_factory=dict)
    # Columns the move sets that the event need not repeat (stamps, totals, links).
    writes: dict = field(default_factory=dict)
    # Further lines of the event, already in Chinese.
    data: dict = field(default_factory=dict)
    previous: str = ""


def _nobody(row, change):
    return []


@dataclass(frozen=True)
class Machine:
    model: type
    states: type
    moves: dict
    # The event's action is f"{prefix}.{move name}"; the noun names the row in refusals ("报告").
    prefix: str
    noun: str
    # {actor kind} the user is to the row; a move needs one of its `actors` among them.
    roles: Callable
    guards: dict = field(default_factory=dict)
    # {move name: [lock(row)]}: further rows a move's guards count across (the batch a quota is counted
    # in), locked by `run` right after the row and before any check, so of two such moves at once the
    # second counts after the first has written. Not run by `problem`, which changes nothing.
    locks: dict = field(default_factory=dict)
    # Checks that decide whether a move is offered at all (a phase window), run before the guards.
    conditions: tuple = ()
    # Who hears of a move (the mover is never told), and what they read: (title, body, url).
    audience: Callable = _nobody
    message: Callable = None
    related: tuple = ()
    # Columns a move sets besides the state, such as who made it and when: stamp(row, change) fills
    # change.writes.
    stamp: Callable = None
    reason_label: str = "原因"
    # The refusal when a move that needs a reason has none, as a format of the move's label.
    reason_missing: str = "{label}须填写原因"
    reason_max: int = 0
    # Event lines that name the row before its move ("项目", "评审专家"), or None.
    context: Callable = None
    # A refusal for a state the move does not leave from, when the row's own wording is better.
    state_message: Callable = None

    def event_labels(self):
        return {f"{self.prefix}.{name}": move.event_label for name, move in self.moves.items()}

    def lock(self, row):
        rows = self.model.objects.select_for_update(of=("self",))
        if self.related:
            rows = rows.select_related(*self.related)
        return rows.get(pk=row.pk)


def refusal(machine, actor, row, name, *, today=None):
    """Why the actor may not make the move now (a MoveRefused, NotAllowed for the role), or None.
    Role, state and the machine's conditions only: cheap enough for every button of a page."""
    move = machine.moves[name]
    roles = machine.roles(actor, row) & set(move.actors)
    if not roles:
        return NotAllowed(f"您无权{move.label}")
    if row.state not in move.sources:
        custom = machine.state_message(row, move) if machine.state_message else None
        return MoveRefused(custom or f"{machine.noun}当前状态为“{machine.states(row.state).label}”，不能{move.label}")
    for condition in machine.conditions:
        try:
            condition(row, move, roles, today or timezone.localdate())
        except MoveRefused as refused:
            return refused
    return None


def allowed(machine, actor, row, *, today=None):
    return [move for name, move in machine.moves.items() if refusal(machine, actor, row, name, today=today) is None]


def check(machine, row, change):
    """Everything `run` checks before writing; raises MoveRefused. Guards may fill the change."""
    refused = refusal(machine, change.actor, row, change.move.name, today=change.today)
    if refused is not None:
        raise refused
    if change.move.needs_reason and not change.reason:
        raise MoveRefused(machine.reason_missing.format(label=change.move.label))
    if machine.reason_max and len(change.reason) > machine.reason_max:
        raise MoveRefused(f"{machine.reason_label}不能超过{machine.reason_max}字")
    for guard in machine.guards.get(change.move.name, ()):
        guard(row, change)


def problem(machine, row, name, *, actor, reason="", fields=None, today=None):
    """Why the move would be refused now (a MoveRefused), or None; changes nothing. A caller deciding
    on several rows asks each first, so its refusal can name every one that is not ready."""
    change = Change(move=machine.moves[name], actor=actor, reason=(reason or "").strip(),
                    today=today or timezone.localdate(), fields=dict(fields or {}))
    try:
        check(machine, row, change)
    except MoveRefused as refused:
        return refused
    return None


@transaction.atomic
def run(machine, row, name, *, actor, reason="", expected_version=None, fields=None, writes=None, data=None,
        today=None, before=None):
    """Make the named move of the row and return it as stored; raise MoveRefused when it may not happen.

    `before(locked, change)`, when given, runs after every check and before the write, under the
    lock: the place for a move's own rows (a sheet's scores) and for what they add to the change.
    """
    change = Change(move=machine.moves[name], actor=actor, reason=(reason or "").strip(),
                    today=today or timezone.localdate(), fields=dict(fields or {}), writes=dict(writes or {}),
                    data=dict(data or {}))
    locked = machine.lock(row)
    for lock in machine.locks.get(name, ()):
        lock(locked)
    if expected_version not in (None, "") and locked.version != int(expected_version):
        raise MoveRefused(f"该{machine.noun}已被他人更新，请刷新页面查看最新情况后再操作")
    check(machine, locked, change)
    if machine.stamp is not None:
        machine.stamp(locked, change)
    if before is not None:
        before(locked, change)
    move = change.move
    updates = {**change.writes, **change.fields, "state": move.target, "version": F("version") + 1}
    if move.comment_field and change.reason:
        updates[move.comment_field] = change.reason
    if any(f.name == "updated_at" for f in machine.model._meta.concrete_fields):
        updates["updated_at"] = timezone.now()
    # Compare-and-swap: of two people deciding at once, exactly one changes the row.
    changed = machine.model.objects.filter(pk=locked.pk, state=locked.state, version=locked.version).update(**updates)
    if not changed:
        raise MoveRefused(f"该{machine.noun}刚刚已被他人处理，请刷新页面查看最新情况")
    change.previous = locked.state
    locked.refresh_from_db()
    log_event(actor=actor, action=f"{machine.prefix}.{name}", target=locked, data=_event_data(machine, locked, change))
    recipients = [person for person in machine.audience(locked, change) if person.pk != getattr(actor, "pk", None)]
    if recipients and machine.message is not None:
        title, body, url = machine.message(locked, change)
        notifications.services.notify(recipients, title=title, body=body, url=url)
    return locked


def _event_data(machine, row, change):
    """What the event keeps, every value as a person reads it: states and choices by their labels."""
    data = dict(machine.context(row)) if machine.context else {}
    data["从"] = machine.states(change.previous).label
    data["到"] = machine.states(row.state).label
    if change.reason:
        data[machine.reason_label] = change.reason
    for name, value in change.fields.items():
        data[str(machine.model._meta.get_field(name).verbose_name)] = field_value(machine.model, name, value)
    data.update(change.data)
    return data
