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


# ---- batches, selection, recognition, notices, mid-term and final (issue 3) ---------------------
# Project rows: the own/foreign project's secretary, unit staff and 组织部 get the answer named for
# their role; everyone else signed in gets 404 (the project stays hidden), visitors the login page.

import datetime as _dt

from django.core.files.uploadedfile import SimpleUploadedFile as _Upload
from django.utils import timezone as _tz

from .matrix import FORBIDDEN as _FORBIDDEN
from .matrix import LOGIN as _LOGIN
from .matrix import NOT_FOUND as _NOT_FOUND
from .matrix import OK as _OK
from .matrix import REDIRECT as _REDIRECT
from .matrix import Row as _Row
from .matrix import expect as _expect

_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
_PEOPLE = {"own": ("unit_staff", "secretary"), "foreign": ("other_unit_staff", "other_secretary")}


def _answers(which, *, secretary=_NOT_FOUND, unit=_NOT_FOUND, school=_NOT_FOUND, reviewer=_NOT_FOUND):
    unit_role, secretary_role = _PEOPLE[which]
    return _expect(_NOT_FOUND, anonymous=_LOGIN, org_staff=school, **{unit_role: unit, secretary_role: secretary},
                   reviewer_assigned=reviewer if which == "own" else _NOT_FOUND)


def _both(**roles):
    return {"own": _answers("own", **roles), "foreign": _answers("foreign", **roles)}


def _batch(phase):
    from tests.cultivation.helpers import batch_in

    return batch_in(phase)


PHASE_OF = {"draft": "selection", "submitted": "selection", "nominated": "recognition", "shortlisted": "recognition",
            "recognized": "midterm", "midterm_submitted": "midterm", "rectifying": "harvest",
            "final_submitted": "harvest"}


def _project(world, which, state):
    from cultivation.models import Project
    from tests.factories import ProjectFactory

    project = ProjectFactory(organization=world.branch(which), batch=_batch(PHASE_OF[state]))
    Project.objects.filter(pk=project.pk).update(state=state)
    project.refresh_from_db()
    return project


def _project_kwargs(state):
    return lambda world, which: {"pk": _project(world, which, state).pk}


def _assigned_project(world, which):
    """The project, with tree.reviewer assigned to the own one (a mid-term score sheet)."""
    from evaluations import services as evaluation_services
    from tests.factories import RoundFactory

    project = _project(world, which, "midterm_submitted")
    if which == "own":
        round_ = RoundFactory(batch=project.batch)
        evaluation_services.assignment_add(round_=round_, project=project, reviewer=world.tree.reviewer,
                                           actor=world.tree.staff)
    return {"pk": project.pk}


def _version(world, which):
    return {"version": 1}


def _application(world, which):
    return {"title": "主题", "concept": "立意", "practice": "做法", "experience": "经验", "plan": "思路",
            "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "0", "activities-MIN_NUM_FORMS": "1",
            "activities-MAX_NUM_FORMS": "2", "activities-0-name": "活动", "activities-0-description": "内容",
            "activities-0-planned_budget": "1000"}


def _new_application(world, which):
    return {"organization": world.branch(which).pk, **_application(world, which)}


def _edit_application(world, which):
    return {"version": 1, **_application(world, which)}


def _batch_data(world, which):
    from tests.factories import batch_windows

    return {"name": "矩阵批次", "kind": "model_branch", "level": "school", "year": 2030, "quota_total": 15,
            "quota_faculty": 10, "quota_student": 5, "cultivation_months": 18, "notice_working_days": 5,
            "nomination_deadline": "2030-06-20", "report_every_months": 1, "report_due_day": 25,
            **{key: value.isoformat() for key, value in batch_windows(_dt.date(2030, 6, 1)).items()}}


def _batch_kwargs(phase):
    return lambda world, which: {"pk": _batch(phase).pk}


def _province_batch_kwargs(world, which):
    """A province's batch in 选苗, above the tree's school (the tree grows a province for it, once)."""
    from tests.cultivation.helpers import batch_in
    from tests.factories import province_over

    if not hasattr(world, "province_batch"):
        school = world.tree.school
        province = school.parent if school.parent_id else province_over(world.tree)
        world.province_batch = batch_in("selection", owner=province, name="省级样板党支部培育")
    return {"pk": world.province_batch.pk}


