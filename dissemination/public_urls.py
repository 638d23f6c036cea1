"""The showcase (成果展示): pages anyone may open without logging in."""

from django.urls import path  # noqa: F401

from branches import converters  # noqa: F401 - registers <id:...>

app_name = "showcase"

urlpatterns = []
