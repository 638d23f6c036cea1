"""组织部's side of notices: publish one for a batch, follow its objections and answer each."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from branches import access
from branches.pagination import paginate

from .. import notices as notice_services
from .. import selectors
from ..enums import Grade
from ..forms import NoticeForm, ObjectionAnswerForm
from ..models import Notice, Objection
from ..models.notices import NoticeKind
from .common import batch_or_404, form_errors, require_staff, run


@login_required
def notice_list(request):
    require_staff(request.user)
    return render(request, "cultivation/notice_list.html", {
        "page": paginate(request, selectors.staff_notices(request.user)), "today": timezone.localdate()})


def item_note(kind, project):
    """What a results notice says of each project: its grade."""
    if kind == NoticeKind.MIDTERM and project.midterm_grade:
        return f"中期评估：{Grade(project.midterm_grade).label}"
    if kind == NoticeKind.ACCEPTANCE and project.final_grade:
        return f"验收等次：{Grade(project.final_grade).label}"
    return ""


@login_required
def notice_create(request, pk):
    require_staff(request.user)
    batch = batch_or_404(request.user, pk)
    kind = request.POST.get("kind") or request.GET.get("kind") or NoticeKind.RECOGNITION
    if kind not in NoticeKind.values:
        kind = NoticeKind.RECOGNITION
    candidates = selectors.projects_for(request.user).filter(
        batch=batch, state__in=notice_services.NOTICE_STATES[kind]).order_by("unit__code", "nomination_rank", "id")
    today = timezone.localdate()
    initial = {"kind": kind, "starts_on": today, "title": f"{batch.name}{NoticeKind(kind).label}",
               "projects": list(candidates) if kind == NoticeKind.RECOGNITION else []}
    form = NoticeForm(request.POST or None, projects=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = sorted(data["projects"], key=lambda p: (p.unit.code, p.nomination_rank or 0, p.pk))
        notice, ok = run(request, lambda: notice_services.notice_publish(
            batch=batch, kind=data["kind"], title=data["title"], body=data["body"], starts_on=data["starts_on"],
            contact=data["contact"], items=[(project, item_note(data["kind"], project)) for project in chosen],
            actor=request.user), success=None)
        if ok:
            messages.success(request, f"已发布公示，公示期 {notice.starts_on:%Y年%m月%d日} 至 {notice.ends_on:%Y年%m月%d日}")
            return redirect("cultivation:notice_detail", pk=notice.pk)
    return render(request, "cultivation/notice_form.html", {
        "batch": batch, "form": form, "kind": kind, "kinds": NoticeKind.choices,
        "working_days": batch.notice_working_days})


@login_required
def notice_detail(request, pk):
    require_staff(request.user)
    notice = Notice.objects.select_related("batch", "published_by").filter(pk=pk).first()
    if notice is None:
        access.refuse(request.user, f"notice {pk}")
    objections = list(selectors.notice_objections(notice))
    return render(request, "cultivation/notice_detail.html", {
        "notice": notice, "items": selectors.notice_items(notice), "objections": objections,
        "answer_form": ObjectionAnswerForm(), "today": timezone.localdate(),
        "status": notice.status_on(timezone.localdate())})


@login_required
@require_POST
def objection_answer(request, pk):
    require_staff(request.user)
    objection = Objection.objects.select_related("notice").filter(pk=pk).first()
    if objection is None:
        access.refuse(request.user, f"objection {pk}")
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        run(request, lambda: notice_services.objection_answer(objection=objection, actor=request.user,
                                                              **form.cleaned_data), success="已记录异议处理情况")
    else:
        messages.error(request, form_errors(form))
    return redirect(f"/cultivation/notices/{objection.notice_id}/#objection-{objection.pk}")
