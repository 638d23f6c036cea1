"""The score matrix in Excel: export (one row per project, a column per reviewer and criterion) and
the import of sheets filled offline at a panel meeting — checked first (dry run, row-level Chinese
errors, nothing written), then applied through `services.sheet_record`, the same 回避 rule included.
An exported file imports again unchanged."""

import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from branches import excel
from branches.audit import log_event
from branches.inputs import parse_id
from branches.roster import DAMAGED, DAMAGED_MESSAGE, TOO_MANY_ROWS, Problem, _text, import_row_cap, read_workbook
from cultivation.models import Project

from . import rules, selectors, services
from .enums import BranchKind, SheetState, branch_kind
from .models import Criterion, ScoreSheet

FIXED = ["项目编号", "培育单位", "二级党组织", "支部类别"]
EXPORT_ONLY = ["综合得分", "等次", "排名", "分差"]
SEPARATOR = "｜"
COMMENT = "评语"
NOT_APPLICABLE = "—"
USERNAME = re.compile(r"[（(]([^（）()]+)[)）]\s*$")
MAX_ROWS = 2000
MAX_COLUMNS = 2000  # a generous panel: 100 reviewers of 15 criteria each


def reviewer_header(user):
    return f"{user.get_full_name() or user.username}（{user.username}）"


def username_of(token):
    match = USERNAME.search(token)
    return (match.group(1) if match else token).strip()


def export_workbook(round_, target):
    """Write the round's matrix (submitted sheets only) with openpyxl's streaming writer."""
    results = selectors.round_results(round_, with_previous=False)
    criteria = list(Criterion.objects.filter(rubric_id=round_.rubric_id).order_by("order", "id"))
    reviewer_ids = ScoreSheet.objects.filter(round=round_, state__in=[SheetState.ASSIGNED, SheetState.DRAFT,
                                                                      SheetState.SUBMITTED]).values("reviewer_id")
    reviewers = list(get_user_model().objects.filter(pk__in=reviewer_ids).order_by("username"))
    header = list(FIXED)
    widths = {"项目编号": 10, "培育单位": 32, "二级党组织": 24, "支部类别": 12, "等次": 8, "排名": 8}
    for reviewer in reviewers:
        header += [f"{reviewer_header(reviewer)}{SEPARATOR}{c.name}" for c in criteria]
        header.append(f"{reviewer_header(reviewer)}{SEPARATOR}{COMMENT}")
        widths.update({column: 16 for column in header[-len(criteria) - 1:-1]})
        widths[header[-1]] = 40
    book = excel.workbook()
    sheet = excel.Sheet(book, "评分矩阵", header + EXPORT_ONLY, widths=widths)
    for result in sorted(results, key=lambda r: r.project.pk):
        project = result.project
        by_reviewer = {s.reviewer_id: s for s in result.sheets}
        applicable = {c.pk for c in result.criteria}
        row = [project.pk, project.organization.name, project.unit.name,
               BranchKind(result.kind).label if result.kind else ""]
        for reviewer in reviewers:
            submitted = by_reviewer.get(reviewer.pk)
            for criterion in criteria:
                if criterion.pk not in applicable:
                    row.append(NOT_APPLICABLE)
                else:
                    row.append(submitted.values.get(criterion.pk) if submitted else None)
            row.append(submitted.comment if submitted else None)
        row += [result.score, result.grade_label, result.rank, result.spread]
        sheet.append(row)
    guide = excel.Sheet(book, "填写说明", ["说明"], widths={"说明": 100})
    guide.append([f"每行一个项目，按“项目编号”识别；每位专家每项指标一列，表头为“专家姓名（用户名）{SEPARATOR}指标”。"])
    guide.append([f"“{NOT_APPLICABLE}”表示该指标不适用于此类党支部，请勿填写。某专家某行全部留空表示该专家未评该项目。"])
    guide.append(["可增加专家列：表头写“姓名（用户名）｜指标”，系统按回避规则检查并自动分配。"])
    guide.append(["“综合得分、等次、排名、分差”为导出时计算，导入时忽略。"])
    book.save(target)


