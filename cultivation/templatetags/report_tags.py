"""Template tags for progress reports: the partials other pages include, and status labels."""

from django import template
from django.utils import timezone

from cultivation.enums import Actor
from cultivation.reports import selectors as report_selectors
from cultivation.reports.enums import ReportState
from cultivation.workflow import actor_roles

register = template.Library()

REPORT_BADGES = {
    ReportState.DRAFT: "text-bg-light border",
    ReportState.SUBMITTED: "text-bg-primary",
    ReportState.ENDORSED: "text-bg-info",
    ReportState.ACCEPTED: "text-bg-success",
    ReportState.RETURNED: "text-bg-warning",
}


@register.inclusion_tag("cultivation/reports/includes/project_reports_body.html", takes_context=True)
def project_reports(context, project, limit=5):
    """The project's 培育 record for its detail page, in a fixed number of queries."""
    user = context["request"].user
    today = timezone.localdate()
    roles = actor_roles(user, project)
    return {
        "project": project, "today": today, "record": report_selectors.project_record(project, today=today, limit=limit),
        "is_secretary": Actor.SECRETARY in roles, "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("cultivation/reports/includes/summary_body.html")
def reports_summary(project):
    """Read-only totals for a reviewer's side panel."""
    return {"project": project, "summary": report_selectors.project_summary(project)}


@register.filter
def period_status_label(status):
    return report_selectors.STATUS_LABELS.get(status, ("", ""))[0]


@register.filter
def period_status_badge(status):
    return report_selectors.STATUS_LABELS.get(status, ("", "text-bg-light"))[1]


@register.filter
def report_badge(state):
    return REPORT_BADGES.get(state, "text-bg-light")


@register.filter
def absolute(value):
    return abs(value)
