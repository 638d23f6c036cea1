"""Access-matrix rows for the URLs of the `evaluations` app. Filled by the engineers who write its views.

Add one `Row` (tests/security/matrix.py) per URL name and method; the meta-test in
test_access_matrix.py fails, naming the URL, until every name of `evaluations/urls.py` has one. A row:

    Row(
        "evaluations:project_detail",                       # the URL name, as reverse() takes it
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

import datetime

from django.utils import timezone

from evaluations import services
from evaluations.models import ScoreSheet
from tests.factories import BatchFactory, RoundFactory, full_scores, materials_for, round_project, seven_rubric

from .matrix import FORBIDDEN, LOGIN, NOT_FOUND, OK, REDIRECT, Row, expect


def scene(world, which, *, closed=False, submitted=False):
    """A mid-term round with the `which` branch's project; the own project is assigned to `reviewer`
    (乙学院党委) and, forced around the services, to `reviewer_conflicted` (甲学院党委)."""
    cache = world.__dict__.setdefault("_evaluations", {})
    if which in cache:
        return cache[which]
    tree = world.tree
    round_ = RoundFactory()
    project = round_project(world.branch(which), round_)
    sheet = None
    if which == "own":
        sheet = services.assignment_add(round_=round_, project=project, reviewer=tree.reviewer, actor=tree.staff)
        ScoreSheet.objects.create(round=round_, project=project, reviewer=tree.reviewer_conflicted)
        if submitted or closed:
            sheet = services.sheet_save(sheet=sheet, actor=tree.reviewer, values=full_scores(round_, project),
                                        submit=True)
    else:
        # 乙一党支部 is in the assigned reviewer's own unit: only reviewer_conflicted (甲学院党委) may score it.
        sheet = services.assignment_add(round_=round_, project=project, reviewer=tree.reviewer_conflicted,
                                        actor=tree.staff)
        if submitted or closed:
            sheet = services.sheet_save(sheet=sheet, actor=tree.reviewer_conflicted,
                                        values=full_scores(round_, project), submit=True)
    if closed:
        materials_for(project, "conclude_midterm", user=tree.staff)
        round_ = services.round_move(round_=round_, name="close", actor=tree.staff)
    cache[which] = {"round": round_, "project": project, "sheet": sheet}
    return cache[which]


def round_kwargs(world, which):
    return {"pk": scene(world, which)["round"].pk}


def closed_round_kwargs(world, which):
    return {"pk": scene(world, which, closed=True)["round"].pk}


def project_kwargs(world, which):
    found = scene(world, which)
    return {"round_pk": found["round"].pk, "project_pk": found["project"].pk}


def result_kwargs(world, which):
    found = scene(world, which, submitted=True)
    return {"pk": found["round"].pk, "project_pk": found["project"].pk}


def sheet_kwargs(world, which):
    return {"pk": scene(world, which)["sheet"].pk}


def submitted_sheet_kwargs(world, which):
    return {"pk": scene(world, which, submitted=True)["sheet"].pk}


def score_data(world, which):
    found = scene(world, which)
    data = {f"score_{pk}": "8" for pk in full_scores(found["round"], found["project"])}
    return {**data, "action": "save", "comment": "扎实"}


def self_data(world, which):
    return {**score_data(world, which), "narrative": "对照“七个有力”逐项自评。"}


def conflict_data(world, which):
    return {"organization": world.tree.direct.pk, "reason": "近亲属在该支部"}


def round_create_data(world, which):
    return {"batch": BatchFactory().pk, "phase": "midterm", "name": "矩阵测试中期评估", "rubric": seven_rubric().pk,
            "deadline": timezone.localdate().isoformat(), "reviewers_per_project": 3, "method": "trimmed",
            "trim_min_count": 5, "excellent_min": 90, "good_min": 80, "pass_min": 60}


def assign_data(world, which):
    found = scene(world, which)
    reviewer = world.tree.reviewer_unassigned if which == "own" else world.tree.reviewer_conflicted
    if which == "foreign":  # reviewer_conflicted already scores the foreign project: add another eligible one
        from tests.factories import reviewer_in

        reviewer = reviewer_in(world.tree.unit_a, username="matrix_extra")
    return {"project": found["project"].pk, "reviewer": reviewer.pk}


def reason_data(world, which):
    return {"reason": "评分与评语不符"}


def publish_data(world, which):
    found = scene(world, which, closed=True)
    return {"title": "中期评估结果公示", "body": "现予公示", "starts_on": timezone.localdate().isoformat(),
            "version": found["round"].version}


def import_data(world, which):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluations import sheets

    buffer = io.BytesIO()
    sheets.export_workbook(scene(world, which)["round"], buffer)
    return {"file": SimpleUploadedFile("矩阵.xlsx", buffer.getvalue()), "dry_run": "on"}


def import_own(world, which):
    """The import itself (no dry run) of the round's own export: unchanged, and 组织部 goes to the round."""
    return {**import_data(world, which), "dry_run": ""}


