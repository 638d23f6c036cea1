"""The public 成果展示平台: which projects it shows, its filters, a project's page, its pictures."""
import pytest
from django.test import override_settings
from django.urls import reverse

from cultivation.enums import ProjectState
from cultivation.models import Project
from dissemination import showcase
from tests.dissemination.showcase_helpers import showcase_world, showcased
from tests.factories import BatchFactory, BranchFactory

INDEX = "/public/showcase/"


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_index_lists_recognized_and_accepted_projects_only(client, tree):
    world = showcase_world(tree)
    html = page(client, reverse("showcase:index"))
    for project in world.shown:
        assert project.title in html and project.organization.name in html
    for project in world.hidden:
        assert project.title not in html
    assert "通过验收" in html and "培育中" in html
    assert f'src="{reverse("showcase:picture", args=[world.pictures[0].pk])}?size=small"' in html


def test_index_shows_branch_unit_batch_and_category(client, tree):
    world = showcase_world(tree, count=1)
    html = page(client, INDEX)
    project = world.shown[0]
    assert project.organization.unit.name in html and world.batch.name in html and "教学一线" in html


@pytest.mark.parametrize("params, expected", [
    ({"q": "红烛先锋1"}, ["红烛先锋1号"]),
    ({"q": "展示0党支部"}, ["红烛先锋0号"]),
    ({"category": "graduate"}, []),
])
def test_index_searches_and_filters(client, tree, params, expected):
    showcase_world(tree)
    html = page(client, INDEX, **params)
    for title in ["红烛先锋0号", "红烛先锋1号"]:
        assert (title in html) == (title in expected)
    assert "当前筛选" in html


def test_index_filters_by_batch_unit_and_year(client, tree):
    world = showcase_world(tree)
    other_batch = BatchFactory(year=2031, name="第九批培育工程")
    other, _, _ = showcased(tree, BranchFactory(name="新批党支部", parent=tree.unit_b), batch=other_batch,
                            title="新批次主题", index=7)
    html = page(client, INDEX, batch=other_batch.pk)
    assert "新批次主题" in html and "红烛先锋0号" not in html
    html = page(client, INDEX, year=world.batch.year)
    assert "新批次主题" not in html and "红烛先锋0号" in html
    html = page(client, INDEX, unit=tree.unit_b.pk)
    assert "新批次主题" in html and "红烛先锋1号" in html and "红烛先锋0号" not in html


@pytest.mark.parametrize("params", [{"batch": "abc"}, {"batch": "9" * 30}, {"batch": "999999"}, {"unit": "-1"},
                                    {"year": "二〇二〇"}, {"year": "99999999999999999999"}, {"category": "nope"},
                                    {"q": "长" * 51}, {"q": "a\x1bb"}, {"page": "x"}, {"page": "9" * 40}])
