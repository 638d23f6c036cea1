"""The 导出 Excel of every list: the list's own filtered, scoped queryset written row by row.

A list and its export call the same listing function (the filter form and the queryset it selects),
so a filter added to a list's form reaches its export without a second copy of the rule. Rows are
read with `.iterator()` and written by branches/excel.py's write-only sheets, which keep each row in
a temporary file rather than in memory; the finished workbook is spooled to a temporary file on disk
and sent from there, so memory stays flat whatever the number of rows.

An export of more than EXPORT_INLINE_MAX_ROWS rows is not made in the request at all where a worker runs
the tasks: `queued_instead` queues it (branches/tasks.py) and the user is sent back with a message; the
file arrives in the inbox. With the immediate backend (development, tests) every export stays inline, so
`make run` needs no worker, and no row is counted.
"""

import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect
from django.utils import timezone

from . import excel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 500


@dataclass(frozen=True)
class Column:
    header: str
    value: object  # a function of one row
    width: int | None = None


def filters_of(form):
    """The filters a bound filter form asks for: its cleaned values, without the empty ones; none at
    all when the form is invalid (the list then shows everything with the form's error, and so does
    the export: the file holds what the page lists)."""
    if not form.is_bound or not form.is_valid():
        return {}
    return {name: value for name, value in form.cleaned_data.items() if value not in (None, "", [], ())}


def rows(items, columns):
    """The values of each item, a queryset read in chunks (anything else as it is)."""
    iterable = items.iterator(chunk_size=CHUNK) if hasattr(items, "iterator") else items
    for item in iterable:
        yield [column.value(item) for column in columns]


def write(book, *, title, columns, items):
    sheet = excel.Sheet(book, title, [column.header for column in columns],
                        widths={column.header: column.width for column in columns if column.width})
    for values in rows(items, columns):
        sheet.append(values)


def file_name(name):
    return f"{name}-{timezone.localdate():%Y%m%d}.xlsx"


def response(book, *, name):
    """The workbook as a download named “{name}-YYYYMMDD.xlsx”, spooled through a temporary file."""
    spool = tempfile.TemporaryFile()
    book.save(spool)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=file_name(name), content_type=XLSX)


def queued_instead(request, items):
    """When `items` hold too many rows to export inside the request, queue the export and answer with a
    redirect back to the list; None when the export is to be made now.

    Only counted where a worker runs the tasks: one COUNT for a queryset (len() for a list), whatever the
    number of rows. The worker's own call (request.export_inline) is always made now.
    """
    if request is None or getattr(request, "export_inline", False) or _tasks_run_at_once():
        return None
    try:
        count = items.count() if hasattr(items, "count") and hasattr(items, "query") else len(items)
    except TypeError:  # a generator: its size is unknown without reading it, so it is exported now
        return None
    if count <= settings.EXPORT_INLINE_MAX_ROWS:
        return None
    from .tasks import build_export

    build_export.enqueue(request.user.pk, request.get_full_path())
    messages.info(request, "导出内容较多，正在后台生成，完成后会在消息中心通知您")
    return redirect(_back(request))


def _tasks_run_at_once():
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    from django_tasks.backends.immediate import ImmediateBackend

    # task_backends[...], not default_task_backend: that is a proxy, which isinstance() does not see through.
    return isinstance(task_backends[DEFAULT_TASK_BACKEND_ALIAS], ImmediateBackend)


def _back(request):
    """The list the export link was on (the Referer, when it is a page of this site), else the inbox."""
    from urllib.parse import urlsplit

    from .inputs import next_path

    referer = urlsplit(request.headers.get("Referer", ""))
    if referer.netloc == request.get_host():
        back = next_path(request, referer.path + (f"?{referer.query}" if referer.query else ""))
        if back:
            return back
    return "notifications:inbox_list"


def xlsx_response(*, name, columns, items, title=None, request=None):
    """One sheet of `items` under `columns`, as a download; given the request, a large one is queued
    instead (queued_instead)."""
    queued = queued_instead(request, items)
    if queued is not None:
        return queued
    book = excel.workbook()
    write(book, title=title or name, columns=columns, items=items)
    return response(book, name=name)


def display(field):
    """A column value: the Chinese label of a choice field (get_FOO_display)."""
    return lambda item: getattr(item, f"get_{field}_display")()


def local(value):
    """An aware time as the wall-clock time of this site (Excel has no time zones)."""
    return timezone.localtime(value) if value else None


def related(path, default=""):
    """A column value read along a select_related chain (“project.organization.name”); `default` when a
    link on the way is empty."""
    parts = path.split(".")

    def read(item):
        for part in parts:
            item = getattr(item, part, None)
            if item is None:
                return default
        return item
    return read


def person(user, nobody="系统"):
    """The name a reader knows a user by; “系统” for a row the system wrote (as the pages show it)."""
    if user is None or not getattr(user, "pk", None):
        return nobody
    return user.get_full_name() or user.get_username()