def import_foreign_rows(world, which):
    """An import (no dry run) of the round's own export plus a row naming the other scene's project, which
    is in another round's batch: a row error, so the page lists it and nothing is written (a successful
    import redirects to the round)."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from evaluations import sheets

    buffer = io.BytesIO()
    sheets.export_workbook(scene(world, which)["round"], buffer)
    book = load_workbook(io.BytesIO(buffer.getvalue()))
    book.worksheets[0].append([scene(world, "foreign" if which == "own" else "own")["project"].pk])
    buffer = io.BytesIO()
    book.save(buffer)
    return {"file": SimpleUploadedFile("矩阵.xlsx", buffer.getvalue())}


def published_kwargs(world, which):
    """A published mid-term round of the `which` branch's project, scored by an eligible reviewer."""
    cache = world.__dict__.setdefault("_evaluations_published", {})
    if which not in cache:
        tree = world.tree
        round_ = RoundFactory()
        project = round_project(world.branch(which), round_)
        reviewer = tree.reviewer if which == "own" else tree.reviewer_conflicted
        sheet = services.assignment_add(round_=round_, project=project, reviewer=reviewer, actor=tree.staff)
        services.sheet_save(sheet=sheet, actor=reviewer, values=full_scores(round_, project), submit=True)
        materials_for(project, "conclude_midterm", user=tree.staff)
        round_ = services.round_move(round_=round_, name="close", actor=tree.staff)
        round_ = services.round_publish(round_=round_, actor=tree.staff, title="中期评估结果公示", body="现予公示",
                                        starts_on=timezone.localdate())
        cache[which] = {"round_pk": round_.pk, "project_pk": project.pk}
    return cache[which]


def round_settings_data(world, which):
    found = scene(world, which)["round"]
    return {"name": f"{found.name}（调整）", "rubric": found.rubric_id,
            "deadline": (timezone.localdate() + datetime.timedelta(days=40)).isoformat(),
            "reviewers_per_project": 4, "method": "mean", "trim_min_count": 5, "excellent_min": 90, "good_min": 80,
            "pass_min": 60}


REVIEWER_PAGE = expect(FORBIDDEN, anonymous=LOGIN, reviewers=OK)
STAFF_PAGE = expect(FORBIDDEN, anonymous=LOGIN, org_staff=OK)
STAFF_POST = expect(FORBIDDEN, anonymous=LOGIN, org_staff=REDIRECT)

