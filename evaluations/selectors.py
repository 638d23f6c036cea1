"""Reads that pages list, already scoped: a reviewer only ever reads their own, unconflicted sheets."""

import itertools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, Subquery, When
from django.utils.crypto import salted_hmac

from branches import access
from branches.enums import Role
from cultivation.enums import Grade, ProjectState
from cultivation.models import Project

from . import rules, scoring
from .enums import ACTIVE_SHEET_STATES, RoundPhase, RoundState, SelfState, SheetState, branch_kind
from .models import ConflictDeclaration, Criterion, Round, Score, ScoreSheet, SelfEvaluation, SelfScore

S = ProjectState
# A project takes part in a round once it has submitted that phase's materials.
ROUND_STATES = {
    RoundPhase.MIDTERM: [S.MIDTERM_SUBMITTED, S.RECTIFYING, S.FINAL_SUBMITTED, S.ACCEPTED, S.FAILED],
    RoundPhase.FINAL: [S.FINAL_SUBMITTED, S.ACCEPTED, S.FAILED],
}
# The state from which the round's decision is made.
DECIDABLE_STATE = {RoundPhase.MIDTERM: S.MIDTERM_SUBMITTED, RoundPhase.FINAL: S.FINAL_SUBMITTED}


# A sheet still to be scored (the dashboards count these per reviewer).
PENDING_SHEET_STATES = (SheetState.ASSIGNED, SheetState.DRAFT)


def round_projects(round_):
    return (Project.objects.filter(batch_id=round_.batch_id, state__in=ROUND_STATES[round_.phase])
            .select_related("organization", "unit").order_by("unit__path", "organization__path", "id"))


# ---- reviewers -------------------------------------------------------------------------------

def reviewer_sheets(user):
    """The reviewer's live assignments, minus any the 回避 rule forbids (even one forced in by hand)."""
    if not rules.is_reviewer(user):
        return ScoreSheet.objects.none()
    return (ScoreSheet.objects.filter(reviewer=user, state__in=ACTIVE_SHEET_STATES)
            .exclude(rules.conflicted_projects_q(user, prefix="project__"))
            .select_related("round", "round__batch", "project", "project__organization", "project__unit"))


def reviewer_sheet(user, round_pk, project_pk):
    """The user's sheet for the project in the round, or a logged 404."""
    # The sheet's page also asks the project's batch owner (the roles) and shows its 中期 and 验收 records.
    sheet = reviewer_sheets(user).filter(round_id=round_pk, project_id=project_pk).select_related(
        "project__batch__owner", "project__midterm_report", "project__final_report", "project__acceptance").first()
    if sheet is None:
        access.refuse(user, f"score sheet round {round_pk} project {project_pk}")
    return sheet


def readable_project_ids(user):
    """For settings.PROJECT_READERS: an assigned reviewer may read the project's materials, and those of
    the lower level's project it climbs from (the record a province's experts judge)."""
    assigned = reviewer_sheets(user).values("project_id")
    return Project.objects.filter(Q(pk__in=assigned) | Q(carried_by__pk__in=assigned)).values("pk")


QUEUE_FILTERS = {"todo": "待评分（进行中的轮次）", "submitted": "已提交"}


def queue(user, *, status=""):
    """Open rounds first, then by deadline; unscored sheets before submitted ones. `status` "todo": only
    the sheets still to score in open rounds; "submitted": those handed in (the reviewer's dashboard)."""
    open_first = Case(When(round__state=RoundState.OPEN, then=0), default=1, output_field=IntegerField())
    submitted_last = Case(When(state=SheetState.SUBMITTED, then=1), default=0, output_field=IntegerField())
    sheets = reviewer_sheets(user)
    if status == "todo":
        sheets = sheets.filter(round__state=RoundState.OPEN, state__in=PENDING_SHEET_STATES)
    elif status == "submitted":
        sheets = sheets.filter(state=SheetState.SUBMITTED)
    return sheets.order_by(open_first, "round__deadline", "round_id", submitted_last, "project_id")


def queue_progress(user):
    counts = reviewer_sheets(user).filter(round__state=RoundState.OPEN).aggregate(
        total=Count("id"), submitted=Count("id", filter=Q(state=SheetState.SUBMITTED)))
    counts["todo"] = counts["total"] - counts["submitted"]
    counts["percent"] = round(100 * counts["submitted"] / counts["total"]) if counts["total"] else 100
    return counts