@dataclass
class Entry:
    row: int
    project: Project
    reviewer: object
    values: dict
    comment: str


@dataclass
class ImportCheck:
    problems: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    unchanged: int = 0

    @property
    def ok(self):
        return not self.problems

    def add(self, row, column, message):
        self.problems.append(Problem(row, column, message))


def check(uploaded, round_):
    """Read and check every row; nothing is written."""
    result = ImportCheck()
    if not round_.is_open:
        result.add(None, "", "本轮评审已结束，不能再导入评分")
        return result
    try:
        workbook = read_workbook(uploaded, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
    except ValueError as error:
        result.add(None, "", str(error))
        return result
    try:
        _check_sheet(workbook.worksheets[0], round_, result)
    except DAMAGED:  # found part-way: nothing read so far counts
        result = ImportCheck()
        result.add(None, "", DAMAGED_MESSAGE)
    finally:
        workbook.close()
    if result.problems:
        result.entries = []
    return result


def _columns(headers, round_, result):
    """Map each column to (reviewer, criterion or COMMENT); header problems are reported on row 1."""
    criteria = {c.name: c for c in Criterion.objects.filter(rubric_id=round_.rubric_id)}
    usernames = {}
    for index, header in enumerate(headers):
        if SEPARATOR in header:
            usernames[index] = username_of(header.rsplit(SEPARATOR, 1)[0])
    users = {u.username: u for u in get_user_model().objects.filter(username__in=set(usernames.values()))}
    selectors.attach_reviewer_context(list(users.values()))
    columns, seen = {}, set()
    for index, header in enumerate(headers):
        if header in FIXED or header in EXPORT_ONLY or header == "":
            continue
        if SEPARATOR not in header:
            result.add(1, header, f"无法识别的表头“{header}”，请使用导出的评分矩阵的表头")
            continue
        label = header.rsplit(SEPARATOR, 1)[1].strip()
        user = users.get(usernames[index])
        if user is None:
            result.add(1, header, f"找不到评审专家“{usernames[index]}”（按括号中的用户名识别）")
            continue
        if not rules.is_reviewer(user) or not user.is_active:
            result.add(1, header, f"“{usernames[index]}”不是评审专家")
            continue
        if label != COMMENT and label not in criteria:
            result.add(1, header, f"本轮评分细则中没有指标“{label}”")
            continue
        key = (user.pk, label)
        if key in seen:
            result.add(1, header, f"表头“{header}”重复出现")
            continue
        seen.add(key)
        columns[index] = (user, criteria.get(label) if label != COMMENT else COMMENT, header)
    if "项目编号" not in headers:
        result.add(1, "项目编号", "缺少表头“项目编号”")
    return columns


def _check_sheet(sheet, round_, result):
    rows = sheet.iter_rows(values_only=True)
    headers = [_text(v) for v in (next(rows, None) or [])]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        result.add(None, "", "文件是空的：第1行应为表头")
        return
    columns = _columns(headers, round_, result)
    if result.problems:
        return
    id_column = headers.index("项目编号")
    rubric_criteria = list(Criterion.objects.filter(rubric_id=round_.rubric_id))
    projects = {p.pk: p for p in selectors.round_projects(round_)}
    existing = {(s.project_id, s.reviewer_id): s for s in ScoreSheet.objects.filter(round=round_)
                .prefetch_related("scores")}
    seen_projects = {}
    count = 0
    for number, values in enumerate(rows, start=2):
        # Stop at the first row past the limit: what follows is never read.
        if number > import_row_cap(MAX_ROWS):
            result.problems = [Problem(None, "", TOO_MANY_ROWS.format(limit=MAX_ROWS))]
            return
        values = list(values or [])
        if all(_text(v) == "" for v in values):
            continue
        count += 1
        if count > MAX_ROWS:
            result.problems = [Problem(None, "", TOO_MANY_ROWS.format(limit=MAX_ROWS))]
            return
        raw_id = _text(values[id_column] if id_column < len(values) else None)
        project = projects.get(parse_id(raw_id))
        if project is None:
            result.add(number, "项目编号", f"找不到项目编号“{raw_id}”，或该项目不在本轮评估中")
            continue
        if project.pk in seen_projects:
            result.add(number, "项目编号", f"项目编号“{raw_id}”与第{seen_projects[project.pk]}行重复")
            continue
        seen_projects[project.pk] = number
        _check_row(number, values, project, columns, existing, result, rubric_criteria)


def _check_row(number, values, project, columns, existing, result, rubric_criteria):
    kind = branch_kind(project.organization)
    by_reviewer = {}
    for index, (user, criterion, header) in columns.items():
        cell = values[index] if index < len(values) else None
        text = _text(cell)
        entry = by_reviewer.setdefault(user.pk, {"user": user, "values": {}, "comment": "", "filled": False,
                                                 "headers": {}})
        if criterion == COMMENT:
            entry["comment"] = text
            continue
        entry["headers"][criterion.pk] = header
        applicable = not criterion.branch_kind or criterion.branch_kind == kind
        if not applicable:
            if text not in ("", NOT_APPLICABLE):
                result.add(number, header, f"指标“{criterion.name}”不适用于{project.organization.name}，请留空")
            continue
        if text == NOT_APPLICABLE:
            text = ""
        if text != "":
            entry["filled"] = True
        entry["values"][criterion.pk] = (cell if text != "" else None, "")
    for entry in by_reviewer.values():
        if not entry["filled"]:
            continue
        user = entry["user"]
        problem = rules.assignable_problem(user, project)
        if problem:
            result.add(number, reviewer_header(user), problem)
            continue
        criteria = [c for (_, c, _) in columns.values() if c != COMMENT and c.pk in entry["values"]]
        missing = [c for c in rubric_criteria if (not c.branch_kind or c.branch_kind == kind)
                   and c.pk not in entry["headers"]]
        for criterion in missing:
            result.add(number, reviewer_header(user), f"缺少指标“{criterion.name}”的列")
        try:
            clean = services.check_scores(criteria, entry["values"], complete=True)
        except services.ScoreProblems as problems:
            for pk, message in problems.errors.items():
                result.add(number, entry["headers"].get(pk, reviewer_header(user)), message.split("：", 1)[-1])
            continue
        sheet = existing.get((project.pk, user.pk))
        if sheet is not None and sheet.state == SheetState.SUBMITTED:
            stored = {s.criterion_id: s.value for s in sheet.scores.all()}
            if stored == {pk: value for pk, (value, _) in clean.items()}:
                result.unchanged += 1
                continue
            result.add(number, reviewer_header(user), "该专家对该项目的评分表已提交，导入的分数与之不同；如需修改请先退回该评分表")
            continue
        result.entries.append(Entry(number, project, user, entry["values"], entry["comment"]))


@transaction.atomic
def apply(check_result, *, round_, actor):
    """Write a clean check through the services; any refusal rolls the whole import back."""
    services.require_round_staff(actor, round_)  # also when every row is unchanged and nothing else asks
    if not check_result.ok:
        raise ValueError("评分表存在问题，未导入")
    outcomes = {"created": 0, "updated": 0, "unchanged": check_result.unchanged}
    for entry in check_result.entries:
        outcome = services.sheet_record(round_=round_, project=entry.project, reviewer=entry.reviewer,
                                        values=entry.values, comment=entry.comment, actor=actor)
        outcomes[outcome] += 1
    log_event(actor=actor, action="round.imported", target=round_, data={
        "新录入": outcomes["created"], "更新": outcomes["updated"], "未变": outcomes["unchanged"]})
    return outcomes
