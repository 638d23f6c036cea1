"""The organization roster in Excel: template, checked import (dry run first) and export."""

import datetime
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException

from . import access, excel
from .audit import log_event, log_events
from .enums import BRANCH_KINDS, STUDENT_CATEGORIES, BranchCategory, BranchType, OrgKind, Role
from .models import Organization, subtree_q
from .plain_text import MESSAGE as CONTROL_MESSAGE
from .plain_text import control_characters
from .services import TRACKED_FIELDS, refresh_tree

COLUMNS = [
    ("code", "组织编码"),
    ("name", "组织名称"),
    ("kind", "组织类型"),
    ("parent", "上级组织编码"),
    ("branch_type", "支部类型"),
    ("category", "支部分类"),
    ("founded_on", "成立日期"),
    ("secretary_name", "支部书记"),
    ("secretary_is_double_leader", "双带头人"),
    ("full_members", "正式党员数"),
    ("probationary_members", "预备党员数"),
    ("status", "状态"),
]
# Columns the export adds for reading; an import of an exported file ignores them.
EXPORT_ONLY = ["所属二级党组织", "组织层级", "下属党支部数", "党员总数（含下级）"]
# Column widths for reading Chinese names; the others fit their header.
WIDTHS = {"组织编码": 14, "组织名称": 36, "上级组织编码": 14, "所属二级党组织": 30, "成立日期": 12}
HEADER_TO_KEY = {header: key for key, header in COLUMNS}
ACTIVE, DISSOLVED = "正常", "已撤销"
YES, NO = "是", "否"
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
ROOT_KINDS = {OrgKind.MINISTRY, OrgKind.UPPER, OrgKind.SCHOOL}
# The roster is the 组织部's: only their sub-trees count (a 二级党组织 never imports one).
ROSTER_ROLES = {Role.ORG_STAFF}
OUTSIDE = "不在您管理的组织范围内"


@dataclass
class Problem:
    row: int | None
    column: str
    message: str


@dataclass
class RosterCheck:
    problems: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems

    def add(self, row, column, message):
        self.problems.append(Problem(row, column, message))


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        raise ValueError("日期格式应为 2019-06-14")
    return datetime.date(*map(int, match.groups()))


def _count(value):
    text = _text(value)
    if text == "":
        return 0
    if not re.fullmatch(r"\d{1,6}", text):
        raise ValueError("应为不小于0的整数")
    return int(text)


def _choice(text, choices, label):
    by_label = {choice.label: choice.value for choice in choices}
    if text not in by_label:
        raise ValueError(f"{label}应为：{'、'.join(by_label)}")
    return by_label[text]


# What a damaged .xlsx raises while it is read, at opening or (read-only mode) row by row: a broken zip,
# a corrupt deflate stream, truncated data, malformed XML (ParseError is a SyntaxError).
# zipfile raises NotImplementedError for an unknown compression method and RuntimeError for an
# encrypted member: both are a damaged upload, not a fault of ours.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError, OSError, NotImplementedError, RuntimeError)
DAMAGED_MESSAGE = "文件不是有效的 Excel（.xlsx）文件，可能已损坏"
IMPORT_BLANK_ROWS = 100  # blank lines tolerated between data rows, beyond the row limit


# What an upload may unpack to, checked from the zip's declared sizes before anything is read (a
# declared size is also the most the zip module will ever inflate an entry to). A roster of 5,000 rows
# is a few MB of XML; shared strings are loaded whole by openpyxl, so a bomb of them must stop here.
MAX_PARTS = 500
SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
# ASCII only: \d took "²", which int() then refused with an English message shown to the user.
CELL_REF = re.compile(r"^\$?([A-Z]{1,3})?\$?([0-9]{1,7})?$")
ROW_NUMBER = re.compile(r"[0-9]{1,7}")
TOO_MANY_ROWS = "文件超过单次导入上限 {limit} 行，请拆分后分批导入"


def _too_big():
    limit = settings.ORG_IMPORT_MAX_XML_BYTES // (1024 * 1024)
    return ValueError(f"文件解压后的内容超过 {limit} MB 的上限，请删除多余的工作表、空行和格式后再导入")


def _extent(ref):
    """(rows, columns) a <dimension ref="A1:L5000"> declares; unreadable parts count as zero."""
    rows = columns = 0
    for corner in ref.split(":"):
        match = CELL_REF.match(corner.strip().upper())
        if not match:
            continue
        letters, digits = match.groups()
        if digits:
            rows = max(rows, int(digits))
        if letters:
            try:
                columns = max(columns, column_index_from_string(letters))
            except ValueError:  # past XFD: more than any sheet may have
                columns = max(columns, 1 << 20)
    return rows, columns


