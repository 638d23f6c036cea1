"""Pages of the task book (任务书): one project's book and its versions, edits while a version is a
draft, the review moves, the reviewers' queue, and the tasks a progress report moved.

Answers, as elsewhere: a project, book or task the user may not read is 404; a page the user may read
but an action their role never allows is 403; an action refused for now (wrong state, bad input) flashes
the Chinese reason and sends the user back, with nothing changed. Views write only through services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from branches import access
from branches.audit import action_label
from branches.exports import xlsx_response
from branches.models import Event
from branches.pagination import paginate
from cultivation.enums import Actor
from cultivation.models import ProgressReport, Project
from cultivation.reports.enums import EDITABLE_REPORT_STATES, OPEN_PROJECT_STATES
from cultivation.workflow import actor_roles
from transitions.views import run as _run

from . import exports, listings, selectors, services
from .enums import EDITABLE_TASKBOOK_STATES, TASKBOOK_MOVES, TaskBookState
from .forms import MoveForm, RemoveForm, RoadmapForm, StartForm, TaskForm, TaskProgressForm, error_text


def _project(user, pk):
    project = (Project.objects.readable_by(user).filter(pk=pk)
               .select_related("batch__owner", "organization", "unit").first())
    if project is None:
        access.refuse(user, f"task book of project {pk}")
    return project


def _book(user, pk):
    book = selectors.readable_taskbook(user, pk)
    if book is None:
        access.refuse(user, f"task book {pk}")
    return book


def _secretary_only(user, project, what):
    """403 for a reader of the project who is not its branch's secretary."""
    if Actor.SECRETARY not in actor_roles(user, project):
        access.refuse(user, what, not_found=False)




