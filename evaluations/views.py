"""Pages of the evaluations app. Views only read through selectors and write through services."""

import datetime
import tempfile

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.template.loader import get_template
from django.template import TemplateDoesNotExist
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.enums import Role
from branches.exports import xlsx_response
from branches.inputs import STALE_PAGE, posted_choice, posted_version, query_choice, query_id
from branches.pagination import paginate, query_without_page
from cultivation.views.common import flash_refusal, project_panels
from cultivation import workflow
from cultivation.reports import selectors as report_selectors
from transitions.refusals import MoveRefused

from . import exports, listings, rules, scoring, selectors, services, sheets
from .enums import RoundState, SheetState
from .forms import (AssignForm, ConflictForm, ImportForm, PublishForm, ReasonForm, RoundCloseForm, RoundForm,
                    RoundReopenForm, RoundSettingsForm, SelfEvaluationForm, SheetForm)
from .models import Round

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Read-only partials of a project's materials, written by the cultivation app; shown when present.
MATERIAL_PARTIALS = [
    ("申报书", "cultivation/includes/application_summary.html"),
    ("中期材料", "cultivation/includes/midterm_summary.html"),
    ("验收材料", "cultivation/includes/final_summary.html"),
    ("进展报告", "cultivation/includes/reports_summary.html"),
]


def available_partials():
    found = []
    for label, name in MATERIAL_PARTIALS:
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append({"label": label, "template": name})
    return found


def _require_reviewer(user):
    if not rules.is_reviewer(user):
        access.refuse(user, "reviewer page", not_found=False)


def _staff_round(request, pk):
    """403 for anyone but 组织部 staff; 404 for a round of a batch the user does not run."""
    access.require_org_staff(request.user)
    return selectors.managed_round_or_404(request.user, pk)


# ---- reviewers -------------------------------------------------------------------------------

@login_required
def queue(request):
    _require_reviewer(request.user)
    status = query_choice(request, "status", selectors.QUEUE_FILTERS, default="")
    page = paginate(request, selectors.queue(request.user, status=status))
    return render(request, "evaluations/queue.html", {
        "page": page, "status_label": selectors.QUEUE_FILTERS.get(status, ""), "query": query_without_page(request), "progress": selectors.queue_progress(request.user),
        "next": selectors.next_sheet(request.user), "today": timezone.localdate()})


@login_required
def queue_next(request):
    _require_reviewer(request.user)
    sheet = selectors.next_sheet(request.user)
    if sheet is None:
        messages.success(request, "您的评审任务已全部完成，感谢！")
        return redirect("evaluations:queue")
    return redirect("evaluations:sheet", round_pk=sheet.round_id, project_pk=sheet.project_id)


def _next_sheet_line(following):
    if following is None:
        return "您的评审任务已全部完成，感谢！"
    state = "草稿，尚未提交" if following.state == SheetState.DRAFT else "尚未评分"
    return f"下一份待评：{following.project.organization.name}（{state}），点击“评下一个”继续。"


