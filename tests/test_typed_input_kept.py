"""A form posted with one field wrong comes back with every other value the user typed, and the error
beside it (issue 24, item 7): nothing typed is lost to a redirect and a message at the top of the page.

Each case posts valid data with one field broken, as the page's own form would, and reads the fields of
the answer's HTML: every other typed value must be there, and nothing may have been written."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from cultivation.enums import ProjectState
from cultivation.models import Project
from planning.models import Difficulty, Guidance, Task
from tests.cultivation.helpers import batch_in
from tests.factories import ProjectFactory, cultivating_project
from tests.planning.helpers import book_with_tasks

pytestmark = pytest.mark.django_db


class Fields(HTMLParser):
    """The values an HTML page's fields show, by name: inputs, textareas and chosen options."""

    def __init__(self, html):
        super().__init__()
        self.values, self._textarea, self._select = {}, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.values.setdefault(attrs["name"], []).append(attrs.get("value") or "")
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self.values.setdefault(self._textarea, []).append("")
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.setdefault(self._select, []).append(attrs.get("value") or "")

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            # A browser drops the newline that may open a textarea's content (Django's widget writes one).
            value = self.values[self._textarea][-1]
            self.values[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None
        elif tag == "select":
            self._select = None


def nominations(tree, broken):
    project = ProjectFactory(organization=tree.branch_a1, batch=batch_in("selection"))
    Project.objects.filter(pk=project.pk).update(state=ProjectState.SUBMITTED)
    project.refresh_from_db()
    data = {"project": project.pk, "version": project.version, "rank": "7",
            "recommendation": "基础扎实，特色鲜明，同意推荐。", "nominate": "1"}
    return (tree.unit_staff, reverse("cultivation:nominations", args=[project.batch_id]), data,
            lambda: Project.objects.get(pk=project.pk).state == ProjectState.SUBMITTED
            and Project.objects.get(pk=project.pk).nomination_rank is None)


def task_add(tree, broken):
    project = cultivating_project(tree.branch_a1)
    book = book_with_tasks(project)
    data = {"title": "建立“三会一课”台账", "owner_name": "李四", "owner_role": "组织委员",
            "due": (project.batch.cultivation_start + datetime.timedelta(days=40)).isoformat(),
            "outcome_type": "system", "deliverable": "experience", "expected": "制度汇编一册", "version": book.version}
    return (tree.secretary, reverse("planning:task_add", args=[book.pk]), data, lambda: not Task.objects.exists())


def guidance_add(tree, broken):
    project = cultivating_project(tree.branch_a1)
    data = {"kind": "onsite", "held_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "guides": "组织员张三、李委员", "notes": "现场查看党员活动室，建议完善台账。"}
    return (tree.unit_staff, reverse("planning:guidance_add", args=[project.pk]), data,
            lambda: not Guidance.objects.exists())


def difficulty_raise(tree, broken):
    project = cultivating_project(tree.branch_a1)
    data = {"title": "活动经费报销慢", "text": "特色活动经费已垫付两个月，尚未报销。"}
    return (tree.secretary, reverse("planning:difficulty_raise", args=[project.pk]), data,
            lambda: not Difficulty.objects.exists())


TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

# (form, the field broken, its broken value, the Chinese error expected on the page)
CASES = [
    (nominations, "recommendation", "", "推荐报送须填写推荐意见"),       # refused by the service
    (nominations, "rank", "0", "推荐排序"),                              # refused by the form
    (task_add, "due", "明天", "完成时限"),
    (task_add, "due", "2001-01-01", "完成时限须在培育开始至收获推广结束之间"),
    (task_add, "owner_name", "", "责任人"),
    (guidance_add, "held_on", TOMORROW, "指导日期不能晚于今天"),
    (guidance_add, "held_on", "2999-01-01", "日期超出范围"),
    (guidance_add, "guides", "", "指导人员"),
    (difficulty_raise, "title", "", "问题"),
]


@pytest.mark.parametrize("case, broken, value, error", CASES,
                         ids=[f"{case.__name__}-{broken}-{value or 'empty'}" for case, broken, value, _ in CASES])
def test_a_refused_form_shows_every_other_typed_value_again(tree, client_for, case, broken, value, error):
    user, url, data, unchanged = case(tree, broken)
    response = client_for(user).post(url, {**data, broken: value})
    assert response.status_code == 200, "a refused form is shown again, not redirected away from"
    html = response.content.decode()
    assert error in html
    shown = Fields(html).values
    for name, typed in data.items():
        if name in (broken, "version", "nominate", "project"):
            continue
        assert str(typed) in shown.get(name, []), f"{name}={typed!r} was typed but is not shown again"
    assert unchanged()