def _too_wide(max_columns):
    return ValueError(f"文件超过 {max_columns} 列的上限，请删除多余的列后再导入")


def _check_sheet_part(archive, entry, *, data_rows, max_columns):
    """Refuse a worksheet that declares or holds more rows or columns than allowed, reading rows only up to
    that cap. openpyxl trusts a sheet's <dimension> and fills in missing rows, and without one it makes
    every row as wide as the farthest cell (one at XFD: 16,384 cells a row), so both the declared size and
    the real rows and cells (their count and stated places) are bounded here, before it opens the file.
    A row or cell place that is not ASCII digits and letters is a damaged file."""
    seen, max_rows = 0, import_row_cap(data_rows)
    with archive.open(entry) as stream:
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start" and tag == "dimension":
                rows, columns = _extent(element.get("ref", ""))
                if rows > max_rows:
                    raise ValueError(TOO_MANY_ROWS.format(limit=data_rows))
                if columns > max_columns:
                    raise _too_wide(max_columns)
            elif event == "start" and tag == "row":
                seen += 1
                number = element.get("r", "")
                if number and not ROW_NUMBER.fullmatch(number):
                    raise ValueError(DAMAGED_MESSAGE)
                if seen > max_rows or (number and int(number) > max_rows):
                    raise ValueError(TOO_MANY_ROWS.format(limit=data_rows))
            elif event == "start" and tag == "c" and element.get("r"):
                match = CELL_REF.match(element.get("r").upper())
                if not match or not all(match.groups()):
                    raise ValueError(DAMAGED_MESSAGE)
                if column_index_from_string(match.group(1)) > max_columns:
                    raise _too_wide(max_columns)
            elif event == "end" and tag == "row":
                element.clear()


def import_row_cap(data_rows):
    """Rows of a sheet read at most: the header, the data rows allowed and some blank lines between them."""
    return data_rows + 1 + IMPORT_BLANK_ROWS


def read_workbook(uploaded, *, max_rows=None, max_columns=200):
    """Open the upload as xlsx, judged by its content, or raise ValueError with a Chinese message.
    `max_rows` is the number of data rows the caller accepts: a sheet longer than that (by its declared
    size or its real rows) is refused here, before openpyxl reads it."""
    max_rows = settings.ORG_IMPORT_MAX_ROWS if max_rows is None else max_rows
    size = getattr(uploaded, "size", None)
    if size == 0:
        raise ValueError("文件是空的")
    if size is not None and size > settings.ORG_IMPORT_MAX_BYTES:
        raise ValueError(f"文件超过 {settings.ORG_IMPORT_MAX_BYTES // (1024 * 1024)} MB 的上限")
    uploaded.seek(0)
    head = uploaded.read(4)
    uploaded.seek(0)
    if not head:
        raise ValueError("文件是空的")
    if head != b"PK\x03\x04":
        raise ValueError("文件不是 Excel（.xlsx）格式，请下载模板填写后上传")
    try:
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_PARTS or sum(entry.file_size for entry in entries) > settings.ORG_IMPORT_MAX_XML_BYTES:
                raise _too_big()
            for entry in entries:
                if SHEET_PART.match(entry.filename):
                    _check_sheet_part(archive, entry, data_rows=max_rows, max_columns=max_columns)
    except (KeyError, RuntimeError, NotImplementedError, *DAMAGED):
        raise ValueError(DAMAGED_MESSAGE)
    uploaded.seek(0)
    try:
        return load_workbook(uploaded, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, TypeError, *DAMAGED):
        raise ValueError(DAMAGED_MESSAGE)


def check(uploaded, *, actor):
    """Read and check every row; nothing is written. Returns every problem found, a row naming or hanging
    under an organization outside the actor's sub-tree among them (`actor` None: the server operator)."""
    result = RosterCheck()
    try:
        workbook = read_workbook(uploaded)
    except ValueError as error:
        result.add(None, "", str(error))
        return result
    try:
        _check_sheet(workbook.worksheets[0], result, actor)
    except DAMAGED:  # found part-way: nothing read so far counts
        result = RosterCheck()
        result.add(None, "", DAMAGED_MESSAGE)
    finally:
        workbook.close()
    return result