def _recommendation(world, which):
    """The school recommends the own (or foreign) branch's accepted school-level project."""
    from cultivation.models import Project
    from tests.cultivation.helpers import batch_in
    from tests.factories import ProjectFactory

    source = ProjectFactory(batch=batch_in("harvest", owner=world.tree.school), organization=world.branch(which))
    Project.objects.filter(pk=source.pk).update(state="accepted")
    return {"source": source.pk, "rank": 1, "recommendation": "创建成效突出，同意推荐"}


def _notice(world, which):
    from cultivation.models import Notice, NoticeItem

    project = _project(world, which, "shortlisted")
    today = _tz.localdate()
    notice = Notice.objects.create(batch=project.batch, kind="recognition", title="拟认定公示", body="现予公示",
                                   starts_on=today, ends_on=today + _dt.timedelta(days=7),
                                   published_by=world.tree.staff)
    NoticeItem.objects.create(notice=notice, project=project)
    return notice


def _notice_kwargs(world, which):
    return {"pk": _notice(world, which).pk}


def _objection_kwargs(world, which):
    from cultivation.models import Objection

    notice = _notice(world, which)
    return {"pk": Objection.objects.create(notice=notice, item=notice.items.get(), name="李四", contact="138",
                                           content="异议").pk}


def _child(model_name, state, **fields):
    def build(world, which):
        from django.apps import apps

        project = _project(world, which, state)
        return {"pk": apps.get_model("cultivation", model_name).objects.create(
            project=project, **{key: (value(world) if callable(value) else value) for key, value in fields.items()}).pk}
    return build


def _attachment(world, which):
    from pathlib import Path

    from django.conf import settings

    from cultivation.models import ReviewAttachment

    project = _project(world, which, "recognized")
    path = Path(settings.MEDIA_ROOT) / "reviews" / "midterm"
    path.mkdir(parents=True, exist_ok=True)
    (path / f"m{project.pk}.pdf").write_bytes(_PDF)
    return ReviewAttachment.objects.create(project=project, stage="midterm", path=f"reviews/midterm/m{project.pk}.pdf",
                                           display_name="总结.pdf", content_type="application/pdf", size=len(_PDF),
                                           sha256="0" * 64, uploaded_by=world.tree.secretary)


def _answered(data):
    from tests.cultivation.helpers import answered

    return answered(data)


def _shortlisted_notice_data(world, which):
    from cultivation.models import Project

    project = Project.objects.filter(organization=world.branch(which), state="shortlisted").latest("pk")
    return {"kind": "recognition", "title": "拟认定公示", "body": "现予公示", "starts_on": _tz.localdate().isoformat(),
            "projects": [project.pk]}


def _notice_batch_kwargs(world, which):
    return {"pk": _project(world, which, "shortlisted").batch_id}


STAFF_ONLY = _expect(_FORBIDDEN, anonymous=_LOGIN, org_staff=_OK)
STAFF_POST = _expect(_FORBIDDEN, anonymous=_LOGIN, org_staff=_REDIRECT)
SECRETARY_ONLY_PAGE = _both(secretary=_OK, unit=_FORBIDDEN, school=_FORBIDDEN)
SECRETARY_ONLY_POST = _both(secretary=_REDIRECT, unit=_FORBIDDEN, school=_FORBIDDEN)
SCHOOL_ONLY_PAGE = _both(secretary=_FORBIDDEN, unit=_FORBIDDEN, school=_OK)
SCHOOL_ONLY_POST = _both(secretary=_FORBIDDEN, unit=_FORBIDDEN, school=_REDIRECT)


def _project_row(name, answers, kwargs, method="get", data=None, label=""):
    return _Row(name, own=answers["own"], foreign=answers["foreign"], kwargs=kwargs, method=method, data=data,
                label=label)


def _same(answers):
    return {"own": answers, "foreign": answers}


