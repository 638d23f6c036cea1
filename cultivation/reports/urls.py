"""URLs of progress reports, evidence and funding; appended to cultivation/urls.py (namespace
`cultivation`). Names start with report_ or spending_."""

from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/export/", views.report_export, name="report_export"),
    path("funding/", views.funding_list, name="funding_list"),
    path("funding/export/", views.funding_export, name="funding_export"),
    path("reports/<id:pk>/", views.report_detail, name="report_detail"),
    path("reports/<id:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<id:pk>/move/<slug:name>/", views.report_move, name="report_move"),
    path("reports/attachments/<id:pk>/", views.attachment_download, name="report_attachment_download"),
    path("reports/attachments/<id:pk>/preview/", views.attachment_preview, name="report_attachment_preview"),
    path("reports/attachments/<id:pk>/publication/<slug:name>/", views.attachment_publication,
         name="report_attachment_publication"),
    path("projects/<id:pk>/reports/", views.report_project, name="report_project"),
    path("projects/<id:pk>/reports/start/", views.report_start, name="report_start"),
    path("projects/<id:pk>/reports/milestones/", views.milestone_add, name="report_milestone_add"),
    path("projects/<id:pk>/reports/attachments/", views.attachment_upload, name="report_attachment_upload"),
    path("projects/<id:pk>/reports/evidence/<slug:kind>/", views.evidence_add, name="report_evidence_add"),
    path("projects/<id:pk>/reports/evidence/<slug:kind>/<id:item>/delete/", views.evidence_delete,
         name="report_evidence_delete"),
    path("activities/<id:pk>/allocation/", views.spending_allocate, name="spending_allocate"),
    path("activities/<id:pk>/spending/", views.spending_add, name="spending_add"),
]
