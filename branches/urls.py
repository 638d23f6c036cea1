from django.urls import path

from . import converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "branches"

urlpatterns = [
    path("", views.organization_list, name="organization_list"),
    path("<id:pk>/", views.organization_detail, name="organization_detail"),
    path("<id:pk>/declare/", views.organization_declare, name="organization_declare"),
    path("roster/template/", views.roster_template, name="roster_template"),
    path("roster/export/", views.roster_export, name="roster_export"),
    path("roster/import/", views.roster_import, name="roster_import"),
    path("events/", views.event_list, name="event_list"),
    path("events/export/", views.event_export, name="event_export"),
    path("exports/<slug:name>.xlsx", views.export_file, name="export_file"),
]
