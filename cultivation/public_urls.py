"""Pages anyone may open without logging in: notices, objections, published results."""

from django.urls import path

from .views import public

app_name = "public"

urlpatterns = [
    path("notices/", public.notice_list, name="notice_list"),
    path("notices/<int:pk>/", public.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/objection/", public.objection_lodge, name="objection_lodge"),
]
