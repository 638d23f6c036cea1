"""述职考核评议 pages: the year's records of branches and 二级党组织 (a list, its Excel), one organization's
printable page with the place to record its 评议 result."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.enums import Role
from branches.exports import Column, xlsx_response
from branches.inputs import parse_count, posted_text, query_choice, query_text
from branches.pagination import paginate, query_without_page
from transitions.refusals import MoveRefused

from . import appraisal
from .appraisal_forms import AppraisalForm

LEVELS = {"branch": "党支部书记", "unit": "二级党组织书记"}
COLUMNS = [
    Column("党组织", lambda r: r.organization.name, 30),
    Column("培育项目", lambda r: len(r.projects)),
    Column("任务（项）", lambda r: r.tasks),
    Column("已完成", lambda r: r.tasks_done),
    Column("逾期", lambda r: r.tasks_late),
    Column("应报进展报告", lambda r: r.periods),
    Column("按期提交", lambda r: r.on_time),
    Column("整改意见", lambda r: r.feedback),
    Column("已整改到位", lambda r: r.verified),
    Column("验收等次", lambda r: r.grade_text, 20),
    Column("表彰奖励", lambda r: r.commendations),
    Column("述职评议结果", lambda r: r.appraisal.get_result_display() if r.appraisal else ""),
    Column("评议意见", lambda r: r.appraisal.note if r.appraisal else "", 40),
]


def _require_reader(user):
    held = access.roles(user)
    if not (user.is_superuser or held & {Role.ORG_STAFF, Role.UNIT_STAFF, Role.SECRETARY}):
        access.refuse(user, "appraisal records", not_found=False)


def _year(request, posted=""):
    """?year= (or the posted year) if it is a plain year, else the year a 评议 looks back on (with a note
    when one was given)."""
    raw = query_text(request, "year") or posted
    year = parse_count(raw) if raw else None
    this_year = timezone.localdate().year
    if year is None or not 2000 <= year <= this_year:
        if raw:
            messages.warning(request, f"年度“{raw[:20]}”无效，已显示{appraisal.default_year()}年度")
        return appraisal.default_year()
    return year


def _listing(request):
    level = query_choice(request, "level", LEVELS, default="branch")
    year = _year(request)
    branches, units = appraisal.records(request.user, year)
    return level, year, branches if level == "branch" else units


@login_required
@require_GET
def appraisal_list(request):
    _require_reader(request.user)
    level, year, rows = _listing(request)
    years = sorted({*appraisal.years_of(request.user), year}, reverse=True)
    return render(request, "planning/appraisal/list.html", {
        "level": level, "levels": LEVELS, "year": year, "years": years,
        "page": paginate(request, rows), "query": query_without_page(request)})


@login_required
@require_GET
def appraisal_export(request):
    _require_reader(request.user)
    level, year, rows = _listing(request)
    return xlsx_response(name=f"{year}年度{LEVELS[level]}抓党建述职评议-培育情况", columns=COLUMNS, items=rows,
                         request=request)


@login_required
def appraisal_detail(request, pk):
    """One organization's page for the 评议 meeting: printable, with its result recorded beside it."""
    _require_reader(request.user)
    organization = access.visible_organization_or_404(request.user, pk)
    year = _year(request)
    record = appraisal.record_of(request.user, organization, year)
    return render(request, "planning/appraisal/detail.html", {
        "organization": organization, "year": year, "record": record,
        "results": AppraisalForm.base_fields["result"].choices, "may_record": appraisal.may_record(request.user, organization),
        "grade_labels": appraisal.GRADE_LABELS})


@login_required
@require_POST
def appraisal_save(request, pk):
    organization = access.visible_organization_or_404(request.user, pk)
    if not appraisal.may_record(request.user, organization):
        access.refuse(request.user, f"recording the appraisal of {pk}", not_found=False)
    year = _year(request, posted_text(request, "year"))
    form = AppraisalForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.error_text())
        return redirect(reverse("planning:appraisal_detail", args=[organization.pk]) + f"?year={year}")
    try:
        appraisal.appraisal_record(organization=organization, year=year, actor=request.user,
                                   result=form.cleaned_data["result"], note=form.cleaned_data["note"])
    except MoveRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"已记录{organization.name}{year}年度述职评议结果")
    return redirect(reverse("planning:appraisal_detail", args=[organization.pk]) + f"?year={year}")
