"""Public pages of the micro-video: anyone may watch the video of a showcased project (dissemination.showcase)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .showcase import SHOWCASED_STATES
from .video import MicroVideo, serve_video


def _showcased(pk):
    return get_object_or_404(MicroVideo.objects.select_related("project__organization", "project__batch"),
                             pk=pk, project__state__in=SHOWCASED_STATES)


@require_GET
def video_page(request, pk):
    video = _showcased(pk)
    return render(request, "dissemination/video_detail.html", {"video": video, "project": video.project})


@require_GET
def video_file(request, pk):
    return serve_video(request, _showcased(pk))
