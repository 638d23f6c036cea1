"""The 本期待提交 and 已逾期 exports stream: the same periods, in the same order, as the list, however many
chunks of projects they are read in, and in flat memory from 1,000 to 10,000 rows."""

import datetime
import io
import tracemalloc

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cultivation.enums import ProjectState
from cultivation.models import Milestone, Project
from cultivation.reports.selectors import iter_pending_periods, pending_periods
from tests.factories import BatchFactory, BranchFactory, progress_report

from .helpers import rows_of

EXPORT = reverse("cultivation:report_export")


def make_reporting(tree, *, branches, batches):
    """`branches` × `batches` projects 培育中, in batches whose 培育 window is nearly over: each project has
    about eight periods overdue and one due."""
    start = timezone.localdate() - datetime.timedelta(days=60 + 250)
    units = [BranchFactory(parent=tree.unit_a) for _ in range(branches)]
    made = [BatchFactory(start=start) for _ in range(batches)]
    Project.objects.bulk_create([
        Project(batch=batch, organization=branch, unit=tree.unit_a, title=f"=主题{n}", state=ProjectState.RECOGNIZED,
                concept="立意", practice="做法", experience="经验", plan="思路")
        for n, (batch, branch) in enumerate((b, o) for b in made for o in units)], batch_size=2000)


def key(period):
    return (period.project.pk, period.due)


def test_the_stream_is_the_list_whatever_the_chunk(tree):
    make_reporting(tree, branches=4, batches=2)
    projects = list(Project.objects.order_by("pk"))
    progress_report(projects[0], state="submitted")  # handed in: not overdue any more
    Milestone.objects.create(project=projects[1], date=projects[1].batch.cultivation_start + datetime.timedelta(days=3),
                             title="节点", created_by=tree.staff)
    today = timezone.localdate()
    for statuses in [("overdue",), ("due",)]:
        listed = [key(p) for p in pending_periods(tree.staff, today=today, statuses=statuses)]
        assert listed
        for chunk in (1, 3, 500):
            streamed = [key(p) for p in iter_pending_periods(tree.staff, today=today, statuses=statuses, chunk=chunk)]
            assert streamed == listed, (statuses, chunk)
    assert [key(p) for p in iter_pending_periods(tree.other_unit_staff, today=today, statuses=("overdue",))] == []


def test_the_export_is_the_list(tree, client_for):
    make_reporting(tree, branches=3, batches=2)
    client = client_for(tree.staff)
    for tab in ("overdue", "due"):
        page = client.get(reverse("cultivation:report_list") + f"?tab={tab}").context["page"]
        listed = [(p.project.organization.name, p.title) for p in page.paginator.object_list]
        rows = rows_of(client.get(f"{EXPORT}?tab={tab}"))[1]
        assert [(row["党支部"], row["报告期"]) for row in rows] == listed
    assert rows_of(client_for(tree.other_unit_staff).get(f"{EXPORT}?tab=overdue"))[1] == []


def peak_export(client, url):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        response = client.get(url)
        content = b"".join(response.streaming_content)
        return tracemalloc.get_traced_memory()[1], content
    finally:
        tracemalloc.stop()


def test_ten_thousand_overdue_periods_stream_in_flat_memory(tree, client_for, capsys):
    client = client_for(tree.staff)
    url = f"{EXPORT}?tab=overdue"
    client.get(url)
    make_reporting(tree, branches=125, batches=1)
    small, content = peak_export(client, url)
    small_rows = len(list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(min_row=2)))
    make_reporting(tree, branches=125, batches=9)
    large, content = peak_export(client, url)
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(min_row=2, values_only=True))
    with capsys.disabled():
        print(f"\n逾期报告导出内存峰值：{small_rows:,} 行 {small / 2**20:.1f} MB，{len(rows):,} 行 {large / 2**20:.1f} MB")
    assert 900 <= small_rows and len(rows) == 10 * small_rows
    assert large <= small + 5 * 2**20


def test_the_export_runs_the_same_queries_past_many_chunks(tree, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(tree.staff)
    url = f"{EXPORT}?tab=overdue"
    make_reporting(tree, branches=3, batches=1)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = len(rows_of(client.get(url))[1])
        return len(queries), rows

    small, small_rows = count()
    make_reporting(tree, branches=150, batches=2)  # 300 more projects: three chunks of a hundred
    large, large_rows = count()
    assert large == small and large_rows == 101 * small_rows
