from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "planning"

urlpatterns = [
    path("taskbooks/", views.review_queue, name="review_queue"),
    path("projects/<id:pk>/taskbook/", views.project_taskbook, name="project_taskbook"),
    path("projects/<id:pk>/taskbook/start/", views.taskbook_start, name="taskbook_start"),
    path("taskbooks/<id:pk>/", views.taskbook_detail, name="taskbook_detail"),
    path("taskbooks/<id:pk>/roadmap/", views.taskbook_edit, name="taskbook_edit"),
    path("taskbooks/<id:pk>/tasks/", views.task_add, name="task_add"),
    path("taskbooks/<id:pk>/move/<slug:name>/", views.taskbook_move, name="taskbook_move"),
    path("tasks/<id:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<id:pk>/remove/", views.task_remove, name="task_remove"),
    path("reports/<id:pk>/tasks/", views.report_tasks, name="report_tasks"),
]