def _check_sheet(sheet, result, actor):
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    headers = [_text(value) for value in (header_row or [])]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        result.add(None, "", "文件是空的：第1行应为表头")
        return
    missing = [header for _, header in COLUMNS if header not in headers]
    unknown = [h for h in headers if h not in HEADER_TO_KEY and h not in EXPORT_ONLY]
    duplicated = sorted({h for h in headers if h and headers.count(h) > 1})
    for header in missing:
        result.add(1, header, f"缺少表头“{header}”")
    for header in unknown:
        result.add(1, header or "（空白）", f"无法识别的表头“{header}”，请使用模板的表头")
    for header in duplicated:
        result.add(1, header, f"表头“{header}”重复出现")
    if result.problems:
        return
    position = {HEADER_TO_KEY[h]: i for i, h in enumerate(headers) if h in HEADER_TO_KEY}
    limit = settings.ORG_IMPORT_MAX_ROWS
    parsed = []
    for number, values in enumerate(rows, start=2):
        # Stop at the first row past the limit: what follows is never read.
        if number > import_row_cap(limit):
            result.problems = [Problem(None, "", TOO_MANY_ROWS.format(limit=limit))]
            return
        values = list(values or [])
        if all(_text(v) == "" for v in values):
            continue
        if len(parsed) >= limit:
            result.problems = [Problem(None, "", TOO_MANY_ROWS.format(limit=limit))]
            return
        raw = {key: values[i] if i < len(values) else None for key, i in position.items()}
        parsed.append(_check_row(number, raw, result))
    if not parsed:
        result.add(None, "", "文件中没有数据行：请在表头下方逐行填写组织")
        return
    _check_across_rows(parsed, result, actor)
    if not result.problems:
        result.rows = parsed


def _check_row(number, raw, result):
    row = {"number": number}
    for key, header in COLUMNS:
        value = raw[key]
        try:
            if key == "code":
                text = _text(value)
                if not CODE_PATTERN.match(text):
                    raise ValueError("必填，1–32位字母、数字、下划线或短横线")
                row[key] = text
            elif key == "name":
                text = _text(value)
                if not text or len(text) > 100:
                    raise ValueError("必填，不超过100个字")
                if control_characters(text):
                    raise ValueError(CONTROL_MESSAGE)
                row[key] = text
            elif key == "kind":
                row[key] = _choice(_text(value), OrgKind, "组织类型")
            elif key == "parent":
                row[key] = _text(value)
            elif key == "branch_type":
                text = _text(value)
                row[key] = _choice(text, BranchType, "支部类型") if text else ""
            elif key == "category":
                text = _text(value)
                row[key] = _choice(text, BranchCategory, "支部分类") if text else ""
            elif key == "founded_on":
                day = _date(value)
                if day and day > timezone.localdate():
                    raise ValueError("成立日期不能晚于今天")
                if day and day.year < 1921:
                    raise ValueError("成立日期过早，请核对")
                row[key] = day
            elif key == "secretary_name":
                text = _text(value)
                if len(text) > 50:
                    raise ValueError("不超过50个字")
                if control_characters(text):
                    raise ValueError(CONTROL_MESSAGE)
                row[key] = text
            elif key == "secretary_is_double_leader":
                text = _text(value) or NO
                if text not in (YES, NO):
                    raise ValueError("应填“是”或“否”")
                row[key] = text == YES
            elif key in ("full_members", "probationary_members"):
                row[key] = _count(value)
            elif key == "status":
                text = _text(value) or ACTIVE
                if text not in (ACTIVE, DISSOLVED):
                    raise ValueError("应填“正常”或“已撤销”")
                row["is_active"] = text == ACTIVE
        except ValueError as error:
            result.add(number, header, str(error))
            row[key] = None
    kind = row.get("kind")
    if kind in BRANCH_KINDS:
        if not row.get("branch_type") and raw["branch_type"] in (None, ""):
            result.add(number, "支部类型", "党支部必须填写支部类型")
        if not row.get("category") and raw["category"] in (None, ""):
            result.add(number, "支部分类", "党支部必须填写支部分类")
        student_type = row.get("branch_type") == BranchType.STUDENT
        if row.get("category") and row.get("branch_type") and (row["category"] in STUDENT_CATEGORIES) != student_type:
            result.add(number, "支部分类", "学生党支部的分类应为学生(本科生)或学生(研究生)，教职工党支部反之")
    if kind and kind not in ROOT_KINDS and row.get("parent") == "":
        result.add(number, "上级组织编码", "除学校党委和上级党组织外，必须填写上级组织编码")
    return row


KEEP = object()


def _placed_under(row, stored):
    """Where the row newly hangs in the stored tree: `stored[parent]`, None for a new top-level organization,
    or KEEP when it stays where it is or hangs under another row of the file (whose own row is checked)."""
    code, parent = row["code"], row.get("parent") or None
    organization = stored.get(code)
    if parent and parent not in stored:
        return KEEP  # a new row of this file (checked on its own row), or not found (an error of its own)
    target = stored.get(parent) if parent else None
    if organization is not None and organization.parent_id == (target.pk if target else None):
        return KEEP
    return target


