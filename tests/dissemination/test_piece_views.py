"""The pages of the publicity pieces: as the secretary and the reviewers use them, who else gets 404/403,
the public page and the Atom feed, and the query counts of the lists."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from dissemination import pieces as services
from dissemination.enums import PieceState
from dissemination.models import PublicityPiece
from tests.dissemination.piece_helpers import approved, draft, picture
from tests.factories import cultivating_project

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def test_secretary_writes_submits_and_reviewers_return_and_approve_through_the_pages(tree, client_for, client):
    project = cultivating_project(tree.branch_a1)
    image = picture(project, tree.secretary)
    secretary = client_for(tree.secretary)
    page = secretary.get(reverse("dissemination:piece_list", args=[project.pk])).content.decode()
    assert "新建宣传稿件" in page
    form = secretary.get(reverse("dissemination:piece_create", args=[project.pk])).content.decode()
    assert f'value="{image.pk}"' in form and 'type="checkbox"' in form
    response = secretary.post(reverse("dissemination:piece_create", args=[project.pk]), {
        "kind": "story", "title": "把支部建在学科上", "body": "支部党建业务同频共振。", "pictures": [image.pk]})
    piece = PublicityPiece.objects.get()
    assert response.status_code == 302 and response.url == reverse("dissemination:piece_detail", args=[piece.pk])
    assert list(piece.pictures.all()) == [image]
    secretary.post(reverse("dissemination:piece_move", args=[piece.pk, "submit"]), {"version": piece.version})
    piece.refresh_from_db()
    assert piece.state == PieceState.SUBMITTED
    unit = client_for(tree.unit_staff)
    queue = unit.get(reverse("dissemination:piece_queue")).content.decode()
    assert "把支部建在学科上" in queue
    detail = unit.get(reverse("dissemination:piece_detail", args=[piece.pk])).content.decode()
    assert "退回修改" in detail and "审核通过" in detail
    unit.post(reverse("dissemination:piece_move", args=[piece.pk, "return_submitted"]),
              {"comment": "请补充活动成效", "version": piece.version})
    piece.refresh_from_db()
    assert piece.state == PieceState.RETURNED
    secretary = client_for(tree.secretary)
    assert "请补充活动成效" in secretary.get(reverse("dissemination:piece_detail", args=[piece.pk])).content.decode()
    response = secretary.post(reverse("dissemination:piece_edit", args=[piece.pk]), {
        "kind": "story", "title": "把支部建在学科上", "body": "补充：开展主题党日12次。", "version": piece.version})
    assert response.status_code == 302
    piece.refresh_from_db()
    secretary.post(reverse("dissemination:piece_move", args=[piece.pk, "submit"]), {"version": piece.version})
    piece.refresh_from_db()
    client_for(tree.unit_staff).post(reverse("dissemination:piece_move", args=[piece.pk, "endorse"]),
                                     {"comment": "同意", "version": piece.version})
    piece.refresh_from_db()
    staff = client_for(tree.staff)
    assert "把支部建在学科上" in staff.get(reverse("dissemination:piece_queue")).content.decode()
    staff.post(reverse("dissemination:piece_move", args=[piece.pk, "approve"]), {"version": piece.version})
    piece.refresh_from_db()
    assert piece.state == PieceState.APPROVED
    history = staff.get(reverse("dissemination:piece_detail", args=[piece.pk])).content.decode()
    for label in ("撰写宣传稿件", "退回宣传稿件", "修改宣传稿件", "组织部审核通过宣传稿件"):
        assert label in history
    client.logout()
    public = client.get(reverse("showcase:piece", args=[piece.pk]))
    assert public.status_code == 200 and "开展主题党日12次" in public.content.decode()
    assert tree.branch_a1.name in public.content.decode()
    feed = client.get(reverse("showcase:feed")).content.decode()
    assert reverse("showcase:piece", args=[piece.pk]) in feed


def test_refused_move_and_bad_input_are_flashed_in_chinese_and_change_nothing(tree, client_for):
    piece = draft(tree)
    secretary = client_for(tree.secretary)
    response = secretary.post(reverse("dissemination:piece_create", args=[piece.project_id]),
                              {"kind": "story", "title": "", "body": ""})
    assert response.status_code == 200 and "请填写稿件标题" in response.content.decode()
    response = secretary.post(reverse("dissemination:piece_create", args=[piece.project_id]),
                              {"kind": "story", "title": "标题", "body": "正文", "pictures": ["99999"]}, follow=True)
    assert "所选配图不是本项目上传的图片" in response.content.decode()
    response = client_for(tree.staff).post(reverse("dissemination:piece_move", args=[piece.pk, "approve"]),
                                           {"version": piece.version}, follow=True)
    assert "当前状态为“草稿”，不能审核通过并发布" in response.content.decode()
    response = client_for(tree.secretary).post(reverse("dissemination:piece_move", args=[piece.pk, "endorse"]),
                                               {"version": piece.version})
    assert response.status_code == 403
    assert PublicityPiece.objects.get().state == PieceState.DRAFT and PublicityPiece.objects.count() == 1


def test_another_branch_and_another_unit_get_404_and_non_secretaries_403(tree, client_for):
    piece = draft(tree)
    project = piece.project
    for user in (tree.other_secretary, tree.other_unit_staff, tree.reviewer):
        client = client_for(user)
        for name, args in [("piece_list", [project.pk]), ("piece_create", [project.pk]), ("video_manage", [project.pk]),
                           ("piece_detail", [piece.pk]), ("piece_edit", [piece.pk]), ("piece_print", [piece.pk])]:
            assert client.get(reverse(f"dissemination:{name}", args=args)).status_code == 404, (user, name)
        assert client.post(reverse("dissemination:piece_move", args=[piece.pk, "submit"])).status_code == 404
    unit = client_for(tree.unit_staff)
    assert unit.get(reverse("dissemination:piece_create", args=[project.pk])).status_code == 403
    assert unit.get(reverse("dissemination:piece_edit", args=[piece.pk])).status_code == 403
    # The 二级党组织 reviews the micro-video's publication on its page; only the secretary uploads there.
    assert unit.get(reverse("dissemination:video_manage", args=[project.pk])).status_code == 200
    assert unit.post(reverse("dissemination:video_manage", args=[project.pk])).status_code == 403
    assert client_for(tree.secretary).get(reverse("dissemination:piece_queue")).status_code == 403
    assert client_for(tree.reviewer).get(reverse("dissemination:piece_queue")).status_code == 403
    services.piece_move(piece=piece, name="submit", actor=tree.secretary)
    assert piece.title not in client_for(tree.other_unit_staff).get(reverse("dissemination:piece_queue")).content.decode()


def test_print_view_has_no_navigation(tree, client_for):
    piece = draft(tree)
    page = client_for(tree.unit_staff).get(reverse("dissemination:piece_print", args=[piece.pk])).content.decode()
    assert piece.title in page and "<nav" not in page and "navbar" not in page


def test_unapproved_pieces_are_not_public(tree, client):
    piece = draft(tree)
    assert client.get(reverse("showcase:piece", args=[piece.pk])).status_code == 404
    for name in ("submit", "endorse"):
        piece = services.piece_move(piece=piece, name=name, actor=tree.secretary if name == "submit" else tree.staff)
        assert client.get(reverse("showcase:piece", args=[piece.pk])).status_code == 404
    assert client.get(reverse("showcase:piece", args=[987654])).status_code == 404


def test_public_picture_only_for_the_pieces_own_pictures(tree, client):
    project = cultivating_project(tree.branch_a1)
    shown, hidden = picture(project, tree.secretary), picture(project, tree.secretary, caption="未选")
    piece = approved(tree, project, picture_ids=[shown.pk])
    ok = client.get(reverse("showcase:piece_picture", args=[piece.pk, shown.pk]))
    assert ok.status_code == 200 and ok["Content-Type"] == "image/png"
    assert client.get(reverse("showcase:piece_picture", args=[piece.pk, hidden.pk])).status_code == 404
    unapproved = draft(tree, project, picture_ids=[shown.pk])
    assert client.get(reverse("showcase:piece_picture", args=[unapproved.pk, shown.pk])).status_code == 404


def test_feed_is_atom_of_the_approved_pieces_newest_first(tree, client):
    first = approved(tree, title="第一篇")
    second = approved(tree, first.project, title="第二篇")
    draft(tree, first.project, title="未审核的稿件")
    response = client.get(reverse("showcase:feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for tag in ("id", "title", "updated"):
        assert (root.find(f"{ATOM}{tag}").text or "").strip(), tag
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["alternate"].endswith(reverse("showcase:index")) and links["self"].endswith(reverse("showcase:feed"))
    entries = root.findall(f"{ATOM}entry")
    titles = [entry.find(f"{ATOM}title").text for entry in entries]
    assert titles == [f"{tree.branch_a1.name}：第二篇", f"{tree.branch_a1.name}：第一篇"]
    for entry, piece in zip(entries, [second, first]):
        assert entry.find(f"{ATOM}id").text and entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link").get("href").endswith(reverse("showcase:piece", args=[piece.pk]))
        assert entry.find(f"{ATOM}author/{ATOM}name").text == tree.branch_a1.name
    assert "未审核的稿件" not in response.content.decode()


def test_a_feed_title_names_the_branch_once(tree, client):
    # A 纪实报道's title already starts with the branch's name: no second prefix (issue 24, item 17).
    approved(tree, title=f"{tree.branch_a1.name}：把支部建在学科上")
    root = ET.fromstring(client.get(reverse("showcase:feed")).content)
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles == [f"{tree.branch_a1.name}：把支部建在学科上"]


def _elements_a_reader_renders(text_construct):
    """The HTML elements a feed reader builds from an Atom text construct (RFC 4287 3.1): "html" is markup
    escaped once, "xhtml" a div of elements, "text" (the default) plain text with none."""
    from html.parser import HTMLParser

    kind = text_construct.get("type", "text")
    if kind == "xhtml":
        return [element.tag for element in text_construct.iter()][1:]
    if kind != "html":
        return []
    tags = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append(tag)
    parser.feed(text_construct.text or "")
    return tags


def test_feed_shows_a_pieces_text_as_text_never_as_markup(tree, client):
    body = '<script>alert(1)</script><img src=x onerror="alert(2)"> 支部 &lt;b&gt;同频共振'
    approved(tree, title="<b>把支部</b>建在学科上", body=body)
    root = ET.fromstring(client.get(reverse("showcase:feed")).content)
    entry = root.find(f"{ATOM}entry")
    summary, title = entry.find(f"{ATOM}summary"), entry.find(f"{ATOM}title")
    assert summary.get("type") == "text" and title.get("type", "text") == "text"
    assert _elements_a_reader_renders(summary) == [] and _elements_a_reader_renders(title) == []
    assert body in summary.text  # shown as typed, not dropped


@pytest.mark.parametrize("count", [1, 4])
def test_pieces_list_query_count_is_constant(tree, client_for, django_assert_num_queries, count):
    project = cultivating_project(tree.branch_a1)
    for index in range(count):
        draft(tree, project, title=f"稿件{index}")
    client = client_for(tree.secretary)
    url = reverse("dissemination:piece_list", args=[project.pk])
    client.get(url)
    with django_assert_num_queries(6):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [1, 4])
def test_review_queue_query_count_is_constant(tree, client_for, django_assert_num_queries, count):
    for index in range(count):
        piece = draft(tree, cultivating_project(tree.branch_a1), title=f"稿件{index}")
        services.piece_move(piece=piece, name="submit", actor=tree.secretary)
    client = client_for(tree.unit_staff)
    url = reverse("dissemination:piece_queue")
    client.get(url)
    with django_assert_num_queries(6):
        response = client.get(url)
    assert response.content.decode().count("稿件") >= count


def test_project_page_links_the_pieces_and_the_video_page(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    page = client_for(tree.secretary).get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    assert reverse("dissemination:piece_list", args=[project.pk]) in page
    assert reverse("dissemination:video_manage", args=[project.pk]) in page
    page = client_for(tree.unit_staff).get(reverse("cultivation:project_detail", args=[project.pk])).content.decode()
    assert reverse("dissemination:piece_list", args=[project.pk]) in page
    assert reverse("dissemination:video_manage", args=[project.pk]) in page  # where they review its publication


def test_staff_reach_the_queue_from_the_menu(tree, client_for):
    for user in (tree.staff, tree.unit_staff):
        assert reverse("dissemination:piece_queue") in client_for(user).get("/").content.decode()
    assert reverse("dissemination:piece_queue") not in client_for(tree.secretary).get("/").content.decode()


def test_every_page_renders_without_an_unresolved_variable(tree, client_for, client, settings):
    from config.test_settings import INVALID_MARKER

    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": INVALID_MARKER}}]
    marker = INVALID_MARKER.split("%s")[0]
    project = cultivating_project(tree.branch_a1)
    image = picture(project, tree.secretary)
    returned = services.piece_move(piece=draft(tree, project, picture_ids=[image.pk]), name="submit",
                                   actor=tree.secretary)
    returned = services.piece_return(piece=returned, actor=tree.unit_staff, comment="请修改")
    published = approved(tree, project, picture_ids=[image.pk])
    pages = {
        tree.secretary: [reverse("dissemination:piece_list", args=[project.pk]),
                         reverse("dissemination:piece_create", args=[project.pk]),
                         reverse("dissemination:piece_edit", args=[returned.pk]),
                         reverse("dissemination:piece_detail", args=[returned.pk]),
                         reverse("dissemination:video_manage", args=[project.pk])],
        tree.unit_staff: [reverse("dissemination:piece_queue"), reverse("dissemination:piece_print", args=[published.pk]),
                          reverse("dissemination:piece_detail", args=[published.pk])],
        None: [reverse("showcase:piece", args=[published.pk]), reverse("showcase:feed")],
    }
    for user, urls in pages.items():
        browser = client_for(user) if user else client
        for url in urls:
            response = browser.get(url)
            assert response.status_code == 200, url
            assert marker not in response.content.decode(), url
        client.logout()
