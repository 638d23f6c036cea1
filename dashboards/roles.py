"""The overview page's sections, one per role the user holds: what waits for them, each number with the
URL of the list it counts. Every count is read through the same selector as the list it links to, so
the two always agree. A fixed number of queries per section."""

from django.db.models import Count

from branches import access
from branches.enums import Role
from cultivation import selectors
from cultivation.enums import ProjectState
from cultivation.models import Batch
from cultivation.reports import listings as report_listings
from cultivation.reports import selectors as report_selectors
from dissemination import selectors as piece_selectors
from evaluations import selectors as evaluation_selectors
from planning import selectors as planning_selectors

from .batch_dashboard import link

DEADLINES = 5


def _state_rows(projects):
    rows = {row["state"]: row["n"] for row in projects.order_by().values("state").annotate(n=Count("pk"))}
    return [(state.label, rows[state], link("cultivation:project_list", state=state.value))
            for state in ProjectState if rows.get(state)]


def next_deadline(batch, today):
    """(what, day) of the batch's next date to meet: the application deadline, else the end of the
    phase under way or the next one; None once the batch is over."""
    dates = []
    if batch.nomination_deadline >= today:
        dates.append(("申报截止", batch.nomination_deadline))
    for phase, start, end in batch.windows():
        if end >= today:
            dates.append((f"{phase.label}阶段结束", end))
    return min(dates, key=lambda item: item[1]) if dates else None


def _deadlines(user, today):
    found = []
    for batch in Batch.objects.visible_to(user).filter(harvest_end__gte=today).order_by("selection_start", "pk"):
        due = next_deadline(batch, today)
        if due is not None:
            found.append({"batch": batch, "what": due[0], "day": due[1], "days_left": (due[1] - today).days,
                          "href": link("cultivation:batch_detail", args=[batch.pk])})
    return sorted(found, key=lambda item: item["day"])[:DEADLINES]


def _report_counts(user, today):
    counts = report_selectors.tab_counts(user, today=today)
    return {key: (counts[key], link("cultivation:report_list", tab=key)) for key in report_selectors.TABS}


def _reviews(user, tab):
    """What waits on a 二级党组织's or 组织部's review beyond reports: task books in the queue tab `tab`, and
    publicity pieces, each with its queue's URL (two queries)."""
    books = planning_selectors.queue(user, tab).count()
    pieces = piece_selectors.review_queue(user).count()
    return {"taskbooks": (books, link("planning:review_queue", tab=tab)),
            "pieces": (pieces, link("dissemination:piece_queue"))}


def staff_section(user, today):
    if not access.is_org_staff(user):
        return None
    batches = list(Batch.objects.managed_by(user).filter(harvest_end__gte=today).order_by("-selection_start", "-pk"))
    for batch in batches:
        batch.current_phase = batch.phase_on(today)
    objections = selectors.staff_objections(user, state="unanswered").count()
    return {"batches": batches,
            "objections": (objections, link("cultivation:objection_list", state="unanswered")),
            **_reviews(user, "endorsed")}


def unit_section(user, today, reports):
    if not access.has_role(user, Role.UNIT_STAFF):
        return None
    projects = selectors.projects_for(user)
    waiting = projects.filter(state=ProjectState.SUBMITTED).count()
    return {
        "units": access.organizations_for(user, Role.UNIT_STAFF),
        "waiting": (waiting, link("cultivation:project_list", state=ProjectState.SUBMITTED.value)),
        "to_endorse": reports["submitted"],
        "funding": report_listings.funding_totals(report_listings.funding_items(user)),
        "funding_href": link("cultivation:funding_list"),
        "states": _state_rows(projects),
        "deadlines": _deadlines(user, today),
        **_reviews(user, "submitted"),
    }


def secretary_section(user, today, reports):
    if not access.has_role(user, Role.SECRETARY):
        return None
    branches = access.organizations_for(user, Role.SECRETARY)
    projects = list(selectors.projects_for(user).filter(organization__in=branches)
                    .order_by("-batch__selection_start", "-pk"))
    for project in projects:
        project.next_deadline = next_deadline(project.batch, today)
    pending = [p for p in report_selectors.pending_periods(user, today=today)
               if p.project.organization_id in {b.pk for b in branches}]
    returned_projects = sum(1 for project in projects if project.state == ProjectState.RETURNED)
    return {
        "projects": projects,
        "next_report": pending[0] if pending else None,
        "due": reports["due"], "overdue": reports["overdue"], "returned_reports": reports["returned"],
        "returned_projects": (returned_projects,
                              link("cultivation:project_list", state=ProjectState.RETURNED.value)),
    }


def reviewer_section(user, today):
    if not access.has_role(user, Role.REVIEWER):
        return None
    todo = evaluation_selectors.queue(user, status="todo")
    rounds = (todo.order_by().values("round_id", "round__name", "round__deadline")
              .annotate(n=Count("pk")).order_by("round__deadline", "round_id"))
    rounds = [{**row, "days_left": (row["round__deadline"] - today).days} for row in rounds]
    submitted = evaluation_selectors.queue(user, status="submitted").order_by().count()
    return {
        "rounds": rounds,
        "todo": (sum(row["n"] for row in rounds), link("evaluations:queue", status="todo")),
        "submitted": (submitted, link("evaluations:queue", status="submitted")),
    }


def sections(user, today):
    """The sections of the overview, those of roles the user does not hold left out (None)."""
    if access.has_role(user, Role.SECRETARY):
        # The secretary's section lists the periods: read them first and the counts are taken from them.
        report_selectors.pending_periods(user, today=today)
    reports = _report_counts(user, today) if access.roles(user) & {Role.UNIT_STAFF, Role.SECRETARY} else {}
    return {
        "staff": staff_section(user, today),
        "unit": unit_section(user, today, reports),
        "secretary": secretary_section(user, today, reports),
        "reviewer": reviewer_section(user, today),
    }

