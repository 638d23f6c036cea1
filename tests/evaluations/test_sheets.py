"""Score sheets: drafts, submission, locking, reopening, bad input, and who may open them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from branches.models import Event
from cultivation.workflow import MoveRefused
from evaluations import services
from evaluations.enums import SheetState
from evaluations.models import Score, ScoreSheet
from notifications.models import Notification
from tests.factories import full_scores


@pytest.fixture
def sheet(panel):
    return services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_b,
                                   actor=panel.tree.staff)


def url(sheet):
    return reverse("evaluations:sheet", args=[sheet.round_id, sheet.project_id])


def test_a_draft_saves_partial_scores(panel, sheet):
    criteria = services.applicable_criteria(panel.round, panel.project_a)
    saved = services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values={criteria[0].pk: ("7.5", "扎实")},
                                expected_version=sheet.version)
    assert saved.state == SheetState.DRAFT
    assert saved.total == Decimal("7.50") and saved.percent is None
    assert Score.objects.get(sheet=sheet).comment == "扎实"


def test_submitting_needs_every_criterion(panel, sheet):
    criteria = services.applicable_criteria(panel.round, panel.project_a)
    with pytest.raises(services.ScoreProblems) as refused:
        services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values={criteria[0].pk: ("7", "")}, submit=True)
    assert len(refused.value.errors) == 6
    assert "请填写分数" in refused.value.message
    sheet.refresh_from_db()
    assert sheet.state == SheetState.ASSIGNED and not Score.objects.exists()


def test_a_submitted_sheet_is_totalled_and_locked(panel, sheet):
    submitted = services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values=full_scores(panel.round, panel.project_a, 9),
                                    submit=True)
    assert submitted.state == SheetState.SUBMITTED
    assert submitted.total == Decimal("63.00") and submitted.percent == Decimal("90.00")
    with pytest.raises(MoveRefused, match="已提交并锁定"):
        services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values=full_scores(panel.round, panel.project_a, 5),
                            submit=True)
    assert set(Score.objects.values_list("value", flat=True)) == {Decimal("9.00")}


@pytest.mark.parametrize("raw, message", [("11", "分数应在 0 至 10 之间"), ("九分", "不是数字"), ("-0.5", "分数应在"),
                                          ("7.123", "两位小数")])
def test_bad_scores_write_nothing(panel, sheet, raw, message):
    values = full_scores(panel.round, panel.project_a)
    first = next(iter(values))
    values[first] = (raw, "")
    with pytest.raises(services.ScoreProblems, match=message):
        services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values=values, submit=True)
    assert not Score.objects.exists()
    sheet.refresh_from_db()
    assert sheet.state == SheetState.ASSIGNED


def test_a_stale_form_is_refused(panel, sheet):
    services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values={}, expected_version=sheet.version)
    with pytest.raises(MoveRefused, match="刷新"):
        services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values={}, expected_version=sheet.version)


def test_only_the_assigned_reviewer_fills_the_sheet(panel, sheet):
    with pytest.raises(MoveRefused):
        services.sheet_save(sheet=sheet, actor=panel.reviewer_c, values={})


def test_the_deadline_binds_the_reviewer(panel, sheet):
    later = panel.round.deadline + datetime.timedelta(days=1)
    with pytest.raises(MoveRefused, match="截止"):
        services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values={}, today=later)


def test_staff_reopen_with_a_reason_logged_and_the_reviewer_told(panel, sheet):
    services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values=full_scores(panel.round, panel.project_a),
                        submit=True)
    with pytest.raises(MoveRefused, match="原因"):
        services.sheet_reopen(sheet=sheet, actor=panel.tree.staff, reason=" ")
    with pytest.raises(MoveRefused):
        services.sheet_reopen(sheet=sheet, actor=panel.reviewer_b, reason="想改")
    reopened = services.sheet_reopen(sheet=sheet, actor=panel.tree.staff, reason="第三项评分与评语不符")
    assert reopened.state == SheetState.DRAFT and reopened.submitted_at is None
    event = Event.objects.get(action="sheet.reopen")
    assert event.data["原因"] == "第三项评分与评语不符" and event.actor == panel.tree.staff
    assert Notification.objects.filter(user=panel.reviewer_b, title__contains="退回").exists()
    again = services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values=full_scores(panel.round, panel.project_a, 6),
                                submit=True)
    assert again.percent == Decimal("60.00")


def test_a_closed_round_locks_every_sheet(panel, sheet):
    services.round_move(round_=panel.round, name="close", actor=panel.tree.staff)
    with pytest.raises(MoveRefused, match="已结束"):
        services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values={})


def test_the_page_saves_a_draft_then_submits_and_returns_to_the_queue(panel, sheet, client_for):
    second = services.assignment_add(round_=panel.round, project=panel.project_b, reviewer=panel.reviewer_c,
                                     actor=panel.tree.staff)
    services.assignment_add(round_=panel.round, project=panel.project_b, reviewer=panel.reviewer_a,
                            actor=panel.tree.staff)
    client = client_for(panel.reviewer_c)
    mine = services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_c,
                                   actor=panel.tree.staff)
    data = {f"score_{pk}": value for pk, (value, _) in full_scores(panel.round, panel.project_a, 8).items()}
    data.update(version=mine.version, comment="总体扎实", action="save")
    response = client.post(url(mine), data)
    assert response.status_code == 302 and response.url == url(mine)
    mine.refresh_from_db()
    assert mine.state == SheetState.DRAFT
    data.update(version=mine.version, action="submit")
    response = client.post(url(mine), data)
    # Back to the reviewer's list, which names the next project to score (the queue leads on from there).
    assert response.url == reverse("evaluations:queue")
    assert client.get(reverse("evaluations:queue_next")).url == url(second)
    mine.refresh_from_db()
    assert mine.state == SheetState.SUBMITTED and mine.comment == "总体扎实"


def test_the_page_shows_chinese_errors_and_writes_nothing(panel, sheet, client_for):
    data = {f"score_{pk}": "12" for pk in full_scores(panel.round, panel.project_a)}
    data.update(version=sheet.version, action="submit")
    response = client_for(panel.reviewer_b).post(url(sheet), data)
    assert response.status_code == 200
    assert "分数应在 0 至 10 之间" in response.content.decode()
    assert not Score.objects.exists()


def test_a_second_submission_of_the_page_changes_nothing(panel, sheet, client_for):
    client = client_for(panel.reviewer_b)
    data = {f"score_{pk}": "8" for pk in full_scores(panel.round, panel.project_a)}
    data.update(version=sheet.version, action="submit")
    client.post(url(sheet), data)
    data.update({key: "3" for key in data if key.startswith("score_")})
    response = client.post(url(sheet), data, follow=True)
    assert "已提交并锁定" in response.content.decode()
    assert set(Score.objects.values_list("value", flat=True)) == {Decimal("8.00")}


def test_the_sheet_carries_data_for_the_running_total(panel, sheet, client_for):
    html = client_for(panel.reviewer_b).get(url(sheet)).content.decode()
    assert html.count('data-max="10"') == 7
    assert "data-total" in html and "js/scoresheet.js" in html
    assert "<script>" not in html and " onclick" not in html and "style=" not in html
    assert panel.project_a.concept in html  # the project's materials beside the form


@pytest.mark.parametrize("who", ["reviewer_c", "reviewer_a"])
def test_unassigned_and_conflicted_reviewers_get_404(panel, sheet, client_for, who):
    reviewer = getattr(panel, who)
    if who == "reviewer_a":  # forced in around the services
        ScoreSheet.objects.create(round=panel.round, project=panel.project_a, reviewer=reviewer)
    client = client_for(reviewer)
    assert client.get(url(sheet)).status_code == 404
    assert client.post(url(sheet), {"action": "submit"}).status_code == 404


def test_the_queue_shows_progress_and_the_next_project(panel, sheet, client_for):
    client = client_for(panel.reviewer_b)
    response = client.get(reverse("evaluations:queue"))
    assert response.context["progress"] == {"total": 1, "submitted": 0, "todo": 1, "percent": 0}
    assert client.get(reverse("evaluations:queue_next")).url == url(sheet)
    services.sheet_save(sheet=sheet, actor=panel.reviewer_b, values=full_scores(panel.round, panel.project_a),
                        submit=True)
    assert client.get(reverse("evaluations:queue_next")).url == reverse("evaluations:queue")


def test_saving_a_draft_says_so_once(panel, sheet, client_for):
    data = {f"score_{pk}": value for pk, (value, _) in full_scores(panel.round, panel.project_a, 8).items()}
    data.update(version=sheet.version, comment="总体扎实", action="save")
    page = client_for(panel.reviewer_b).post(url(sheet), data, follow=True).content.decode()
    assert page.count("草稿已保存") == 1 and "提交后才计入评审结果" in page


def test_a_comment_with_an_escape_is_refused_and_nothing_changes(panel, sheet, client_for):
    from branches.plain_text import MESSAGE

    data = {f"score_{pk}": "8" for pk in full_scores(panel.round, panel.project_a)}
    data.update(version=sheet.version, action="submit", comment="总体扎实\x1b[2J\x07")
    response = client_for(panel.reviewer_b).post(url(sheet), data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    stored = ScoreSheet.objects.get(pk=sheet.pk)
    assert stored.state == SheetState.ASSIGNED and stored.comment == "" and stored.version == sheet.version
    assert not Score.objects.exists()


def test_after_submitting_the_reviewer_reads_what_happened_and_what_is_next(panel, sheet, client_for):
    """Not another project's draft under the success message: the queue, saying which sheet was submitted
    and which is next, with that sheet's own state."""
    following = services.assignment_add(round_=panel.round, project=panel.project_b, reviewer=panel.reviewer_c,
                                        actor=panel.tree.staff)
    services.sheet_save(sheet=following, actor=panel.reviewer_c, values={})  # a draft begun earlier
    mine = services.assignment_add(round_=panel.round, project=panel.project_a, reviewer=panel.reviewer_c,
                                   actor=panel.tree.staff)
    data = {f"score_{pk}": value for pk, (value, _) in full_scores(panel.round, panel.project_a, 8).items()}
    data.update(version=mine.version, comment="总体扎实", action="submit")
    response = client_for(panel.reviewer_c).post(url(mine), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("evaluations:queue")
    page = response.content.decode()
    done, nxt = panel.project_a.organization.name, panel.project_b.organization.name
    assert f"已提交对{done}的评分" in page
    assert f"下一份待评：{nxt}（草稿，尚未提交）" in page
    assert "评分尚未提交" not in page  # no sheet's warning beside the success message
    assert f"评下一个：{nxt}" in page


def test_after_the_last_submission_the_queue_says_all_are_done(panel, sheet, client_for):
    data = {f"score_{pk}": value for pk, (value, _) in full_scores(panel.round, panel.project_a, 8).items()}
    data.update(version=sheet.version, comment="总体扎实", action="submit")
    response = client_for(panel.reviewer_b).post(url(sheet), data, follow=True)
    page = response.content.decode()
    assert f"已提交对{panel.project_a.organization.name}的评分" in page and "评审任务已全部完成" in page
