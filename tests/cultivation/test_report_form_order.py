"""The report form's 保存并提交 comes after what a report should carry (本期材料, 任务书任务进展), and the hint to
save a draft before marking tasks goes once the draft has been saved."""

import pytest

from cultivation.models import ProgressReport
from tests.factories import cultivating_project, progress_report
from tests.planning.helpers import confirmed_book

pytestmark = pytest.mark.django_db

HINT = "请先保存报告草稿"


@pytest.fixture
def report(tree):
    project = cultivating_project(tree.branch_a1)
    confirmed_book(tree, project)
    return progress_report(project, narrative="")


def edit_page(client, report):
    return client.get(f"/cultivation/reports/{report.pk}/edit/").content.decode()


def test_submit_comes_after_the_materials_and_the_task_progress(tree, client_for, report):
    page = edit_page(client_for(tree.secretary), report)
    submit = page.index("保存并提交")
    assert page.index("本期材料") < submit
    assert page.index("任务书任务进展") < submit
    assert page.index("登记") < submit  # the evidence forms too


def test_the_save_first_hint_goes_once_the_draft_is_saved(tree, client_for, report):
    client = client_for(tree.secretary)
    assert HINT in edit_page(client, report)
    activity = report.project.activities.get()
    response = client.post(f"/cultivation/reports/{report.pk}/edit/", {
        "version": report.version, "narrative": "本月开展主题党日", "congress_count": 1, "committee_count": 0,
        "group_count": 0, "lecture_count": 0, "theme_day_count": 1, "new_members_count": 0,
        f"activity_{activity.pk}_times_held": 1, f"activity_{activity.pk}_participants": 20,
        f"activity_{activity.pk}_progress": "首场", "save": "1"})
    assert response.status_code == 302
    assert ProgressReport.objects.get(pk=report.pk).narrative == "本月开展主题党日"
    page = edit_page(client, report)
    assert "对照任务书填写任务进展" in page and HINT not in page
