"""Access-matrix rows for the URLs of the `cultivation` app. Filled by the engineers who write its views.

Add one `Row` (tests/security/matrix.py) per URL name and method; the meta-test in
test_access_matrix.py fails, naming the URL, until every name of `cultivation/urls.py` has one. A row:

    Row(
        "cultivation:project_detail",                       # the URL name, as reverse() takes it
        own=expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, unit_staff=OK, secretary=OK,
                   reviewer_assigned=OK),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, org_staff=OK, other_unit_staff=OK,
                       other_secretary=OK),
        kwargs=lambda world, which: {"pk": ProjectFactory(organization=world.branch(which)).pk},
        method="get",                                    # "post" rows also send data=...
        data=None,                                       # (world, which) -> dict, valid input
    )

- `expect(default, **role=answer)` gives every role an answer: OK (200), LOGIN (302 to the login
  page), REDIRECT (302 elsewhere, e.g. after a successful POST), FORBIDDEN (403), NOT_FOUND (404),
  NOT_ALLOWED (405). Hidden objects answer 404; pages a role may never use answer 403.
- "own" objects belong to world.branch("own") (甲一党支部, unit 甲学院党委); "foreign" ones to
  world.branch("foreign") (乙一党支部, unit 乙学院党委). world.tree is tests.factories.Tree().with_reviewers().
- Reviewers: `reviewer_assigned` is tree.reviewer (乙学院党委) and must be assigned to the own object
  by the kwargs builder; `reviewer_unassigned` gets no assignment; `reviewer_conflicted` belongs to
  甲学院党委 and may never see 甲一党支部's projects, even with an assignment the builder forces in.
- A URL with no object (a list, a create page) gives only `own` and no kwargs.
- The same rows drive the CSRF test (every POST row is replayed without a token) and the refusal
  check (a refused request changes no row of any table).
"""

ROWS = []


# ---- progress reports, evidence, funding and the inbox (issue 3, items 5 and 7) -----------------
# The project is a cultivation target (中期材料已提交); tree.reviewer is assigned to the own one, so
# readable_by lets them read its record (never write: 403). Others answer 404, visitors the login page.

from .matrix import FORBIDDEN as _R_FORBIDDEN
from .matrix import LOGIN as _R_LOGIN
from .matrix import NOT_FOUND as _R_NOT_FOUND
from .matrix import OK as _R_OK
from .matrix import REDIRECT as _R_REDIRECT
from .matrix import Row as _R_Row
from .matrix import expect as _r_expect

_R_PEOPLE = {"own": ("unit_staff", "secretary"), "foreign": ("other_unit_staff", "other_secretary")}


def _r_answers(which, *, secretary, unit, school, reviewer):
    unit_role, secretary_role = _R_PEOPLE[which]
    return _r_expect(_R_NOT_FOUND, anonymous=_R_LOGIN, org_staff=school, **{unit_role: unit, secretary_role: secretary},
                     reviewer_assigned=reviewer if which == "own" else _R_NOT_FOUND)


def _r_row(name, method="get", data=None, *, kwargs, secretary=_R_FORBIDDEN, unit=_R_FORBIDDEN,
           school=_R_FORBIDDEN, reviewer=_R_FORBIDDEN):
    roles = dict(secretary=secretary, unit=unit, school=school, reviewer=reviewer)
    return _R_Row(name, own=_r_answers("own", **roles), foreign=_r_answers("foreign", **roles), kwargs=kwargs,
                  method=method, data=data)


def _r_project(world, which):
    """A cultivated project of the branch (created once per world and branch)."""
    from cultivation.models import Project
    from tests.factories import cultivating_project

    existing = Project.objects.filter(organization=world.branch(which)).first()
    if existing is not None:
        return existing
    project = cultivating_project(world.branch(which))
    Project.objects.filter(pk=project.pk).update(state="midterm_submitted")
    project.refresh_from_db()
    if which == "own":
        from evaluations import services as evaluation_services
        from tests.factories import RoundFactory

        evaluation_services.assignment_add(round_=RoundFactory(batch=project.batch), project=project,
                                           reviewer=world.tree.reviewer, actor=world.tree.staff)
    return project


def _r_report(state):
    def build(world, which):
        from tests.factories import progress_report

        return {"pk": progress_report(_r_project(world, which), state=state).pk}
    return build


def _r_free_day(world, which):
    """A day inside the 培育 window that is not yet a due date: valid for a new milestone."""
    import datetime

    from cultivation.report_selectors import periods_of

    first = periods_of(_r_project(world, which))[0]
    return first.due - datetime.timedelta(days=1) if first.start < first.due else first.due + datetime.timedelta(days=1)


def _r_project_kwargs(world, which):
    return {"pk": _r_project(world, which).pk}


def _r_start_data(world, which):
    from cultivation.report_selectors import periods_of

    return {"period_due": periods_of(_r_project(world, which))[0].due.isoformat()}


def _r_edit_data(world, which):
    activity = _r_project(world, which).activities.get()
    return {"version": 1, "narrative": "开展主题党日", "congress_count": 1, "committee_count": 1, "group_count": 1,
            "lecture_count": 1, "theme_day_count": 1, f"activity_{activity.pk}_times_held": 1,
            f"activity_{activity.pk}_participants": 20, f"activity_{activity.pk}_progress": "进展顺利"}


