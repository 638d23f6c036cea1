from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import booklet_views

app_name = "dissemination"

urlpatterns = [
    path("batches/<id:pk>/booklet/", booklet_views.booklet_print, name="booklet"),
    path("batches/<id:pk>/booklet.docx", booklet_views.booklet_download, name="booklet_docx"),
    path("batches/<id:pk>/booklet/word/", booklet_views.booklet_request, name="booklet_request"),
    path("batches/<id:pk>/booklet/word/<slug:name>.docx", booklet_views.booklet_file, name="booklet_file"),
]
