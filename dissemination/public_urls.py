"""The showcase (成果展示): pages anyone may open without logging in."""

from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import piece_public, showcase_views, video_views

app_name = "showcase"

urlpatterns = [
    path("", showcase_views.index, name="index"),
    path("projects/<id:pk>/", showcase_views.project_page, name="project"),
    path("batches/<id:pk>/booklet/", showcase_views.booklet, name="booklet"),
    path("pictures/<id:pk>/", showcase_views.picture, name="picture"),
    path("videos/<id:pk>/", video_views.video_page, name="video"),
    path("videos/<id:pk>/file.mp4", video_views.video_file, name="video_file"),
    path("videos/<id:pk>/poster/", video_views.video_poster, name="video_poster"),
    path("pieces/<id:pk>/", piece_public.piece_page, name="piece"),
    path("pieces/<id:pk>/pictures/<id:picture>/", piece_public.piece_picture, name="piece_picture"),
    path("feed.atom", piece_public.PieceFeed(), name="feed"),
]
