from django.urls import path  # noqa: F401

from branches import converters  # noqa: F401 - registers <id:...>

app_name = "dashboards"

urlpatterns = []
