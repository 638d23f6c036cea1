from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import booklet_views, piece_views

app_name = "dissemination"

urlpatterns = [
    path("batches/<id:pk>/booklet/", booklet_views.booklet_print, name="booklet"),
    path("batches/<id:pk>/booklet.docx", booklet_views.booklet_download, name="booklet_docx"),
    path("batches/<id:pk>/booklet/word/", booklet_views.booklet_request, name="booklet_request"),
    path("batches/<id:pk>/booklet/word/<slug:name>.docx", booklet_views.booklet_file, name="booklet_file"),
    path("projects/<id:pk>/pieces/", piece_views.piece_list, name="piece_list"),
    path("projects/<id:pk>/pieces/new/", piece_views.piece_create, name="piece_create"),
    path("projects/<id:pk>/video/", piece_views.video_manage, name="video_manage"),
    path("projects/<id:pk>/video/link/", piece_views.video_link_set, name="video_link"),
    path("projects/<id:pk>/video/file.mp4", piece_views.video_stream, name="video_stream"),
    path("projects/<id:pk>/video/publication/<slug:name>/", piece_views.video_publication_move,
         name="video_publication"),
    path("pieces/review/", piece_views.piece_queue, name="piece_queue"),
    path("pieces/review/export/", piece_views.piece_queue_export, name="piece_queue_export"),
    path("pieces/<id:pk>/", piece_views.piece_detail, name="piece_detail"),
    path("pieces/<id:pk>/edit/", piece_views.piece_edit, name="piece_edit"),
    path("pieces/<id:pk>/move/<slug:name>/", piece_views.piece_move, name="piece_move"),
    path("pieces/<id:pk>/print/", piece_views.piece_print, name="piece_print"),
]
