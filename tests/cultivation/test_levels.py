"""Words that name a level come from the batch's owner (issue 24, item 10): a province's batch waits on the
省委教育工委 and returns to the school; where two schools meet, a unit is named with its school."""

import pytest
from django.urls import reverse

from branches import selectors as branch_selectors
from branches.enums import OrgKind, Role
from cultivation import levels, services
from cultivation.enums import MOVES, Level, ProjectState
from dashboards import statistics
from dissemination.showcase_forms import ShowcaseFilterForm
from tests.cultivation.test_province_batch import cultivated
from tests.cultivation.helpers import batch_in
from tests.factories import BranchFactory, OrganizationFactory, province_over, user_with_role

pytestmark = pytest.mark.django_db


def test_a_state_and_a_move_name_the_level_of_the_batch():
    assert levels.state_label(ProjectState.NOMINATED, Level.SCHOOL) == "已推荐，待学校筛选"
    assert levels.state_label(ProjectState.NOMINATED, Level.PROVINCE) == "已推荐，待省委教育工委筛选"
    assert levels.state_label(ProjectState.SUBMITTED, Level.PROVINCE) == "待学校推荐"
    assert levels.state_label(ProjectState.RECOGNIZED, Level.PROVINCE) == ProjectState.RECOGNIZED.label
    assert levels.move_label(MOVES["return_nomination"], Level.SCHOOL) == "退回二级党组织"
    assert levels.move_label(MOVES["return_nomination"], Level.PROVINCE) == "退回学校"
    assert levels.organizer(Level.PROVINCE) == "省委教育工委"


@pytest.fixture
def two_schools(tree):
    """Two schools under a province, each with a 机关党委 holding a branch."""
    tree.province = province_over(tree)
    tree.province_staff = user_with_role(Role.ORG_STAFF, tree.province, username="province")
    tree.second = OrganizationFactory(kind=OrgKind.SCHOOL, name="第二大学党委", parent=tree.province)
    tree.second_staff = user_with_role(Role.ORG_STAFF, tree.second, username="staff2")
    for school in (tree.school, tree.second):
        BranchFactory(name=f"{school.name}机关第一党支部", parent=OrganizationFactory(name="机关党委", parent=school))
    return tree


def test_the_province_screening_speaks_as_the_province_and_filters_by_school(two_schools, client):
    tree = two_schools
    source = cultivated(tree.branch_a1, tree.school, ProjectState.RECOGNIZED)
    batch = batch_in("selection", name="省级样板党支部培育创建", owner=tree.province)
    services.project_recommend_up(batch=batch, source=source, actor=tree.staff, rank=1, recommendation="同意推荐")
    client.force_login(tree.province_staff)
    html = client.get(reverse("cultivation:screening", args=[batch.pk])).content.decode()
    assert "已推荐，待省委教育工委筛选" in html and "待学校筛选" not in html
    assert "退回学校" in html and "退回二级党组织" not in html
    assert "全部学校" in html and ">第二大学党委<" in html and ">甲学院党委<" not in html
    client.force_login(tree.staff)
    html = client.get(reverse("cultivation:nominations", args=[batch.pk])).content.decode()
    assert "推荐报送省委教育工委" in html and "推荐报送党委组织部" not in html


def test_the_home_names_each_unit_with_its_school_where_two_schools_meet(two_schools, client):
    client.force_login(two_schools.province_staff)
    html = client.get("/").content.decode()
    assert "全校党支部概况" not in html and "各校党支部概况" in html
    assert "测试大学党委 机关党委" in html and "第二大学党委 机关党委" in html
    client.force_login(two_schools.second_staff)
    html = client.get("/").content.decode()
    assert "全校党支部概况" in html and ">机关党委<" in html and "第二大学党委 机关党委" not in html


def test_the_statistics_and_the_showcase_filter_name_each_unit_with_its_school(two_schools):
    tree = two_schools
    for school in (tree.school, tree.second):
        branch = school.children.get(name="机关党委").children.get()
        cultivated(branch, school, ProjectState.RECOGNIZED)
    labels = [group.label for group in statistics.statistics(tree.province_staff, by="unit").groups]
    assert sorted(labels) == ["测试大学党委 机关党委", "第二大学党委 机关党委"]
    labels = [group.label for group in statistics.statistics(tree.second_staff, by="unit").groups]
    assert labels == ["机关党委"]
    units = list(branch_selectors.visible_units(tree.province_staff).filter(name="机关党委").select_related("parent"))
    choices = dict(ShowcaseFilterForm(batches=[], units=units).fields["unit"].choices)
    assert sorted(choices.values())[1:] == ["测试大学党委 机关党委", "第二大学党委 机关党委"]
