"""Malformed numbers and dates answer a Chinese message or a 404, never a 500 (security review, issue 8).

The class is closed in branches/inputs.py (ids, versions, page numbers, a local `next`, plausible
dates) and branches/converters.py (ids in URLs); test_fuzz_requests.py throws hostile values at every
URL. These pin the cases the review found.
"""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from branches.inputs import DateField, latest_date, next_path, parse_count, parse_id, parse_ids
from cultivation.models import Project, Spending
from evaluations.models import Round

from tests.branches.test_plain_text import FORM_MODULES  # every forms module of the apps, found

from . import matrix_cultivation as m
from .matrix_evaluations import scene

pytestmark = pytest.mark.django_db



@pytest.mark.parametrize("raw, expected", [
    ("1", 1), ("42", 42), ("999999999999999999", 999999999999999999), (7, 7),
    ("0", None), ("-1", None), ("²", None), ("1²", None), ("١٢", None), ("１２", None), (" 1", None), ("1.0", None),
    ("1e3", None), ("0x1", None), ("99999999999999999999", None), ("9223372036854775808", None), ("", None),
    (None, None), (True, None), ([], None),
])
def test_parse_id_takes_only_ascii_digits_the_database_can_hold(raw, expected):
    assert parse_id(raw) == expected


def test_parse_ids_drops_the_malformed_and_the_repeated():
    assert parse_ids(["3", "²", "3", "99999999999999999999", "1"], limit=5) == [3, 1]
    assert parse_ids(["1", "2", "3"], limit=2) == [1, 2]


def test_parse_count_takes_zero():
    assert parse_count("0") == 0 and parse_count("²") is None


@pytest.mark.parametrize("value, expected", [
    ("/cultivation/projects/1/", "/cultivation/projects/1/"), ("abc", None), ("", None), (None, None),
    ("//evil.example/", None), ("https://evil.example/", None), ("/\\evil.example", None),
    ("/a\r\nLocation: x", None), ("javascript:alert(1)", None),
])
def test_next_path_takes_only_a_local_path(rf, value, expected):
    assert next_path(rf.get("/"), value) == expected


# ---- hidden fields ----------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["abc", "²", "99999999999999999999", "-1", "1.5"])
def test_a_malformed_version_on_the_application_form_is_a_stale_page(client_for, world, version):
    project = m._project(world, "own", "draft")
    response = client_for(world.tree.secretary).post(reverse("cultivation:project_edit", args=[project.pk]), {
        "version": version, "title": "新主题", "concept": "立意", "practice": "做法", "experience": "经验", "plan": "思路",
        "activities-TOTAL_FORMS": "1", "activities-INITIAL_FORMS": "0", "activities-MIN_NUM_FORMS": "1",
        "activities-MAX_NUM_FORMS": "2", "activities-0-name": "活动", "activities-0-description": "内容",
        "activities-0-planned_budget": "1000"})
    assert response.status_code == 200 and "页面已过期，请刷新后再操作" in response.content.decode()
    assert Project.objects.get(pk=project.pk).title != "新主题"


@pytest.mark.parametrize("name", ["round_close", "round_edit"])
def test_a_malformed_version_on_a_round_is_a_stale_page(client_for, world, name):
    round_ = scene(world, "own")["round"]
    response = client_for(world.tree.staff).post(reverse(f"evaluations:{name}", args=[round_.pk]),
                                                 {"version": "abc", "name": "改名"}, follow=True)
    assert response.status_code == 200 and "页面已过期，请刷新后再操作" in response.content.decode()
    after = Round.objects.get(pk=round_.pk)
    assert (after.state, after.version, after.name) == (round_.state, round_.version, round_.name)


@pytest.mark.parametrize("target", ["abc", "//evil.example/", "https://evil.example/x"])
def test_a_hostile_next_goes_back_to_the_project(client_for, world, target):
    project = m._project(world, "own", "submitted")
    response = client_for(world.tree.unit_staff).post(reverse("cultivation:project_recommend", args=[project.pk]), {
        "version": project.version, "rank": 1, "recommendation": "同意推荐", "next": target})
    assert response.status_code == 302 and response.url == f"/cultivation/projects/{project.pk}/"