@login_required
def sheet(request, round_pk, project_pk):
    """The score sheet beside the project's materials. 404 unless it is the user's own, unconflicted."""
    sheet = selectors.reviewer_sheet(request.user, round_pk, project_pk)
    # The materials beside the sheet read these from several partials; once each.
    # The activities carry their spending: the summary's funding totals need no query of their own.
    prefetch_related_objects([sheet.project], Prefetch("activities", queryset=report_selectors.activities_with_spending()),
                             "review_attachments")
    criteria = services.applicable_criteria(sheet.round, sheet.project)
    locked = sheet.state == SheetState.SUBMITTED or not sheet.round.is_open
    if request.method == "POST" and not locked:
        form = SheetForm(request.POST, criteria=criteria)
        if form.is_valid():
            submit = posted_choice(request, "action", {"save", "submit"}) == "submit"
            try:
                services.sheet_save(sheet=sheet, actor=request.user, values=form.values(),
                                    comment=form.cleaned_data["comment"],
                                    expected_version=form.cleaned_data.get("version"), submit=submit)
            except services.ScoreProblems as problems:
                for pk, message in problems.errors.items():
                    field = f"score_{pk}"
                    form.add_error(field if field in form.fields else None, message)
            except MoveRefused as refused:
                flash_refusal(request, refused)
            else:
                if submit:
                    # Back to the reviewer's list, told what was done and what comes next in that sheet's own
                    # state: opening the next sheet here showed its draft warning under this success.
                    messages.success(request, f"已提交对{sheet.project.organization.name}的评分。"
                                     + _next_sheet_line(selectors.next_sheet(request.user, after=sheet)))
                    return redirect("evaluations:queue")
                messages.success(request, "草稿已保存")
                return redirect("evaluations:sheet", round_pk=round_pk, project_pk=project_pk)
    else:
        if request.method == "POST":
            messages.error(request, "该评分表已提交并锁定，不能再修改" if sheet.state == SheetState.SUBMITTED
                           else "本轮评审已结束，不能再修改评分")
        initial = SheetForm.initial_for(sheet.scores.all())
        initial.update(comment=sheet.comment, version=sheet.version)
        form = SheetForm(initial=initial, criteria=criteria, disabled=locked)
    return render(request, "evaluations/sheet.html", {
        "sheet": sheet, "project": sheet.project, "form": form, "locked": locked,
        "full_marks": scoring.fmt(scoring.full_marks((c.max_score, c.weight) for c in criteria)),
        "partials": available_partials(), "progress": selectors.queue_progress(request.user),
        "self_evaluation": sheet.project.self_evaluations.filter(round=sheet.round, state="submitted").first(),
        # What was promised (the task book) beside what was done: settings.PROJECT_PANELS.
        "panels": project_panels(request, sheet.project),
    })


@login_required
def conflicts(request):
    _require_reviewer(request.user)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(reviewer=request.user, organization=form.cleaned_data["organization"],
                                      reason=form.cleaned_data["reason"], actor=request.user)
        except MoveRefused as refused:
            flash_refusal(request, refused)
        else:
            messages.success(request, "已申报回避，相关评审任务已撤回")
            return redirect("evaluations:conflicts")
    return render(request, "evaluations/conflicts.html", {
        "form": form, "page": paginate(request, selectors.conflicts_of(request.user)),
        "units": access.organizations_for(request.user, "reviewer")})


# ---- secretaries: self-evaluation ------------------------------------------------------------

@login_required
def self_list(request):
    if not access.has_role(request.user, "secretary"):
        access.refuse(request.user, "self-evaluation list", not_found=False)
    tasks = selectors.self_evaluation_tasks(request.user)
    return render(request, "evaluations/self_list.html", {"page": paginate(request, tasks)})


@login_required
def self_evaluation(request, round_pk, project_pk):
    round_, project = selectors.self_project_or_404(request.user, round_pk, project_pk)
    criteria = services.applicable_criteria(round_, project)
    evaluation = round_.self_evaluations.filter(project=project).prefetch_related("scores").first()
    locked = (evaluation is not None and evaluation.state == "submitted") or not round_.is_open
    if request.method == "POST" and not locked:
        form = SelfEvaluationForm(request.POST, criteria=criteria)
        if form.is_valid():
            submit = posted_choice(request, "action", {"save", "submit"}) == "submit"
            try:
                services.self_evaluation_save(round_=round_, project=project, actor=request.user,
                                              narrative=form.cleaned_data["narrative"], values=form.values(),
                                              submit=submit, expected_version=form.cleaned_data.get("version"))
            except services.ScoreProblems as problems:
                for pk, message in problems.errors.items():
                    field = f"score_{pk}"
                    form.add_error(field if field in form.fields else None, message)
            except MoveRefused as refused:
                flash_refusal(request, refused)
            else:
                messages.success(request, "自评已提交" if submit else "自评草稿已保存")
                return redirect("evaluations:self_evaluation", round_pk=round_.pk, project_pk=project.pk)
    else:
        initial = {}
        if evaluation is not None:
            initial = SelfEvaluationForm.initial_for(evaluation.scores.all())
            initial.update(narrative=evaluation.narrative, version=evaluation.version)
        form = SelfEvaluationForm(initial=initial, criteria=criteria, disabled=locked)
    return render(request, "evaluations/self_evaluation.html", {
        "round": round_, "project": project, "evaluation": evaluation, "form": form, "locked": locked,
        "full_marks": scoring.fmt(scoring.full_marks((c.max_score, c.weight) for c in criteria))})


