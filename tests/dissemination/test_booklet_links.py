"""Issue 24, item 12: the booklet is found (batch page, public showcase), can be left and printed, and
shows the "四个一" the projects filed; a showcase card without a picture has no empty picture box."""
import io

import pytest
from django.urls import reverse
from docx import Document

from cultivation.enums import ProjectState
from cultivation.models import Project
from cultivation.models.reviews import DeliverableKind, FinalDeliverable
from tests.dissemination.booklet_helpers import accepted_projects
from tests.factories import cultivating_batch, cultivating_project


def four_ones(project, user):
    for kind, label in DeliverableKind.choices:
        if kind != DeliverableKind.EXPERIENCE:
            FinalDeliverable.objects.create(project=project, kind=kind, title=f"{label}成品", created_by=user,
                                            link="https://example.edu.cn/branch" if kind == "platform" else "")


def test_booklet_page_leads_back_and_prints(tree, client_for):
    batch, _ = accepted_projects(tree, 1)
    page = client_for(tree.staff).get(reverse("dissemination:booklet", args=[batch.pk])).content.decode()
    assert f'href="{reverse("cultivation:batch_detail", args=[batch.pk])}"' in page
    assert "data-print" in page and "js/summary.js" in page  # window.print() without an inline script
    assert "<script>" not in page


def test_batch_page_links_the_booklet_for_its_managers_only(tree, client_for):
    batch, _ = accepted_projects(tree, 1)
    link = reverse("dissemination:booklet", args=[batch.pk])
    assert link in client_for(tree.staff).get(reverse("cultivation:batch_detail", args=[batch.pk])).content.decode()
    assert link not in client_for(tree.secretary).get(
        reverse("cultivation:batch_detail", args=[batch.pk])).content.decode()


def test_booklet_and_showcase_show_the_four_ones_filed_for_acceptance(tree, client_for):
    batch, projects = accepted_projects(tree, 1)
    four_ones(projects[0], tree.staff)
    booklet = client_for(tree.staff).get(reverse("dissemination:booklet", args=[batch.pk])).content.decode()
    shown = client_for(tree.staff).get(reverse("showcase:project", args=[projects[0].pk])).content.decode()
    for html in (booklet, shown):
        assert "未登记" not in html
        for _, label in DeliverableKind.choices:
            assert label in html
        assert "一本示范建设成果资料汇编：" in html or "一本示范建设成果资料汇编：<strong>" in html
    docx = client_for(tree.staff).get(reverse("dissemination:booklet_docx", args=[batch.pk])).content
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "一个示范建设微视频：一个示范建设微视频成品" in text and "未登记" not in text


def test_public_showcase_links_the_published_booklet(client, tree):
    batch, projects = accepted_projects(tree, 1)
    quiet = cultivating_batch()  # showcased (培育中) but nothing accepted yet: its booklet is not published
    cultivating_project(tree.branch_b1, batch=quiet, title="培育中项目")
    booklet = reverse("showcase:booklet", args=[batch.pk])
    index = client.get(reverse("showcase:index")).content.decode()
    assert booklet in index and reverse("showcase:booklet", args=[quiet.pk]) not in index
    assert booklet not in client.get(reverse("showcase:index"), {"batch": quiet.pk}).content.decode()
    assert booklet in client.get(reverse("showcase:project", args=[projects[0].pk])).content.decode()

    page = client.get(booklet)
    assert page.status_code == 200
    html = page.content.decode()
    assert "红烛先锋0号" in html and "生成 Word 文件" not in html and "csrfmiddlewaretoken" not in html
    assert reverse("showcase:picture", args=[projects[0].attachments.get().pk]) in html
    assert f'href="{reverse("showcase:index")}?batch={batch.pk}"' in html
    assert client.get(reverse("showcase:booklet", args=[quiet.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_public_booklet_query_count_is_constant(client, tree, django_assert_num_queries, count):
    batch, _ = accepted_projects(tree, count)
    with django_assert_num_queries(7):
        assert client.get(reverse("showcase:booklet", args=[batch.pk])).status_code == 200


def test_a_card_without_a_picture_has_no_empty_picture_box(client, tree):
    batch, projects = accepted_projects(tree, 1)
    Project.objects.filter(pk=projects[0].pk).update(state=ProjectState.ACCEPTED)
    projects[0].attachments.all().delete()
    html = client.get(reverse("showcase:index")).content.decode()
    assert "暂无图片" not in html and "ratio-4x3" not in html
