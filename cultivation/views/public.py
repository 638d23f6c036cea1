"""Pages for anyone, without logging in: the notices, and objections lodged under real name."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from branches.clients import client_address
from branches.pagination import paginate
from transitions.refusals import MoveRefused

from .. import challenge as challenges
from .. import notices as notice_services
from .. import selectors
from ..forms import ObjectionForm
from ..models import Notice


def public_notice(pk, today):
    """A notice whose period has begun; a scheduled one stays unknown until its first day."""
    notice = Notice.objects.select_related("batch__owner").filter(pk=pk, starts_on__lte=today).first()
    if notice is None:
        raise Http404("未找到该公示")
    return notice


def notice_list(request):
    today = timezone.localdate()
    page = paginate(request, selectors.public_notices(today))
    for notice in page:
        notice.status = notice.status_on(today)
    return render(request, "public/notice_list.html", {"page": page, "today": today})


def _detail(request, notice, form, today, status=200):
    return render(request, "public/notice_detail.html", {
        "notice": notice, "items": selectors.notice_items(notice), "form": form, "today": today,
        "revisions": selectors.notice_revisions(notice), "status": notice.status_on(today)}, status=status)


def notice_detail(request, pk):
    today = timezone.localdate()
    notice = public_notice(pk, today)
    form = ObjectionForm(items=selectors.notice_items(notice), challenge=challenges.issue())
    return _detail(request, notice, form, today)


def posted_challenge(request):
    """The question the visitor answered, while it is still good; else a new one to ask."""
    return challenges.usable(request.POST.get("challenge")) or challenges.issue()


@require_POST
def objection_lodge(request, pk):
    today = timezone.localdate()
    notice = public_notice(pk, today)
    form = ObjectionForm(request.POST, items=selectors.notice_items(notice), challenge=posted_challenge(request))
    if form.is_valid():
        try:
            notice_services.objection_lodge(notice=notice, source=client_address(request), today=today,
                                            **form.objection_fields())
        except MoveRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, "您的异议已提交，党委组织部将核实处理并与您联系。")
            return redirect("public:notice_detail", pk=notice.pk)
    return _detail(request, notice, form, today, status=400)
