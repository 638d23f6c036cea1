"""Build roster workbooks in memory for the import tests."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from branches.roster import COLUMNS

HEADERS = [header for _, header in COLUMNS]


def row(code, name, kind="党支部", parent="", branch_type="教职工党支部", category="教学一线", founded="2015-03-01",
        secretary="王五", double="否", full=10, probationary=1, status="正常"):
    return [code, name, kind, parent, branch_type, category, founded, secretary, double, full, probationary, status]


def workbook_bytes(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    if headers is not None:
        sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(rows=(), headers=HEADERS, name="名册.xlsx", content=None):
    data = content if content is not None else workbook_bytes(rows, headers)
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def small_roster(parent="SCH"):
    return [
        row("SCH", "测试大学党委", kind="学校党委", branch_type="", category="", founded="1956-09-01"),
        row("U1", "中医学院党委", kind="基层党委", parent="SCH", branch_type="", category=""),
        row("B1", "内科教研室党支部", parent="U1"),
        row("B2", "本科生第一党支部", parent="U1", branch_type="学生党支部", category="学生(本科生)"),
    ]
