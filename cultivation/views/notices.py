"""组织部's side of notices: publish one for a batch, follow its objections and answer each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.exports import xlsx_response
from branches.inputs import posted_choice, query_choice, query_flag, query_id
from branches.pagination import paginate, query_without_page

from .. import notices as notice_services
from .. import exports, listings, selectors, workflow
from ..forms import NoticeCorrectForm, NoticeForm, NoticeWithdrawForm, ObjectionAnswerForm
from ..models import Batch, Notice, Objection
from ..models.notices import NoticeKind
from .common import form_errors, managed_batch_or_404, require_staff, run


def _filtered_notices(request, today):
    """The notice list's filters (?batch=, ?open=1, ?pending=1) and the notices they select: one place
    for the page and its export."""
    pk = query_id(request, "batch")
    batch = Batch.objects.managed_by(request.user).filter(pk=pk).first() if pk else None
    is_open, pending = query_flag(request, "open"), query_flag(request, "pending")
    notices = selectors.staff_notices(request.user, batch=batch, open_on=today if is_open else None, pending=pending)
    return batch, is_open, pending, notices


@login_required
def notice_list(request):
    require_staff(request.user)
    today = timezone.localdate()
    batch, is_open, pending, notices = _filtered_notices(request, today)
    return render(request, "cultivation/notice_list.html", {
        "page": paginate(request, notices), "today": today, "query": query_without_page(request),
        "filter_batch": batch, "filter_open": is_open, "filter_pending": pending})


@login_required
@require_GET
def notice_export(request):
    require_staff(request.user)
    notices = _filtered_notices(request, timezone.localdate())[3]
    return xlsx_response(name="公示", columns=exports.NOTICE_COLUMNS, items=notices, request=request)


@login_required
def notice_create(request, pk):
    require_staff(request.user)
    batch = managed_batch_or_404(request.user, pk)
    kind = (posted_choice(request, "kind", NoticeKind.values) or query_choice(request, "kind", NoticeKind.values)
            or NoticeKind.RECOGNITION)
    candidates = selectors.projects_for(request.user).filter(
        notice_services.eligible(kind), batch=batch).order_by("unit__code", "nomination_rank", "id")
    today = timezone.localdate()
    initial = {"kind": kind, "starts_on": today, "title": f"{batch.name}{NoticeKind(kind).label}",
               "projects": list(candidates) if kind == NoticeKind.RECOGNITION else []}
    form = NoticeForm(request.POST or None, projects=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = sorted(data["projects"], key=lambda p: (p.unit.code, p.nomination_rank or 0, p.pk))
        notice, ok = run(request, lambda: notice_services.notice_publish(
            batch=batch, kind=data["kind"], title=data["title"], body=data["body"], starts_on=data["starts_on"],
            contact=data["contact"], items=[(project, notice_services.item_note(data["kind"], project)) for project in chosen],
            actor=request.user), success=None)
        if ok:
            messages.success(request, f"已发布公示，公示期 {notice.starts_on:%Y年%m月%d日} 至 {notice.ends_on:%Y年%m月%d日}")
            return redirect("cultivation:notice_detail", pk=notice.pk)
    return render(request, "cultivation/notice_form.html", {
        "batch": batch, "form": form, "kind": kind, "kinds": NoticeKind.choices,
        "working_days": batch.notice_working_days})


def staff_notice_or_404(user, pk):
    """The notice, for 组织部 staff who run its batch (Notice.objects.managed_by); 404 for the rest."""
    require_staff(user)
    notice = Notice.objects.managed_by(user).select_related("batch__owner", "published_by").filter(pk=pk).first()
    if notice is None:
        access.refuse(user, f"notice {pk}")
    return notice


@login_required
def notice_detail(request, pk):
    notice = staff_notice_or_404(request.user, pk)
    objections = list(selectors.notice_objections(notice))
    items = selectors.notice_items(notice)
    return render(request, "cultivation/notice_detail.html", {
        "notice": notice, "items": items, "objections": objections,
        "revisions": selectors.notice_revisions(notice),
        "answer_form": ObjectionAnswerForm(), "withdraw_form": NoticeWithdrawForm(), "today": timezone.localdate(),
        "status": notice.status_on(timezone.localdate()),
        "recognition_wait": workflow.notice_wait([notice], timezone.localdate())
        if notice.kind == NoticeKind.RECOGNITION and not notice.withdrawn_at else ""})


@login_required
@require_GET
def objection_list(request):
    """Objections across the notices the user runs, to follow those still unanswered in one place."""
    require_staff(request.user)
    listing = listings.objections(request.user, request.GET)
    return render(request, "cultivation/objection_list.html", {
        "form": listing.form, "page": paginate(request, listing.items), "query": query_without_page(request)})


@login_required
@require_GET
def objection_list_export(request):
    require_staff(request.user)
    listing = listings.objections(request.user, request.GET)
    return xlsx_response(name="公示异议", title="异议", columns=exports.OBJECTION_LIST_COLUMNS, items=listing.items,
                         request=request)


@login_required
@require_GET
def objection_export(request, pk):
    notice = staff_notice_or_404(request.user, pk)
    return xlsx_response(name=f"异议-{notice.title}", title="异议", columns=exports.OBJECTION_COLUMNS,
                         items=selectors.notice_objections(notice), request=request)


@login_required
@require_POST
def notice_withdraw(request, pk):
    notice = staff_notice_or_404(request.user, pk)
    form = NoticeWithdrawForm(request.POST)
    if form.is_valid():
        run(request, lambda: notice_services.notice_withdraw(notice=notice, actor=request.user,
                                                             reason=form.cleaned_data["reason"]),
            success="公示已撤销，公开页面将注明撤销日期和理由")
    else:
        messages.error(request, form_errors(form))
    return redirect("cultivation:notice_detail", pk=notice.pk)


@login_required
def notice_correct(request, pk):
    notice = staff_notice_or_404(request.user, pk)
    if notice.is_withdrawn:
        messages.error(request, "该公示已撤销，不能再更正")
        return redirect("cultivation:notice_detail", pk=notice.pk)
    items = selectors.notice_items(notice)
    form = NoticeCorrectForm(request.POST or None, items=items, initial={
        "title": notice.title, "body": notice.body, "contact": notice.contact})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _, ok = run(request, lambda: notice_services.notice_correct(
            notice=notice, actor=request.user, reason=data["reason"], title=data["title"], body=data["body"],
            contact=data["contact"], remove=list(data["remove"])), success="公示已更正，公开页面将注明更正日期和理由")
        if ok:
            return redirect("cultivation:notice_detail", pk=notice.pk)
    return render(request, "cultivation/notice_correct.html", {"notice": notice, "form": form})


@login_required
@require_POST
def objection_answer(request, pk):
    require_staff(request.user)
    objection = Objection.objects.filter(notice__in=Notice.objects.managed_by(request.user)).select_related(
        "notice").filter(pk=pk).first()
    if objection is None:
        access.refuse(request.user, f"objection {pk}")
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        run(request, lambda: notice_services.objection_answer(objection=objection, actor=request.user,
                                                              **form.cleaned_data), success="已记录异议处理情况")
    else:
        messages.error(request, form_errors(form))
    return redirect(f"/cultivation/notices/{objection.notice_id}/#objection-{objection.pk}")
