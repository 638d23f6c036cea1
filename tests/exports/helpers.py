"""Read an export back the way a user's spreadsheet would."""

import io

from openpyxl import load_workbook


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def sheet_of(response):
    return workbook_of(response).worksheets[0]


def rows_of(response):
    """(header, [data rows as dicts keyed by header])."""
    sheet = sheet_of(response)
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return header, [dict(zip(header, row)) for row in rows[1:]]


def column(response, name):
    return [row[name] for row in rows_of(response)[1]]
