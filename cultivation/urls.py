from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from .views import batches, notices, projects, reviews, selection

app_name = "cultivation"

urlpatterns = [
    path("batches/", batches.batch_list, name="batch_list"),
    path("batches/export/", batches.batch_export, name="batch_export"),
    path("batches/new/", batches.batch_create, name="batch_create"),
    path("batches/<id:pk>/", batches.batch_detail, name="batch_detail"),
    path("batches/<id:pk>/edit/", batches.batch_edit, name="batch_edit"),
    path("batches/<id:pk>/quotas/", batches.batch_quota, name="batch_quota"),
    path("batches/<id:pk>/apply/", projects.project_start, name="project_start"),
    path("batches/<id:pk>/recommend/", batches.recommend_up, name="recommend_up"),
    path("batches/<id:pk>/nominations/", selection.nominations, name="nominations"),
    path("batches/<id:pk>/nominations/export/", selection.nominations_export, name="nominations_export"),
    path("batches/<id:pk>/screening/", selection.screening, name="screening"),
    path("batches/<id:pk>/screening/export/", selection.screening_export, name="screening_export"),
    path("batches/<id:pk>/compare/", selection.compare, name="compare"),
    path("batches/<id:pk>/notices/new/", notices.notice_create, name="notice_create"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/export/", projects.project_export, name="project_export"),
    path("projects/<id:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<id:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<id:pk>/move/<str:name>/", projects.project_move, name="project_move"),
    path("projects/<id:pk>/recommend/", projects.project_recommend, name="project_recommend"),
    path("projects/<id:pk>/screen/", projects.project_screen, name="project_screen"),
    path("projects/<id:pk>/extend/", projects.project_extend, name="project_extend"),
    path("projects/<id:pk>/midterm/", reviews.midterm_edit, name="midterm_edit"),
    path("projects/<id:pk>/final/", reviews.final_edit, name="final_edit"),
    path("projects/<id:pk>/deliverables/", reviews.deliverable_add, name="deliverable_add"),
    path("projects/<id:pk>/attachments/", reviews.attachment_add, name="attachment_add"),
    path("projects/<id:pk>/feedback/", reviews.feedback_add, name="feedback_add"),
    path("projects/<id:pk>/acceptance/", reviews.acceptance_edit, name="acceptance_edit"),
    path("deliverables/<id:pk>/delete/", reviews.deliverable_delete, name="deliverable_delete"),
    path("attachments/<id:pk>/", reviews.attachment_download, name="attachment_download"),
    path("attachments/<id:pk>/delete/", reviews.attachment_delete, name="attachment_delete"),
    path("feedback/<id:pk>/respond/", reviews.feedback_respond, name="feedback_respond"),
    path("feedback/<id:pk>/verify/", reviews.feedback_verify, name="feedback_verify"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/export/", notices.notice_export, name="notice_export"),
    path("notices/<id:pk>/objections/export/", notices.objection_export, name="objection_export"),
    path("notices/<id:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<id:pk>/withdraw/", notices.notice_withdraw, name="notice_withdraw"),
    path("notices/<id:pk>/correct/", notices.notice_correct, name="notice_correct"),
    path("objections/", notices.objection_list, name="objection_list"),
    path("objections/export/", notices.objection_list_export, name="objection_list_export"),
    path("objections/<id:pk>/answer/", notices.objection_answer, name="objection_answer"),
]

from .reports import urls as report_urls  # noqa: E402 - progress reports, evidence and funding

urlpatterns += report_urls.urlpatterns