def _scope_problems(row, stored, actor):
    """(column, message) for what the row would write outside the actor's sub-tree."""
    code = row["code"]
    if code in stored and not access.in_scope(actor, stored[code], ROSTER_ROLES):
        yield "组织编码", f"组织编码“{code}”{OUTSIDE}，不能修改"
    target = _placed_under(row, stored)
    if target is not KEEP and not access.in_scope(actor, target, ROSTER_ROLES):
        message = (f"上级组织“{row['parent']}”{OUTSIDE}，不能在其下新建或移入组织" if target is not None
                   else f"不能新建或移出最上级组织：上级组织编码留空时，新位置{OUTSIDE}")
        yield "上级组织编码", message


def _check_across_rows(parsed, result, actor):
    first_seen = {}
    for row in parsed:
        code = row.get("code")
        if not code:
            continue
        if code in first_seen:
            result.add(row["number"], "组织编码", f"组织编码“{code}”与第{first_seen[code]}行重复")
        else:
            first_seen[code] = row["number"]
    codes = set(first_seen)
    parent_codes = {row["parent"] for row in parsed if row.get("parent")}
    existing = {
        org.code: org
        for org in Organization.objects.filter(code__in=codes | parent_codes).select_related("parent").only(
            "id", "code", "parent__code", "path", "kind")
    }
    for row in parsed:
        if row.get("code") and row.get("parent") is not None:
            for column, message in _scope_problems(row, existing, actor):
                result.add(row["number"], column, message)
    parent_of = {}
    for row in parsed:
        code, parent = row.get("code"), row.get("parent")
        if not code:
            continue
        if parent:
            if parent == code:
                result.add(row["number"], "上级组织编码", "上级组织不能是自己")
            elif parent not in codes and parent not in existing:
                result.add(row["number"], "上级组织编码", f"找不到上级组织“{parent}”：既不在本文件中，也不在系统中")
        parent_of[code] = parent or None
    # A cycle can only pass through rows of this file: organizations outside it keep their parents,
    # and the stored tree has none. A chain that leaves the file ends in a stored organization,
    # whose stored ancestors are read for all such chains in one query.
    exits = {}
    for row in parsed:
        code = row.get("code")
        if not code or parent_of.get(code) in (None, code):
            continue
        seen, current = {code}, parent_of[code]
        while current in parent_of:
            if current in seen:
                result.add(row["number"], "上级组织编码", "上下级关系形成循环，请核对上级组织编码")
                break
            seen.add(current)
            current = parent_of[current]
        else:
            if current in existing:
                exits[row["number"]] = (seen, existing[current])
    if exits:
        ancestor_ids = {int(part) for _, outside in exits.values() for part in outside.path.strip("/").split("/") if part}
        code_of = dict(Organization.objects.filter(pk__in=ancestor_ids).values_list("id", "code"))
        for number, (seen, outside) in exits.items():
            chain = {code_of.get(int(part)) for part in outside.path.strip("/").split("/") if part}
            if seen & chain:
                result.add(number, "上级组织编码", "上下级关系形成循环，请核对上级组织编码")
    result.to_update = [row["code"] for row in parsed if row.get("code") in existing]
    result.to_create = [row["code"] for row in parsed if row.get("code") and row["code"] not in existing]


