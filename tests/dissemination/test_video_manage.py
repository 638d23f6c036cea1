"""The secretary's micro-video page: upload or replace the MP4 (checked by content), or set an https link."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dissemination.video import NOT_VIDEO, MicroVideo
from tests.factories import ProjectFactory, cultivating_project

pytestmark = pytest.mark.django_db
SAMPLE = Path(__file__).with_name("sample.mp4")


def test_secretary_uploads_then_replaces_the_sample_mp4(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    client = client_for(tree.secretary)
    url = reverse("dissemination:video_manage", args=[project.pk])
    assert "尚未上传" in client.get(url).content.decode()
    response = client.post(url, {"title": "红烛先锋", "file": SimpleUploadedFile("v.mp4", SAMPLE.read_bytes())})
    assert response.status_code == 302
    video = MicroVideo.objects.get(project=project)
    assert video.title == "红烛先锋" and video.size == SAMPLE.stat().st_size
    client.post(url, {"title": "新版", "file": SimpleUploadedFile("v2.mp4", SAMPLE.read_bytes())})
    assert MicroVideo.objects.get(project=project).title == "新版" and MicroVideo.objects.count() == 1
    assert "新版" in client.get(url).content.decode()


def test_renamed_text_file_is_refused_in_chinese_and_nothing_is_stored(tree, client_for, media_root):
    project = cultivating_project(tree.branch_a1)
    response = client_for(tree.secretary).post(reverse("dissemination:video_manage", args=[project.pk]), {
        "title": "微视频", "file": SimpleUploadedFile("视频.mp4", "这是一段文字，不是视频。".encode() * 20)})
    assert response.status_code == 200 and NOT_VIDEO in response.content.decode()
    assert not MicroVideo.objects.exists()
    assert not [p for p in Path(media_root).rglob("*") if p.is_file()] if Path(media_root).exists() else True


def test_missing_title_and_file_are_refused(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    page = client_for(tree.secretary).post(reverse("dissemination:video_manage", args=[project.pk]), {}).content.decode()
    assert "请填写视频标题" in page and "请选择要上传的视频文件" in page


def test_external_link_must_be_https(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    client = client_for(tree.secretary)
    url = reverse("dissemination:video_link", args=[project.pk])
    page = client.post(url, {"title": "微视频", "url": "http://example.com/v"}).content.decode()
    assert "须是以 https:// 开头" in page and not MicroVideo.objects.exists()
    page = client.post(url, {"title": "微视频", "url": "javascript:alert(1)"}).content.decode()
    assert "须是以 https:// 开头" in page and not MicroVideo.objects.exists()
    response = client.post(url, {"title": "微视频", "url": "https://www.xuexi.cn/video/1.html"})
    assert response.status_code == 302
    video = MicroVideo.objects.get()
    assert video.external_url == "https://www.xuexi.cn/video/1.html" and not video.is_file


def test_project_not_yet_cultivated_is_refused(tree, client_for):
    project = ProjectFactory(organization=tree.branch_a1)
    response = client_for(tree.secretary).post(reverse("dissemination:video_manage", args=[project.pk]), {
        "title": "微视频", "file": SimpleUploadedFile("v.mp4", SAMPLE.read_bytes())})
    assert "尚未确定为培育对象" in response.content.decode() and not MicroVideo.objects.exists()


def test_others_may_not_open_the_page(tree, client_for):
    project = cultivating_project(tree.branch_a1)
    url = reverse("dissemination:video_manage", args=[project.pk])
    assert client_for(tree.other_secretary).get(url).status_code == 404
    # The 二级党组织 reviews the video on this page, but only the secretary uploads.
    assert client_for(tree.unit_staff).get(url).status_code == 200
    assert client_for(tree.unit_staff).post(url, {"title": "x"}).status_code == 403
    assert client_for(tree.staff).post(reverse("dissemination:video_link", args=[project.pk]),
                                       {"title": "x", "url": "https://a.cn/"}).status_code == 403
