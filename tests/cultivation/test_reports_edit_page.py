"""The report page is one form: uploading, registering or deleting evidence never loses the typed report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cultivation.models import Attachment, ProgressReport, Publication
from cultivation.reports import evidence as report_evidence
from tests.cultivation.test_reports_attachments import PDF, png_bytes
from tests.factories import cultivating_project, progress_report

pytestmark = pytest.mark.django_db

TYPED = "本月开展“经典诵读进课堂”主题党日，支部书记讲专题党课一次。"


@pytest.fixture
def report(tree):
    return progress_report(cultivating_project(tree.branch_a1), narrative="")


def typed(report, **extra):
    activity = report.project.activities.get()
    data = {"version": report.version, "narrative": TYPED, "congress_count": 1, "committee_count": 2,
            "group_count": 0, "lecture_count": 1, "theme_day_count": 1, f"activity_{activity.pk}_times_held": 1,
            f"activity_{activity.pk}_participants": 28, f"activity_{activity.pk}_progress": "首场诵读"}
    data.update(extra)
    return data


def edit_url(report):
    return reverse("cultivation:report_edit", args=[report.pk])


def test_uploading_a_photo_saves_the_typed_report_as_a_draft(tree, client_for, report):
    response = client_for(tree.secretary).post(edit_url(report), typed(
        report, add="attachment", **{"attachment-file": SimpleUploadedFile("合影.png", png_bytes()),
                                     "attachment-caption": "主题党日合影"}))
    assert response.status_code == 302 and response.url == edit_url(report) + "#attachments"
    saved = ProgressReport.objects.get(pk=report.pk)
    assert saved.narrative == TYPED and saved.committee_count == 2 and saved.state == "draft"
    attachment = Attachment.objects.get()
    assert attachment.report_id == report.pk and attachment.caption == "主题党日合影"
    page = client_for(tree.secretary).get(response.url).content.decode()
    assert TYPED in page and "合影.png" in page


def test_a_refused_upload_keeps_the_typed_report_saved_and_shown(tree, client_for, report):
    response = client_for(tree.secretary).post(edit_url(report), typed(
        report, add="attachment", **{"attachment-file": SimpleUploadedFile("网页.png", b"<html><script>1</script>"),
                                     "attachment-caption": "说明照写"}))
    page = response.content.decode()
    assert response.status_code == 200 and "网页或脚本" in page
    assert TYPED in page and "说明照写" in page  # the report as saved, the evidence form as typed
    assert ProgressReport.objects.get(pk=report.pk).narrative == TYPED
    assert not Attachment.objects.exists()
    # The page carries the new version: saving again is not refused as stale.
    again = client_for(tree.secretary).post(edit_url(report), typed(ProgressReport.objects.get(pk=report.pk),
                                                                    save="1"))
    assert again.status_code == 302


def test_an_upload_with_the_report_not_yet_written_still_uploads(tree, client_for, report):
    data = typed(report, narrative="", add="attachment", **{"attachment-file": SimpleUploadedFile("记录.pdf", PDF)})
    response = client_for(tree.secretary).post(edit_url(report), data)
    assert response.status_code == 302 and Attachment.objects.get().report_id == report.pk


def test_an_invalid_report_keeps_what_was_typed_and_uploads_nothing(tree, client_for, report):
    data = typed(report, congress_count="十", add="attachment", **{"attachment-file": SimpleUploadedFile("记录.pdf", PDF)})
    response = client_for(tree.secretary).post(edit_url(report), data)
    page = response.content.decode()
    assert response.status_code == 200 and TYPED in page and "材料尚未保存" in page
    assert not Attachment.objects.exists() and ProgressReport.objects.get(pk=report.pk).narrative == ""


def test_a_stale_report_is_not_overwritten_and_the_typed_text_stays_on_the_page(tree, client_for, report):
    data = typed(report, version=report.version + 7, add="publication",
                 **{"publication-channel": "wechat_account", "publication-title": "支部开展主题党日"})
    response = client_for(tree.secretary).post(edit_url(report), data)
    page = response.content.decode()
    assert response.status_code == 200 and "请刷新页面" in page and TYPED in page
    assert not Publication.objects.exists() and ProgressReport.objects.get(pk=report.pk).narrative == ""


def test_registering_a_publication_and_deleting_evidence_save_the_typed_report(tree, client_for, report):
    client = client_for(tree.secretary)
    response = client.post(edit_url(report), typed(
        report, add="publication", **{"publication-channel": "wechat_account", "publication-title": "支部开展主题党日",
                                      "publication-link": "https://news.example.edu.cn/1",
                                      "publication-published_on": "2025-03-01"}))
    assert response.status_code == 302 and Publication.objects.get().report_id == report.pk
    report.refresh_from_db()
    attachment = report_evidence.attachment_add(project=report.project, actor=tree.secretary, report=report,
                                                file=SimpleUploadedFile("记录.pdf", PDF))
    response = client.post(edit_url(report), typed(report, narrative=TYPED + "再补一句。",
                                                   delete=f"attachment:{attachment.pk}"))
    assert response.status_code == 302 and not Attachment.objects.exists()
    assert ProgressReport.objects.get(pk=report.pk).narrative == TYPED + "再补一句。"


def test_another_projects_evidence_cannot_be_deleted_from_this_page(tree, client_for, report):
    other = cultivating_project(tree.branch_b1)
    foreign = report_evidence.attachment_add(project=other, actor=tree.other_secretary,
                                             file=SimpleUploadedFile("记录.pdf", PDF))
    response = client_for(tree.secretary).post(edit_url(report), typed(report, delete=f"attachment:{foreign.pk}"),
                                               follow=True)
    assert "不存在或已删除" in response.content.decode() and Attachment.objects.filter(pk=foreign.pk).exists()


def test_every_button_of_the_page_belongs_to_the_report_form(tree, client_for, report):
    report_evidence.attachment_add(project=report.project, actor=tree.secretary, report=report,
                                   file=SimpleUploadedFile("记录.pdf", PDF))
    page = client_for(tree.secretary).get(edit_url(report)).content.decode()
    main = page[page.index('<main'):page.index('</main>')]
    # One form on the page (the layout's logout form lives outside <main>), enclosing every button.
    assert main.count("<form") == 1 and 'id="report-form"' in main and 'enctype="multipart/form-data"' in main
    form = main[main.index("<form"):main.index("</form>")]
    # The submit at the end of the page (after the task progress, outside the form) names the form.
    after = main[main.index("</form>"):]
    assert form.count('type="submit"') + after.count('form="report-form"') == main.count('type="submit"')
    assert after.count('type="submit"') == after.count('form="report-form"') == 2
    assert 'name="add" value="attachment"' in form and 'name="delete" value="attachment:' in form


def test_a_meeting_count_over_999_is_refused_and_nothing_is_saved(tree, client_for, report):
    response = client_for(tree.secretary).post(edit_url(report), typed(report, congress_count=5000))
    assert response.status_code == 200 and "999" in response.content.decode()
    saved = ProgressReport.objects.get(pk=report.pk)
    assert saved.narrative == "" and saved.congress_count == report.congress_count
