from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import statistics_views, views

app_name = "dashboards"

urlpatterns = [
    path("", views.home, name="home"),
    path("batches/<id:pk>/", views.batch, name="batch"),
    path("statistics/", statistics_views.statistics_page, name="statistics"),
    path("statistics/export/", statistics_views.statistics_export, name="statistics_export"),
    path("statistics/compare/", statistics_views.statistics_compare, name="statistics_compare"),
    path("batches/<id:pk>/summary/", statistics_views.batch_summary, name="batch_summary"),
]
