"""The overview (/dashboards/): one section per role the user holds; and a 组织部's dashboard of one batch."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from branches import access

from . import batch_dashboard, roles, summary


@login_required
@require_GET
def home(request):
    user = request.user
    if not (user.is_superuser or access.roles(user)):
        access.refuse(user, "dashboards", not_found=False)
    today = timezone.localdate()
    return render(request, "dashboards/home.html", {"today": today, **roles.sections(user, today)})


@login_required
@require_GET
def batch(request, pk):
    found = summary.managed_batch(request.user, pk)
    if found is None:
        access.refuse(request.user, f"batch dashboard {pk}")
    today = timezone.localdate()
    return render(request, "dashboards/batch.html", batch_dashboard.batch_dashboard(request.user, found, today=today))