def next_sheet(user, *, after=None):
    """The next sheet still to score in an open round (drafts first, then the oldest deadline)."""
    sheets = reviewer_sheets(user).filter(round__state=RoundState.OPEN,
                                          state__in=[SheetState.ASSIGNED, SheetState.DRAFT])
    if after is not None:
        sheets = sheets.exclude(pk=after.pk)
    return sheets.order_by("round__deadline", "-state", "project_id").first()


def reviewers(round_=None):
    """Who may be assigned in the round: the active 评审专家 of its 评审专家库 (`rules.pool_q`; the round's
    `batch.owner` should be loaded), with their role assignments read in the same query. Without a round,
    every active 评审专家: only for checking a posted choice, which the services then hold to the pool."""
    from branches.models import RoleAssignment

    assignments = RoleAssignment.objects.filter(role=Role.REVIEWER)
    if round_ is not None:
        assignments = assignments.filter(rules.pool_q(round_.batch.owner, "organization__"))
    ids = assignments.values("user_id")
    users = list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username"))
    attach_reviewer_context(users)
    return users


def attach_reviewer_context(users):
    """Fill the per-user caches `rules` reads (role assignments, declared conflicts) in two queries."""
    from branches.models import RoleAssignment

    by_user = {user.pk: user for user in users}
    assignments = {pk: [] for pk in by_user}
    for assignment in RoleAssignment.objects.filter(user_id__in=by_user).select_related("organization"):
        assignments[assignment.user_id].append(assignment)
    paths = {pk: [] for pk in by_user}
    for user_id, path in ConflictDeclaration.objects.filter(reviewer_id__in=by_user).values_list(
            "reviewer_id", "organization__path"):
        paths[user_id].append(path)
    for pk, user in by_user.items():
        user._role_assignments = assignments[pk]
        user._conflict_paths = paths[pk]
        user.unit_names = "、".join(a.organization.name for a in assignments[pk] if a.role == Role.REVIEWER)


def conflicts_of(user):
    return ConflictDeclaration.objects.filter(reviewer=user).select_related("organization")


# ---- staff -----------------------------------------------------------------------------------

def round_list(user):
    """The rounds the user manages: those of the batches whose owner they run as 组织部 staff."""
    return (rules.managed_rounds(user).select_related("batch__owner", "rubric")
            .annotate(sheet_total=Count("sheets", filter=Q(sheets__state__in=ACTIVE_SHEET_STATES)),
                      sheet_done=Count("sheets", filter=Q(sheets__state=SheetState.SUBMITTED)))
            .order_by("state", "-created_at", "-id"))


def open_rounds_overview(user):
    return list(round_list(user).filter(state__in=[RoundState.OPEN, RoundState.CLOSED])[:10])


def round_panel(round_, *, pending_for=None):
    """Projects of the round with their sheets (reviewer, state), for the staff's assignment page;
    `pending_for` (a reviewer) keeps the projects that reviewer has still to score."""
    sheets = ScoreSheet.objects.filter(state__in=ACTIVE_SHEET_STATES).select_related("reviewer").order_by(
        "reviewer__username")
    projects = round_projects(round_)
    if pending_for is not None:
        projects = projects.filter(pk__in=ScoreSheet.objects.filter(
            round=round_, reviewer=pending_for, state__in=PENDING_SHEET_STATES).values("project_id"))
    return projects.prefetch_related(Prefetch("score_sheets", queryset=sheets.filter(round=round_),
                                                            to_attr="round_sheets"))


def managed_round_or_404(user, pk):
    """A round the user manages, or a logged 404: another school's round stays hidden."""
    round_ = rules.managed_rounds(user).select_related("batch__owner", "rubric").filter(pk=pk).first()
    if round_ is None:
        access.refuse(user, f"round {pk}")
    return round_


def sheet_for_staff(user, pk):
    """A sheet of a round the user manages, or a logged 404."""
    sheet = (ScoreSheet.objects.filter(round__in=rules.managed_rounds(user))
             .select_related("round__batch__owner", "project__organization", "reviewer").filter(pk=pk).first())
    if sheet is None:
        access.refuse(user, f"sheet {pk}")
    return sheet


# ---- secretaries -----------------------------------------------------------------------------