# ---- secretaries and 二级党组织 staff: published results -------------------------------------

def _results_scope(user):
    """How the pages speak of the branches: the secretary's own (本支部) or a unit's sub-tree."""
    return {"is_unit": access.has_role(user, Role.UNIT_STAFF), "is_secretary": access.has_role(user, Role.SECRETARY)}


@login_required
def branch_results(request):
    if not rules.may_read_branch_results(request.user):
        access.refuse(request.user, "branch results list", not_found=False)
    page = paginate(request, selectors.published_for_branches(request.user, timezone.localdate()))
    selectors.attach_summaries(page.object_list)
    return render(request, "evaluations/branch_results.html", {"page": page, **_results_scope(request.user)})


@login_required
@require_GET
def branch_results_export(request):
    if not rules.may_read_branch_results(request.user):
        access.refuse(request.user, "branch results list", not_found=False)
    pairs = selectors.iter_published_for_branches(request.user, timezone.localdate())
    return xlsx_response(name="评审结果", columns=exports.BRANCH_RESULT_COLUMNS, items=pairs)


@login_required
def branch_result(request, round_pk, project_pk):
    round_, result, ranked = selectors.branch_result_or_404(request.user, round_pk, project_pk,
                                                            timezone.localdate())
    return render(request, "evaluations/branch_result.html", {
        "round": round_, "result": result, "project": result.project, "ranked": ranked,
        "own_branch": access.is_secretary_of(request.user, result.project.organization)})


# ---- staff -----------------------------------------------------------------------------------

@login_required
def round_list(request):
    access.require_org_staff(request.user)
    return render(request, "evaluations/round_list.html", {"page": paginate(request, listings.rounds(request.user).items)})


@login_required
@require_GET
def round_list_export(request):
    access.require_org_staff(request.user)
    return xlsx_response(name="评估轮次", columns=exports.ROUND_COLUMNS, items=listings.rounds(request.user).items,
                         request=request)


@login_required
def round_create(request):
    access.require_org_staff(request.user)
    form = RoundForm(request.POST or None, user=request.user, today=timezone.localdate(),
                     initial={"deadline": timezone.localdate() + datetime.timedelta(days=30)})
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.round_create(actor=request.user, batch=form.cleaned_data["batch"],
                                           phase=form.cleaned_data["phase"], **form.settings())
        except MoveRefused as refused:
            flash_refusal(request, refused)
        else:
            messages.success(request, f"已新建评估轮次“{round_.name}”")
            for warning in services.settings_warnings(round_):
                messages.warning(request, warning)
            return redirect("evaluations:round_detail", pk=round_.pk)
    return render(request, "evaluations/round_form.html", {"form": form})


@login_required
def round_edit(request, pk):
    """The settings of an open round. Its rubric is fixed once anyone has scored against it."""
    round_ = _staff_round(request, pk)
    rubric_locked = services.rubric_fixed(round_)
    editable = round_.is_open
    form = RoundSettingsForm(request.POST if request.method == "POST" and editable else None,
                             instance=Round.objects.select_related("rubric").get(pk=round_.pk),
                             today=timezone.localdate(), rubric_locked=rubric_locked)
    if not editable:
        for field in form.fields.values():
            field.disabled = True
        if request.method == "POST":
            messages.error(request, "评审已结束，不能再修改设置")
    version, version_ok = posted_version(request) if request.method == "POST" else (None, True)
    if not version_ok:
        messages.error(request, STALE_PAGE)
    elif request.method == "POST" and editable and form.is_valid():
        try:
            updated = services.round_update(round_=round_, actor=request.user, expected_version=version,
                                            **form.settings())
        except MoveRefused as refused:
            flash_refusal(request, refused)
        else:
            messages.success(request, "评估轮次设置已保存" if updated.version != round_.version else "设置没有变化")
            for warning in services.settings_warnings(updated):
                messages.warning(request, warning)
            return redirect("evaluations:round_detail", pk=round_.pk)
    return render(request, "evaluations/round_form.html", {
        "form": form, "round": round_, "editable": editable,
        "version": round_.version if version is None else version})


