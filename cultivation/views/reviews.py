"""中期评估 and 收获推广 pages: the branch's materials, the school's feedback and acceptance record."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from branches import access
from branches.uploads import attachment_response

from .. import services
from ..enums import Actor
from ..forms import (AcceptanceForm, AttachmentForm, DeliverableForm, FeedbackForm, FeedbackResponseForm,
                     FeedbackVerifyForm, FinalReportForm, MidtermReportForm)
from ..models import AcceptanceRecord, FeedbackItem, FinalDeliverable, FinalReport, MidtermReport, Project, ReviewAttachment
from .common import form_errors, project_or_404, project_panels, require_roles, run, to_project


def _owned(model, user, pk, *, readable=False):
    """A row hanging off a project, found only through the projects the user may see."""
    projects = Project.objects.readable_by(user) if readable else Project.objects.visible_to(user)
    row = model.objects.select_related("project__organization", "project__batch").filter(
        pk=pk, project__in=projects.values("pk")).first()
    if row is None:
        access.refuse(user, f"{model.__name__} {pk}")
    return row


@login_required
def midterm_edit(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SECRETARY})
    report = MidtermReport.objects.filter(project=project).first()
    initial = {"version": project.version, "summary": report.summary if report else "",
               "outcome_report": report.outcome_report if report else ""}
    form = MidtermReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _, ok = run(request, lambda: services.midterm_report_save(
            project=project, actor=request.user, summary=data["summary"], outcome_report=data["outcome_report"],
            expected_version=data["version"]), success="已保存中期材料；齐全后请在项目页提交")
        if ok:
            return to_project(project, "midterm")
    return render(request, "cultivation/midterm_form.html", {"project": project, "form": form,
                                                             "panels": project_panels(request, project)})


@login_required
def final_edit(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SECRETARY})
    report = FinalReport.objects.filter(project=project).first()
    form = FinalReportForm(request.POST or None, initial={"version": project.version,
                                                          "summary": report.summary if report else ""})
    if request.method == "POST" and form.is_valid():
        _, ok = run(request, lambda: services.final_report_save(
            project=project, actor=request.user, summary=form.cleaned_data["summary"],
            expected_version=form.cleaned_data["version"]), success="已保存工作总结报告")
        if ok:
            return to_project(project, "final")
    return render(request, "cultivation/final_form.html", {"project": project, "form": form,
                                                          "panels": project_panels(request, project)})


@login_required
@require_POST
def deliverable_add(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SECRETARY})
    form = DeliverableForm(request.POST)
    if form.is_valid():
        run(request, lambda: services.deliverable_add(project=project, actor=request.user, **form.cleaned_data),
            success="已添加成果")
    else:
        messages.error(request, form_errors(form))
    return to_project(project, "final")


@login_required
@require_POST
def deliverable_delete(request, pk):
    item = _owned(FinalDeliverable, request.user, pk)
    require_roles(request.user, item.project, {Actor.SECRETARY})
    run(request, lambda: services.deliverable_remove(deliverable=item, actor=request.user), success="已删除该成果")
    return to_project(item.project, "final")


@login_required
@require_POST
def attachment_add(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SECRETARY})
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        run(request, lambda: services.attachment_add(project=project, actor=request.user,
                                                     stage=form.cleaned_data["stage"], file=form.cleaned_data["file"]),
            success="已上传附件")
    else:
        messages.error(request, form_errors(form))
    return to_project(project, form.cleaned_data.get("stage", "") if form.is_valid() else "")


@login_required
def attachment_download(request, pk):
    attachment = _owned(ReviewAttachment, request.user, pk, readable=True)
    return attachment_response(attachment.path, download_name=attachment.display_name,
                               content_type=attachment.content_type)


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = _owned(ReviewAttachment, request.user, pk)
    require_roles(request.user, attachment.project, {Actor.SECRETARY})
    run(request, lambda: services.attachment_remove(attachment=attachment, actor=request.user), success="已删除附件")
    return to_project(attachment.project, attachment.stage)


@login_required
@require_POST
def feedback_add(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SCHOOL})
    form = FeedbackForm(request.POST)
    if form.is_valid():
        run(request, lambda: services.feedback_add(project=project, actor=request.user, **form.cleaned_data),
            success="已添加整改意见")
    else:
        messages.error(request, form_errors(form))
    return to_project(project, "feedback")


@login_required
@require_POST
def feedback_respond(request, pk):
    item = _owned(FeedbackItem, request.user, pk)
    require_roles(request.user, item.project, {Actor.SECRETARY})
    form = FeedbackResponseForm(request.POST)
    if form.is_valid():
        run(request, lambda: services.feedback_respond(item=item, actor=request.user, **form.cleaned_data),
            success="已保存整改情况")
    else:
        messages.error(request, form_errors(form))
    return to_project(item.project, "feedback")


@login_required
@require_POST
def feedback_verify(request, pk):
    item = _owned(FeedbackItem, request.user, pk)
    require_roles(request.user, item.project, {Actor.SCHOOL})
    form = FeedbackVerifyForm(request.POST)
    if form.is_valid():
        run(request, lambda: services.feedback_verify(item=item, actor=request.user, **form.cleaned_data),
            success="已记录核查结论")
    else:
        messages.error(request, form_errors(form))
    return to_project(item.project, "feedback")


@login_required
def acceptance_edit(request, pk):
    project = project_or_404(request.user, pk)
    require_roles(request.user, project, {Actor.SCHOOL})
    record = AcceptanceRecord.objects.filter(project=project).first()
    form = AcceptanceForm(request.POST or None, instance=record, initial={"version": project.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        _, ok = run(request, lambda: services.acceptance_record_save(
            project=project, actor=request.user, expected_version=version, **data), success="已保存验收记录")
        if ok:
            return to_project(project, "acceptance")
    return render(request, "cultivation/acceptance_form.html", {"project": project, "form": form,
                                                               "panels": project_panels(request, project)})
