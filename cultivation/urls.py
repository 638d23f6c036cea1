from django.urls import path

from .views import batches, notices, projects, reviews, selection

app_name = "cultivation"

urlpatterns = [
    path("batches/", batches.batch_list, name="batch_list"),
    path("batches/new/", batches.batch_create, name="batch_create"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/edit/", batches.batch_edit, name="batch_edit"),
    path("batches/<int:pk>/quotas/", batches.batch_quota, name="batch_quota"),
    path("batches/<int:pk>/apply/", projects.project_start, name="project_start"),
    path("batches/<int:pk>/nominations/", selection.nominations, name="nominations"),
    path("batches/<int:pk>/screening/", selection.screening, name="screening"),
    path("batches/<int:pk>/compare/", selection.compare, name="compare"),
    path("batches/<int:pk>/notices/new/", notices.notice_create, name="notice_create"),
    path("projects/", projects.project_list, name="project_list"),
    path("projects/<int:pk>/", projects.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/move/<str:name>/", projects.project_move, name="project_move"),
    path("projects/<int:pk>/recommend/", projects.project_recommend, name="project_recommend"),
    path("projects/<int:pk>/screen/", projects.project_screen, name="project_screen"),
    path("projects/<int:pk>/extend/", projects.project_extend, name="project_extend"),
    path("projects/<int:pk>/midterm/", reviews.midterm_edit, name="midterm_edit"),
    path("projects/<int:pk>/final/", reviews.final_edit, name="final_edit"),
    path("projects/<int:pk>/deliverables/", reviews.deliverable_add, name="deliverable_add"),
    path("projects/<int:pk>/attachments/", reviews.attachment_add, name="attachment_add"),
    path("projects/<int:pk>/feedback/", reviews.feedback_add, name="feedback_add"),
    path("projects/<int:pk>/acceptance/", reviews.acceptance_edit, name="acceptance_edit"),
    path("deliverables/<int:pk>/delete/", reviews.deliverable_delete, name="deliverable_delete"),
    path("attachments/<int:pk>/", reviews.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", reviews.attachment_delete, name="attachment_delete"),
    path("feedback/<int:pk>/respond/", reviews.feedback_respond, name="feedback_respond"),
    path("feedback/<int:pk>/verify/", reviews.feedback_verify, name="feedback_verify"),
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/withdraw/", notices.notice_withdraw, name="notice_withdraw"),
    path("notices/<int:pk>/correct/", notices.notice_correct, name="notice_correct"),
    path("objections/<int:pk>/answer/", notices.objection_answer, name="objection_answer"),
]

from . import report_urls  # noqa: E402 - progress reports, evidence, funding and the inbox

urlpatterns += report_urls.urlpatterns
