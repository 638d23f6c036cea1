from django.urls import path

from branches import converters  # noqa: F401 - registers <id:...>

from . import views

app_name = "evaluations"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("next/", views.queue_next, name="queue_next"),
    path("rounds/<id:round_pk>/projects/<id:project_pk>/score/", views.sheet, name="sheet"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("self/", views.self_list, name="self_list"),
    path("rounds/<id:round_pk>/projects/<id:project_pk>/self/", views.self_evaluation, name="self_evaluation"),
    path("results/", views.branch_results, name="branch_results"),
    path("results/export/", views.branch_results_export, name="branch_results_export"),
    path("rounds/<id:round_pk>/projects/<id:project_pk>/result/", views.branch_result, name="branch_result"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/export/", views.round_list_export, name="round_list_export"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<id:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<id:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<id:pk>/assign/", views.round_assign, name="round_assign"),
    path("rounds/<id:pk>/auto-assign/", views.round_auto_assign, name="round_auto_assign"),
    path("rounds/<id:pk>/close/", views.round_close, name="round_close"),
    path("rounds/<id:pk>/reopen/", views.round_reopen, name="round_reopen"),
    path("rounds/<id:pk>/results/", views.round_results, name="round_results"),
    path("rounds/<id:pk>/results/export/", views.round_results_export, name="round_results_export"),
    path("rounds/<id:pk>/results/<id:project_pk>/", views.result_detail, name="result_detail"),
    path("rounds/<id:pk>/publish/", views.round_publish, name="round_publish"),
    path("rounds/<id:pk>/export/", views.round_export, name="round_export"),
    path("rounds/<id:pk>/import/", views.round_import, name="round_import"),
    path("sheets/<id:pk>/reopen/", views.sheet_reopen, name="sheet_reopen"),
    path("sheets/<id:pk>/withdraw/", views.sheet_withdraw, name="sheet_withdraw"),
]
