"""Demo evaluations, built after cultivation's demo, judged by the 七个有力 with their 特色要求; reviewers from
several units, a finished batch's mid-term and acceptance rounds scored and published, and an open
mid-term round in which the demo `reviewer` still has projects to score. Everything goes through the
services, so the demo obeys the 回避 rule like real data."""

import datetime
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from branches.demo import create_user
from branches.enums import Role
from branches.services import role_grant
from transitions.refusals import MoveRefused

from . import selectors, services
from .enums import Method, RoundPhase
from .seed_rubric import with_featured_requirements

REVIEWERS = [
    ("reviewer2", "基础医学院 钱教授", "基础医学院"),
    ("reviewer3", "中药学院 孙教授", "中药学院"),
    ("reviewer4", "针灸推拿学院 周教授", "针灸推拿学院"),
    ("reviewer5", "人文学院 吴教授", "人文学院"),
    ("reviewer6", "护理学院 郑教授", "护理学院"),
    ("reviewer7", "机关党委 冯老师", "机关"),
]
# Where a grade already decided by the cultivation demo puts the reviewers' scores (百分制).
TARGETS = {"excellent": 95, "good": 85, "pass": 70, "fail": 45}


def build(context):
    batches, projects = context.get("batches") or {}, context.get("projects") or {}
    staff = context["users"]["staff"]
    rng = random.Random(20201231)
    rubric = with_featured_requirements()  # shipped by a data migration (seed 002's 特色要求)
    reviewers = [context["users"]["reviewer"]] + _reviewers(context)
    services.conflict_declare(reviewer=reviewers[1], organization=context["units"]["中医学院"],
                              reason="本人在中医学院兼任教研室副主任", actor=reviewers[1])
    today = context["today"]
    rounds = {}
    finished = batches.get("finished")
    if finished is not None:
        rounds["finished_midterm"] = _finished_round(finished, RoundPhase.MIDTERM, rubric, staff, rng,
                                                     projects.get("finished", []))
        rounds["finished_final"] = _finished_round(finished, RoundPhase.FINAL, rubric, staff, rng,
                                                   projects.get("finished", []))
    midterm = batches.get("midterm")
    if midterm is not None:
        rounds["midterm"] = _open_round(midterm, rubric, staff, reviewers, rng, today)
    context["rounds"] = rounds
    return rounds


def _reviewers(context):
    made = []
    for username, full_name, unit in REVIEWERS:
        user = create_user(username, full_name, settings.DEMO_PASSWORD)
        role_grant(actor=None, user=user, role=Role.REVIEWER, organization=context["units"][unit])
        context["users"][username] = user
        made.append(user)
    return made


def _values(criteria, target, rng):
    values = {}
    for criterion in criteria:
        share = Decimal(target + rng.randint(-3, 3)) / 100
        value = min(criterion.max_score, max(Decimal(0), (criterion.max_score * share).quantize(Decimal("0.5"))))
        values[criterion.pk] = (str(value), "")
    return values


def _finished_round(batch, phase, rubric, staff, rng, projects):
    """A round of the finished batch, scored on its own dates, closed and (when the cultivation demo's
    decisions agree) published with its results notice."""
    window_start, window_end = batch.window("midterm" if phase == RoundPhase.MIDTERM else "harvest")
    deadline = window_end if phase == RoundPhase.MIDTERM else window_end - datetime.timedelta(days=20)
    round_ = services.round_create(
        actor=staff, batch=batch, phase=phase, rubric=rubric, deadline=deadline, today=window_start,
        name=f"{batch.name}{RoundPhase(phase).label}", reviewers_per_project=5, method=Method.TRIMMED,
        trim_min_count=5)
    services.assignments_auto(round_=round_, actor=staff)
    field = round_.grade_field()
    for sheet in round_.sheets.select_related("project__organization", "reviewer"):
        grade = getattr(sheet.project, field)
        target = TARGETS.get(grade) or rng.randint(74, 92)
        criteria = services.applicable_criteria(round_, sheet.project)
        services.sheet_save(sheet=sheet, actor=sheet.reviewer, values=_values(criteria, target, rng), submit=True,
                            comment="材料翔实，特色鲜明。" if target >= 80 else "建议进一步凝练特色、补充佐证材料。",
                            today=deadline)
    round_ = services.round_move(round_=round_, name="close", actor=staff)
    try:
        with transaction.atomic():
            round_ = services.round_publish(
                round_=round_, actor=staff, title=f"{round_.name}结果公示",
                body=f"经专家评审，{round_.name}结果如下，现予公示。", starts_on=deadline + datetime.timedelta(days=3),
                today=deadline + datetime.timedelta(days=3))
    except MoveRefused:
        pass  # decisions the cultivation demo made differently: the round stays closed, for staff to look at
    return round_


def _open_round(batch, rubric, staff, reviewers, rng, today):
    """The batch's open mid-term round: the demo reviewer has projects to score, others have begun."""
    round_ = services.round_create(
        actor=staff, batch=batch, phase=RoundPhase.MIDTERM, rubric=rubric, deadline=today + datetime.timedelta(days=14),
        name=f"{batch.name}中期评估", reviewers_per_project=3, method=Method.TRIMMED, trim_min_count=5)
    demo_reviewer = reviewers[0]
    candidates = [p for p in selectors.round_projects(round_)]
    mine = [p for p in candidates if services.rules.conflict_reason(demo_reviewer, p) is None][:3]
    for project in mine:
        services.assignment_add(round_=round_, project=project, reviewer=demo_reviewer, actor=staff)
    services.assignments_auto(round_=round_, actor=staff)
    for index, sheet in enumerate(round_.sheets.select_related("project__organization", "reviewer")
                                  .exclude(reviewer=demo_reviewer).order_by("id")):
        if index % 3 == 2:
            continue  # some experts have not started
        criteria = services.applicable_criteria(round_, sheet.project)
        services.sheet_save(sheet=sheet, actor=sheet.reviewer, values=_values(criteria, rng.randint(70, 95), rng),
                            submit=index % 3 == 0, today=today)
    return round_