def _to_book(book, anchor=""):
    response = redirect("planning:taskbook_detail", pk=book.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _history(book):
    events = list(Event.objects.filter(content_type__app_label="planning", content_type__model="taskbook",
                                       object_id=str(book.pk)).select_related("actor").order_by("created_at", "pk"))
    for event in events:
        event.action_label = action_label(event.action)
    return events


def _page(request, project, book, versions, *, roadmap_form=None, task_form=None):
    """The task book page: `book` is the version shown (None when the project has none yet), `versions`
    every version of the project's book, newest first. `roadmap_form`, `task_form`: a refused form, shown
    again with what was typed and its errors."""
    user = request.user
    if book is not None:
        book = next(v for v in versions if v.pk == book.pk)
        book.project = project
    latest = versions[0] if versions else None
    roles = actor_roles(user, project) if Project.objects.visible_to(user).filter(pk=project.pk).exists() else set()
    is_secretary = Actor.SECRETARY in roles
    planning = project.state in services.PLANNING_STATES
    is_latest = book is not None and book.pk == latest.pk
    editable = is_secretary and planning and is_latest and book.state in EDITABLE_TASKBOOK_STATES
    today = timezone.localdate()
    context = {
        "project": project, "book": book, "versions": versions, "latest": latest, "is_latest": is_latest,
        "is_secretary": is_secretary, "editable": editable, "planning": planning,
        "can_start": is_secretary and planning and (latest is None or latest.state == TaskBookState.CONFIRMED),
        "moves": services.allowed_taskbook_moves(user, book) if book is not None and is_latest and roles else [],
        "timeline": selectors.timeline(book, today=today) if book is not None else None,
        "history": _history(book) if book is not None else [],
        "start_form": StartForm(), "today": today,
    }
    if not editable and (roadmap_form or task_form):
        # Refused because the version can no longer be edited: no form to show the reason beside.
        messages.error(request, error_text(roadmap_form or task_form))
    if editable:
        context["roadmap_form"] = roadmap_form or RoadmapForm(instance=book, initial={"version": book.version})
        context["task_form"] = task_form or TaskForm(initial={"version": book.version})
    return render(request, "planning/taskbook_detail.html", context)


# ---- reading ---------------------------------------------------------------------------------

@login_required
@require_GET
def project_taskbook(request, pk):
    """The project's task book as it stands: its latest version."""
    project = _project(request.user, pk)
    versions = selectors.taskbooks_of(project)
    return _page(request, project, versions[0] if versions else None, versions)


@login_required
@require_GET
def taskbook_detail(request, pk):
    """Any version, the earlier ones read-only."""
    book = _book(request.user, pk)
    return _page(request, book.project, book, selectors.taskbooks_of(book.project))


@login_required
@require_GET
def review_queue(request):
    """Books waiting on the user: 二级党组织 staff review them, 组织部 staff confirm them."""
    listing = _queue_listing(request)
    counts = selectors.queue_counts(request.user, listing.tabs)
    return render(request, "planning/review_queue.html", {
        "tab": listing.tab, "tab_label": selectors.QUEUE_TABS[listing.tab],
        "tab_links": [(key, selectors.QUEUE_TABS[key], counts[key]) for key in listing.tabs],
        "page": paginate(request, listing.items),
    })


@login_required
@require_GET
def review_queue_export(request):
    listing = _queue_listing(request)
    return xlsx_response(name=f"任务书审核-{selectors.QUEUE_TABS[listing.tab]}", columns=exports.QUEUE_COLUMNS,
                         items=listing.items, request=request)


def _queue_listing(request):
    listing = listings.taskbook_queue(request.user, request.GET)
    if not listing.tabs:
        access.refuse(request.user, "task book queue", not_found=False)
    return listing


# ---- writing ---------------------------------------------------------------------------------

@login_required
@require_POST
def taskbook_start(request, pk):
    project = _project(request.user, pk)
    _secretary_only(request.user, project, f"starting task book of {pk}")
    form = StartForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("planning:project_taskbook", pk=project.pk)
    started = {}

    def start():
        started["book"] = services.taskbook_start(project=project, actor=request.user,
                                                  reason=form.cleaned_data["reason"])

    if not _run(request, start):
        return redirect("planning:project_taskbook", pk=project.pk)
    book = started["book"]
    messages.success(request, f"已起草第{book.number}版任务书，请填写路线图和任务后提交")
    return _to_book(book)


@login_required
@require_POST
def taskbook_edit(request, pk):
    book = _book(request.user, pk)
    _secretary_only(request.user, book.project, f"editing task book {pk}")
    form = RoadmapForm(request.POST)
    if form.is_valid() and _run(request, lambda: services.taskbook_edit(
            book=book, actor=request.user, roadmap=form.cleaned_data["roadmap"],
            expected_version=form.cleaned_data["version"]), success="已保存路线图", form=form):
        return _to_book(book, "roadmap")
    # Refused: the page again, the roadmap as typed beside its error.
    return _page(request, book.project, book, selectors.taskbooks_of(book.project),
                 roadmap_form=_again(request, form, book))


def _again(request, form, book):
    """A refused form, to be shown again as typed. The errors of its hidden version field have no place on
    the page, so they are flashed; and it carries the version now current, as a reloaded page would, so
    that sending it again after reading the error is not refused once more as stale."""
    hidden = [str(error) for name, errors in form.errors.items()
              if name in form.fields and form.fields[name].widget.is_hidden for error in errors]
    if hidden:
        messages.error(request, "；".join(hidden))
    form.data = form.data.copy()
    form.data["version"] = book.version
    return form


@login_required
@require_POST
def task_add(request, pk):
    book = _book(request.user, pk)
    _secretary_only(request.user, book.project, f"adding a task to {pk}")
    form = TaskForm(request.POST)
    if form.is_valid() and _run(request, lambda: services.task_add(
            book=book, actor=request.user, expected_version=form.cleaned_data["version"],
            **form.fields_for_service()), success="已添加任务", form=form):
        return _to_book(book, "tasks")
    # Refused: the page again with every field as typed and the errors beside them, not a message at the top.
    return _page(request, book.project, book, selectors.taskbooks_of(book.project),
                 task_form=_again(request, form, book))


def _task(user, pk):
    task = selectors.readable_task(user, pk)
    if task is None:
        access.refuse(user, f"task {pk}")
    return task


@login_required
def task_edit(request, pk):
    task = _task(request.user, pk)
    book = task.book
    _secretary_only(request.user, book.project, f"editing task {pk}")
    if book.state not in EDITABLE_TASKBOOK_STATES:
        messages.error(request, f"任务书当前状态为“{book.get_state_display()}”，不能修改；"
                                "已确认的任务书如需调整，请修订为新版本")
        return _to_book(book, "tasks")
    form = TaskForm(request.POST or None, instance=task, initial={"version": book.version})
    if request.method == "POST":
        if form.is_valid():
            if _run(request, lambda: services.task_edit(book=book, task_id=task.pk, actor=request.user,
                                                        expected_version=form.cleaned_data["version"],
                                                        **form.fields_for_service()),
                    success="已修改任务"):
                return _to_book(book, "tasks")
        else:
            messages.error(request, "请按提示修改后再保存")
    return render(request, "planning/task_form.html", {"form": form, "task": task, "book": book,
                                                       "project": book.project})


@login_required
@require_POST
def task_remove(request, pk):
    task = _task(request.user, pk)
    book = task.book
    _secretary_only(request.user, book.project, f"removing task {pk}")
    form = RemoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: services.task_remove(book=book, task_id=task.pk, actor=request.user,
                                                   expected_version=form.cleaned_data["version"]),
             success=f"已删除任务“{task.title}”")
    return _to_book(book, "tasks")


