from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox_list, name="inbox_list"),
    path("<id:pk>/read/", views.inbox_read, name="inbox_read"),
    path("read-all/", views.inbox_read_all, name="inbox_read_all"),
]