def _reviewer_filter(request, reviewers):
    """The reviewer named by ?reviewer= among those who may be assigned, else None (every project)."""
    pk = query_id(request, "reviewer")
    return next((reviewer for reviewer in reviewers if reviewer.pk == pk), None) if pk else None


@login_required
def round_detail(request, pk):
    round_ = _staff_round(request, pk)
    reviewers = selectors.reviewers(round_)
    projects = list(selectors.round_projects(round_))
    pending_for = _reviewer_filter(request, reviewers)
    page = paginate(request, selectors.round_panel(round_, pending_for=pending_for))
    return render(request, "evaluations/round_detail.html", {
        "round": round_, "page": page, "query": query_without_page(request), "pending_for": pending_for,
        "assign_form": AssignForm(projects=projects, reviewers=reviewers),
        "reason_form": ReasonForm(), "reviewer_count": len(reviewers),
        "counts": selectors.round_list(request.user).filter(pk=round_.pk).first(),
    })


@login_required
@require_POST
def round_assign(request, pk):
    round_ = _staff_round(request, pk)
    form = AssignForm(request.POST, projects=selectors.round_projects(round_), reviewers=selectors.reviewers())
    if form.is_valid():
        project = selectors.round_projects(round_).get(pk=form.cleaned_data["project"])
        reviewer = get_user_model().objects.get(pk=form.cleaned_data["reviewer"])
        try:
            services.assignment_add(round_=round_, project=project, reviewer=reviewer, actor=request.user)
        except MoveRefused as refused:
            flash_refusal(request, refused)
        else:
            messages.success(request, f"已分配{reviewer.get_full_name() or reviewer.username}评审"
                                      f"{project.organization.name}")
    else:
        messages.error(request, "请选择本轮的项目和评审专家")
    return redirect("evaluations:round_detail", pk=round_.pk)


@login_required
@require_POST
def round_auto_assign(request, pk):
    round_ = _staff_round(request, pk)
    try:
        made, shortfalls = services.assignments_auto(round_=round_, actor=request.user)
    except MoveRefused as refused:
        flash_refusal(request, refused)
    else:
        messages.success(request, f"已自动分配 {len(made)} 个评审任务")
        if shortfalls:
            flash_refusal(request, MoveRefused("以下项目符合回避规则的专家不足：", offenders=[
                workflow.offender(p, f"差 {n} 位") for p, n in shortfalls]), messages.WARNING)
    return redirect("evaluations:round_detail", pk=round_.pk)


@login_required
@require_POST
def round_close(request, pk):
    return _round_move(request, pk, "close")


@login_required
@require_POST
def round_reopen(request, pk):
    return _round_move(request, pk, "reopen")


def _round_move(request, pk, name):
    round_ = _staff_round(request, pk)
    form = (RoundCloseForm if name == "close" else RoundReopenForm)(request.POST)
    if not form.is_valid():
        messages.error(request, STALE_PAGE if "version" in form.errors else f"重新开放的原因{form.errors['reason'][0]}")
        return redirect("evaluations:round_detail", pk=round_.pk)
    try:
        services.round_move(round_=round_, name=name, actor=request.user, reason=form.cleaned_data.get("reason", ""),
                            expected_version=form.cleaned_data["version"])
    except MoveRefused as refused:
        flash_refusal(request, refused)
    else:
        messages.success(request, "评审已结束，可以查看结果" if name == "close" else "已重新开放评审")
    return redirect("evaluations:round_detail", pk=round_.pk)


def _staff_sheet(request, pk):
    access.require_org_staff(request.user)
    return selectors.sheet_for_staff(request.user, pk)