def self_evaluation_tasks(user):
    """(round, project, self-evaluation or None) for each round a branch of the user's takes part in."""
    branch_ids = [o.pk for o in access.organizations_for(user, Role.SECRETARY)]
    if not branch_ids:
        return []
    projects = list(Project.objects.filter(organization_id__in=branch_ids).select_related("organization", "batch"))
    rounds = list(Round.objects.filter(batch_id__in={p.batch_id for p in projects}).select_related("batch")
                  .order_by("-created_at"))
    done = {(e.round_id, e.project_id): e for e in SelfEvaluation.objects.filter(
        project__in=projects, round__in=rounds)}
    tasks = []
    for round_ in rounds:
        for project in projects:
            if project.batch_id == round_.batch_id and project.state in ROUND_STATES[round_.phase]:
                tasks.append({"round": round_, "project": project, "evaluation": done.get((round_.pk, project.pk))})
    return tasks


def self_project_or_404(user, round_pk, project_pk):
    round_ = Round.objects.select_related("batch", "rubric").filter(pk=round_pk).first()
    project = Project.objects.select_related("organization", "unit", "batch").filter(pk=project_pk).first()
    if (round_ is None or project is None or project.batch_id != round_.batch_id
            or not rules.may_self_evaluate(user, project) or project.state not in ROUND_STATES[round_.phase]):
        access.refuse(user, f"self-evaluation round {round_pk} project {project_pk}")
    return round_, project


# ---- results ---------------------------------------------------------------------------------

@dataclass
class CriterionResult:
    criterion: Criterion
    values: list
    combined: object
    self_value: object = None
    comments: list = field(default_factory=list)  # [{"expert", "text"}], filled for the branch pages only


@dataclass
class ProjectResult:
    project: Project
    kind: str
    criteria: list
    sheets: list = field(default_factory=list)
    pending: int = 0
    score: object = None
    grade: str | None = None
    spread: object = None
    rank: int | None = None
    trimmed: bool = False
    profile: list = field(default_factory=list)
    self_evaluation: SelfEvaluation | None = None
    previous: object = None
    change: object = None
    comments: list = field(default_factory=list)  # overall comments, anonymized, for the branch pages only

    @property
    def grade_label(self):
        return Grade(self.grade).label if self.grade else ""

    @property
    def percents(self):
        return [sheet.percent for sheet in self.sheets]


def _criteria(round_):
    return list(Criterion.objects.filter(rubric_id=round_.rubric_id).order_by("order", "id"))


def round_results(round_, *, with_previous=True):
    """Per project: combined score, per-criterion profile, spread, grade, rank, self-evaluation, and
    for an acceptance round the change from the batch's mid-term round. A fixed number of queries."""
    criteria = _criteria(round_)
    projects = list(round_projects(round_))
    sheets = list(ScoreSheet.objects.filter(round=round_, state__in=ACTIVE_SHEET_STATES)
                  .select_related("reviewer").prefetch_related(
                      Prefetch("scores", queryset=Score.objects.only("sheet_id", "criterion_id", "value")))
                  .order_by("reviewer__username"))
    known = {p.pk for p in projects}
    missing = {s.project_id for s in sheets} - known
    if missing:  # a project that left the round's states (e.g. returned) keeps its scores visible
        projects += list(Project.objects.filter(pk__in=missing).select_related("organization", "unit"))
    selves = {e.project_id: e for e in SelfEvaluation.objects.filter(round=round_, state=SelfState.SUBMITTED)
              .prefetch_related(Prefetch("scores", queryset=SelfScore.objects.only("evaluation_id", "criterion_id",
                                                                                    "value")))}
    results = {}
    for project in projects:
        kind = branch_kind(project.organization)
        applicable = [c for c in criteria if not c.branch_kind or c.branch_kind == kind]
        results[project.pk] = ProjectResult(project=project, kind=kind, criteria=applicable,
                                            self_evaluation=selves.get(project.pk))
    for sheet in sheets:
        result = results[sheet.project_id]
        if sheet.state == SheetState.SUBMITTED:
            sheet.values = {score.criterion_id: score.value for score in sheet.scores.all()}
            result.sheets.append(sheet)
        else:
            result.pending += 1
    method, trim_min = round_.method, round_.trim_min_count
    for result in results.values():
        percents = [s.percent for s in result.sheets if s.percent is not None]
        result.score = scoring.combine(percents, method=method, trim_min=trim_min)
        result.trimmed = scoring.trims(len(percents), method=method, trim_min=trim_min)
        result.spread = scoring.spread(percents)
        result.grade = scoring.grade(result.score, round_.thresholds)
        own = ({s.criterion_id: s.value for s in result.self_evaluation.scores.all()}
               if result.self_evaluation else {})
        for criterion in result.criteria:
            values = [s.values[criterion.pk] for s in result.sheets if criterion.pk in s.values]
            result.profile.append(CriterionResult(
                criterion=criterion, values=values,
                combined=scoring.combine(values, method=method, trim_min=trim_min),
                self_value=own.get(criterion.pk)))
    ranks = scoring.rank({pk: r.score for pk, r in results.items()})
    for pk, result in results.items():
        result.rank = ranks[pk]
    if with_previous and round_.phase == RoundPhase.FINAL:
        previous = (Round.objects.filter(batch_id=round_.batch_id, phase=RoundPhase.MIDTERM)
                    .exclude(pk=round_.pk).order_by("-created_at", "-id").first())
        if previous is not None:
            before = {r.project.pk: r.score for r in round_results(previous, with_previous=False)}
            for pk, result in results.items():
                result.previous = before.get(pk)
                if result.previous is not None and result.score is not None:
                    result.change = result.score - result.previous
    return sorted(results.values(), key=lambda r: (r.rank is None, r.rank or 0, r.project.organization.path))


