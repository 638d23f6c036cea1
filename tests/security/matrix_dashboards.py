"""Access matrix rows of the overview pages (dashboards) and of the dissemination pages."""

from .matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Row, expect
from .matrix_cultivation import _batch_kwargs

SIGNED_IN = expect(OK, anonymous=LOGIN)
# The batch's own 组织部 alone; to everyone else the batch's overview does not exist.
BATCH_STAFF = expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK)
BATCH_STAFF_POST = expect(NOT_FOUND, anonymous=LOGIN, org_staff=REDIRECT)
# Statistics are for the people who run branches: not for reviewers, who see their assignments only.
STATISTICS = expect(OK, anonymous=LOGIN, reviewers=FORBIDDEN)


def _video_kwargs(world, which):
    """The micro-video, agreed to publish, of an accepted project of the `which` branch (the showcase shows
    accepted ones)."""
    cache = world.__dict__.setdefault("_videos", {})
    if which not in cache:
        from pathlib import Path

        from django.core.files.uploadedfile import SimpleUploadedFile

        from cultivation.enums import ProjectState
        from cultivation.models import Project
        from dissemination.video import video_upload
        from tests.dissemination.booklet_helpers import png_bytes
        from tests.factories import cultivating_project

        project = cultivating_project(world.branch(which))
        secretary = world.tree.secretary if which == "own" else world.tree.other_secretary
        sample = Path(__file__).resolve().parents[1] / "dissemination" / "sample.mp4"
        cache[which] = video_upload(project=project, actor=secretary, title="微视频",
                                    file=SimpleUploadedFile("v.mp4", sample.read_bytes(), content_type="video/mp4"),
                                    poster=SimpleUploadedFile("封面.png", png_bytes(), content_type="image/png"))
        from dissemination.video_publication import video_move

        for name, actor in [("request", secretary), ("endorse", world.tree.staff), ("approve", world.tree.staff)]:
            cache[which] = video_move(video=cache[which], name=name, actor=actor)  # agreed to publish
        Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)  # now on the showcase
    return {"pk": cache[which].pk}


def _booklet_file_kwargs(world, which):
    """A booklet .docx the task built for the batch's 组织部 (the tree's staff)."""
    from dissemination.tasks import build_booklet

    kwargs = _batch_kwargs("harvest")(world, which)
    cache = world.__dict__.setdefault("_booklet_files", {})
    if kwargs["pk"] not in cache:
        cache[kwargs["pk"]] = build_booklet.call(kwargs["pk"], world.tree.staff.pk)
    return {**kwargs, "name": cache[kwargs["pk"]]}


ROWS = [
    Row("dashboards:home", SIGNED_IN),
    Row("dashboards:statistics", STATISTICS),
    Row("dashboards:statistics_compare", STATISTICS),
    Row("dashboards:statistics_export", STATISTICS),
    Row("dashboards:batch", own=BATCH_STAFF, foreign=BATCH_STAFF, kwargs=_batch_kwargs("cultivation")),
    Row("dashboards:batch_summary", own=BATCH_STAFF, foreign=BATCH_STAFF, kwargs=_batch_kwargs("cultivation")),
    Row("dissemination:booklet", own=BATCH_STAFF, foreign=BATCH_STAFF, kwargs=_batch_kwargs("harvest")),
    Row("dissemination:booklet_docx", own=BATCH_STAFF, foreign=BATCH_STAFF, kwargs=_batch_kwargs("harvest")),
    Row("dissemination:booklet_request", own=BATCH_STAFF_POST, foreign=BATCH_STAFF_POST, kwargs=_batch_kwargs("harvest"),
        method="post"),
    Row("dissemination:booklet_file", own=BATCH_STAFF, foreign=BATCH_STAFF, kwargs=_booklet_file_kwargs),
    # The showcase is public: anyone, signed in or not.
    Row("showcase:video", own=expect(OK), foreign=expect(OK), kwargs=_video_kwargs),
    Row("showcase:video_file", own=expect(OK), foreign=expect(OK), kwargs=_video_kwargs),
    Row("showcase:video_poster", own=expect(OK), foreign=expect(OK), kwargs=_video_kwargs),
]
