"""Nothing a branch uploads is public until reviewed (issue 24, item 5): a picture uploaded as 佐证材料 stays
off the showcase and out of the booklet until the secretary asked (申请公开), the 二级党组织 agreed and the
组织部 agreed; each step is an engine move with its event. Evidence of a project that passed acceptance is
not deleted; a PDF opens in the browser's viewer (item 13)."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Attachment, Project
from cultivation.reports.enums import PublicationState
from dissemination.booklet import compile_booklet
from tests.dissemination.booklet_helpers import png_bytes
from tests.dissemination.showcase_helpers import _pdf_bytes
from tests.factories import cultivating_project

CAPTION = "内部材料：党员名单照片（不应公开）"


def _upload(client, project, name="名单.png", content=None, caption=CAPTION):
    response = client.post(reverse("cultivation:report_attachment_upload", args=[project.pk]),
                           {"file": SimpleUploadedFile(name, content or png_bytes()), "caption": caption})
    assert response.status_code == 302
    return Attachment.objects.filter(project=project).latest("id")


def _move(client, attachment, name, **data):
    return client.post(reverse("cultivation:report_attachment_publication", args=[attachment.pk, name]), data)


def _public(client, project, attachment):
    picture = client.get(reverse("showcase:picture", args=[attachment.pk])).status_code == 200
    page = CAPTION in client.get(reverse("showcase:project", args=[project.pk])).content.decode()
    booklet = any(attachment.pk in [p.pk for p in chapter.pictures] for chapter in compile_booklet(project.batch))
    return picture, page, booklet


def test_an_uploaded_picture_is_public_only_after_both_approvals(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)  # in the booklet too, once public
    assert attachment.state == PublicationState.PRIVATE
    client.logout()
    assert _public(client, project, attachment) == (False, False, False)

    client.force_login(tree.secretary)
    assert _move(client, attachment, "request").status_code == 302
    client.force_login(tree.unit_staff)
    assert _move(client, attachment, "endorse").status_code == 302
    attachment.refresh_from_db()
    assert attachment.state == PublicationState.ENDORSED
    client.logout()
    assert _public(client, project, attachment) == (False, False, False)

    client.force_login(tree.staff)
    assert _move(client, attachment, "approve").status_code == 302
    attachment.refresh_from_db()
    assert attachment.state == PublicationState.PUBLIC
    client.logout()
    assert _public(client, project, attachment) == (True, True, True)
    actions = list(Event.objects.filter(object_id=str(attachment.pk), action__startswith="attachment.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["attachment.uploaded", "attachment.request", "attachment.endorse", "attachment.approve"]


def test_each_step_is_for_its_own_reviewer(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project)
    assert _move(client, attachment, "endorse").status_code == 403  # the branch does not approve its own
    _move(client, attachment, "request")
    client.force_login(tree.unit_staff)
    _move(client, attachment, "endorse")
    assert _move(client, attachment, "approve").status_code == 403  # the 组织部 has the last word
    client.force_login(tree.other_secretary)
    assert _move(client, attachment, "request").status_code == 404
    attachment.refresh_from_db()
    assert attachment.state == PublicationState.ENDORSED


def test_declining_needs_a_reason_and_leaves_the_picture_private(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project)
    _move(client, attachment, "request")
    client.force_login(tree.unit_staff)
    page = client.post(reverse("cultivation:report_attachment_publication", args=[attachment.pk, "decline_requested"]),
                       {"comment": ""}, follow=True).content.decode()
    attachment.refresh_from_db()
    assert "须填写意见" in page and attachment.state == PublicationState.REQUESTED
    _move(client, attachment, "decline_requested", comment="含党员个人信息，不宜公开")
    attachment.refresh_from_db()
    assert attachment.state == PublicationState.PRIVATE
    event = Event.objects.filter(action="attachment.decline_requested").get()
    assert event.data["意见"] == "含党员个人信息，不宜公开"


def test_a_pdf_cannot_be_asked_to_go_public(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project, name="材料.pdf", content=_pdf_bytes())
    page = client.post(reverse("cultivation:report_attachment_publication", args=[attachment.pk, "request"]),
                       follow=True).content.decode()
    attachment.refresh_from_db()
    assert "只有图片可以申请公开" in page and attachment.state == PublicationState.PRIVATE


def test_the_record_page_shows_the_state_and_the_reviewers_buttons(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project)
    url = reverse("cultivation:report_project", args=[project.pk])
    html = client.get(url).content.decode()
    assert "不公开" in html and 'data-testid="publication-request"' in html
    assert "经二级党组织和组织部同意后" in html  # the upload form says what becomes public
    _move(client, attachment, "request")
    client.force_login(tree.unit_staff)
    html = client.get(url).content.decode()
    assert "已申请公开，待二级党组织审核" in html
    assert 'data-testid="publication-endorse"' in html and 'data-testid="publication-decline_requested"' in html


def test_evidence_of_an_accepted_project_is_not_deleted(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    url = reverse("cultivation:report_evidence_delete", args=[project.pk, "attachment", attachment.pk])
    page = client.post(url, follow=True).content.decode()
    assert "项目已有验收结论（通过验收），培育记录已归档，其中的佐证材料不能删除" in page
    assert Attachment.objects.filter(pk=attachment.pk).exists()
    assert not Event.objects.filter(action="attachment.deleted").exists()
    record = client.get(reverse("cultivation:report_project", args=[project.pk])).content.decode()
    assert "确定删除该材料" not in record  # no button that can only be refused


def test_a_pdf_opens_in_the_browser_viewer(tree, client, media_root):
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project, name="会议记录.pdf", content=_pdf_bytes())
    response = client.get(reverse("cultivation:report_attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_pdf_record_over_other_bytes_is_not_shown(tree, client, media_root):
    # The content check stays: a row that says PDF over a file that is not one is not served inline.
    project = cultivating_project(tree.branch_a1)
    client.force_login(tree.secretary)
    attachment = _upload(client, project)
    Attachment.objects.filter(pk=attachment.pk).update(content_type="application/pdf")
    assert client.get(reverse("cultivation:report_attachment_download", args=[attachment.pk])).status_code == 404
