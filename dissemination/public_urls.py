"""The showcase (成果展示): pages anyone may open without logging in."""

from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import showcase_views, video_views

app_name = "showcase"

urlpatterns = [
    path("", showcase_views.index, name="index"),
    path("projects/<id:pk>/", showcase_views.project_page, name="project"),
    path("pictures/<id:pk>/", showcase_views.picture, name="picture"),
    path("videos/<id:pk>/", video_views.video_page, name="video"),
    path("videos/<id:pk>/file.mp4", video_views.video_file, name="video_file"),
]
