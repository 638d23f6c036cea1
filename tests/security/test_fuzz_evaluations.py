"""Every form of evaluations/ survives hostile input: never a 5xx, nothing written unless accepted.

The score sheet and the self-evaluation have a score and a comment field per criterion; each gets
hostile numbers and text. The Excel import gets random bytes, damaged workbooks and real workbooks
with hostile values in the score cells.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from evaluations import forms as ef
from evaluations import selectors, services, sheets
from evaluations.models import Round, ScoreSheet, SelfEvaluation

from .fuzz import form_payloads, fuzz_view, hostile_files, hostile_number, hostile_text
from .fuzz_support import VERSION, CurrentClient, accepted, with_fields
from .matrix_evaluations import scene

pytestmark = pytest.mark.django_db

EXAMPLES = 15
ACTIONS = st.sampled_from(["save", "save", "save", "submit", "", "发布", "\x00"])


def _days(start, end):
    today = timezone.localdate()
    return st.dates(today + datetime.timedelta(days=start), today + datetime.timedelta(days=end))


def _score_strategies(criteria):
    """Per criterion: a valid score, a hostile number or hostile text; a comment of hostile text."""
    strategies = {}
    for criterion in criteria:
        strategies[f"score_{criterion.pk}"] = st.one_of(
            st.integers(0, int(criterion.max_score)).map(str),
            st.decimals(0, criterion.max_score, places=1).map(str), hostile_number, hostile_text)
        strategies[f"comment_{criterion.pk}"] = st.one_of(st.text(max_size=50), hostile_text)
    return strategies


def _scores_payloads(form_class, criteria, **extra):
    per_field = st.fixed_dictionaries({}, optional=_score_strategies(criteria)).map(lambda data: (data, {}))
    base = form_payloads(form_class, form_kwargs={"criteria": criteria}, version=st.just(VERSION), **extra)
    return st.tuples(base, per_field, ACTIONS).map(
        lambda parts: ({"action": parts[2], **parts[0][0], **parts[1][0]}, parts[0][1]))


# Each case: world -> (user, url, payloads, version getter or None).

def score_sheet(world):
    found = scene(world, "own")
    criteria = services.applicable_criteria(found["round"], found["project"])
    sheet = found["sheet"]
    url = reverse("evaluations:sheet", args=[found["round"].pk, found["project"].pk])
    return (world.tree.reviewer, url, _scores_payloads(ef.SheetForm, criteria),
            lambda: ScoreSheet.objects.get(pk=sheet.pk).version)


def self_evaluation(world):
    found = scene(world, "own")
    round_, project = found["round"], found["project"]
    criteria = services.applicable_criteria(round_, project)

    def version():
        evaluation = SelfEvaluation.objects.filter(round=round_, project=project).first()
        return evaluation.version if evaluation else ""
    url = reverse("evaluations:self_evaluation", args=[round_.pk, project.pk])
    return world.tree.secretary, url, _scores_payloads(ef.SelfEvaluationForm, criteria), version


def conflicts(world):
    return world.tree.reviewer_unassigned, reverse("evaluations:conflicts"), form_payloads(ef.ConflictForm), None


def _settings(**extra):
    """Field strategies that make from_form's payloads mostly acceptable settings."""
    return dict(deadline=_days(0, 90), reviewers_per_project=st.integers(1, 5), trim_min_count=st.integers(3, 9),
                method=st.sampled_from(["trimmed", "mean"]), excellent_min=st.just(Decimal(90)),
                good_min=st.just(Decimal(80)), pass_min=st.just(Decimal(60)), **extra)


def round_create(world):
    scene(world, "own")
    payloads = form_payloads(ef.RoundForm, form_kwargs={"today": timezone.localdate(), "user": world.tree.staff},
                             **_settings(phase=st.just("midterm")))
    return world.tree.staff, reverse("evaluations:round_create"), payloads, None


def round_edit(world):
    round_ = scene(world, "own")["round"]
    payloads = form_payloads(ef.RoundSettingsForm, form_kwargs={"instance": round_, "today": timezone.localdate()},
                             **_settings())
    return (world.tree.staff, reverse("evaluations:round_edit", args=[round_.pk]),
            with_fields(payloads, version=VERSION), lambda: Round.objects.get(pk=round_.pk).version)


