"""Every form of cultivation/ survives hostile input: never a 5xx, nothing written unless accepted.

Each case is posted by a user allowed to use the form, to an object in a state where the form is
accepted, with the object's current version filled in, so valid payloads reach the services.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st

from branches.models import Organization
from cultivation import forms as cf
from cultivation.models import FeedbackItem, Objection, ProgressReport, Project
from cultivation.reports import forms as rf
from cultivation.reports.selectors import periods_of
from tests.factories import progress_report

from . import matrix_cultivation as m
from .fuzz import form_payloads, fuzz_view, hostile_files, hostile_number
from .fuzz_support import (
    VERSION,
    CurrentClient,
    accepted,
    merged,
    prefixed,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 15


def _project_version(project):
    return lambda: Project.objects.get(pk=project.pk).version


def _days(start, end):
    today = timezone.localdate()
    return st.dates(today + datetime.timedelta(days=start), today + datetime.timedelta(days=end))


def _payloads(form_class, version=False, **kwargs):
    extra = {"version": st.just(VERSION)} if version else {}
    return form_payloads(form_class, **kwargs, **extra)


def _activities():
    management = st.fixed_dictionaries({
        "activities-TOTAL_FORMS": st.one_of(st.just("1"), st.just("2"), hostile_number),
        "activities-INITIAL_FORMS": st.just("0"), "activities-MIN_NUM_FORMS": st.just("1"),
        "activities-MAX_NUM_FORMS": st.just("2"),
    }).map(lambda data: (data, {}))
    return merged(management, prefixed(form_payloads(cf.ActivityForm), "activities-0-"))


# Each case: world -> (user, url, payloads, version getter or None, method).

def batch_create(world):
    return (world.tree.staff, reverse("cultivation:batch_create"),
            _payloads(cf.BatchForm, form_kwargs={"user": world.tree.staff}), None, "post")


def batch_edit(world):
    batch = m._batch("selection")
    return (world.tree.staff, reverse("cultivation:batch_edit", args=[batch.pk]),
            _payloads(cf.BatchForm, form_kwargs={"instance": batch, "user": world.tree.staff}), None, "post")


def batch_quota(world):
    batch = m._batch("selection")
    return (world.tree.staff, reverse("cultivation:batch_quota", args=[batch.pk]),
            _payloads(cf.UnitQuotaForm, form_kwargs={"batch": batch}), None, "post")


def project_start(world):
    batch = m._batch("selection")
    organizations = Organization.objects.filter(pk=world.tree.branch_a1.pk)
    payloads = merged(_payloads(cf.StartForm, form_kwargs={"organizations": organizations}), _activities())
    return world.tree.secretary, reverse("cultivation:project_start", args=[batch.pk]), payloads, None, "post"


def project_edit(world):
    project = m._project(world, "own", "draft")
    payloads = merged(form_payloads(cf.ApplicationForm).map(lambda pair: ({"version": VERSION, **pair[0]}, pair[1])),
                      _activities())
    return (world.tree.secretary, reverse("cultivation:project_edit", args=[project.pk]), payloads,
            _project_version(project), "post")


def project_move(world):
    project = m._project(world, "own", "draft")
    return (world.tree.secretary, reverse("cultivation:project_move", args=[project.pk, "submit"]),
            _payloads(cf.MoveForm, version=True), _project_version(project), "post")


def project_recommend(world):
    project = m._project(world, "own", "submitted")
    return (world.tree.unit_staff, reverse("cultivation:project_recommend", args=[project.pk]),
            _payloads(cf.RecommendForm, version=True), _project_version(project), "post")


def project_screen(world):
    project = m._project(world, "own", "nominated")
    return (world.tree.staff, reverse("cultivation:project_screen", args=[project.pk]),
            _payloads(cf.ScreeningNoteForm, version=True), _project_version(project), "post")


def project_extend(world):
    project = m._project(world, "own", "draft")
    payloads = _payloads(cf.ExtendForm, phase=st.just("selection"), until=_days(60, 400))
    return world.tree.staff, reverse("cultivation:project_extend", args=[project.pk]), payloads, None, "post"


def midterm_edit(world):
    project = m._project(world, "own", "recognized")
    return (world.tree.secretary, reverse("cultivation:midterm_edit", args=[project.pk]),
            _payloads(cf.MidtermReportForm, version=True), _project_version(project), "post")


def final_edit(world):
    project = m._project(world, "own", "rectifying")
    return (world.tree.secretary, reverse("cultivation:final_edit", args=[project.pk]),
            _payloads(cf.FinalReportForm, version=True), _project_version(project), "post")


def deliverable_add(world):
    project = m._project(world, "own", "rectifying")
    return (world.tree.secretary, reverse("cultivation:deliverable_add", args=[project.pk]),
            _payloads(cf.DeliverableForm), None, "post")


def attachment_add(world):
    project = m._project(world, "own", "recognized")
    files = {"file": st.one_of(hostile_files(), st.builds(lambda: SimpleUploadedFile("总结.pdf", m._PDF)))}
    payloads = _payloads(cf.AttachmentForm, files=files, stage=st.just("midterm"))
    return world.tree.secretary, reverse("cultivation:attachment_add", args=[project.pk]), payloads, None, "post"


def feedback_add(world):
    project = m._project(world, "own", "midterm_submitted")
    return world.tree.staff, reverse("cultivation:feedback_add", args=[project.pk]), _payloads(cf.FeedbackForm), None, "post"


def acceptance_edit(world):
    project = m._project(world, "own", "final_submitted")
    return (world.tree.staff, reverse("cultivation:acceptance_edit", args=[project.pk]),
            _payloads(cf.AcceptanceForm, version=True), _project_version(project), "post")


def feedback_respond(world):
    project = m._project(world, "own", "rectifying")
    item = FeedbackItem.objects.create(project=project, content="宣传不够", created_by=world.tree.staff)
    return (world.tree.secretary, reverse("cultivation:feedback_respond", args=[item.pk]),
            _payloads(cf.FeedbackResponseForm), None, "post")


def feedback_verify(world):
    project = m._project(world, "own", "final_submitted")
    item = FeedbackItem.objects.create(project=project, content="宣传不够", response="已整改", created_by=world.tree.staff)
    return (world.tree.staff, reverse("cultivation:feedback_verify", args=[item.pk]),
            _payloads(cf.FeedbackVerifyForm), None, "post")


def notice_create(world):
    project = m._project(world, "own", "shortlisted")
    payloads = _payloads(cf.NoticeForm, form_kwargs={"projects": Project.objects.filter(pk=project.pk)},
                         kind=st.just("recognition"), starts_on=_days(0, 10), projects=st.just([project.pk]))
    return world.tree.staff, reverse("cultivation:notice_create", args=[project.batch_id]), payloads, None, "post"


def objection_answer(world):
    notice = m._notice(world, "own")
    objection = Objection.objects.create(notice=notice, item=notice.items.get(), name="李四", contact="138",
                                         content="异议")
    return (world.tree.staff, reverse("cultivation:objection_answer", args=[objection.pk]),
            _payloads(cf.ObjectionAnswerForm), None, "post")


def objection_lodge(world):
    from cultivation import challenge

    notice = m._notice(world, "own")
    question = challenge.issue(3, 4)
    payloads = _payloads(cf.ObjectionForm, form_kwargs={"items": notice.items.all(), "challenge": question},
                         challenge=st.one_of(st.just(question.token), st.text(max_size=300)),
                         answer=st.one_of(st.sampled_from(["7", "七", "７", "8"]), st.text(max_size=20)))
    return None, reverse("public:objection_lodge", args=[notice.pk]), payloads, None, "post"


def notice_withdraw(world):
    notice = m._notice(world, "own")
    return (world.tree.staff, reverse("cultivation:notice_withdraw", args=[notice.pk]),
            _payloads(cf.NoticeWithdrawForm), None, "post")


def notice_correct(world):
    notice = m._notice(world, "own")
    payloads = _payloads(cf.NoticeCorrectForm, form_kwargs={"items": notice.items.all()})
    return world.tree.staff, reverse("cultivation:notice_correct", args=[notice.pk]), payloads, None, "post"


def project_filter(world):
    m._project(world, "own", "draft")
    return (world.tree.staff, reverse("cultivation:project_list"),
            _payloads(cf.ProjectFilterForm, form_kwargs={"user": world.tree.staff}), None, "get")


def funding_filter(world):
    m._r_activity(world, "own")
    return (world.tree.unit_staff, reverse("cultivation:funding_list"),
            _payloads(rf.FundingFilterForm, form_kwargs={"user": world.tree.unit_staff}), None, "get")


def objection_filter(world):
    m._objection_kwargs(world, "own")
    return (world.tree.staff, reverse("cultivation:objection_list"),
            _payloads(cf.ObjectionFilterForm, form_kwargs={"user": world.tree.staff}), None, "get")


def screening_filter(world):
    batch = m._batch("recognition")
    return (world.tree.staff, reverse("cultivation:screening", args=[batch.pk]),
            _payloads(cf.ScreeningFilterForm, form_kwargs={"batch": batch}), None, "get")


# ---- progress reports, evidence, funding ----------------------------------------------------------

def _report_version(report):
    return lambda: ProgressReport.objects.get(pk=report.pk).version


def report_edit(world):
    project = m._r_project(world, "own")
    report = progress_report(project)
    payloads = _payloads(rf.ReportForm, version=True, form_kwargs={"activities": list(project.activities.all())})
    return (world.tree.secretary, reverse("cultivation:report_edit", args=[report.pk]), payloads,
            _report_version(report), "post")


def report_move(world):
    report = progress_report(m._r_project(world, "own"), state="submitted")
    return (world.tree.unit_staff, reverse("cultivation:report_move", args=[report.pk, "endorse"]),
            _payloads(rf.MoveForm, version=True), _report_version(report), "post")


def report_start(world):
    project = m._r_project(world, "own")
    dues = [period.due for period in periods_of(project)]
    payloads = _payloads(rf.StartForm, period_due=st.sampled_from(dues))
    return world.tree.secretary, reverse("cultivation:report_start", args=[project.pk]), payloads, None, "post"


def milestone_add(world):
    project = m._r_project(world, "own")
    start, end = project.batch.window("cultivation")
    payloads = _payloads(rf.MilestoneForm, date=st.dates(start, end))
    return world.tree.unit_staff, reverse("cultivation:report_milestone_add", args=[project.pk]), payloads, None, "post"


def report_attachment_upload(world):
    project = m._r_project(world, "own")
    report = progress_report(project)
    payloads = _payloads(rf.AttachmentForm, form_kwargs={"reports": project.reports.all()},
                         report=st.one_of(st.none(), st.just(report.pk)))
    return world.tree.secretary, reverse("cultivation:report_attachment_upload", args=[project.pk]), payloads, None, "post"


def _evidence(kind):
    def case(world):
        project = m._r_project(world, "own")
        report = progress_report(project)
        payloads = _payloads(rf.EVIDENCE_FORMS[kind], form_kwargs={"reports": project.reports.all()},
                             report=st.one_of(st.none(), st.just(report.pk)))
        return (world.tree.secretary, reverse("cultivation:report_evidence_add", args=[project.pk, kind]), payloads,
                None, "post")
    case.__name__ = f"evidence_{kind}"
    return case


def spending_allocate(world):
    activity = m._r_project(world, "own").activities.get()
    return (world.tree.staff, reverse("cultivation:spending_allocate", args=[activity.pk]), _payloads(rf.AllocationForm),
            None, "post")


def spending_add(world):
    activity_kwargs = m._r_activity(world, "own")
    return (world.tree.secretary, reverse("cultivation:spending_add", args=[activity_kwargs["pk"]]),
            _payloads(rf.SpendingForm), None, "post")


CASES = [batch_create, batch_edit, batch_quota, project_start, project_edit, project_move, project_recommend,
         project_screen, project_extend, midterm_edit, final_edit, deliverable_add, attachment_add, feedback_add,
         acceptance_edit, feedback_respond, feedback_verify, notice_create, objection_answer, objection_lodge,
         notice_withdraw, notice_correct,
         project_filter, funding_filter, objection_filter, screening_filter, report_edit, report_move, report_start, milestone_add,
         report_attachment_upload, _evidence("publication"), _evidence("outcome"), _evidence("exemplar"),
         spending_allocate, spending_add]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_the_form_survives_hostile_input(client, world, case):
    user, url, payloads, version, method = case(world)
    if user is not None:
        client.force_login(user)
    fuzz_view(CurrentClient(client, version), url, payloads=payloads, method=method,
              succeeded=accepted if method == "post" else None, max_examples=EXAMPLES)


def test_a_valid_payload_is_accepted(client, world):
    """The set-up really reaches the services: the current version and valid data save the form."""
    project = m._project(world, "own", "recognized")
    client.force_login(world.tree.secretary)
    response = CurrentClient(client, _project_version(project)).post(
        reverse("cultivation:midterm_edit", args=[project.pk]), {"version": VERSION, "summary": "总结",
                                                                   "outcome_report": "成果"})
    assert accepted(response)
    assert Project.objects.get(pk=project.pk).midterm_report.summary == "总结"