@login_required
@require_POST
def sheet_reopen(request, pk):
    sheet = _staff_sheet(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "退回重评须填写原因")
    else:
        try:
            services.sheet_reopen(sheet=sheet, actor=request.user, reason=form.cleaned_data["reason"])
        except MoveRefused as refused:
            flash_refusal(request, refused)
        else:
            messages.success(request, "已退回该评分表，专家可修改后重新提交")
    return redirect("evaluations:round_detail", pk=sheet.round_id)


@login_required
@require_POST
def sheet_withdraw(request, pk):
    sheet = _staff_sheet(request, pk)
    try:
        services.sheet_withdraw(sheet=sheet, actor=request.user)
    except MoveRefused as refused:
        flash_refusal(request, refused)
    else:
        messages.success(request, "已撤回该评审任务")
    return redirect("evaluations:round_detail", pk=sheet.round_id)


@login_required
def round_results(request, pk):
    round_ = _staff_round(request, pk)
    results = selectors.round_results(round_)
    return render(request, "evaluations/round_results.html", {
        "round": round_, "page": paginate(request, results), "problems": services.decision_problems(round_, results)
        if round_.state == RoundState.CLOSED else []})


@login_required
@require_GET
def round_results_export(request, pk):
    round_ = _staff_round(request, pk)
    return xlsx_response(name=f"评审结果-{round_.name}", title="评审结果", columns=exports.round_result_columns(round_),
                         items=selectors.round_results(round_))


@login_required
def result_detail(request, pk, project_pk):
    round_ = _staff_round(request, pk)
    result = selectors.project_result(round_, project_pk)
    if result is None:
        access.refuse(request.user, f"result {pk}/{project_pk}")
    return render(request, "evaluations/result_detail.html", {"round": round_, "result": result,
                                                              "project": result.project})


@login_required
def round_publish(request, pk):
    round_ = _staff_round(request, pk)
    today = timezone.localdate()
    results = selectors.round_results(round_, with_previous=False)
    initial = {"title": f"{round_.batch.name}{round_.get_phase_display()}结果公示",
               "body": f"经专家评审，{round_.batch.name}{round_.get_phase_display()}结果如下，现予公示。"
                       "公示期间如有异议，请实名向党委组织部反映。",
               "starts_on": today, "version": round_.version}
    form = PublishForm(request.POST or None, initial=initial, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_publish(round_=round_, actor=request.user, title=form.cleaned_data["title"],
                                   body=form.cleaned_data["body"], starts_on=form.cleaned_data["starts_on"],
                                   expected_version=form.cleaned_data["version"])
        except MoveRefused as refused:
            flash_refusal(request, refused)
        else:
            messages.success(request, "已作出评估决定并发布结果公示")
            return redirect("evaluations:round_results", pk=round_.pk)
    problems = []
    if round_.state == RoundState.CLOSED:
        problems = services.decision_problems(round_, results) or services.workflow_problems(
            round_, results, actor=request.user, today=today)
    return render(request, "evaluations/round_publish.html", {
        "round": round_, "form": form, "results": results, "problems": problems})


@login_required
def round_export(request, pk):
    round_ = _staff_round(request, pk)
    spool = tempfile.TemporaryFile()
    sheets.export_workbook(round_, spool)
    spool.seek(0)
    name = f"评分矩阵-{round_.name}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(spool, as_attachment=True, filename=name, content_type=XLSX)


@login_required
def round_import(request, pk):
    round_ = _staff_round(request, pk)
    result = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = sheets.check(form.cleaned_data["file"], round_)
        if result.ok and not form.cleaned_data["dry_run"]:
            try:
                outcome = sheets.apply(result, round_=round_, actor=request.user)
            except MoveRefused as refused:
                messages.error(request, f"未导入：{refused.message}")
            else:
                messages.success(request, f"导入完成：新录入 {outcome['created']} 份，更新 {outcome['updated']} 份，"
                                          f"未变 {outcome['unchanged']} 份")
                return redirect("evaluations:round_detail", pk=round_.pk)
    return render(request, "evaluations/round_import.html", {"round": round_, "form": form, "result": result})
