from django.urls import path  # noqa: F401

from branches import converters  # noqa: F401 - registers <id:...>

app_name = "planning"

urlpatterns = []

# 常态化跟踪指导与表彰奖励 (planning/guidance_views.py)
from . import guidance_views  # noqa: E402

urlpatterns += [
    path("projects/<id:pk>/guidance/", guidance_views.guidance_project, name="guidance_project"),
    path("projects/<id:pk>/guidance/add/", guidance_views.guidance_add, name="guidance_add"),
    path("projects/<id:pk>/difficulties/", guidance_views.difficulty_raise, name="difficulty_raise"),
    path("difficulties/<id:pk>/<slug:name>/", guidance_views.difficulty_move, name="difficulty_move"),
    path("commendations/", guidance_views.commendation_list, name="commendation_list"),
    path("commendations/add/", guidance_views.commendation_add, name="commendation_add"),
    path("commendations/<id:pk>/publish/", guidance_views.commendation_publish, name="commendation_publish"),
    path("commendations/<id:pk>/unpublish/", guidance_views.commendation_unpublish, name="commendation_unpublish"),
    path("commendations/<id:pk>/delete/", guidance_views.commendation_delete, name="commendation_delete"),
]
