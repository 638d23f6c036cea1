"""The inbox. A notification of someone else answers 404, as if it did not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.inputs import posted_text, query_flag
from branches.pagination import paginate, query_without_page

from . import selectors, services
from .models import Notification


@login_required
@require_GET
def inbox_list(request):
    unread_only = query_flag(request, "unread")
    page = paginate(request, selectors.inbox(request.user, unread_only=unread_only))
    return render(request, "notifications/notification_list.html", {
        "page": page, "query": query_without_page(request), "unread_only": unread_only,
    })


@login_required
@require_POST
def inbox_read(request, pk):
    notification = Notification.objects.filter(pk=pk, user=request.user).first()
    if notification is None:
        access.refuse(request.user, f"notification {pk}")
    services.notification_read(notification=notification, user=request.user)
    target = notification.url
    # Only a link into this site is followed, so a notification cannot send anyone elsewhere.
    if posted_text(request, "open") and target and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("notifications:inbox_list")


@login_required
@require_POST
def inbox_read_all(request):
    count = services.notifications_read_all(user=request.user)
    messages.success(request, f"已将 {count} 条通知标为已读" if count else "没有未读通知")
    return redirect("notifications:inbox_list")