def project_result(round_, project_pk):
    for result in round_results(round_):
        if result.project.pk == project_pk:
            return result
    return None


# ---- secretaries: published results ----------------------------------------------------------

def results_visible(round_, today):
    """A round's results reach the branches once published and its results notice has begun."""
    return (round_.state == RoundState.PUBLISHED and round_.notice_id is not None
            and round_.notice.starts_on <= today)


def published_for_branches(user, today):
    """[{"round", "project"}] of every published round a project the user reads results of took part in
    (it stands in the round's results notice): a secretary's own branches, a 二级党组织's sub-tree
    (`rules.branch_result_projects`), newest first. Three queries, any size."""
    from cultivation.models import NoticeItem

    if not rules.may_read_branch_results(user):
        return []
    published = Round.objects.filter(state=RoundState.PUBLISHED, notice__starts_on__lte=today)
    items = list(NoticeItem.objects.filter(project__in=rules.branch_result_projects(user).values("pk"),
                                           notice_id__in=published.values("notice_id"))
                 .select_related("project__organization", "project__batch"))
    rounds = {r.notice_id: r for r in published.filter(notice_id__in={i.notice_id for i in items})
              .select_related("batch", "notice")} if items else {}
    pairs = [{"round": rounds[i.notice_id], "project": i.project} for i in items if i.notice_id in rounds]
    pairs.sort(key=lambda p: (p["round"].notice.starts_on, p["round"].pk, p["project"].organization.path),
               reverse=True)
    return pairs


def iter_published_for_branches(user, today, *, chunk=500):
    """The pairs of `published_for_branches`, in its order, with their summaries (attach_summaries), for
    an export of any size: the database orders them (a results notice is one round's, published with
    it) and they are read a chunk at a time, each chunk's summaries and new rounds in three queries."""
    from cultivation.models import NoticeItem

    if not rules.may_read_branch_results(user):
        return
    published = Round.objects.filter(state=RoundState.PUBLISHED, notice__starts_on__lte=today)
    round_of = published.filter(notice_id=OuterRef("notice_id")).order_by("pk").values("pk")[:1]
    items = (NoticeItem.objects.filter(project__in=rules.branch_result_projects(user).values("pk"),
                                       notice_id__in=published.values("notice_id"))
             .annotate(round_pk=Subquery(round_of))
             .select_related("project__organization", "project__batch")
             .order_by("-notice__starts_on", "-round_pk", "-project__organization__path"))
    rounds, rows = {}, items.iterator(chunk_size=chunk)
    while block := list(itertools.islice(rows, chunk)):
        missing = {item.round_pk for item in block} - rounds.keys()
        if missing:
            rounds.update((r.pk, r) for r in Round.objects.filter(pk__in=missing).select_related("batch", "notice"))
        yield from attach_summaries([{"round": rounds[item.round_pk], "project": item.project} for item in block])


