import time
from tests.evaluations.test_excel import upload
from tests.branches.xlsx import raw_xlsx, inline_row, HEADERS
from evaluations import sheets
from branches import roster

def test_probe(panel):
    rows = [inline_row(1, HEADERS)] + [f'<row r="{i}"><c r="XFD{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(2, 40)]
    for dim in (None, "A1:L40"):
        content = raw_xlsx(rows, dimension=dim)
        print(len(content))
        t = time.time(); r = roster.check(upload(content)); print("roster", dim, time.time() - t, r.problems[:2])
        t = time.time(); r = sheets.check(upload(content), panel.round); print("sheets", dim, time.time() - t, r.problems[:2])