def _r_attachment(world, which):
    from cultivation.models import Attachment

    project = _r_project(world, which)
    from branches.uploads import check_upload, store_upload
    from django.core.files.uploadedfile import SimpleUploadedFile

    checked = check_upload(SimpleUploadedFile("支部活动记录.pdf", _R_PDF))
    attachment = Attachment.objects.create(project=project, path=store_upload(checked, folder="reports"),
                                           original_name=checked.display_name, content_type=checked.content_type,
                                           size=checked.size, sha256=checked.sha256, created_by=world.tree.secretary)
    return {"pk": attachment.pk}


def _r_upload_data(world, which):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("支部活动记录.pdf", _R_PDF), "caption": "会议记录"}


def _r_publication_kwargs(world, which):
    return {"pk": _r_project(world, which).pk, "kind": "publication"}


def _r_publication_data(world, which):
    return {"channel": "xuexi", "title": "经典诵读进课堂", "link": "https://www.xuexi.cn/a", "published_on": "2026-10-01"}


def _r_publication_item(world, which):
    from cultivation.models import Publication

    project = _r_project(world, which)
    item = Publication.objects.create(project=project, channel="xuexi", title="报道", published_on="2026-10-01",
                                      created_by=world.tree.secretary)
    return {"pk": project.pk, "kind": "publication", "item": item.pk}


def _r_activity(world, which):
    from cultivation.models import FeaturedActivity

    activity = _r_project(world, which).activities.get()
    FeaturedActivity.objects.filter(pk=activity.pk).update(allocated_budget=5000)
    return {"pk": activity.pk}


def _r_spending_data(world, which):
    from django.utils import timezone

    return {"amount": "100", "spent_on": timezone.localdate().isoformat(), "purpose": "购买学习资料"}


def _r_notification(world, which):
    from cultivation.models import Notification

    user = world.tree.secretary if which == "own" else world.tree.other_secretary
    return {"pk": Notification.objects.create(user=user, title="进展报告已退回", url="/cultivation/reports/").pk}


_R_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
          b"trailer<</Root 1 0 R>>\n%%EOF\n")
_R_SIGNED_IN = _r_expect(_R_OK, anonymous=_R_LOGIN)
_R_READERS = dict(secretary=_R_OK, unit=_R_OK, school=_R_OK, reviewer=_R_OK)

ROWS += [
    _R_Row("cultivation:report_list", _R_SIGNED_IN),
    _r_row("cultivation:report_project", kwargs=_r_project_kwargs, **_R_READERS),
    _r_row("cultivation:report_detail", kwargs=_r_report("submitted"), **_R_READERS),
    _r_row("cultivation:report_attachment_download", kwargs=_r_attachment, **_R_READERS),
    _r_row("cultivation:report_edit", kwargs=_r_report("draft"), secretary=_R_OK),
    _r_row("cultivation:report_edit", "post", _r_edit_data, kwargs=_r_report("draft"), secretary=_R_REDIRECT),
    _r_row("cultivation:report_move", "post", lambda world, which: {"comment": "同意", "version": 1},
           kwargs=lambda world, which: {**_r_report("submitted")(world, which), "name": "endorse"},
           unit=_R_REDIRECT, school=_R_REDIRECT),
    _r_row("cultivation:report_start", "post", _r_start_data, kwargs=_r_project_kwargs, secretary=_R_REDIRECT),
    _r_row("cultivation:report_milestone_add", "post",
           lambda world, which: {"date": _r_free_day(world, which).isoformat(), "title": "支部开放日"},
           kwargs=_r_project_kwargs, unit=_R_REDIRECT, school=_R_REDIRECT),
    _r_row("cultivation:report_attachment_upload", "post", _r_upload_data, kwargs=_r_project_kwargs,
           secretary=_R_REDIRECT),
    _r_row("cultivation:report_evidence_add", "post", _r_publication_data, kwargs=_r_publication_kwargs,
           secretary=_R_REDIRECT),
    _r_row("cultivation:report_evidence_delete", "post", kwargs=_r_publication_item, secretary=_R_REDIRECT),
    _r_row("cultivation:spending_allocate", "post", lambda world, which: {"amount": "6000"}, kwargs=_r_activity,
           school=_R_REDIRECT),
    _r_row("cultivation:spending_add", "post", _r_spending_data, kwargs=_r_activity, secretary=_R_REDIRECT),
    _R_Row("cultivation:inbox_list", _R_SIGNED_IN),
    _R_Row("cultivation:inbox_read", method="post", kwargs=_r_notification,
           own=_r_expect(_R_NOT_FOUND, anonymous=_R_LOGIN, secretary=_R_REDIRECT),
           foreign=_r_expect(_R_NOT_FOUND, anonymous=_R_LOGIN, other_secretary=_R_REDIRECT)),
    _R_Row("cultivation:inbox_read_all", _r_expect(_R_REDIRECT, anonymous=_R_LOGIN), method="post"),
]
