import pytest
from django.contrib.staticfiles import finders
from django.db import OperationalError
from django.urls import reverse

from branches.enums import BranchCategory, Role
from branches.models import Event, Organization
from tests.branches.xlsx import row, small_roster, upload
from tests.factories import BranchFactory, OrganizationFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_chinese_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    page = client.get(reverse("login")).content.decode()
    assert "用户名" in page and "密码" in page and "登录" in page


def test_logging_in_through_the_form_rotates_the_session_and_logs_it(client, tree):
    client.get(reverse("login"))
    before = client.cookies.get("sessionid")
    response = client.post(reverse("login"), {"username": "secretary", "password": "demo12345"})
    assert response.status_code == 302
    assert client.cookies["sessionid"].value != (before.value if before else None)
    assert Event.objects.filter(action="user.login", actor=tree.secretary).exists()


def test_a_wrong_password_gets_a_chinese_message(client, tree):
    response = client.post(reverse("login"), {"username": "secretary", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_the_secretary_home_shows_their_branch_and_its_eligibility(client_for, tree):
    page = client_for(tree.secretary).get(reverse("home")).content.decode()
    assert "甲一党支部" in page and "符合“样板党支部”申报基本要求" in page
    assert "全校党支部概况" not in page and "乙一党支部" not in page


def test_the_staff_home_counts_branches_by_category_and_unit(client_for, tree):
    response = client_for(tree.staff).get(reverse("home"))
    summary = response.context["school_summary"]
    assert summary["totals"]["branches"] == 4
    assert {row["unit__name"]: row["count"] for row in summary["by_unit"]} == {
        "甲学院党委": 2, "乙学院党委": 1, "校医院直属党支部": 1}
    assert {row["label"]: row["count"] for row in summary["by_category"]}["学生(研究生)"] == 1


def test_the_staff_home_lists_the_largest_units_and_sends_the_rest_to_the_list(client_for, tree, monkeypatch):
    monkeypatch.setattr("branches.selectors.UNIT_ROWS", 2)
    response = client_for(tree.staff).get(reverse("home"))
    assert [row["unit__name"] for row in response.context["school_summary"]["by_unit"]] == ["甲学院党委", "乙学院党委"]
    assert "其余请在" in response.content.decode()
    monkeypatch.setattr("branches.selectors.UNIT_ROWS", 3)
    assert "其余请在" not in client_for(tree.staff).get(reverse("home")).content.decode()


def test_the_unit_home_counts_only_its_sub_tree(client_for, tree):
    summary = client_for(tree.unit_staff).get(reverse("home")).context["unit_summary"]
    assert summary["totals"]["branches"] == 2


def test_the_list_filters_by_unit_type_category_and_name(client_for, tree):
    client = client_for(tree.staff)
    url = reverse("branches:organization_list")

    def listed(**params):
        return [o.name for o in client.get(url, params).context["page"]]

    assert sorted(listed(unit=tree.unit_a.pk, kind="branch")) == ["甲一党支部", "甲二党支部"]
    assert listed(branch_type="student") == ["甲二党支部"]
    assert listed(category=BranchCategory.MEDICAL) == ["校医院直属党支部"]
    assert listed(q="乙一") == ["乙一党支部"]


def test_the_list_is_scoped_and_a_foreign_unit_filter_is_ignored(client_for, tree):
    client = client_for(tree.unit_staff)
    names = [o.name for o in client.get(reverse("branches:organization_list"), {"unit": tree.unit_b.pk}).context["page"]]
    assert "乙一党支部" not in names


@pytest.mark.parametrize("size", [5, 40])
def test_the_list_runs_a_constant_number_of_queries(client_for, tree, size, django_assert_num_queries):
    for n in range(size):
        BranchFactory(parent=tree.unit_a)
    client = client_for(tree.staff)
    # session, user, role assignments, unread notifications, count, page, unit choices,
    # then the session's first save after signing in (3)
    with django_assert_num_queries(10):
        assert client.get(reverse("branches:organization_list")).status_code == 200


@pytest.mark.parametrize("size", [5, 40])
def test_the_staff_home_runs_a_constant_number_of_queries(client_for, tree, size, django_assert_num_queries):
    for n in range(size):
        BranchFactory(parent=OrganizationFactory(parent=tree.school))
    client = client_for(tree.staff)
    # session, user, role assignments, unread notifications, the branch summary (3), the panels
    # of cultivation, reports and evaluations (5), then the session's first save after signing in (3)
    with django_assert_num_queries(15):
        assert client.get(reverse("home")).status_code == 200


def test_the_list_paginates(client_for, tree):
    for n in range(40):
        BranchFactory(parent=tree.unit_b)
    page = client_for(tree.staff).get(reverse("branches:organization_list"), {"page": 2}).context["page"]
    assert page.number == 2 and len(page) == 18  # 48 organizations, 30 a page
    assert client_for(tree.staff).get(reverse("branches:organization_list"), {"page": "x"}).status_code == 200


def test_the_detail_page_shows_path_and_events_to_staff(client_for, tree):
    response = client_for(tree.staff).get(reverse("branches:organization_detail", args=[tree.branch_a2.pk]))
    assert [a.name for a in response.context["ancestors"]] == ["测试大学党委", "甲学院党委", "甲学院临床党总支"]
    assert "变更记录" in response.content.decode()


@pytest.mark.parametrize("who", ["other_unit_staff", "other_secretary", "reviewer"])
def test_a_guessed_detail_url_outside_ones_scope_answers_404(client_for, tree, who):
    response = client_for(getattr(tree, who)).get(reverse("branches:organization_detail", args=[tree.branch_a1.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_a_secretary_declares_the_basic_requirements(client_for, tree):
    client = client_for(tree.secretary)
    url = reverse("branches:organization_declare", args=[tree.branch_a1.pk])
    client.post(url, {"no_violation": "on", "no_safety_risk": "on"})
    branch = Organization.objects.get(pk=tree.branch_a1.pk)
    assert not branch.declares_no_conduct_issue and branch.declares_no_violation
    assert Event.objects.filter(action="organization.declared", actor=tree.secretary).exists()
    assert client_for(tree.other_secretary).post(url, {"no_violation": "on"}).status_code == 404


@pytest.mark.parametrize("name", ["branches:roster_import", "branches:roster_export", "branches:roster_template",
                                  "branches:event_list"])
def test_staff_pages_refuse_everyone_else(client_for, tree, name):
    for user in [tree.unit_staff, tree.secretary, tree.reviewer]:
        assert client_for(user).get(reverse(name)).status_code == 403
    assert client_for(tree.staff).get(reverse(name)).status_code == 200


def test_importing_through_the_page_dry_runs_first(client_for, tree):
    client = client_for(tree.staff)
    url = reverse("branches:roster_import")
    rows = [row("N1", "新建党支部", parent=tree.unit_a.code)]
    response = client.post(url, {"file": upload(rows), "dry_run": "on"})
    assert "校验通过" in response.content.decode()
    assert not Organization.objects.filter(code="N1").exists()
    response = client.post(url, {"file": upload(rows)}, follow=True)
    assert "导入完成：新建 1 个" in response.content.decode()
    assert Organization.objects.get(code="N1").unit == tree.unit_a


def test_an_import_with_problems_lists_them_and_writes_nothing(client_for, tree):
    before = Organization.objects.count()
    response = client_for(tree.staff).post(reverse("branches:roster_import"), {"file": upload(small_roster() + [
        row("B3", "未知上级党支部", parent="NOPE")])})
    page = response.content.decode()
    assert "未写入任何数据" in page and "找不到上级组织“NOPE”" in page
    assert Organization.objects.count() == before


def test_the_export_downloads_an_xlsx_with_a_chinese_name(client_for, tree):
    response = client_for(tree.staff).get(reverse("branches:roster_export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''%E7%BB%84%E7%BB%87" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_the_event_list_filters_by_action(client_for, tree):
    client = client_for(tree.secretary)
    client.post(reverse("branches:organization_declare", args=[tree.branch_a1.pk]), {"no_violation": "on"})
    page = client_for(tree.staff).get(reverse("branches:event_list"), {"action": "organization.declared"}).context["page"]
    assert [e.action for e in page] == ["organization.declared"]
    assert page[0].action_label == "声明基本要求"


def test_healthz_answers_200_then_503_when_the_database_fails(client, monkeypatch):
    assert client.get("/healthz").status_code == 200

    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    from django.db import connection

    monkeypatch.setattr(connection, "cursor", broken)
    assert client.get("/healthz").status_code == 503


def test_a_user_without_roles_is_told_so(client_for, tree):
    from tests.factories import UserFactory

    assert "尚未分配角色" in client_for(UserFactory()).get(reverse("home")).content.decode()


def test_a_user_holding_two_roles_sees_both_homes(client_for, tree):
    user = user_with_role(Role.SECRETARY, tree.branch_b1)
    from branches.models import RoleAssignment

    RoleAssignment.objects.create(user=user, role=Role.REVIEWER, organization=tree.unit_a)
    page = client_for(user).get(reverse("home")).content.decode()
    assert 'data-testid="secretary-home"' in page and 'data-testid="reviewer-home"' in page


def test_every_page_links_a_favicon_and_favicon_ico_answers(client, tree):
    html = client.get("/login/").content.decode()
    assert 'rel="icon"' in html and "img/favicon.svg" in html
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/img/favicon.ico"
    assert finders.find("img/favicon.ico") and finders.find("img/favicon.svg")


def test_a_request_for_another_host_gets_the_chinese_400_page(client, settings):
    # Django's own answer to a Host not in ALLOWED_HOSTS was an English "Bad Request (400)".
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/", HTTP_HOST="evil.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert "请求无效" in page and 'lang="zh-CN"' in page and "Bad Request" not in page


@pytest.mark.parametrize("name", ["0" * 32, "f" * 32, "abc", "not-a-worker-file", "a" * 300])
def test_a_worker_export_that_does_not_exist_answers_404_with_debug_off(client_for, tree, settings, name):
    settings.DEBUG = False
    client = client_for(tree.unit_staff)
    client.raise_request_exception = False
    response = client.get(reverse("branches:export_file", args=[name]), {"name": "名单.xlsx"})
    assert response.status_code == 404 and "页面不存在" in response.content.decode()
