from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import appraisal_views, guidance_views, views

app_name = "planning"

urlpatterns = [
    path("taskbooks/", views.review_queue, name="review_queue"),
    path("taskbooks/export/", views.review_queue_export, name="review_queue_export"),
    path("projects/<id:pk>/taskbook/", views.project_taskbook, name="project_taskbook"),
    path("projects/<id:pk>/taskbook/start/", views.taskbook_start, name="taskbook_start"),
    path("taskbooks/<id:pk>/", views.taskbook_detail, name="taskbook_detail"),
    path("taskbooks/<id:pk>/roadmap/", views.taskbook_edit, name="taskbook_edit"),
    path("taskbooks/<id:pk>/tasks/", views.task_add, name="task_add"),
    path("taskbooks/<id:pk>/move/<slug:name>/", views.taskbook_move, name="taskbook_move"),
    path("tasks/<id:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<id:pk>/remove/", views.task_remove, name="task_remove"),
    path("reports/<id:pk>/tasks/", views.report_tasks, name="report_tasks"),
    path("projects/<id:pk>/guidance/", guidance_views.guidance_project, name="guidance_project"),
    path("projects/<id:pk>/guidance/add/", guidance_views.guidance_add, name="guidance_add"),
    path("projects/<id:pk>/difficulties/", guidance_views.difficulty_raise, name="difficulty_raise"),
    path("difficulties/<id:pk>/<slug:name>/", guidance_views.difficulty_move, name="difficulty_move"),
    path("commendations/", guidance_views.commendation_list, name="commendation_list"),
    path("commendations/export/", guidance_views.commendation_export, name="commendation_export"),
    path("commendations/add/", guidance_views.commendation_add, name="commendation_add"),
    path("commendations/<id:pk>/publish/", guidance_views.commendation_publish, name="commendation_publish"),
    path("commendations/<id:pk>/unpublish/", guidance_views.commendation_unpublish, name="commendation_unpublish"),
    path("commendations/<id:pk>/delete/", guidance_views.commendation_delete, name="commendation_delete"),
    path("appraisals/", appraisal_views.appraisal_list, name="appraisal_list"),
    path("appraisals/export/", appraisal_views.appraisal_export, name="appraisal_export"),
    path("appraisals/<id:pk>/", appraisal_views.appraisal_detail, name="appraisal_detail"),
    path("appraisals/<id:pk>/save/", appraisal_views.appraisal_save, name="appraisal_save"),
]
