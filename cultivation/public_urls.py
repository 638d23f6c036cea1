"""Pages anyone may open without logging in: notices, objections, published results."""

from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from .views import public

app_name = "public"

urlpatterns = [
    path("notices/", public.notice_list, name="notice_list"),
    path("notices/<id:pk>/", public.notice_detail, name="notice_detail"),
    path("notices/<id:pk>/objection/", public.objection_lodge, name="objection_lodge"),
]
