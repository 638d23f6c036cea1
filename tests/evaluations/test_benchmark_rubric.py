"""标杆院系 are judged by the “五个到位”, never by the 七个有力 (issue 24, item 18): a round of a 标杆院系 batch
takes only a rubric marked for 标杆院系, and such a rubric serves no other batch; the 特色要求 of seed 002 ship
as data with the 七个有力."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivation.enums import BatchKind
from evaluations import services
from evaluations.enums import BranchKind
from evaluations.models import Criterion, Round, Rubric
from evaluations.seed_rubric import CODE, seven_capabilities
from tests.factories import BatchFactory, CriterionFactory, RoundFactory, RubricFactory
from transitions.refusals import MoveRefused


def five_in_place():
    rubric = RubricFactory(name="标杆院系评估指标（五个到位）", batch_kind=BatchKind.BENCHMARK_UNIT)
    CriterionFactory(rubric=rubric, name="政治引领到位", max_score=Decimal(20))
    return rubric


def settings(rubric):
    return {"name": "中期评估", "rubric": rubric, "deadline": timezone.localdate() + datetime.timedelta(days=30),
            "reviewers_per_project": 3, "method": "mean", "trim_min_count": 5, "excellent_min": Decimal(90),
            "good_min": Decimal(80), "pass_min": Decimal(60)}


def test_a_benchmark_round_refuses_the_seven_capabilities(tree):
    batch = BatchFactory(kind=BatchKind.BENCHMARK_UNIT)
    with pytest.raises(MoveRefused, match="五个到位"):
        services.round_create(actor=tree.staff, batch=batch, phase="midterm", **settings(seven_capabilities()))
    assert not Round.objects.exists()
    round_ = services.round_create(actor=tree.staff, batch=batch, phase="midterm", **settings(five_in_place()))
    assert round_.rubric.batch_kind == BatchKind.BENCHMARK_UNIT


def test_a_benchmark_rubric_serves_no_branch_batch(tree):
    with pytest.raises(MoveRefused, match="标杆院系"):
        services.round_create(actor=tree.staff, batch=BatchFactory(), phase="midterm", **settings(five_in_place()))
    assert not Round.objects.exists()


def test_a_benchmark_round_cannot_be_switched_to_the_seven(tree):
    round_ = RoundFactory(batch=BatchFactory(kind=BatchKind.BENCHMARK_UNIT), rubric=five_in_place())
    with pytest.raises(MoveRefused, match="五个到位"):
        services.round_update(round_=round_, actor=tree.staff, rubric=seven_capabilities())
    assert Round.objects.get(pk=round_.pk).rubric.batch_kind == BatchKind.BENCHMARK_UNIT


def test_a_round_made_before_the_rule_keeps_its_other_settings_editable(tree):
    round_ = RoundFactory(batch=BatchFactory(kind=BatchKind.BENCHMARK_UNIT))  # the 七个有力, as before the fix
    later = timezone.localdate() + datetime.timedelta(days=60)
    assert services.round_update(round_=round_, actor=tree.staff, deadline=later).deadline == later


def test_the_round_form_says_why_the_rubric_does_not_fit(tree, client_for):
    batch = BatchFactory(kind=BatchKind.BENCHMARK_UNIT)
    data = {**settings(seven_capabilities()), "batch": batch.pk, "phase": "midterm"}
    data["rubric"] = seven_capabilities().pk
    response = client_for(tree.staff).post(reverse("evaluations:round_create"), data)
    assert response.status_code == 200
    assert "标杆院系按“五个到位”评估" in response.content.decode()
    assert not Round.objects.exists()


def test_the_seeded_rubrics_serve_model_branches(db):
    assert set(Rubric.objects.filter(code=CODE).values_list("batch_kind", flat=True)) == {BatchKind.MODEL_BRANCH}


def test_the_featured_requirements_ship_with_the_seven(db):
    """A new version of the 七个有力 with seed 002's 特色要求 per kind of branch; the first stays as it was."""
    rubric = Rubric.objects.filter(code=CODE).order_by("-version").first()
    assert rubric.version == 2
    featured = Criterion.objects.filter(rubric=rubric, group="特色要求")
    assert {c.branch_kind for c in featured} == {BranchKind.BUSINESS, BranchKind.SERVICE, BranchKind.STUDENT}
    assert any("课程思政" in c.description for c in featured)
    assert Criterion.objects.filter(rubric=rubric, branch_kind="").count() == 7
    assert seven_capabilities().criteria.count() == 7


def test_staff_mark_a_rubric_for_benchmark_units_in_the_admin(tree, client_for):
    tree.staff.is_staff = tree.staff.is_superuser = True
    tree.staff.save()
    client = client_for(tree.staff)
    assert 'name="batch_kind"' in client.get(reverse("admin:evaluations_rubric_add")).content.decode()
    response = client.post(reverse("admin:evaluations_rubric_add"), {
        "code": "wugedaowei", "version": 1, "name": "标杆院系评估指标（五个到位）", "description": "",
        "batch_kind": BatchKind.BENCHMARK_UNIT,
        "criteria-TOTAL_FORMS": 0, "criteria-INITIAL_FORMS": 0, "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Rubric.objects.get(code="wugedaowei").batch_kind == BatchKind.BENCHMARK_UNIT
