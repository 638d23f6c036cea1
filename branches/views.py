
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from . import access, excel, exports, listings, registry, roster, selectors, services
from .audit import action_label, data_rows
from .enums import Role
from .forms import DeclarationForm, RosterImportForm
from .inputs import query_text
from .middleware import keep_session_off_database
from .pagination import paginate, query_without_page
from .rules import eligibility_problems
from .version import current as current_version

GENERATED_NAME = re.compile(r"[0-9a-f]{32}")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        connection.close()
        keep_session_off_database(request)
        return JsonResponse({"status": "unavailable", "database": "不可用", "version": current_version()},
                            status=503)
    return JsonResponse({"status": "ok", "database": "ok", "version": current_version()})


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico on every page, the admin's included; send them to the static icon."""
    # Temporary: the static name carries a content hash in production and changes with the icon.
    return redirect(static("img/favicon.ico"))


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    context = {"today": today, "panels": []}
    # One summary of what the user may see: a 组织部 member who also serves a unit sees the same sub-trees twice.
    summary = None
    if access.is_org_staff(user):
        context["school_summary"] = summary = selectors.branch_summary(user, today=today)
    units = access.organizations_for(user, Role.UNIT_STAFF)
    if units:
        context["units"] = units
        context["unit_summary"] = summary or selectors.branch_summary(user, today=today)
    branches = access.organizations_for(user, Role.SECRETARY)
    context["my_branches"] = [
        {"branch": branch, "problems": eligibility_problems(branch, deadline=today)} for branch in branches
    ]
    if access.has_role(user, Role.REVIEWER):
        context["reviewer_units"] = access.organizations_for(user, Role.REVIEWER)
    for contribute in registry.declared("HOME_PANELS"):
        panel = contribute(request)
        if panel:
            context["panels"].append(panel)
    return render(request, "branches/home.html", context)


@login_required
def organization_list(request):
    listing = listings.organizations(request.user, request.GET)
    page = paginate(request, listing.items)
    return render(request, "branches/organization_list.html", {
        "form": listing.form, "page": page, "query": query_without_page(request),
        "can_export": access.is_org_staff(request.user),
    })


@login_required
def organization_detail(request, pk):
    organization = access.visible_organization_or_404(request.user, pk)
    ancestors = (
        access.visible_organizations(request.user).filter(pk__in=organization.ancestor_ids).order_by("depth")
    )
    children = access.visible_organizations(request.user).filter(parent=organization).in_listing_order()
    can_declare = organization.is_branch and (
        access.is_secretary_of(request.user, organization) or access.can_manage_subtree(request.user, organization)
    )
    context = {
        "organization": organization,
        "ancestors": ancestors,
        "children_page": paginate(request, children),
        "problems": eligibility_problems(organization) if organization.is_branch else [],
        "can_declare": can_declare,
        "declaration_form": DeclarationForm(initial={
            "no_violation": organization.declares_no_violation,
            "no_conduct_issue": organization.declares_no_conduct_issue,
            "no_safety_risk": organization.declares_no_safety_risk,
        }),
    }
    if access.is_org_staff(request.user):
        context["events"] = selectors.events_for(organization)[:50]
    context["panels"] = [panel for contribute in registry.declared("ORGANIZATION_PANELS")
                         if (panel := contribute(request, organization))]
    return render(request, "branches/organization_detail.html", context)


@login_required
@require_POST
def organization_declare(request, pk):
    organization = access.visible_organization_or_404(request.user, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        services.declare_basic_requirements(actor=request.user, branch=organization, **form.cleaned_data)
        messages.success(request, "已保存基本要求声明")
    return redirect("branches:organization_detail", pk=organization.pk)


@login_required
def roster_template(request):
    access.require_org_staff(request.user)
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "组织名册模板.xlsx")
    roster.template_workbook().save(response)
    return response


@login_required
def roster_export(request):
    access.require_org_staff(request.user)
    organizations = listings.organizations(request.user, request.GET).items
    queued = exports.queued_instead(request, organizations)
    if queued is not None:
        return queued
    book = excel.workbook()
    roster.export_sheet(book, organizations)
    return exports.response(book, name="组织名册")


@login_required
def roster_import(request):
    access.require_org_staff(request.user)
    result = outcome = None
    form = RosterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = roster.check(form.cleaned_data["file"], actor=request.user)
        if result.ok and not form.cleaned_data["dry_run"]:
            outcome = roster.apply(result, actor=request.user)
            messages.success(
                request, f"导入完成：新建 {outcome['created']} 个，更新 {outcome['updated']} 个，未变 {outcome['unchanged']} 个"
            )
            return redirect("branches:roster_import")
    return render(request, "branches/roster_import.html", {"form": form, "result": result})


@login_required
def event_list(request):
    access.require_org_staff(request.user)
    listing = listings.events(request.user, request.GET)
    page = paginate(request, listing.items, per_page=50)
    for event in page:
        event.action_label = action_label(event.action)
    return render(request, "branches/event_list.html", {
        "form": listing.form, "page": page, "query": query_without_page(request)})


EVENT_COLUMNS = [
    exports.Column("时间", lambda event: exports.local(event.created_at), 18),
    exports.Column("操作人", lambda event: exports.person(event.actor)),
    exports.Column("操作", lambda event: action_label(event.action), 20),
    exports.Column("对象", exports.related("object_repr"), 30),
    exports.Column("详情", lambda event: "\n".join(f"{label}：{value}" for label, value in data_rows(event.data)), 50),
    exports.Column("来源", exports.related("source"), 16),
]


@login_required
@require_GET
def event_export(request):
    access.require_org_staff(request.user)
    return exports.xlsx_response(name="事件日志", columns=EVENT_COLUMNS,
                                 items=listings.events(request.user, request.GET).items, request=request)


@login_required
@require_GET
def export_file(request, name):
    """An export the worker made (branches/tasks.py): only in the folder of the user who asked for it, so
    anyone else's request finds nothing there and answers 404."""
    from . import media
    from .tasks import folder_of
    from .uploads import attachment_response

    path = f"{folder_of(request.user.pk)}/{name}.xlsx"
    # store_upload's uuid4 hex: nothing else was ever written there.
    if not GENERATED_NAME.fullmatch(name) or not media.exists(path):
        access.refuse(request.user, f"export {name}")
    download_name = query_text(request, "name")
    if not download_name.endswith(".xlsx"):
        download_name = "导出.xlsx"
    return attachment_response(path, download_name=download_name,
                               content_type=exports.XLSX)