def test_index_answers_bad_filters_with_the_unfiltered_list_and_a_note(client, tree, params):
    showcase_world(tree)
    response = client.get(INDEX, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "红烛先锋0号" in html and "红烛先锋1号" in html
    if "page" not in params:
        assert "筛选条件无效，已忽略" in html


def test_index_is_paginated(client, tree):
    showcase_world(tree, count=14)  # 15 with the 培育中 one: two pages of 12
    first, second = page(client, INDEX), page(client, INDEX, page=2)
    assert first.count('data-testid="showcase-card"') == 12 and second.count('data-testid="showcase-card"') == 3
    assert "第 1 / 2 页" in first


def test_index_lists_the_latest_approved_pieces_and_the_feed(client, tree):
    from tests.dissemination.piece_helpers import approved, draft

    world = showcase_world(tree, count=1)
    piece = approved(tree, world.shown[-1], title="支部建在一线的报道")
    draft(tree, world.shown[-1], title="尚未审核的稿件")
    html = page(client, reverse("showcase:index"))
    assert reverse("showcase:piece", args=[piece.pk]) in html and "支部建在一线的报道" in html
    assert "尚未审核的稿件" not in html and reverse("showcase:feed") in html


@pytest.mark.parametrize("count", [1, 4])
def test_index_runs_constant_queries(client, tree, django_assert_num_queries, count):
    showcase_world(tree, count=count)
    # batches and units for the filters, the count, the page, its pictures, the latest pieces
    with django_assert_num_queries(6):
        html = page(client, INDEX, q="红烛")
    assert html.count('data-testid="showcase-card"') == count


def test_project_page_shows_theme_experience_outcomes_pictures(client, tree):
    world = showcase_world(tree, count=1)
    project = world.shown[0]
    html = page(client, reverse("showcase:project", args=[project.pk]))
    assert "创建主题" in html and project.title in html
    assert "典型经验" in html and "“三联三促”0" in html and "支部建在一线" in html
    assert "基层党建工作法、典型案例" in html and "工作法0" in html and "思想政治工作品牌、育人载体" in html
    assert html.index("工作法0") < html.index("育人品牌0")  # in the order of the six types
    assert reverse("showcase:picture", args=[world.pictures[0].pk]) in html and "主题党日0" in html
    assert 'data-testid="showcase-pieces"' not in html


def test_project_page_before_acceptance_shows_the_application_experience(client, tree):
    world = showcase_world(tree, count=1)
    growing = world.shown[-1]
    html = page(client, reverse("showcase:project", args=[growing.pk]))
    assert growing.experience in html and "验收材料未定稿机密" not in html and "草稿机密成果" not in html


def test_project_page_of_a_project_not_shown_is_404(client, tree):
    world = showcase_world(tree, count=1)
    for project in world.hidden:
        response = client.get(reverse("showcase:project", args=[project.pk]))
        assert response.status_code == 404 and "页面不存在" in response.content.decode()


def test_project_page_shows_the_micro_video(client, tree):
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from dissemination.video import video_upload

    world = showcase_world(tree, count=1)
    growing = world.shown[-1]  # the secretary of branch_a1 may upload while it is a cultivation target
    Project.objects.filter(pk=growing.pk).update(state=ProjectState.RECOGNIZED)
    sample = Path(__file__).parent / "sample.mp4"
    video = video_upload(project=growing, actor=tree.secretary, title="示范建设微视频",
                         file=SimpleUploadedFile("v.mp4", sample.read_bytes()))
    assert 'data-testid="micro-video"' not in page(client, reverse("showcase:project", args=[growing.pk]))
    from tests.dissemination.test_video_views import approve

    approve(video)
    html = page(client, reverse("showcase:project", args=[growing.pk]))
    assert reverse("showcase:video_file", args=[video.pk]) in html and 'data-testid="micro-video"' in html
    video_page = page(client, reverse("showcase:video", args=[video.pk]))
    assert f'data-address="http://testserver{reverse("showcase:video", args=[video.pk])}"' in video_page
    assert reverse("showcase:project", args=[growing.pk]) in video_page


def test_project_page_shows_approved_pieces_and_published_commendations(client, tree):
    import datetime

    from planning import guidance
    from tests.dissemination.piece_helpers import approved, draft

    world = showcase_world(tree, count=1)
    project = world.shown[-1]  # the 培育中 one, on the tree's branch whose secretary writes the pieces
    piece = approved(tree, project, title="支部建在一线的报道", kind="brief")
    draft(tree, project, title="尚未审核的稿件")
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    values = {"subject": "organization", "level": "province", "conferred_by": "省委教育工委",
              "awarded_on": datetime.date(2021, 7, 1), "citation": "党员先锋岗示范带动。"}
    shown_one = guidance.commendation_record(project=project, actor=tree.staff, title="先进基层党组织", **values)
    guidance.commendation_publish(commendation=shown_one, actor=tree.staff)
    guidance.commendation_record(project=project, actor=tree.staff, title="尚未发布的表彰", **values)
    html = page(client, reverse("showcase:project", args=[project.pk]))
    assert "宣传报道" in html and "支部建在一线的报道" in html and reverse("showcase:piece", args=[piece.pk]) in html
    assert "尚未审核的稿件" not in html
    assert "表彰奖励" in html and "先进基层党组织" in html and "省级" in html and "尚未发布的表彰" not in html


def test_approved_pieces_of_answers_every_project_with_none_yet(tree):
    world = showcase_world(tree, count=2)
    assert showcase.approved_pieces_of(world.shown) == {project.pk: [] for project in world.shown}


@pytest.mark.parametrize("extra", [0, 3])
def test_project_page_runs_constant_queries(client, tree, django_assert_num_queries, extra):
    from cultivation.models import Outcome
    from cultivation.reports.evidence import attachment_add
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.dissemination.booklet_helpers import png_bytes

    world = showcase_world(tree, count=1)
    project = world.shown[0]
    secretary = world.pictures[0].created_by
    Project.objects.filter(pk=project.pk).update(state=ProjectState.RECOGNIZED)
    for index in range(extra):
        Outcome.objects.create(project=project, kind="research", title=f"论文{index}", created_by=secretary)
        attachment_add(project=project, actor=secretary, file=SimpleUploadedFile("图.png", png_bytes()))
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    # the project with its branch, unit, batch, report and video; outcomes; pictures; deliverables; the
    # approved pieces; the published commendations
    with django_assert_num_queries(6):
        page(client, reverse("showcase:project", args=[project.pk]))


def test_picture_serves_showcased_images_only(client, tree):
    world = showcase_world(tree, count=1)
    response = client.get(reverse("showcase:picture", args=[world.pictures[0].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    # a draft report's photo, a PDF, the pictures of drafts, failed and withdrawn projects, an unknown id
    for attachment in world.private_files:
        assert client.get(reverse("showcase:picture", args=[attachment.pk])).status_code == 404
    assert client.get(reverse("showcase:picture", args=[999999])).status_code == 404


@override_settings(FILES_SERVED_BY_WEB_SERVER=True)
def test_picture_is_handed_to_the_web_server_when_configured(client, tree):
    world = showcase_world(tree, count=1)
    response = client.get(reverse("showcase:picture", args=[world.pictures[0].pk]))
    assert response.status_code == 200 and response["X-Accel-Redirect"].endswith(world.pictures[0].path.split("/")[-1])


def test_showcase_is_linked_from_the_public_pages_and_the_login_page(client, tree):
    for url in [reverse("public:notice_list"), reverse("login")]:
        assert f'href="{reverse("showcase:index")}"' in page(client, url)
    assert "成果展示" in page(client, reverse("login"))


def test_signed_in_users_reach_the_showcase_from_the_footer(client, tree):
    client.force_login(tree.secretary)
    html = page(client, reverse("home"))
    assert f'<a class="ms-2" href="{reverse("showcase:index")}">成果展示</a>' in html