def test_a_local_next_is_followed(client_for, world):
    project = m._project(world, "own", "submitted")
    target = reverse("cultivation:nominations", args=[project.batch_id])
    response = client_for(world.tree.unit_staff).post(reverse("cultivation:project_recommend", args=[project.pk]), {
        "version": project.version, "rank": 1, "recommendation": "同意推荐", "next": target})
    assert response.status_code == 302 and response.url == target


# ---- query strings --------------------------------------------------------------------------

@pytest.mark.parametrize("ids", [["²"], ["99999999999999999999"], ["١٢"], ["1²", "x"]])
def test_malformed_ids_on_the_compare_page_are_ignored(client_for, world, ids):
    project = m._project(world, "own", "nominated")
    response = client_for(world.tree.staff).get(reverse("cultivation:compare", args=[project.batch_id]),
                                                {"ids": [*ids, str(project.pk)]})
    assert response.status_code == 200 and project.organization.name in response.content.decode()


@pytest.mark.parametrize("page", ["²", "1" + "0" * 30, "99999999999999999999", "-1", "abc", "0", "1.5"])
def test_a_malformed_page_number_shows_a_page(client_for, world, page):
    m._project(world, "own", "draft")
    response = client_for(world.tree.staff).get(reverse("cultivation:project_list"), {"page": page})
    assert response.status_code == 200


# ---- dates ----------------------------------------------------------------------------------

def test_every_date_field_of_every_form_is_bounded():
    unbounded = []
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form_class in inspect.getmembers(module, inspect.isclass):
            if issubclass(form_class, forms.BaseForm) and form_class.__module__ == module_name:
                unbounded += [f"{module_name}.{name}.{field_name}" for field_name, field in form_class.base_fields.items()
                              if isinstance(field, (forms.DateField, forms.DateTimeField))
                              and not isinstance(field, DateField)]
    assert not unbounded, f"date fields without the plausible range of branches.inputs.DateField: {unbounded}"


@pytest.mark.parametrize("spent_on", ["0001-01-01", "1999-12-31", "9999-12-31"])
def test_a_spending_dated_outside_the_plausible_range_is_refused(client_for, world, spent_on):
    kwargs = m._r_activity(world, "own")
    response = client_for(world.tree.secretary).post(reverse("cultivation:spending_add", kwargs=kwargs), {
        "amount": "100", "spent_on": spent_on, "purpose": "购买学习资料"}, follow=True)
    assert response.status_code == 200 and "日期超出范围" in response.content.decode()
    assert not Spending.objects.exists()


def test_a_spending_dated_today_is_accepted(client_for, world):
    kwargs = m._r_activity(world, "own")
    client_for(world.tree.secretary).post(reverse("cultivation:spending_add", kwargs=kwargs), {
        "amount": "100", "spent_on": timezone.localdate().isoformat(), "purpose": "购买学习资料"})
    assert Spending.objects.count() == 1


@pytest.mark.parametrize("starts_on", ["9999-12-31", "0001-01-01"])
def test_a_notice_starting_on_an_impossible_date_is_refused(client_for, world, starts_on):
    project = m._project(world, "own", "shortlisted")
    response = client_for(world.tree.staff).post(reverse("cultivation:notice_create", args=[project.batch_id]), {
        "kind": "recognition", "title": "拟认定公示", "body": "现予公示", "starts_on": starts_on,
        "projects": [project.pk]})
    assert response.status_code == 200 and "日期超出范围" in response.content.decode()


def test_the_range_runs_from_2000_to_ten_years_ahead():
    field = DateField()
    field.clean("2000-01-01")
    field.clean(latest_date().isoformat())
    for value in ["1999-12-31", (latest_date() + datetime.timedelta(days=1)).isoformat()]:
        with pytest.raises(forms.ValidationError):
            field.clean(value)
    assert latest_date(datetime.date(2024, 2, 29)) == datetime.date(2034, 2, 28)
