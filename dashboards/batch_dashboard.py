"""A 组织部's dashboard of one batch: where its projects stand, what is due, who still has to score,
what is open to the public, quotas and money. Each number comes with the URL of the list it counts,
filtered the same way, so following it shows exactly that many rows. A fixed number of queries."""

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

from branches import access
from branches.enums import BranchCategory, BranchType
from cultivation import selectors
from cultivation.enums import CULTIVATED_STATES, ProjectState
from cultivation.models import Notice
from cultivation.reports import listings as report_listings
from cultivation.reports import selectors as report_selectors
from evaluations.models import ScoreSheet
from evaluations.selectors import PENDING_SHEET_STATES
from planning.selectors import guidance_overview

from . import charts


def link(name, args=(), **params):
    url = reverse(name, args=args)
    return f"{url}?{urlencode(params)}" if params else url


def projects_link(batch, **params):
    return link("cultivation:project_list", batch=batch.pk, **params)


def batch_dashboard(user, batch, *, today):
    projects = selectors.projects_for(user).filter(batch=batch).order_by()
    # One small row per project of the batch: the charts, the cultivated counts, the quotas' use and the
    # guidance table are all counted from these, one query instead of six (a batch holds a few hundred).
    rows = list(projects.values("pk", "state", "unit_id", "unit__name", "unit__code", "organization__category",
                                "organization__branch_type", "organization__name", "organization__code"))
    by_state = Counter(row["state"] for row in rows)
    states = [charts.Bar(state.label, by_state[state], projects_link(batch, state=state.value))
              for state in ProjectState if by_state.get(state)]
    categories = dict(BranchCategory.choices)
    by_category = [charts.Bar(categories.get(category, "未填写分类"), n, projects_link(batch, category=category or "none"))
                   for category, n in sorted(Counter(row["organization__category"] for row in rows).items(),
                                             key=lambda pair: pair[0] or "")]
    units = Counter((row["unit__code"], row["unit_id"], row["unit__name"]) for row in rows)
    by_unit = [charts.Bar(name, n, projects_link(batch, unit=unit_id)) for (_, unit_id, name), n in sorted(units.items())]

    report_counts = report_selectors.tab_counts(user, today=today, batch=batch)
    reports = [(label, report_counts[key], link("cultivation:report_list", tab=key, batch=batch.pk))
               for key, label in report_selectors.TABS.items()]

    sheet_rows = (ScoreSheet.objects.filter(round__batch=batch, state__in=PENDING_SHEET_STATES).order_by()
                  .values("round_id", "round__name", "round__deadline", "reviewer_id", "reviewer__username",
                          "reviewer__first_name", "reviewer__last_name").annotate(n=Count("pk"))
                  .order_by("round__deadline", "round_id", "-n", "reviewer__username"))
    reviews = [{"round": row["round__name"], "deadline": row["round__deadline"], "n": row["n"],
                "reviewer": f"{row['reviewer__last_name']}{row['reviewer__first_name']}" or row["reviewer__username"],
                "href": link("evaluations:round_detail", args=[row["round_id"]], reviewer=row["reviewer_id"])}
               for row in sheet_rows]

    # The open notices and the unanswered objections under the notices the user runs in the batch (the rows
    # selectors.staff_objections lists, counted here in the notices' query).
    notices = Notice.objects.managed_by(user).filter(batch=batch)
    notice_counts = notices.aggregate(
        open=Count("pk", filter=Q(ends_on__gte=today, withdrawn_at__isnull=True), distinct=True),
        objections=Count("objections", filter=Q(objections__answered_at__isnull=True), distinct=True))
    objections = notice_counts["objections"] if access.is_org_staff(user) else 0

    counted = sorted((row for row in rows if row["state"] in CULTIVATED_STATES),
                     key=lambda row: (row["organization__code"], row["pk"]))
    recognized = {"total": len(counted),
                  "faculty": sum(1 for row in counted if row["organization__branch_type"] == BranchType.FACULTY),
                  "student": sum(1 for row in counted if row["organization__branch_type"] == BranchType.STUDENT)}
    # The totals of the funding list this section links to, from the same listing.
    funding = report_listings.funding_totals(report_listings.funding_items(user, batch=batch))
    quotas = selectors.unit_quotas(user, batch, rows=rows)
    for row in quotas:
        row["href"] = projects_link(batch, unit=row["unit_id"], state="nominated")

    guidance = _guidance(counted, batch, today)

    windows = batch.windows()
    current = batch.phase_on(today)
    return {
        **guidance,
        "batch": batch, "today": today, "phase": current, "finished": batch.is_finished(today),
        "project_total": sum(by_state.values()), "all_href": projects_link(batch),
        "state_chart": charts.bars(states, title="各状态项目数"),
        "category_chart": charts.bars(by_category, title="按支部分类"),
        "unit_chart": charts.bars(by_unit, title="按二级党组织"),
        "states": states, "by_category": by_category, "by_unit": by_unit,
        "timeline": charts.timeline(windows, today=today, current=current),
        "windows": [(phase, start, end, phase == current) for phase, start, end in windows],
        "reports": reports,
        "reviews": reviews, "reviews_total": sum(row["n"] for row in reviews),
        "notices_open": notice_counts["open"],
        "notices_open_href": link("cultivation:notice_list", batch=batch.pk, open=1),
        "objections": objections,
        "objections_href": link("cultivation:objection_list", batch=batch.pk, state="unanswered"),
        "recognized": recognized, "recognized_href": projects_link(batch, state="cultivated"),
        "quota_rows": quotas,
        "allocated": funding["allocated"], "spent": funding["spent"], "balance": funding["balance"],
        "funding_href": link("cultivation:funding_list", batch=batch.pk),
    }


def _guidance(cultivated, batch, today):
    """常态化跟踪指导: each cultivated project's guidance (`cultivated`: their rows, by organization code), the
    least guided first (a project never visited shows 0), and the open difficulties, oldest first (two queries)."""
    overview = guidance_overview(batch, today=today)
    rows = []
    for project in cultivated:
        counts = overview.counts.get(project["pk"], {})
        rows.append({"name": project["organization__name"], "total": counts.get("total", 0),
                     "latest": counts.get("latest"),
                     "href": reverse("planning:guidance_project", args=[project["pk"]])})
    rows.sort(key=lambda row: row["total"])
    difficulties = [{"title": row.title, "branch": row.project.organization.name, "age": row.age_days,
                     "state": row.get_state_display(),
                     "href": reverse("planning:guidance_project", args=[row.project_id]) + f"#difficulty-{row.pk}"}
                    for row in overview.open_difficulties]
    return {"guidance_rows": rows, "guidance_total": sum(row["total"] for row in rows),
            "unguided": sum(1 for row in rows if not row["total"]), "open_difficulties": difficulties}