ROWS += [
    _Row("cultivation:batch_list", _expect(_OK, anonymous=_LOGIN)),
    _Row("cultivation:batch_export", _expect(_OK, anonymous=_LOGIN)),
    _Row("cultivation:batch_create", STAFF_ONLY),
    _Row("cultivation:batch_create", STAFF_POST, method="post", data=_batch_data),
    _project_row("cultivation:batch_detail", _same(_expect(_OK, anonymous=_LOGIN)), _batch_kwargs("selection")),
    _project_row("cultivation:batch_edit", _same(STAFF_ONLY), _batch_kwargs("selection")),
    _project_row("cultivation:batch_edit", _same(STAFF_POST), _batch_kwargs("selection"), "post", _batch_data),
    _project_row("cultivation:batch_quota", _same(STAFF_POST), _batch_kwargs("selection"), "post",
                 lambda world, which: {"unit": world.unit(which).pk, "quota": 2}),
    # Any secretary may open the form; each can only choose their own branch, so posting another's
    # branch re-shows the form with an error (200) and creates nothing.
    _project_row("cultivation:project_start",
                 _same(_expect(_FORBIDDEN, anonymous=_LOGIN, secretary=_OK, other_secretary=_OK)),
                 _batch_kwargs("selection")),
    _Row("cultivation:project_start", method="post", kwargs=_batch_kwargs("selection"), data=_new_application,
         own=_expect(_FORBIDDEN, anonymous=_LOGIN, secretary=_REDIRECT, other_secretary=_OK),
         foreign=_expect(_FORBIDDEN, anonymous=_LOGIN, secretary=_OK, other_secretary=_REDIRECT)),
    # Recommending up is for a school's 组织部 into a batch above it (tests/cultivation/test_province_batch.py).
    _project_row("cultivation:recommend_up", _same(STAFF_ONLY), _province_batch_kwargs, label="province"),
    _project_row("cultivation:recommend_up", _same(STAFF_POST), _province_batch_kwargs, "post", _recommendation,
                 label="province"),
    # Into its own school's batch nobody may: a school's batch takes applications from its branches.
    _project_row("cultivation:recommend_up", _same(_expect(_FORBIDDEN, anonymous=_LOGIN)), _batch_kwargs("selection"),
                 label="school"),
    _project_row("cultivation:nominations",
                 _same(_expect(_FORBIDDEN, anonymous=_LOGIN, org_staff=_OK, unit_staff=_OK, other_unit_staff=_OK)),
                 _batch_kwargs("selection")),
    _project_row("cultivation:screening", _same(STAFF_ONLY), _batch_kwargs("recognition")),
    _project_row("cultivation:screening_export", _same(STAFF_ONLY), _batch_kwargs("recognition")),
    _project_row("cultivation:nominations_export",
                 _same(_expect(_FORBIDDEN, anonymous=_LOGIN, org_staff=_OK, unit_staff=_OK, other_unit_staff=_OK)),
                 _batch_kwargs("selection")),
    _project_row("cultivation:compare", _same(STAFF_ONLY), _batch_kwargs("recognition")),
    _project_row("cultivation:notice_create", _same(STAFF_ONLY), _batch_kwargs("recognition")),
    _project_row("cultivation:notice_create", _same(STAFF_POST), _notice_batch_kwargs, "post",
                 _shortlisted_notice_data),
    _Row("cultivation:project_list", _expect(_OK, anonymous=_LOGIN)),
    _Row("cultivation:project_export", _expect(_OK, anonymous=_LOGIN)),
    _project_row("cultivation:project_detail", _both(secretary=_OK, unit=_OK, school=_OK, reviewer=_OK),
                 _assigned_project),
    _project_row("cultivation:project_edit", SECRETARY_ONLY_PAGE, _project_kwargs("draft")),
    _project_row("cultivation:project_edit", SECRETARY_ONLY_POST, _project_kwargs("draft"), "post",
                 _edit_application),
    _project_row("cultivation:project_move", SECRETARY_ONLY_POST,
                 lambda world, which: {**_project_kwargs("draft")(world, which), "name": "submit"}, "post", _version,
                 label="submit"),
    _project_row("cultivation:project_move", _both(secretary=_FORBIDDEN, unit=_REDIRECT, school=_REDIRECT),
                 lambda world, which: {**_project_kwargs("submitted")(world, which), "name": "nominate"}, "post",
                 _version, label="nominate"),
    _project_row("cultivation:project_move", SCHOOL_ONLY_POST,
                 lambda world, which: {**_project_kwargs("nominated")(world, which), "name": "shortlist"}, "post",
                 _version, label="shortlist"),
    _project_row("cultivation:project_recommend", _both(secretary=_FORBIDDEN, unit=_REDIRECT, school=_REDIRECT),
                 _project_kwargs("submitted"), "post", lambda world, which: {"version": 1, "rank": 1,
                                                                             "recommendation": "同意推荐"}),
    _project_row("cultivation:project_screen", SCHOOL_ONLY_POST, _project_kwargs("nominated"), "post",
                 lambda world, which: {"version": 1, "note": "基础扎实"}),
    _project_row("cultivation:project_extend", SCHOOL_ONLY_POST, _project_kwargs("draft"), "post",
                 lambda world, which: {"phase": "selection", "until": (_tz.localdate() + _dt.timedelta(days=60))
                                       .isoformat(), "reason": "培训延误"}),
    _project_row("cultivation:midterm_edit", SECRETARY_ONLY_PAGE, _project_kwargs("recognized")),
    _project_row("cultivation:midterm_edit", SECRETARY_ONLY_POST, _project_kwargs("recognized"), "post",
                 lambda world, which: {"version": 1, "summary": "总结", "outcome_report": "成果"}),
    _project_row("cultivation:final_edit", SECRETARY_ONLY_PAGE, _project_kwargs("rectifying")),
    _project_row("cultivation:final_edit", SECRETARY_ONLY_POST, _project_kwargs("rectifying"), "post",
                 lambda world, which: {"version": 1, "summary": "总结"}),
    _project_row("cultivation:deliverable_add", SECRETARY_ONLY_POST, _project_kwargs("rectifying"), "post",
                 lambda world, which: {"kind": "video", "title": "微视频"}),
    _project_row("cultivation:attachment_add", SECRETARY_ONLY_POST, _project_kwargs("recognized"), "post",
                 lambda world, which: {"stage": "midterm", "file": _Upload("总结.pdf", _PDF, "application/pdf")}),
    _project_row("cultivation:feedback_add", SCHOOL_ONLY_POST, _project_kwargs("midterm_submitted"), "post",
                 lambda world, which: {"content": "宣传不够"}),
    _project_row("cultivation:acceptance_edit", SCHOOL_ONLY_PAGE, _project_kwargs("final_submitted")),
    _project_row("cultivation:acceptance_edit", SCHOOL_ONLY_POST, _project_kwargs("final_submitted"), "post",
                 lambda world, which: {"version": 1, "material_review_on": _tz.localdate().isoformat(),
                                       "presentation_on": _tz.localdate().isoformat()}),
    _project_row("cultivation:deliverable_delete", SECRETARY_ONLY_POST,
                 _child("FinalDeliverable", "rectifying", kind="video", title="微视频",
                        created_by=lambda world: world.tree.secretary), "post"),
    _project_row("cultivation:attachment_download", _both(secretary=_OK, unit=_OK, school=_OK),
                 lambda world, which: {"pk": _attachment(world, which).pk}),
    _project_row("cultivation:attachment_delete", SECRETARY_ONLY_POST,
                 lambda world, which: {"pk": _attachment(world, which).pk}, "post"),
    _project_row("cultivation:feedback_respond", SECRETARY_ONLY_POST,
                 _child("FeedbackItem", "rectifying", content="宣传不够", created_by=lambda world: world.tree.staff),
                 "post", lambda world, which: {"response": "已整改"}),
    _project_row("cultivation:feedback_verify", SCHOOL_ONLY_POST,
                 _child("FeedbackItem", "final_submitted", content="宣传不够", response="已整改",
                        created_by=lambda world: world.tree.staff),
                 "post", lambda world, which: {"verified": "yes", "note": "属实"}),
    _Row("cultivation:notice_list", STAFF_ONLY),
    _Row("cultivation:notice_export", STAFF_ONLY),
    # Objections across notices: the staff who may open a notice's page, as there.
    _Row("cultivation:objection_list", STAFF_ONLY),
    _Row("cultivation:objection_list_export", STAFF_ONLY),
    _project_row("cultivation:objection_export", _same(STAFF_ONLY), _notice_kwargs),
    _project_row("cultivation:notice_detail", _same(STAFF_ONLY), _notice_kwargs),
    _project_row("cultivation:objection_answer", _same(STAFF_POST), _objection_kwargs, "post",
                 lambda world, which: {"outcome": "dismissed", "response": "经核实不属实"}),
    _project_row("cultivation:notice_withdraw", _same(STAFF_POST), _notice_kwargs, "post",
                 lambda world, which: {"reason": "名单有误，撤销后重新公示"}),
    _project_row("cultivation:notice_correct", _same(STAFF_ONLY), _notice_kwargs),
    _project_row("cultivation:notice_correct", _same(STAFF_POST), _notice_kwargs, "post",
                 lambda world, which: {"title": "拟认定公示（更正）", "body": "现予公示", "reason": "标题有误"}),
    # The public pages: anyone, signed in or not.
    _Row("public:notice_list", _expect(_OK)),
    _project_row("public:notice_detail", _same(_expect(_OK)), _notice_kwargs),
    _project_row("public:objection_lodge", _same(_expect(_REDIRECT)), _notice_kwargs, "post",
                 lambda world, which: _answered({"name": "王五", "contact": "13900000000", "content": "请核实"})),
]