@transaction.atomic
def apply(check_result, *, actor):
    """Write a clean check: create new codes, update changed ones, then place what moved in the tree."""
    if not check_result.ok:
        raise ValueError("名册存在问题，未导入")
    rows = check_result.rows
    codes = [row["code"] for row in rows]
    parent_codes = {row["parent"] for row in rows if row["parent"]}
    existing = {org.code: org for org in Organization.objects.select_for_update().filter(code__in=codes)}
    # The check may have been made for someone else: the actor's scope is asserted again, on the locked rows.
    stored = {**{org.code: org for org in Organization.objects.filter(code__in=parent_codes - set(existing))},
              **existing}
    for row in rows:
        if row["code"] in existing:
            access.require_scope(actor, existing[row["code"]], roles=ROSTER_ROLES)
        target = _placed_under(row, stored)
        if target is not KEEP:
            access.require_scope(actor, target, roles=ROSTER_ROLES)
    before = {code: {f: getattr(org, f) for f in TRACKED_FIELDS} for code, org in existing.items()}
    fields = ["name", "kind", "branch_type", "category", "founded_on", "secretary_name",
              "secretary_is_double_leader", "full_members", "probationary_members", "is_active"]
    new = []
    for row in rows:
        organization = existing.get(row["code"]) or Organization(code=row["code"])
        for name in fields:
            setattr(organization, name, row[name])
        if organization.pk is None:
            new.append(organization)
    Organization.objects.bulk_create(new, batch_size=1000)
    by_code = {org.code: org for org in Organization.objects.filter(code__in=set(codes) | parent_codes)}
    for row in rows:
        organization = by_code[row["code"]]
        for name in fields:
            setattr(organization, name, row[name])
        organization.parent_id = by_code[row["parent"]].pk if row["parent"] else None
    created = [by_code[code] for code in codes if code not in before]
    updated, changes = [], {}
    for code, old in before.items():
        after = {f: getattr(by_code[code], f) for f in TRACKED_FIELDS}
        diff = {f: [str(old[f] or ""), str(after[f] or "")] for f in TRACKED_FIELDS if old[f] != after[f]}
        if diff:
            updated.append(by_code[code])
            changes[by_code[code].pk] = diff
    Organization.objects.bulk_update(created + updated, fields + ["parent"], batch_size=500)
    # Only new organizations and those that moved or changed kind need their sub-trees placed again.
    moved = [org for org in updated if {"parent_id", "kind"} & set(changes[org.pk])]
    if created or moved:
        refresh_tree(created + moved)
    log_events(actor=actor, action="organization.created", targets=created, data_for=lambda org: {"导入": True})
    log_events(actor=actor, action="organization.updated", targets=updated, data_for=lambda org: changes[org.pk])
    log_event(actor=actor, action="organization.imported", data={
        "行数": len(rows), "新建": len(created), "更新": len(updated), "未变": len(rows) - len(created) - len(updated)})
    return {"created": len(created), "updated": len(updated), "unchanged": len(rows) - len(created) - len(updated)}


def template_workbook():
    book = excel.workbook()
    excel.Sheet(book, "组织名册", [header for _, header in COLUMNS], widths=WIDTHS)
    guide = excel.Sheet(book, "填写说明", ["列", "说明"], widths={"列": 24, "说明": 80})
    for row in [
        ["组织编码", "必填，唯一；再次导入同一编码时更新该组织而不新建"],
        ["组织名称", "必填，不超过100个字"],
        ["组织类型", "、".join(OrgKind.labels)],
        ["上级组织编码", "学校党委可留空；其余必填，可以是本文件中的组织或系统中已有的组织"],
        ["支部类型", "党支部、直属党支部必填：" + "、".join(BranchType.labels)],
        ["支部分类", "党支部、直属党支部必填：" + "、".join(BranchCategory.labels)],
        ["成立日期", "如 2019-06-14，不能晚于今天"],
        ["支部书记", "姓名"],
        ["双带头人", "是 / 否"],
        ["正式党员数、预备党员数", "不小于0的整数"],
        ["状态", "正常 / 已撤销，留空为正常"],
    ]:
        guide.append(row)
    return book


def export_rows(queryset):
    """Rows of the export in tree order. The sub-tree counts (over the exported organizations only) are
    subqueries of the one query, so rows are read in chunks and memory stays flat at any size."""
    within = queryset.order_by().filter(subtree_q([OuterRef("path")]))
    branches = within.filter(kind__in=BRANCH_KINDS).values(group=Value(1)).annotate(n=Count("pk")).values("n")
    members = within.values(group=Value(1)).annotate(
        n=Sum(F("full_members") + F("probationary_members"))).values("n")
    organizations = queryset.select_related("parent", "unit").annotate(
        branch_total=Coalesce(Subquery(branches, output_field=IntegerField()), 0),
        member_total=Coalesce(Subquery(members, output_field=IntegerField()), 0),
    ).order_by("path")
    for org in organizations.iterator(chunk_size=500):
        yield [
            org.code, org.name, org.get_kind_display(), org.parent.code if org.parent else "",
            org.get_branch_type_display(), org.get_category_display(),
            org.founded_on, org.secretary_name, YES if org.secretary_is_double_leader else NO,
            org.full_members, org.probationary_members, ACTIVE if org.is_active else DISSOLVED,
            org.unit.name if org.unit else "", org.depth + 1, org.branch_total, org.member_total,
        ]


def export_sheet(book, queryset):
    sheet = excel.Sheet(book, "组织名册", [header for _, header in COLUMNS] + EXPORT_ONLY, widths=WIDTHS)
    for row in export_rows(queryset):
        sheet.append(row)


def export_workbook(queryset, target):
    book = excel.workbook()
    export_sheet(book, queryset)
    book.save(target)