ROWS = [
    Row("evaluations:queue", REVIEWER_PAGE),
    Row("evaluations:queue_next", expect(FORBIDDEN, anonymous=LOGIN, reviewers=REDIRECT)),
    # The foreign project (乙学院党委) is the assigned reviewer's own unit, so there it is
    # reviewer_conflicted (甲学院党委) who is legitimately assigned.
    Row("evaluations:sheet", own=expect(NOT_FOUND, anonymous=LOGIN, reviewer_assigned=OK),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, reviewer_conflicted=OK), kwargs=project_kwargs),
    Row("evaluations:sheet", own=expect(NOT_FOUND, anonymous=LOGIN, reviewer_assigned=REDIRECT),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, reviewer_conflicted=REDIRECT), kwargs=project_kwargs,
        method="post", data=score_data),
    Row("evaluations:conflicts", REVIEWER_PAGE),
    Row("evaluations:conflicts", expect(FORBIDDEN, anonymous=LOGIN, reviewers=REDIRECT), method="post",
        data=conflict_data),
    Row("evaluations:self_list", expect(FORBIDDEN, anonymous=LOGIN, secretary=OK, other_secretary=OK)),
    Row("evaluations:self_evaluation", own=expect(NOT_FOUND, anonymous=LOGIN, secretary=OK),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, other_secretary=OK), kwargs=project_kwargs),
    Row("evaluations:self_evaluation", own=expect(NOT_FOUND, anonymous=LOGIN, secretary=REDIRECT),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, other_secretary=REDIRECT), kwargs=project_kwargs,
        method="post", data=self_data),
    # A branch reads its own published results, a 二级党组织 those of its sub-tree; before publication,
    # for another branch or another sub-tree, 404. 组织部 reads results on its own pages (round_results).
    Row("evaluations:branch_results", expect(FORBIDDEN, anonymous=LOGIN, secretary=OK, other_secretary=OK,
                                             unit_staff=OK, other_unit_staff=OK)),
    Row("evaluations:branch_results_export", expect(FORBIDDEN, anonymous=LOGIN, secretary=OK, other_secretary=OK,
                                                    unit_staff=OK, other_unit_staff=OK)),
    Row("evaluations:branch_result", own=expect(NOT_FOUND, anonymous=LOGIN, secretary=OK, unit_staff=OK),
        foreign=expect(NOT_FOUND, anonymous=LOGIN, other_secretary=OK, other_unit_staff=OK), kwargs=published_kwargs),
    Row("evaluations:branch_result", own=expect(NOT_FOUND, anonymous=LOGIN),
        foreign=expect(NOT_FOUND, anonymous=LOGIN), kwargs=project_kwargs, label="unpublished"),
    Row("evaluations:round_list", STAFF_PAGE),
    Row("evaluations:round_list_export", STAFF_PAGE),
    Row("evaluations:round_create", STAFF_PAGE),
    Row("evaluations:round_create", STAFF_POST, method="post", data=round_create_data),
    Row("evaluations:round_edit", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs),
    Row("evaluations:round_edit", own=STAFF_POST, foreign=STAFF_POST, kwargs=round_kwargs, method="post",
        data=round_settings_data),
    Row("evaluations:round_detail", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs),
    Row("evaluations:round_assign", own=STAFF_POST, foreign=STAFF_POST, kwargs=round_kwargs, method="post",
        data=assign_data),
    Row("evaluations:round_auto_assign", own=STAFF_POST, foreign=STAFF_POST, kwargs=round_kwargs, method="post"),
    Row("evaluations:round_close", own=STAFF_POST, foreign=STAFF_POST, kwargs=round_kwargs, method="post"),
    Row("evaluations:round_reopen", own=STAFF_POST, foreign=STAFF_POST, kwargs=closed_round_kwargs, method="post",
        data=reason_data),
    Row("evaluations:round_results", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs),
    Row("evaluations:round_results_export", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs),
    Row("evaluations:result_detail", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=result_kwargs),
    Row("evaluations:round_publish", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=closed_round_kwargs),
    Row("evaluations:round_publish", own=STAFF_POST, foreign=STAFF_POST, kwargs=closed_round_kwargs,
        method="post", data=publish_data),
    Row("evaluations:round_export", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs),
    Row("evaluations:round_import", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs),
    Row("evaluations:round_import", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs, method="post",
        data=import_data),
    Row("evaluations:round_import", own=STAFF_PAGE, foreign=STAFF_PAGE, kwargs=round_kwargs, method="post",
        data=import_foreign_rows, label="foreign-rows"),
    Row("evaluations:round_import", own=STAFF_POST, foreign=STAFF_POST, kwargs=round_kwargs, method="post",
        data=import_own, label="import"),
    Row("evaluations:sheet_reopen", own=STAFF_POST, foreign=STAFF_POST, kwargs=submitted_sheet_kwargs,
        method="post", data=reason_data),
    Row("evaluations:sheet_withdraw", own=STAFF_POST, foreign=STAFF_POST, kwargs=sheet_kwargs, method="post"),
]