# ---- progress reports, evidence and funding (issue 3, items 5 and 7) ----------------------------
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

    from cultivation.reports.selectors import periods_of

    first = periods_of(_r_project(world, which))[0]
    return first.due - datetime.timedelta(days=1) if first.start < first.due else first.due + datetime.timedelta(days=1)


def _r_project_kwargs(world, which):
    return {"pk": _r_project(world, which).pk}


def _r_start_data(world, which):
    from cultivation.reports.selectors import periods_of

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


def _r_image(world, which):
    """A verified PNG among the project's evidence: what the preview URL serves inline."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from cultivation.reports import evidence as report_evidence

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (183, 28, 28)).save(buffer, format="PNG")
    secretary = world.tree.secretary if which == "own" else world.tree.other_secretary
    attachment = report_evidence.attachment_add(project=_r_project(world, which), actor=secretary,
                                                file=SimpleUploadedFile("主题党日合影.png", buffer.getvalue()))
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


_R_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
          b"trailer<</Root 1 0 R>>\n%%EOF\n")
_R_SIGNED_IN = _r_expect(_R_OK, anonymous=_R_LOGIN)
_R_READERS = dict(secretary=_R_OK, unit=_R_OK, school=_R_OK, reviewer=_R_OK)

ROWS += [
    _R_Row("cultivation:report_list", _R_SIGNED_IN),
    _R_Row("cultivation:report_export", _R_SIGNED_IN),
    _R_Row("cultivation:funding_export", _R_SIGNED_IN),
    # The funding list is for 组织部 and 二级党组织 staff (each sees their sub-tree); secretaries and reviewers
    # are refused.
    _R_Row("cultivation:funding_list", _r_expect(_R_FORBIDDEN, anonymous=_R_LOGIN, org_staff=_R_OK, unit_staff=_R_OK,
                                                 other_unit_staff=_R_OK)),
    _r_row("cultivation:report_project", kwargs=_r_project_kwargs, **_R_READERS),
    _r_row("cultivation:report_detail", kwargs=_r_report("submitted"), **_R_READERS),
    _r_row("cultivation:report_attachment_download", kwargs=_r_attachment, **_R_READERS),
    _r_row("cultivation:report_attachment_preview", kwargs=_r_image, **_R_READERS),
    # 申请公开 is the secretary's; the reviewers act on their own steps, the assigned reviewer only reads.
    _r_row("cultivation:report_attachment_publication", "post", lambda world, which: {"version": 1},
           kwargs=lambda world, which: {**_r_image(world, which), "name": "request"}, secretary=_R_REDIRECT,
           reviewer=_R_NOT_FOUND),
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
]
