"""The micro-video plays and seeks in Chromium: the seek needs the server's Range answers."""
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from cultivation.enums import ProjectState
from cultivation.models import Project
from dissemination.video import video_upload
from dissemination.video_publication import video_move
from tests.factories import Tree, cultivating_project

SAMPLE = Path(__file__).parent.parent / "dissemination" / "sample.mp4"


def test_video_plays_and_seeks(transactional_db, new_page):
    tree = Tree()
    project = cultivating_project(tree.branch_a1)
    video = video_upload(project=project, actor=tree.secretary, title="示范建设微视频",
                         file=SimpleUploadedFile("v.mp4", SAMPLE.read_bytes()))
    for name in ("request", "endorse", "approve"):  # agreed to publish: the public page plays it
        video = video_move(video=video, name=name, actor=tree.secretary if name == "request" else tree.staff)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    page = new_page()
    page.goto(f"/public/showcase/videos/{video.pk}/")
    player = page.locator("[data-testid=micro-video]")
    duration = player.evaluate("v => v.readyState >= 1 ? v.duration : new Promise(r => "
                               "v.addEventListener('loadedmetadata', () => r(v.duration), {once: true}))")
    assert duration > 3
    moved = player.evaluate("v => new Promise(r => { v.addEventListener('seeked', () => r(v.currentTime), "
                            "{once: true}); v.currentTime = 3; })")
    assert moved >= 2.5
    assert player.evaluate("v => v.play().then(() => !v.paused)")