@login_required
@require_POST
def taskbook_move(request, pk, name):
    if name not in TASKBOOK_MOVES:
        raise Http404("未找到该页面")
    book = _book(request.user, pk)
    if not actor_roles(request.user, book.project) & set(TASKBOOK_MOVES[name].actors):
        access.refuse(request.user, f"{name} on task book {pk}", not_found=False)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
    else:
        _run(request, lambda: services.taskbook_move(book=book, name=name, actor=request.user,
                                                     comment=form.cleaned_data["comment"],
                                                     expected_version=form.cleaned_data["version"]),
             success=f"任务书{TASKBOOK_MOVES[name].done}")
    return _to_book(book)


# ---- a progress report moves tasks ------------------------------------------------------------

def _report(user, pk):
    report = (ProgressReport.objects.filter(pk=pk, project__in=Project.objects.readable_by(user).values("pk"))
              .select_related("project__batch__owner", "project__organization", "project__unit").first())
    if report is None:
        access.refuse(user, f"report {pk}")
    return report


@login_required
def report_tasks(request, pk):
    """The tasks of the confirmed task book, and what this progress report says of each: the secretary
    marks tasks moved while the report is a draft; everyone who may read the report sees them."""
    report = _report(request.user, pk)
    project = report.project
    is_secretary = Actor.SECRETARY in actor_roles(request.user, project)
    editable = (is_secretary and report.state in EDITABLE_REPORT_STATES and project.state in OPEN_PROJECT_STATES)
    if request.method == "POST":
        if not is_secretary:
            access.refuse(request.user, f"moving tasks in report {pk}", not_found=False)
        form = TaskProgressForm(request.POST)
        if not form.is_valid():
            messages.error(request, f"任务进展未保存：{error_text(form)}")
        else:
            _run(request, lambda: services.task_progress_record(
                report=report, task_id=form.cleaned_data["task"], status=form.cleaned_data["status"],
                note=form.cleaned_data["note"], actor=request.user), success="已记录任务进展")
        return redirect("planning:report_tasks", pk=report.pk)
    book = selectors.book_in_force(project)
    moved = {row.task_id: row for row in selectors.moves_of_report(report)}
    today = timezone.localdate()
    rows = [(task, key, label, badge, moved.get(task.pk))
            for task, key, label, badge in selectors.timeline(book, today=today).rows] if book else []
    return render(request, "planning/report_tasks.html", {
        "report": report, "project": project, "book": book, "rows": rows, "editable": editable,
        "moved": list(moved.values()), "form": TaskProgressForm(),
    })