def attach_summaries(pairs):
    """Give each {"round", "project"} its combined score, grade and self-evaluation percent, in two
    queries for any number of pairs (the page of a list, the home panel)."""
    if not pairs:
        return pairs
    round_ids = {p["round"].pk for p in pairs}
    project_ids = {p["project"].pk for p in pairs}
    percents = {}
    for round_id, project_id, value in ScoreSheet.objects.filter(
            round_id__in=round_ids, project_id__in=project_ids, state=SheetState.SUBMITTED,
            percent__isnull=False).values_list("round_id", "project_id", "percent"):
        percents.setdefault((round_id, project_id), []).append(value)
    selves = dict(((round_id, project_id), value) for round_id, project_id, value in SelfEvaluation.objects.filter(
        round_id__in=round_ids, project_id__in=project_ids, state=SelfState.SUBMITTED).values_list(
        "round_id", "project_id", "percent"))
    for pair in pairs:
        round_, key = pair["round"], (pair["round"].pk, pair["project"].pk)
        values = percents.get(key, [])
        pair["score"] = scoring.combine(values, method=round_.method, trim_min=round_.trim_min_count)
        pair["grade"] = scoring.grade(pair["score"], round_.thresholds)
        pair["grade_label"] = Grade(pair["grade"]).label if pair["grade"] else ""
        pair["count"] = len(values)
        pair["self_percent"] = selves.get(key)
    return pairs


def branch_result_or_404(user, round_pk, project_pk, today):
    """The published result of a project of the user's own branch, or a logged 404: before the
    results are published, for another branch's project, for a project not in the round."""
    from cultivation.models import NoticeItem

    round_ = Round.objects.select_related("batch", "rubric", "notice").filter(pk=round_pk).first()
    project = Project.objects.select_related("organization", "unit", "batch").filter(pk=project_pk).first()
    if (round_ is None or project is None or not results_visible(round_, today)
            or not rules.may_see_branch_result(user, project)
            or not NoticeItem.objects.filter(notice_id=round_.notice_id, project=project).exists()):
        access.refuse(user, f"branch result round {round_pk} project {project_pk}")
    results = round_results(round_)
    result = next((r for r in results if r.project.pk == project.pk), None)
    if result is None:
        access.refuse(user, f"branch result round {round_pk} project {project_pk}")
    for row in result.profile:
        row.difference = (row.self_value - row.combined if row.self_value is not None and row.combined is not None
                          else None)
    attach_anonymous_comments(result)
    return round_, result, sum(1 for r in results if r.rank is not None)


NUMERALS = "一二三四五六七八九十"


def chinese_number(n):
    """1 → 一, 10 → 十, 12 → 十二, 25 → 二十五 (1–99)."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def anonymous_order(sheet):
    """A stable order of a project's sheets that reveals neither who scored nor in which order they were
    assigned or submitted: a keyed hash of the sheet (the same on every visit while SECRET_KEY stays)."""
    return salted_hmac("evaluations.anonymous-experts", f"{sheet.round_id}:{sheet.project_id}:{sheet.pk}").hexdigest()


def attach_anonymous_comments(result):
    """The submitted sheets' written comments, per criterion (`row.comments`) and overall
    (`result.comments`), each under 专家一, 专家二 … — the same label for the same expert throughout the
    page; the reviewer never leaves this function. One query."""
    sheets = sorted(result.sheets, key=anonymous_order)
    labels = {sheet.pk: f"专家{chinese_number(index)}" for index, sheet in enumerate(sheets, 1)}
    position = {sheet.pk: index for index, sheet in enumerate(sheets)}
    by_criterion = {}
    for sheet_id, criterion_id, comment in (Score.objects.filter(sheet_id__in=labels).exclude(comment="")
                                            .values_list("sheet_id", "criterion_id", "comment")):
        if comment.strip():
            by_criterion.setdefault(criterion_id, []).append((position[sheet_id], labels[sheet_id], comment.strip()))
    for row in result.profile:
        row.comments = [{"expert": label, "text": text}
                        for _, label, text in sorted(by_criterion.get(row.criterion.pk, []))]
    result.comments = [{"expert": labels[sheet.pk], "text": sheet.comment.strip()}
                       for sheet in sheets if sheet.comment and sheet.comment.strip()]
    return result
