"""Pages for progress reports, evidence, funding. Views read through report_selectors,
write through the services (reports, report_evidence) and never set a state themselves.

Answers: a project or file the user may not read is 404 (its existence stays hidden); a page the user
may read but an action their role never allows is 403; an action refused for now (wrong state, over
budget, bad input) flashes the Chinese reason and sends the user back, with nothing changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.audit import action_label
from branches.enums import Role
from branches.exports import xlsx_response
from branches.inputs import parse_id, posted_choice, posted_text, pressed
from branches.models import Event
from branches.pagination import paginate, query_without_page
from branches.registry import declared
from branches.uploads import attachment_response, inline_image_response, inline_pdf_response
from transitions.views import run as _run

from ..enums import Actor
from ..models import Attachment, FeaturedActivity, Project
from ..workflow import actor_roles
from . import evidence as report_evidence
from . import exports as report_exports
from . import listings as report_listings
from . import publication
from . import selectors as report_selectors
from . import services as reports
from .enums import (
    ATTACHMENT_PUBLICATION_MOVES, EDITABLE_REPORT_STATES, OPEN_PROJECT_STATES, REPORT_MOVES, EvidenceKind,
)
from .forms import (
    EVIDENCE_FORMS, AllocationForm, AttachmentForm, ExemplarForm, MilestoneForm, MoveForm, OutcomeForm,
    PublicationForm, ReportForm, SpendingForm, StartForm, error_text,
)


def _readable_project(user, pk):
    project = report_selectors.readable_project(user, pk)
    if project is None:
        access.refuse(user, f"project {pk}")
    return project


def _visible_project(user, pk):
    """A project the user may act on: within their own scope (reviewers only read)."""
    project = Project.objects.visible_to(user).filter(pk=pk).select_related("batch__owner", "organization", "unit").first()
    if project is None:
        if Project.objects.readable_by(user).filter(pk=pk).exists():
            access.refuse(user, f"writing to project {pk}", not_found=False)
        access.refuse(user, f"project {pk}")
    return project


def _readable_report(user, pk):
    report = report_selectors.readable_report(user, pk)
    if report is None:
        access.refuse(user, f"report {pk}")
    return report




def _back(project, report=None, anchor=""):
    if report is not None:
        name = "cultivation:report_edit" if report.state in EDITABLE_REPORT_STATES else "cultivation:report_detail"
        return redirect(name, pk=report.pk)
    response = redirect("cultivation:report_project", pk=project.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# ---- lists ---------------------------------------------------------------------------------

@login_required
@require_GET
def report_list(request):
    """Due, overdue and returned reports, and those awaiting endorsement or acceptance, in the user's scope."""
    today = timezone.localdate()
    listing = report_listings.reports(request.user, request.GET, today=today)
    tab, batch = listing.tab, listing.batch
    counts = report_selectors.tab_counts(request.user, today=today, batch=batch)
    return render(request, "cultivation/reports/report_list.html", {
        "tab": tab, "tab_label": report_selectors.TABS[tab], "batch": batch,
        "tab_links": [(key, label, counts[key]) for key, label in report_selectors.TABS.items()],
        "page": paginate(request, listing.items), "query": query_without_page(request), "today": today,
        "is_period_tab": tab in ("due", "overdue"),
    })


@login_required
@require_GET
def report_export(request):
    listing = report_listings.reports(request.user, request.GET, today=timezone.localdate(), stream=True)
    periods = listing.tab in ("due", "overdue")
    return xlsx_response(name=f"进展报告-{report_selectors.TABS[listing.tab]}", title=report_selectors.TABS[listing.tab],
                         columns=report_exports.PERIOD_COLUMNS if periods else report_exports.REPORT_COLUMNS,
                         items=listing.items, request=request)


def require_funding_reader(user):
    """The funding list is for the staff who follow it: 组织部 and 二级党组织 (a secretary reads their own
    project's funding on its record page); each sees their sub-tree (Project.objects.visible_to)."""
    if not (access.is_org_staff(user) or access.has_role(user, Role.UNIT_STAFF)):
        access.refuse(user, "funding list", not_found=False)


@login_required
@require_GET
def funding_list(request):
    """Funding per featured activity in the user's sub-tree, filtered, with the totals of every row."""
    require_funding_reader(request.user)
    listing = report_listings.funding(request.user, request.GET)
    return render(request, "cultivation/reports/funding_list.html", {
        "form": listing.form, "page": paginate(request, listing.items), "query": query_without_page(request),
        "totals": report_listings.funding_totals(listing.items)})


@login_required
@require_GET
def funding_export(request):
    """Funding per featured activity of the projects in the user's scope, by batch and 二级党组织."""
    listing = report_listings.funding(request.user, request.GET)
    return xlsx_response(name="培育经费", columns=report_exports.FUNDING_COLUMNS, items=listing.items,
                         request=request)


