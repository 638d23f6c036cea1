"""Rubrics are versioned data; a rubric used for a score is frozen everywhere."""

from decimal import Decimal

import pytest
from django.urls import reverse

from branches.enums import BranchCategory, BranchType
from cultivation.workflow import MoveRefused
from evaluations import services
from evaluations.enums import BranchKind, branch_kind
from evaluations.models import Criterion, Rubric, RubricLocked
from tests.factories import BranchFactory, RoundFactory, round_project, seven_rubric, submitted_sheet


def test_the_migration_loads_the_seven_with_the_seeds_own_words(db):
    criteria = list(seven_rubric().criteria.order_by("order"))
    assert [c.name for c in criteria] == ["教育党员有力", "管理党员有力", "监督党员有力", "组织师生有力",
                                          "宣传师生有力", "凝聚师生有力", "服务师生有力"]
    assert criteria[0].description.startswith("坚持以“三会一课”为基本制度")
    assert "“咬耳扯袖”成为常态" in criteria[2].description
    assert all(c.max_score == Decimal(10) and not c.branch_kind for c in criteria)


@pytest.mark.parametrize("branch_type, category, kind", [
    (BranchType.FACULTY, BranchCategory.TEACHING, BranchKind.BUSINESS),
    (BranchType.FACULTY, BranchCategory.MEDICAL, BranchKind.BUSINESS),
    (BranchType.FACULTY, BranchCategory.ADMINISTRATION, BranchKind.SERVICE),
    (BranchType.FACULTY, BranchCategory.LOGISTICS, BranchKind.SERVICE),
    (BranchType.STUDENT, BranchCategory.GRADUATE, BranchKind.STUDENT),
])
def test_kinds_of_branch(db, branch_type, category, kind):
    assert branch_kind(BranchFactory.build(branch_type=branch_type, category=category)) == kind


def test_featured_criteria_apply_only_to_their_kind(panel):
    rubric = panel.round.rubric
    services.criterion_save(actor=panel.tree.staff, rubric=rubric, order=8, group="特色要求", name="学习先锋",
                            description="引导学生党员争做学习先锋", max_score=Decimal(30), weight=Decimal(1),
                            branch_kind=BranchKind.STUDENT)
    student = round_project(panel.tree.branch_a2, panel.round)  # 学生党支部
    assert len(services.applicable_criteria(panel.round, student)) == 8
    assert len(services.applicable_criteria(panel.round, panel.project_a)) == 7


def test_a_used_rubric_refuses_every_change(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, staff=panel.tree.staff)
    rubric = Rubric.objects.get(pk=panel.round.rubric_id)
    criterion = rubric.criteria.first()
    rubric.name = "改名"
    with pytest.raises(RubricLocked):
        rubric.save()
    criterion.max_score = Decimal(20)
    with pytest.raises(RubricLocked):
        criterion.save()
    with pytest.raises(RubricLocked):
        criterion.delete()
    with pytest.raises(RubricLocked):
        Criterion(rubric=rubric, name="新增", description="x", max_score=5).save()
    with pytest.raises(MoveRefused, match="复制为新版本"):
        services.criterion_save(actor=panel.tree.staff, rubric=rubric, name="新增", description="x",
                                max_score=Decimal(5))


def test_revising_copies_into_the_next_version_which_may_change(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, staff=panel.tree.staff)
    copy = services.rubric_revise(rubric=panel.round.rubric, actor=panel.tree.staff)
    # Version 2 is the seven with the 特色要求, shipped by a data migration: the copy comes after it.
    assert (copy.code, copy.version) == (panel.round.rubric.code, 3)
    assert copy.criteria.count() == 7 and not copy.is_used()
    services.criterion_save(actor=panel.tree.staff, rubric=copy, name="课程思政", description="推进课程思政",
                            max_score=Decimal(10), branch_kind=BranchKind.BUSINESS)
    assert copy.criteria.count() == 8 and panel.round.rubric.criteria.count() == 7


def test_the_admin_opens_a_used_rubric_read_only(panel, client_for):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, staff=panel.tree.staff)
    staff = panel.tree.staff
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = client_for(staff)
    rubric = panel.round.rubric
    url = reverse("admin:evaluations_rubric_change", args=[rubric.pk])
    response = client.post(url, {"code": rubric.code, "version": 1, "name": "改名", "description": "",
                                 "criteria-TOTAL_FORMS": 0, "criteria-INITIAL_FORMS": 0})
    assert response.status_code == 403
    rubric.refresh_from_db()
    assert rubric.name != "改名"
    client.post(reverse("admin:evaluations_rubric_changelist"), {"action": "revise", "_selected_action": [rubric.pk]})
    assert Rubric.objects.filter(code=rubric.code, version=2).exists()


def test_a_rounds_rubric_cannot_be_swapped_once_scored(panel):
    submitted_sheet(panel.round, panel.project_a, panel.reviewer_c, staff=panel.tree.staff)
    other = services.rubric_revise(rubric=panel.round.rubric, actor=panel.tree.staff)
    with pytest.raises(MoveRefused, match="不能更换"):
        services.round_update(round_=panel.round, actor=panel.tree.staff, rubric=other)


def test_round_thresholds_must_descend(panel):
    with pytest.raises(MoveRefused, match="等次分数线"):
        services.round_update(round_=panel.round, actor=panel.tree.staff, excellent_min=Decimal(70))
    with pytest.raises(MoveRefused):
        services.round_create(actor=panel.tree.staff, batch=panel.round.batch, phase="midterm", name="x",
                              rubric=seven_rubric(), deadline=panel.round.deadline, good_min=Decimal(95))
    assert RoundFactory._meta.model.objects.count() == 1
