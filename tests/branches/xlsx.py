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


def raw_xlsx(sheet_rows, *, dimension=None, shared_strings=None, tail=""):
    """A minimal .xlsx written part by part, for hostile files openpyxl would never write: `sheet_rows` is
    the XML inside <sheetData> (a string or an iterable of strings, streamed into the zip), `tail` is put
    after it as is (malformed XML there shows whether a reader went that far)."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings'
            '.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '</Types>'))
        archive.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="' + rel + '/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="组织名册" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{rel}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'))
        with archive.open("xl/sharedStrings.xml", "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}">'.encode())
            for chunk in ([shared_strings] if isinstance(shared_strings, str) else shared_strings or []):
                part.write(chunk.encode())
            part.write(b"</sst>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}">'.encode())
            if dimension:
                part.write(f'<dimension ref="{dimension}"/>'.encode())
            part.write(b"<sheetData>")
            for chunk in ([sheet_rows] if isinstance(sheet_rows, str) else sheet_rows):
                part.write(chunk.encode())
            part.write(f"</sheetData>{tail}</worksheet>".encode())
    return buffer.getvalue()


def inline_row(number, values):
    from xml.sax.saxutils import escape

    cells = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{escape(str(v))}</t></is></c>'
                    for i, v in enumerate(values))
    return f'<row r="{number}">{cells}</row>'
