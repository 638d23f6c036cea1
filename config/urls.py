from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from branches import campus, signin
from branches import views as branch_views
from notifications import metrics

admin.site.site_header = "样板党支部培育管理系统"
admin.site.site_title = "样板党支部培育管理系统"
admin.site.index_title = "后台管理"


def _administrators_only(request):
    # The admin lists every school's rows unscoped, so it is for the system's administrators (superusers)
    # alone; 组织部 staff of a school or a province work in the app's pages, which are scoped to their tree.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _administrators_only

urlpatterns = [
    path("", branch_views.home, name="home"),
    path("healthz", branch_views.healthz, name="healthz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", branch_views.favicon, name="favicon"),
    path("login/", campus.login, name="login"),
    path("login/local/", campus.local_login, name="login_local"),
    path("logout/", campus.logout, name="logout"),
    path("password/", signin.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("organizations/", include("branches.urls")),
    path("cultivation/", include("cultivation.urls")),
    path("evaluations/", include("evaluations.urls")),
    path("inbox/", include("notifications.urls")),
    path("planning/", include("planning.urls")),
    path("dissemination/", include("dissemination.urls")),
    path("dashboards/", include("dashboards.urls")),
    path("public/showcase/", include("dissemination.public_urls")),
    path("public/", include("cultivation.public_urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_FLOOR:
    urlpatterns.append(path("bench/", include("bench.urls")))

handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "django.views.defaults.server_error"
