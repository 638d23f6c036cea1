"""Pages anyone may open without logging in: notices, objections, published results."""

from django.urls import path  # noqa: F401

app_name = "public"

urlpatterns = []
