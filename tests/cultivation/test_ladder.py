"""A branch's page shows its whole ladder: the school batch, the province's, with each level's
decision, grade and notices, as far as the reader may see it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.enums import Role
from cultivation import notices
from cultivation.enums import Grade, Level, ProjectState
from cultivation.models import Project
from tests.cultivation.helpers import batch_in
from tests.factories import BranchFactory, ProjectFactory, province_over, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ladder(tree):
    province = province_over(tree)
    school_batch = batch_in("harvest", name="校级第一批")
    accepted = ProjectFactory(batch=school_batch, organization=tree.branch_a1)
    Project.objects.filter(pk=accepted.pk).update(state=ProjectState.ACCEPTED, midterm_grade=Grade.GOOD,
                                                  final_grade=Grade.EXCELLENT)
    notice = notices.notice_publish(batch=school_batch, kind="acceptance", title="校级验收结果公示", body="现予公示",
                                    starts_on=timezone.localdate(), items=[(accepted, "优秀")], actor=tree.staff)
    province_batch = batch_in("selection", name="省级样板党支部遴选", owner=province)
    recommended = ProjectFactory(batch=province_batch, organization=tree.branch_a1)
    Project.objects.filter(pk=recommended.pk).update(state=ProjectState.NOMINATED)
    return province, notice


def page(client, user, organization):
    client.force_login(user)
    return client.get(reverse("branches:organization_detail", args=[organization.pk])).content.decode()


def test_the_branch_page_climbs_from_the_school_to_the_province(tree, client, ladder):
    _, notice = ladder
    html = page(client, tree.secretary, tree.branch_a1)
    steps = html.split('data-testid="ladder-step"')[1:]
    assert len(steps) == 2
    assert Level.SCHOOL.label in steps[0] and "校级第一批" in steps[0] and "优秀" in steps[0] and "良好" in steps[0]
    assert reverse("public:notice_detail", args=[notice.pk]) in steps[0]
    assert Level.PROVINCE.label in steps[1] and "省级样板党支部遴选" in steps[1] and "省委教育工委" in steps[1]
    # The province's step waits on the province, not on the school (issue 24, item 10).
    assert "已推荐，待省委教育工委筛选" in steps[1] and ProjectState.NOMINATED.label not in steps[1]


def test_the_ladder_shows_only_what_the_reader_may_see(tree, client, ladder):
    assert 'data-testid="ladder"' in page(client, tree.unit_staff, tree.branch_a1)
    other = BranchFactory(name="乙二党支部", parent=tree.unit_b)
    assert 'data-testid="ladder"' not in page(client, tree.staff, other)  # no projects, no section


def test_a_province_staff_member_sees_the_ladder_of_a_branch_in_its_schools(tree, client, ladder):
    province, _ = ladder
    province_staff = user_with_role(Role.ORG_STAFF, province, username="province")
    assert page(client, province_staff, tree.branch_a1).count('data-testid="ladder-step"') == 2


@pytest.mark.parametrize("batches", [1, 4])
def test_the_ladder_costs_the_same_queries_at_any_length(tree, client, batches, django_assert_num_queries):
    for number in range(batches):
        project = ProjectFactory(batch=batch_in("recognition", name=f"第{number}批"), organization=tree.branch_a1)
        Project.objects.filter(pk=project.pk).update(state=ProjectState.SHORTLISTED)
        notices.notice_publish(batch=project.batch, kind="recognition", title=f"拟认定公示{number}", body="现予公示",
                               starts_on=timezone.localdate(), items=[(project, "")], actor=tree.staff)
    client.force_login(tree.secretary)
    url = reverse("branches:organization_detail", args=[tree.branch_a1.pk])
    assert client.get(url).content.decode().count('data-testid="ladder-step"') == batches
    with django_assert_num_queries(QUERIES):
        client.get(url)


# The organization page's own reads, then the ladder's two (its projects, and their notices) and the
# 表彰奖励 panel's one (planning.guidance_views.commendations_panel).
QUERIES = 11
