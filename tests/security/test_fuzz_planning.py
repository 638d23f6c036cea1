"""Every form of planning/ survives hostile input: never a 5xx, nothing written unless accepted."""

import pytest
from django.urls import reverse
from hypothesis import strategies as st

from planning import forms as pf
from planning.appraisal_forms import AppraisalForm
from planning.models import TaskBook

from .fuzz import form_payloads, fuzz_view
from .fuzz_support import VERSION, CurrentClient, accepted
from .matrix_planning import _book, _report_kwargs

pytestmark = pytest.mark.django_db

EXAMPLES = 15


def _version_of(book):
    return lambda: TaskBook.objects.get(pk=book.pk).version


def _dates(book):
    batch = book.project.batch
    return st.dates(batch.cultivation_start, batch.harvest_end)


def roadmap(world):
    book = _book(world, "own")
    return (world.tree.secretary, reverse("planning:taskbook_edit", args=[book.pk]),
            form_payloads(pf.RoadmapForm, version=st.just(VERSION)), _version_of(book))


def task_add(world):
    book = _book(world, "own")
    return (world.tree.secretary, reverse("planning:task_add", args=[book.pk]),
            form_payloads(pf.TaskForm, version=st.just(VERSION), due=_dates(book)), _version_of(book))


def task_edit(world):
    book = _book(world, "own")
    return (world.tree.secretary, reverse("planning:task_edit", args=[book.tasks.get().pk]),
            form_payloads(pf.TaskForm, version=st.just(VERSION), due=_dates(book)), _version_of(book))


def start(world):
    book = _book(world, "own", "confirmed")
    return (world.tree.secretary, reverse("planning:taskbook_start", args=[book.project_id]),
            form_payloads(pf.StartForm), None)


def move(world):
    book = _book(world, "own", "submitted")
    return (world.tree.unit_staff, reverse("planning:taskbook_move", args=[book.pk, "return_submitted"]),
            form_payloads(pf.MoveForm, version=st.just(VERSION)), _version_of(book))


def report_tasks(world):
    from planning.models import Task

    pk = _report_kwargs(world, "own")["pk"]
    task = Task.objects.get(book__project__organization=world.branch("own"))
    tasks = st.one_of(st.just(str(task.pk)), st.integers(-5, 10**20).map(str), st.text(max_size=20))
    return (world.tree.secretary, reverse("planning:report_tasks", args=[pk]),
            form_payloads(pf.TaskProgressForm, task=tasks), None)


def appraisal(world):
    """The 述职评议 result a 二级党组织 records for its branch: the note was read past a form (NUL: a 500)."""
    years = st.one_of(st.integers(1990, 2100).map(str), st.text(max_size=30))
    payloads = st.tuples(form_payloads(AppraisalForm), years).map(
        lambda parts: ({**parts[0][0], "year": parts[1]}, parts[0][1]))
    return (world.tree.unit_staff, reverse("planning:appraisal_save", args=[world.branch("own").pk]), payloads, None)


CASES = [roadmap, task_add, task_edit, start, move, report_tasks, appraisal]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
def test_the_form_survives_hostile_input(client, world, case):
    user, url, payloads, version = case(world)
    client.force_login(user)
    fuzz_view(CurrentClient(client, version), url, payloads=payloads, succeeded=accepted, max_examples=EXAMPLES)