# ---- one project's record ------------------------------------------------------------------

@login_required
@require_GET
def report_project(request, pk):
    project = _readable_project(request.user, pk)
    # The record's funding line and the funding table below both read the activities with their spending.
    prefetch_related_objects([project], Prefetch("activities", queryset=report_selectors.activities_with_spending()))
    today = timezone.localdate()
    roles = actor_roles(request.user, project)
    record = report_selectors.project_record(project, today=today)
    record["funding"] = report_selectors.funding_of(project, with_spendings=True)
    is_secretary = Actor.SECRETARY in roles
    for item in record["attachments"]:
        item.publication_moves = publication.offered(ATTACHMENT_PUBLICATION_MOVES, roles, item)
    context = {
        "project": project, "today": today, "record": record, "is_secretary": is_secretary,
        "can_delete": is_secretary and project.state not in report_evidence.ARCHIVED_PROJECT_STATES,
        "is_school": Actor.SCHOOL in roles, "can_set_milestones": bool(roles & {Actor.UNIT, Actor.SCHOOL}),
        "milestones": list(project.milestones.all()),
    }
    if is_secretary:
        none = project.reports.none()
        context.update(attachment_form=AttachmentForm(reports=none), publication_form=PublicationForm(reports=none),
                       outcome_form=OutcomeForm(reports=none), exemplar_form=ExemplarForm(reports=none),
                       spending_form=SpendingForm(initial={"spent_on": today}))
    if context["is_school"]:
        context["allocation_form"] = AllocationForm()
    if context["can_set_milestones"]:
        context["milestone_form"] = MilestoneForm()
    return render(request, "cultivation/reports/report_project.html", context)


@login_required
@require_POST
def report_start(request, pk):
    project = _visible_project(request.user, pk)
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _back(project)
    started = {}

    def start():
        started["report"] = reports.report_start(project=project, period_due=form.cleaned_data["period_due"],
                                                 actor=request.user)

    if not _run(request, start):
        return _back(project)
    return _back(project, started["report"])


@login_required
@require_POST
def milestone_add(request, pk):
    project = _visible_project(request.user, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: reports.milestone_add(project=project, actor=request.user, **form.cleaned_data),
             success="已设置报告节点")
    return _back(project, anchor="schedule")


# ---- one report ----------------------------------------------------------------------------

def _panels(request, report):
    """What later apps show on a report's pages (the tasks it moved): settings.REPORT_PANELS."""
    return [panel for contribute in declared("REPORT_PANELS") if (panel := contribute(request, report))]


def _history(report):
    events = list(Event.objects.filter(content_type__app_label="cultivation", content_type__model="progressreport",
                                       object_id=str(report.pk)).select_related("actor").order_by("created_at", "pk"))
    for event in events:
        event.action_label = action_label(event.action)
    return events


@login_required
@require_GET
def report_detail(request, pk):
    report = _readable_report(request.user, pk)
    roles = actor_roles(request.user, report.project)
    moves = [move for move in reports.allowed_report_moves(request.user, report) if move.name != "submit"]
    can_edit = (Actor.SECRETARY in roles and report.state in EDITABLE_REPORT_STATES
                and report.project.state in OPEN_PROJECT_STATES)
    return render(request, "cultivation/reports/report_detail.html", {
        "report": report, "project": report.project, "evidence": report_selectors.report_evidence(report),
        "activity_progress": report_selectors.activity_progress(report), "moves": moves, "can_edit": can_edit,
        "move_form": MoveForm(initial={"version": report.version}), "history": _history(report),
        "panels": _panels(request, report),
    })


def _edit_action(request):
    """What the report page's one form was sent to do: ("save"|"submit"|"add"|"delete", detail).

    Every button of the page sits in one form, so the typed report travels with any of them: uploading
    a file or deleting an item first saves the draft, and nothing typed is lost.
    """
    if pressed(request, "submit"):
        return "submit", None
    added = posted_choice(request, "add", EvidenceKind.values)
    if added:
        return "add", added
    kind, _, item = posted_text(request, "delete").partition(":")
    if kind in EvidenceKind.values and parse_id(item) is not None:
        return "delete", (kind, parse_id(item))
    return "save", None


def _evidence_forms(report, data=None, files=None, *, bound=None):
    """The page's four evidence forms, prefixed (their field names overlap); `bound` is bound to the POST."""
    editable = report.project.reports.filter(pk=report.pk, state__in=EDITABLE_REPORT_STATES)
    forms = {}
    for kind, form_class in (("attachment", AttachmentForm), ("publication", PublicationForm),
                             ("outcome", OutcomeForm), ("exemplar", ExemplarForm)):
        args = (data, files) if kind == bound else ()
        # No `required` attributes: the browser must not stop 保存草稿 over an empty evidence form.
        forms[kind] = form_class(*args, reports=editable, prefix=kind, initial={"report": report.pk},
                                 use_required_attribute=False)
    return forms


