"""What a change of a batch's dates does to its projects, told before it is saved.

The report schedule and the phase windows are computed from the batch's dates, so an edit of 修改设置
reshapes every project of the batch at once. `effects` compares the batch before and after: the report
periods added (and which of them are overdue already), dropped, or kept because they hold a report; the
phases whose window moves while projects wait in them; and the projects that the change would strand,
a phase ending (today or earlier) while a project still waits on a move in it. `batch_update` refuses the
stranding change and asks a reason for any other that affects a project (cultivation.services).
"""

import datetime
import hashlib
from dataclasses import dataclass, field

from transitions.refusals import MoveRefused

from .enums import CULTIVATED_STATES, MOVES, Phase, ProjectState
from .models import ProgressReport, Project, WindowExtension
from .reports.selectors import schedule_dates
from .workflow import offender

# The phases a project in each state waits on: those of the moves out of the state.
WAITING_PHASES = {}
for _move in MOVES.values():
    for _state in _move.sources:
        WAITING_PHASES.setdefault(_state, set()).add(Phase(_move.phase))

NAMES_SHOWN = 10


@dataclass
class DateChange:
    """The effects of one edit: sentences to show and log, the projects they touch, the refusals."""

    lines: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    stranded: list = field(default_factory=list)

    @property
    def digest(self):
        """Names exactly these effects: the confirmation of a page showing other effects does not count."""
        text = "\n".join([*self.lines, ",".join(str(project.pk) for project in self.projects)])
        return hashlib.sha256(text.encode()).hexdigest()[:32]


class Unconfirmed(MoveRefused):
    """A change that affects projects, not yet confirmed with a reason against the effects shown."""

    def __init__(self, change, message):
        self.change = change
        super().__init__(message)


def _names(projects):
    names = [project.organization.name for project in projects[:NAMES_SHOWN]]
    more = f"等{len(projects)}个项目" if len(projects) > NAMES_SHOWN else ""
    return "、".join(names) + more


def _day(date):
    return f"{date:%Y-%m-%d}"


def effects(before, after, *, today):
    """The DateChange of editing the batch from `before` to `after` (two Batch instances), as of `today`:
    three queries (projects, their reports of dropped periods, their extensions), none if no date moved."""
    moved = [phase for phase, start, end in after.windows() if (start, end) != before.window(phase)]
    old_schedule, new_schedule = dict(schedule_dates(before)), dict(schedule_dates(after))
    if not moved and old_schedule == new_schedule:
        return DateChange()
    projects = list(Project.objects.filter(batch=before.pk).select_related("organization")
                    .order_by("organization__code", "pk"))
    change, touched = DateChange(), {}
    reporting = [project for project in projects if project.state in CULTIVATED_STATES]
    added = sorted(due for due in new_schedule if due not in old_schedule)
    dropped = sorted(due for due in old_schedule if due not in new_schedule)
    if reporting and added:
        change.lines.append("新增报告期：" + "、".join(
            new_schedule[due] + (f"（截止{_day(due)}，已逾期{(today - due).days}天）" if due < today else f"（截止{_day(due)}）")
            for due in added))
        touched |= {project.pk: project for project in reporting}
    if reporting and dropped:
        held = {}
        for project_id, due in ProgressReport.objects.filter(
                project__in=[project.pk for project in reporting], period_due__in=dropped).values_list("project_id", "period_due"):
            held.setdefault(due, set()).add(project_id)
        cancelled = {}  # the projects that no longer report -> the periods they lose, one line per group
        for due in dropped:
            keepers = [project for project in reporting if project.pk in held.get(due, ())]
            others = tuple(project for project in reporting if project.pk not in held.get(due, ()))
            if keepers:
                change.lines.append(f"保留报告期：{old_schedule[due]}（{_names(keepers)}已有报告，作为历史记录保留）")
            if others:
                cancelled.setdefault(others, []).append(old_schedule[due])
            touched |= {project.pk: project for project in others}
        for others, titles in cancelled.items():
            change.lines.append(f"取消报告期：{'、'.join(titles)}（{_names(list(others))}不再需要提交）")
    extensions = {}
    if moved:
        for row in WindowExtension.objects.filter(project__in=[project.pk for project in projects]):
            key = (row.project_id, row.phase)
            extensions[key] = max(extensions.get(key, row.until), row.until)
    for phase in moved:
        waiting = [project for project in projects if phase in WAITING_PHASES.get(project.state, ())]
        if not waiting:
            continue
        (old_start, old_end), (new_start, new_end) = before.window(phase), after.window(phase)
        change.lines.append(f"{phase.label}阶段：{_day(old_start)}至{_day(old_end)} 改为 {_day(new_start)}至{_day(new_end)}"
                            f"（{_names(waiting)}尚在此阶段）")
        touched |= {project.pk: project for project in waiting}
        for project in waiting:
            extended = extensions.get((project.pk, phase), datetime.date.min)
            if max(new_end, extended) < today <= max(old_end, extended):
                change.stranded.append(offender(project, f"{ProjectState(project.state).label}，"
                                                         f"{phase.label}阶段将于{_day(new_end)}结束"))
    change.projects = sorted(touched.values(), key=lambda project: (project.organization.code, project.pk))
    if change.projects:
        change.lines.append(f"涉及项目（{len(change.projects)}个）：{_names(change.projects)}")
    return change


def refusal(change):
    """The refusal of a change that would strand projects, naming each."""
    return MoveRefused("此次修改会使以下项目所在阶段结束而无法继续办理，未保存。请先办结这些项目、为其延长阶段时限，"
                       "或保留该阶段的结束日期：", offenders=change.stranded)