def round_assign(world):
    round_ = scene(world, "own")["round"]
    payloads = form_payloads(ef.AssignForm, form_kwargs={"projects": selectors.round_projects(round_),
                                                         "reviewers": selectors.reviewers()})
    return world.tree.staff, reverse("evaluations:round_assign", args=[round_.pk]), payloads, None


def round_reopen(world):
    round_ = scene(world, "own", closed=True)["round"]
    return (world.tree.staff, reverse("evaluations:round_reopen", args=[round_.pk]),
            form_payloads(ef.RoundReopenForm, version=st.just(VERSION)),
            lambda: Round.objects.get(pk=round_.pk).version)


def round_close(world):
    """The close button carries no reason: a hostile one posted anyway is never read."""
    round_ = scene(world, "own")["round"]
    payloads = st.tuples(form_payloads(ef.RoundCloseForm, version=st.just(VERSION)), hostile_text).map(
        lambda parts: ({**parts[0][0], "reason": parts[1]}, parts[0][1]))
    return (world.tree.staff, reverse("evaluations:round_close", args=[round_.pk]), payloads,
            lambda: Round.objects.get(pk=round_.pk).version)


def sheet_reopen(world):
    sheet = scene(world, "own", submitted=True)["sheet"]
    return world.tree.staff, reverse("evaluations:sheet_reopen", args=[sheet.pk]), form_payloads(ef.ReasonForm), None


def round_publish(world):
    round_ = scene(world, "own", closed=True)["round"]
    payloads = form_payloads(ef.PublishForm, form_kwargs={"today": timezone.localdate()}, version=st.just(VERSION),
                             starts_on=_days(0, 10))
    return (world.tree.staff, reverse("evaluations:round_publish", args=[round_.pk]), payloads,
            lambda: Round.objects.get(pk=round_.pk).version)


def _hostile_workbook(exported):
    """The exported workbook with hostile values in its data cells (skipping what openpyxl refuses to store)."""
    values = st.lists(st.one_of(hostile_number, hostile_text, st.floats(allow_nan=False, allow_infinity=False),
                                st.integers(-(2**53), 2**53)),
                      min_size=1, max_size=40)

    def build(drawn):
        workbook = load_workbook(io.BytesIO(exported))
        sheet = workbook["评分矩阵"]
        cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row] or [sheet.cell(row=2, column=1)]
        for index, value in enumerate(drawn):
            try:
                cells[index % len(cells)].value = value
            except (IllegalCharacterError, ValueError):
                pass
        buffer = io.BytesIO()
        try:
            workbook.save(buffer)
        except (AttributeError, TypeError, ValueError):  # a value openpyxl took but cannot write: send it unfilled
            return SimpleUploadedFile("评分矩阵.xlsx", exported)
        return SimpleUploadedFile("评分矩阵.xlsx", buffer.getvalue())
    return values.map(build)


def _damaged(exported):
    return st.tuples(st.integers(0, len(exported) - 1), st.binary(min_size=1, max_size=64)).map(
        lambda cut: SimpleUploadedFile("评分矩阵.xlsx", exported[:cut[0]] + cut[1] + exported[cut[0] + len(cut[1]):]))


def round_import(world):
    found = scene(world, "own")
    services.sheet_save(sheet=found["sheet"], actor=world.tree.reviewer,
                        values={pk: ("7", "") for pk in
                                [c.pk for c in services.applicable_criteria(found["round"], found["project"])]})
    buffer = io.BytesIO()
    sheets.export_workbook(found["round"], buffer)
    exported = buffer.getvalue()
    files = {"file": st.one_of(hostile_files(), _damaged(exported), _hostile_workbook(exported),
                               st.builds(lambda: SimpleUploadedFile("评分矩阵.xlsx", exported)))}
    payloads = form_payloads(ef.ImportForm, files=files)
    return world.tree.staff, reverse("evaluations:round_import", args=[found["round"].pk]), payloads, None


CASES = [score_sheet, self_evaluation, conflicts, round_create, round_edit, round_assign, round_reopen, round_close,
         sheet_reopen,
         round_publish, round_import]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_the_form_survives_hostile_input(client, world, case):
    user, url, payloads, version = case(world)
    client.force_login(user)
    fuzz_view(CurrentClient(client, version), url, payloads=payloads, succeeded=accepted, max_examples=EXAMPLES)