def _evidence_run(request, report, kind, form):
    """Add the evidence the bound form describes to `report`; True when it was added."""
    if not form.is_valid():
        messages.error(request, f"{EvidenceKind(kind).label}未保存：{error_text(form)}")
        return False
    project = report.project
    if kind == EvidenceKind.ATTACHMENT:
        return _run(request, lambda: report_evidence.attachment_add(
            project=project, actor=request.user, file=form.cleaned_data["file"], caption=form.cleaned_data["caption"],
            report=report), success="已上传佐证材料")
    return _run(request, lambda: report_evidence.evidence_add(
        evidence=kind, project=project, actor=request.user, report=report, **form.fields_for_service()),
        success=f"已登记{EvidenceKind(kind).label}")


def _evidence_remove(request, report, kind, item):
    found = report_evidence.MODELS[kind].objects.filter(pk=item, project_id=report.project_id).first()
    if found is None:
        messages.error(request, f"该{EvidenceKind(kind).label}不存在或已删除")
        return False
    return _run(request, lambda: report_evidence.evidence_delete(kind=kind, item=found, actor=request.user),
                success=f"已删除{EvidenceKind(kind).label}")


@login_required
def report_edit(request, pk):
    report = _readable_report(request.user, pk)
    if Actor.SECRETARY not in actor_roles(request.user, report.project):
        access.refuse(request.user, f"editing report {pk}", not_found=False)
    if report.state not in EDITABLE_REPORT_STATES:
        messages.info(request, "报告已提交，不能再修改")
        return redirect("cultivation:report_detail", pk=report.pk)
    if report.project.state not in OPEN_PROJECT_STATES:
        messages.info(request, "该项目已不在培育或整改期，进展报告只能查看，不能再修改")
        return redirect("cultivation:report_detail", pk=report.pk)
    recorded = report_selectors.activity_progress(report)  # the activities in order, each with its row or None
    progress = {row.activity_id: row for activity, row in recorded if row}
    activities = [activity for activity, row in recorded]
    action, detail = _edit_action(request) if request.method == "POST" else ("", None)
    form = ReportForm(request.POST or None, instance=report, activities=activities, progress=progress,
                      draft=action in ("add", "delete"))
    evidence_forms = _evidence_forms(report, request.POST, request.FILES, bound=detail if action == "add" else None)
    if request.method == "POST":
        if form.is_valid():
            saved = {}

            def save():
                saved["report"] = reports.report_edit(
                    report=report, actor=request.user, expected_version=form.cleaned_data["version"],
                    narrative=form.cleaned_data["narrative"], counts=form.counts(), activities=form.activity_values())

            if _run(request, save, success="已保存草稿" if action != "submit" else None):
                report = saved["report"]
                if action == "save":
                    return redirect("cultivation:report_edit", pk=report.pk)
                if action == "submit":
                    # Saved in its own transaction: a refused submission keeps what was written.
                    if _run(request, lambda: reports.report_submit(report=report, actor=request.user),
                            success="报告已提交，等待审核"):
                        return redirect("cultivation:report_detail", pk=report.pk)
                    messages.info(request, "内容已保存，但报告尚未提交")
                    return redirect("cultivation:report_edit", pk=report.pk)
                done = (_evidence_run(request, report, detail, evidence_forms[detail]) if action == "add"
                        else _evidence_remove(request, report, *detail))
                if done:
                    response = redirect("cultivation:report_edit", pk=report.pk)
                    response["Location"] += f"#{(detail if action == 'add' else detail[0])}s"
                    return response
                # The draft is saved; show it as stored, with the evidence form as typed and its errors.
                form = ReportForm(instance=report, activities=activities, progress={
                    row.activity_id: row for activity, row in report_selectors.activity_progress(report) if row})
        elif action in ("add", "delete"):
            messages.error(request, "报告内容有误，请按提示修改；材料尚未保存")
        else:
            messages.error(request, "请按提示修改后再保存")
    return render(request, "cultivation/reports/report_edit.html", {
        "report": report, "project": report.project, "form": form,
        "evidence": report_selectors.report_evidence(report),
        "attachment_form": evidence_forms["attachment"], "publication_form": evidence_forms["publication"],
        "outcome_form": evidence_forms["outcome"], "exemplar_form": evidence_forms["exemplar"],
        "edit_form_id": "report-form", "open_evidence": detail if action == "add" else "",
        "panels": _panels(request, report),
    })


