"""表彰奖励 (planning.guidance): 组织部 alone records and publishes them; nothing shows outside 组织部 before it is
published; the showcase and the booklet read published ones through one query."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from branches.models import Event
from cultivation.enums import ProjectState
from cultivation.models import Project
from notifications.models import Notification
from planning import guidance as services
from planning import selectors
from planning.models import Commendation
from tests.factories import cultivating_project
from transitions.refusals import MoveRefused, NotAllowed

pytestmark = pytest.mark.django_db


def _accepted(organization, **kwargs):
    project = cultivating_project(organization, **kwargs)
    Project.objects.filter(pk=project.pk).update(state=ProjectState.ACCEPTED)
    project.refresh_from_db()
    return project


def _commend(tree, project, *, actor=None, **fields):
    values = {"subject": "organization", "title": "先进基层党组织", "level": "province", "conferred_by": "省委教育工委",
              "awarded_on": datetime.date(2021, 7, 1), "citation": "“三会一课”规范，党员先锋岗示范带动。"}
    return services.commendation_record(project=project, actor=actor or tree.staff, **{**values, **fields})


def _org_page(client, branch):
    return client.get(reverse("branches:organization_detail", args=[branch.pk])).content.decode()


def test_staff_record_publish_and_take_back_a_commendation_with_events(tree):
    project = _accepted(tree.branch_a1)
    row = _commend(tree, project, subject="person", person_name="张三", person_role="党员骨干", title="优秀共产党员")
    assert row.person_label == "张三（党员骨干）" and not row.is_published
    row = services.commendation_publish(commendation=row, actor=tree.staff)
    assert row.is_published and row.published_by == tree.staff
    assert Notification.objects.filter(user=tree.secretary, title__contains="优秀共产党员").exists()
    with pytest.raises(MoveRefused, match="已发布"):
        services.commendation_publish(commendation=row, actor=tree.staff)
    with pytest.raises(MoveRefused, match="须先撤回发布"):
        services.commendation_delete(commendation=row, actor=tree.staff)
    row = services.commendation_unpublish(commendation=row, actor=tree.staff)
    services.commendation_delete(commendation=row, actor=tree.staff)
    assert not Commendation.objects.exists()
    actions = list(Event.objects.filter(action__startswith="commendation.").order_by("id").values_list("action", flat=True))
    assert actions == ["commendation.recorded", "commendation.published", "commendation.unpublished",
                       "commendation.deleted"]


def test_commendation_refusals_are_chinese(tree):
    cultivating = cultivating_project(tree.branch_a1)
    with pytest.raises(MoveRefused, match="须来自已通过验收的培育项目"):
        _commend(tree, cultivating)
    project = _accepted(tree.branch_b1, batch=cultivating.batch)
    with pytest.raises(MoveRefused, match="表彰个人须填写姓名"):
        _commend(tree, project, subject="person", person_name=" ")
    with pytest.raises(MoveRefused, match="荣誉称号"):
        _commend(tree, project, title="")
    for actor in (tree.secretary, tree.unit_staff, tree.other_secretary, tree.reviewer):
        with pytest.raises(NotAllowed, match="只有党委组织部可以记录和发布表彰奖励"):
            _commend(tree, project, actor=actor)
    assert not Commendation.objects.exists()


def test_an_organization_commendation_keeps_no_person(tree):
    row = _commend(tree, _accepted(tree.branch_a1), person_name="李四", person_role="支部书记")
    assert row.person_name == "" and row.person_label == ""


def test_the_list_page_records_and_publishes(tree, client_for):
    project = _accepted(tree.branch_a1)
    client = client_for(tree.staff)
    data = {"project": project.pk, "subject": "organization", "title": "先进基层党组织", "level": "school",
            "awarded_on": "2021-07-01", "person_role": "党员骨干", "citation": "示范带动"}
    response = client.post(reverse("planning:commendation_add"), data, follow=True)
    assert "已记录表彰奖励（尚未发布）" in response.content.decode()
    row = Commendation.objects.get()
    response = client.post(reverse("planning:commendation_publish", args=[row.pk]), follow=True)
    assert "已发布" in response.content.decode() and Commendation.objects.get().is_published
    cultivating = cultivating_project(tree.branch_b1)
    response = client.post(reverse("planning:commendation_add"), {**data, "project": cultivating.pk}, follow=True)
    assert "请从已通过验收的培育项目中选择成果来源" in response.content.decode()
    assert Commendation.objects.count() == 1


@pytest.mark.parametrize("who", ["secretary", "unit_staff", "other_secretary", "reviewer"])
def test_no_one_but_org_staff_opens_or_posts_to_commendations(tree, client_for, who):
    project = _accepted(tree.branch_a1)
    row = _commend(tree, project)
    client = client_for(getattr(tree, who))
    assert client.get(reverse("planning:commendation_list")).status_code == 403
    data = {"project": project.pk, "subject": "organization", "title": "冒名", "level": "school",
            "awarded_on": "2021-07-01"}
    assert client.post(reverse("planning:commendation_add"), data).status_code == 403
    for name in ("commendation_publish", "commendation_delete"):
        assert client.post(reverse(f"planning:{name}", args=[row.pk])).status_code == 403
    assert Commendation.objects.count() == 1 and not Commendation.objects.get().is_published


def test_a_commendation_shows_outside_org_staff_only_once_published(tree, client_for):
    project = _accepted(tree.branch_a1)
    row = _commend(tree, project, title="标杆党支部称号")
    assert "标杆党支部称号" not in _org_page(client_for(tree.secretary), tree.branch_a1)
    assert "标杆党支部称号" not in _org_page(client_for(tree.unit_staff), tree.branch_a1)
    staff_page = _org_page(client_for(tree.staff), tree.branch_a1)
    assert "标杆党支部称号" in staff_page and "未发布" in staff_page
    assert selectors.published_commendations_of([project]) == {}
    services.commendation_publish(commendation=row, actor=tree.staff)
    assert "标杆党支部称号" in _org_page(client_for(tree.secretary), tree.branch_a1)
    assert [c.pk for c in selectors.published_commendations_of(Project.objects.all())[project.pk]] == [row.pk]


def test_another_schools_staff_cannot_reach_a_commendation(tree, client_for):
    from branches.enums import OrgKind, Role
    from tests.factories import OrganizationFactory, user_with_role

    other_school = OrganizationFactory(kind=OrgKind.SCHOOL, name="另一所大学党委")
    stranger = user_with_role(Role.ORG_STAFF, other_school, username="stranger")
    row = _commend(tree, _accepted(tree.branch_a1))
    client = client_for(stranger)
    assert client.post(reverse("planning:commendation_publish", args=[row.pk])).status_code == 404
    assert "先进基层党组织" not in client.get(reverse("planning:commendation_list")).content.decode()
    with pytest.raises(NotAllowed):
        services.commendation_publish(commendation=row, actor=stranger)
    assert not Commendation.objects.get().is_published


# ---- query counts --------------------------------------------------------------------------------

def _many(tree, size):
    projects = []
    for number in range(size):
        project = _accepted(tree.branch_a1 if number % 2 == 0 else tree.branch_b1)
        row = _commend(tree, project, title=f"荣誉{number}", awarded_on=timezone.localdate())
        services.commendation_publish(commendation=row, actor=tree.staff)
        _commend(tree, project, subject="person", person_name=f"党员{number}", title="优秀共产党员")
        projects.append(project)
    return projects


@pytest.mark.parametrize("size", [1, 3])
def test_the_list_page_runs_a_constant_number_of_queries(tree, client_for, size, django_assert_num_queries):
    _many(tree, size)
    client = client_for(tree.staff)
    url = reverse("planning:commendation_list")
    assert client.get(url).content.decode().count('data-testid="commendation"') == 2 * size
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)


# Session, user, role assignments, the page's count and rows, whether any project is commendable and the
# form's projects, the inbox badge.
LIST_QUERIES = 8


@pytest.mark.parametrize("size", [1, 3])
def test_the_organization_panel_costs_one_query(tree, client_for, size, django_assert_num_queries):
    from branches.models import Organization

    from planning.guidance_views import commendations_panel

    _many(tree, size)
    request = type("Request", (), {"user": tree.staff})()
    branch = Organization.objects.get(pk=tree.branch_a1.pk)
    with django_assert_num_queries(1):
        panel = commendations_panel(request, branch)
    assert len(panel["commendations"]) == 2 * ((size + 1) // 2)


@pytest.mark.parametrize("size", [1, 3])
def test_published_commendations_of_costs_one_query(tree, size, django_assert_num_queries):
    projects = _many(tree, size)
    with django_assert_num_queries(1):
        found = selectors.published_commendations_of(projects)
    assert sum(len(rows) for rows in found.values()) == size


def test_commendation_counts_follow_the_seeds_wording_and_skip_unpublished(tree, django_assert_num_queries):
    projects = _many(tree, 3)  # per project: one published 省级 collective, one unpublished person
    row = _commend(tree, projects[0], subject="person", person_name="王五", level="school")
    services.commendation_publish(commendation=row, actor=tree.staff)
    with django_assert_num_queries(1):
        counts = selectors.commendation_counts(projects)
    assert counts["province"] == {"organization": 3, "person": 0}
    assert counts["school"] == {"organization": 0, "person": 1} and counts["national"]["organization"] == 0
