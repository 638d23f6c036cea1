import io

import pytest
from django.urls import reverse
from docx import Document

from cultivation.enums import ProjectState
from tests.dissemination.booklet_helpers import accepted_projects
from tests.factories import cultivating_project


def test_booklet_page_has_one_chapter_per_accepted_project(tree, client_for):
    batch, projects = accepted_projects(tree, 2)
    cultivating_project(tree.branch_b1, batch=batch, title="未验收项目")  # still 培育中: no chapter
    page = client_for(tree.staff).get(reverse("dissemination:booklet", args=[batch.pk])).content.decode()
    assert page.count('class="booklet-chapter" id="chapter-') == 2
    assert "红烛先锋0号" in page and "红烛先锋1号" in page and "未验收项目" not in page
    assert "“三联三促”0" in page and "工作法1" in page and "report_attachment" not in page
    assert page.count("<img ") == 2


def test_booklet_docx_holds_chapters_and_pictures(tree, client_for):
    batch, projects = accepted_projects(tree, 2)
    response = client_for(tree.staff).get(reverse("dissemination:booklet_docx", args=[batch.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert len(headings) == 2 and all("红烛先锋" in h for h in headings)
    assert len(document.inline_shapes) == 2


@pytest.mark.parametrize("name", ["dissemination:booklet", "dissemination:booklet_docx"])
@pytest.mark.parametrize("who", ["unit_staff", "secretary", "reviewer"])
def test_booklet_only_for_batch_managers(tree, client_for, name, who):
    batch, _ = accepted_projects(tree, 1)
    assert client_for(getattr(tree, who)).get(reverse(name, args=[batch.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_booklet_query_count_is_constant(tree, client_for, django_assert_num_queries, count):
    batch, _ = accepted_projects(tree, count)
    client = client_for(tree.staff)
    client.get(reverse("dissemination:booklet", args=[batch.pk]))  # warm the session and role caches
    with django_assert_num_queries(10):  # the chapters' approved pieces and published commendations among them
        assert client.get(reverse("dissemination:booklet", args=[batch.pk])).status_code == 200


def test_booklet_shows_the_approved_pieces_of_each_chapter(tree, client_for):
    from cultivation.models import Project
    from tests.dissemination.piece_helpers import approved, draft

    batch, _ = accepted_projects(tree, 1)
    project = cultivating_project(tree.branch_a1, batch=batch, title="先锋引领")
    approved(tree, project, title="把支部建在学科上", body="支部党建业务同频共振。")
    draft(tree, project, title="尚未审核的稿件")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    client = client_for(tree.staff)
    page = client.get(reverse("dissemination:booklet", args=[batch.pk])).content.decode()
    assert "【创建纪实报道】把支部建在学科上" in page and "支部党建业务同频共振" in page
    assert "尚未审核的稿件" not in page
    document = Document(io.BytesIO(client.get(reverse("dissemination:booklet_docx", args=[batch.pk])).content))
    texts = [p.text for p in document.paragraphs]
    assert "【创建纪实报道】把支部建在学科上" in texts and "尚未审核的稿件" not in "".join(texts)


def test_booklet_shows_the_published_commendations_of_each_chapter(tree, client_for):
    import datetime

    from cultivation.models import Project
    from planning import guidance

    batch, _ = accepted_projects(tree, 1)
    project = cultivating_project(tree.branch_a1, batch=batch, title="先锋引领")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    values = {"level": "province", "conferred_by": "省委教育工委", "awarded_on": datetime.date(2021, 7, 1)}
    shown = guidance.commendation_record(project=project, actor=tree.staff, subject="person", person_name="王芳",
                                         person_role="党员骨干", title="优秀共产党员", **values)
    guidance.commendation_publish(commendation=shown, actor=tree.staff)
    guidance.commendation_record(project=project, actor=tree.staff, subject="organization", title="尚未发布的表彰",
                                 **values)
    client = client_for(tree.staff)
    page = client.get(reverse("dissemination:booklet", args=[batch.pk])).content.decode()
    line = "王芳（党员骨干）：优秀共产党员（省级，省委教育工委，2021年07月）"
    assert line in page and "尚未发布的表彰" not in page
    document = Document(io.BytesIO(client.get(reverse("dissemination:booklet_docx", args=[batch.pk])).content))
    texts = [p.text for p in document.paragraphs]
    assert line in texts and "尚未发布的表彰" not in "".join(texts)


def test_booklet_leaves_out_what_the_showcase_does_in_every_build(tree, client_for):
    """A draft (or sent back) progress report's outcome and picture are not public: not in the showcase, so
    not in the booklet either: its print page, its .docx and the .docx the task builds all follow one rule."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cultivation.models import Outcome, Project
    from cultivation.reports.evidence import attachment_add
    from notifications.models import Notification
    from tests.dissemination.booklet_helpers import png_bytes
    from cultivation.reports.selectors import periods_of
    from tests.factories import progress_report

    batch, (project,) = accepted_projects(tree, 1)
    secretary = project.organization.role_assignments.first().user
    Project.objects.filter(pk=project.pk).update(state=ProjectState.RECOGNIZED)
    for state, period in zip(["draft", "returned"], periods_of(project)):
        report = progress_report(project, due=period.due, state=state, narrative="草稿机密")
        attachment_add(project=project, actor=secretary, report=report, caption=f"草稿机密{state}",
                       file=SimpleUploadedFile("草稿.png", png_bytes()))
        Outcome.objects.create(project=project, report=report, kind="system", title=f"草稿机密成果{state}",
                               created_by=secretary)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    showcase = client_for(tree.staff).get(reverse("showcase:project", args=[project.pk])).content.decode()
    assert "工作法0" in showcase and "草稿机密" not in showcase

    client = client_for(tree.staff)
    page = client.get(reverse("dissemination:booklet", args=[batch.pk])).content.decode()
    assert "工作法0" in page and "草稿机密" not in page and page.count("<img ") == 1
    for docx in [client.get(reverse("dissemination:booklet_docx", args=[batch.pk])).content,
                 _built_by_the_task(client, batch, tree.staff, Notification)]:
        document = Document(io.BytesIO(docx))
        texts = "".join(p.text for p in document.paragraphs)
        assert "工作法0" in texts and "草稿机密" not in texts and len(document.inline_shapes) == 1


def _built_by_the_task(client, batch, user, notifications):
    assert client.post(reverse("dissemination:booklet_request", args=[batch.pk])).status_code == 302
    download = client.get(notifications.objects.filter(user=user).latest("id").url)
    return b"".join(download.streaming_content)
