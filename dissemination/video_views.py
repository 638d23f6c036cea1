"""Public pages of the micro-video: anyone may watch the video of a showcased project once the 二级党组织 and
the 组织部 agreed to publish it (dissemination.showcase.public_videos)."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET, require_safe

from branches.uploads import inline_image_response

from .showcase import public_videos
from .video import serve_video


def _showcased(pk):
    """A video agreed to publish, of a showcased project; any other is not found."""
    return get_object_or_404(public_videos().select_related("project__organization", "project__batch"), pk=pk)


@require_GET
def video_page(request, pk):
    video = _showcased(pk)
    return render(request, "dissemination/video_detail.html", {"video": video, "project": video.project})


@require_safe  # HEAD too: players and download managers ask the size first
def video_file(request, pk):
    return serve_video(request, _showcased(pk))


@require_GET
def video_poster(request, pk):
    """The poster frame the branch uploaded with the video, shown before it plays."""
    video = _showcased(pk)
    if not video.poster_path:
        raise Http404("该视频没有封面")
    return inline_image_response(video.poster_path, content_type=video.poster_content_type)