@login_required
@require_POST
def report_move(request, pk, name):
    if name not in REPORT_MOVES:
        raise Http404("未找到该页面")
    report = _readable_report(request.user, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        move = REPORT_MOVES[name]
        _run(request, lambda: reports.report_move(report=report, name=name, actor=request.user,
                                                   comment=form.cleaned_data["comment"],
                                                   expected_version=form.cleaned_data["version"]),
             success=f"报告{move.done}")
    return redirect("cultivation:report_detail", pk=report.pk)


# ---- evidence ------------------------------------------------------------------------------

@login_required
@require_POST
def attachment_upload(request, pk):
    project = _visible_project(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES, reports=project.reports.filter(state__in=EDITABLE_REPORT_STATES))
    report = None
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        report = form.cleaned_data["report"]
        _run(request, lambda: report_evidence.attachment_add(
            project=project, actor=request.user, file=form.cleaned_data["file"],
            caption=form.cleaned_data["caption"], report=report), success="已上传佐证材料")
    return _back(project, report, anchor="attachments")


def _readable_attachment(user, pk):
    attachment = Attachment.objects.filter(pk=pk, project__in=Project.objects.readable_by(user).values("pk")).first()
    if attachment is None:
        access.refuse(user, f"attachment {pk}")
    return attachment


@login_required
@require_POST
def attachment_publication(request, pk, name):
    """申请公开, 同意公开, 不同意公开, 撤回, 撤下: a picture's review before it may be shown publicly."""
    if name not in ATTACHMENT_PUBLICATION_MOVES:
        raise Http404("未找到该页面")
    attachment = (Attachment.objects.filter(pk=pk, project__in=Project.objects.visible_to(request.user).values("pk"))
                  .select_related("project").first())
    if attachment is None:
        access.refuse(request.user, f"attachment {pk}")
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: report_evidence.picture_move(
            attachment=attachment, name=name, actor=request.user, comment=form.cleaned_data["comment"],
            expected_version=form.cleaned_data["version"]), success=f"佐证图片{ATTACHMENT_PUBLICATION_MOVES[name].done}")
    return _back(attachment.project, anchor="attachments")


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = _readable_attachment(request.user, pk)
    if attachment.content_type == "application/pdf":  # opens in the browser's PDF viewer
        return inline_pdf_response(attachment.path, download_name=attachment.original_name)
    return attachment_response(attachment.path, download_name=attachment.original_name,
                               content_type=attachment.content_type)


@login_required
@require_GET
def attachment_preview(request, pk):
    """The image itself, for an <img> on the report and project pages; anything but a verified raster image is 404."""
    attachment = _readable_attachment(request.user, pk)
    if not attachment.can_preview:
        raise Http404("该文件不是可以预览的图片")
    return inline_image_response(attachment.path, content_type=attachment.content_type, name=attachment.original_name)


@login_required
@require_POST
def evidence_add(request, pk, kind):
    if kind not in EVIDENCE_FORMS:
        raise Http404("未找到该页面")
    project = _visible_project(request.user, pk)
    form = EVIDENCE_FORMS[kind](request.POST, reports=project.reports.filter(state__in=EDITABLE_REPORT_STATES))
    report = None
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        report = form.cleaned_data["report"]
        _run(request, lambda: report_evidence.evidence_add(evidence=kind, project=project, actor=request.user,
                                                           report=report, **form.fields_for_service()),
             success=f"已登记{EvidenceKind(kind).label}")
    return _back(project, report, anchor=f"{kind}s")


@login_required
@require_POST
def evidence_delete(request, pk, kind, item):
    if kind not in EvidenceKind.values:
        raise Http404("未找到该页面")
    project = _visible_project(request.user, pk)
    found = report_evidence.MODELS[kind].objects.filter(pk=item, project=project).select_related("report").first()
    if found is None:
        access.refuse(request.user, f"{kind} {item}")
    _run(request, lambda: report_evidence.evidence_delete(kind=kind, item=found, actor=request.user),
         success=f"已删除{EvidenceKind(kind).label}")
    return _back(project, found.report, anchor=f"{kind}s")


# ---- funding -------------------------------------------------------------------------------

def _visible_activity(user, pk):
    activity = FeaturedActivity.objects.filter(pk=pk).select_related("project").first()
    project = _visible_project(user, activity.project_id if activity else 0)
    activity.project = project
    return activity


@login_required
@require_POST
def spending_allocate(request, pk):
    activity = _visible_activity(request.user, pk)
    form = AllocationForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: report_evidence.activity_allocate(activity=activity, amount=form.cleaned_data["amount"],
                                                                actor=request.user),
             success=f"已为“{activity.name}”分配经费")
    return _back(activity.project, anchor="funding")


@login_required
@require_POST
def spending_add(request, pk):
    activity = _visible_activity(request.user, pk)
    form = SpendingForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: report_evidence.spending_add(activity=activity, actor=request.user, **form.cleaned_data),
             success="已登记经费支出")
    return _back(activity.project, anchor="funding")
