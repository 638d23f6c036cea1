"""Prometheus metrics for the campus's monitoring: GET /metrics, open only to METRICS_ALLOWED_ADDRESSES.

Two kinds, because they are known in two places:
- per request (MetricsMiddleware): requests by view, method and status; time per view; the database's
  share of it. Counted in each gunicorn worker; with PROMETHEUS_MULTIPROC_DIR set (the shipped systemd
  unit sets it) prometheus_client adds up every worker's files, so any worker's /metrics tells all.
- the state of the queues (read from the database at each scrape): tasks waiting and the age of the
  oldest, tasks running and lost by a dead worker (notifications/worker.py), mail not yet sent, failed
  sign-ins in the last hour and the pairs locked out. No worker holds these; the rows do.
docs/deploy.md §11 lists the alerts worth setting on them.
"""

import ipaddress
import os
import time
from contextlib import ExitStack

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connections
from django.db.models import Count, Min, Q, Sum
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess
from prometheus_client.core import GaugeMetricFamily

from branches.clients import client_address

from .models import OutboundEmail
from .services import MAX_ATTEMPTS
from .worker import LOST

METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}  # anything else is "other": no label floods
SECONDS = (0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter("dangzhibu_http_requests", "处理的请求数（按视图、方法、状态码）", ["view", "method", "status"])
LATENCY = Histogram("dangzhibu_http_request_seconds", "请求用时（秒，按视图）", ["view"], buckets=SECONDS)
DATABASE = Histogram("dangzhibu_http_request_database_seconds", "请求中数据库查询的用时（秒，按视图）", ["view"],
                     buckets=SECONDS)


class MetricsMiddleware:
    """First in MIDDLEWARE, so the time counted is the whole request's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        spent = [0.0]

        def timed(execute, sql, params, many, context):
            began = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                spent[0] += time.perf_counter() - began

        began = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(timed))
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "（未匹配）"
        method = request.method if request.method in METHODS else "other"
        REQUESTS.labels(view, method, str(response.status_code)).inc()
        LATENCY.labels(view).observe(time.perf_counter() - began)
        DATABASE.labels(view).observe(spent[0])
        return response


class QueueCollector:
    """Gauges read from the rows at each scrape."""

    def collect(self):
        now = timezone.now()
        tasks = DBTaskResult.objects.aggregate(
            ready=Count("pk", filter=Q(status="READY")), oldest=Min("enqueued_at", filter=Q(status="READY")),
            running=Count("pk", filter=Q(status="RUNNING")),
            lost=Count("pk", filter=Q(exception_class_path=LOST, finished_at__gte=now - timezone.timedelta(days=1))))
        yield GaugeMetricFamily("dangzhibu_tasks_queued", "排队等待的后台任务数", value=tasks["ready"])
        yield GaugeMetricFamily("dangzhibu_tasks_oldest_queued_seconds", "排队最久的后台任务已等待的秒数（无则为 0）",
                                value=(now - tasks["oldest"]).total_seconds() if tasks["oldest"] else 0)
        yield GaugeMetricFamily("dangzhibu_tasks_running", "正在运行的后台任务数", value=tasks["running"])
        yield GaugeMetricFamily("dangzhibu_tasks_lost_last_day", "近 24 小时因 worker 中断而收回的任务数",
                                value=tasks["lost"])
        outbox = OutboundEmail.objects.filter(sent_at__isnull=True).aggregate(
            waiting=Count("pk", filter=Q(attempts__lt=MAX_ATTEMPTS)),
            given_up=Count("pk", filter=Q(attempts__gte=MAX_ATTEMPTS)),
            oldest=Min("created_at", filter=Q(attempts__lt=MAX_ATTEMPTS)))
        yield GaugeMetricFamily("dangzhibu_outbox_unsent", "待发（含待重试）的邮件数", value=outbox["waiting"])
        yield GaugeMetricFamily("dangzhibu_outbox_oldest_unsent_seconds", "最早一封待发邮件已等待的秒数（无则为 0）",
                                value=(now - outbox["oldest"]).total_seconds() if outbox["oldest"] else 0)
        yield GaugeMetricFamily("dangzhibu_outbox_given_up", "重试次数用尽、不再发送的邮件数", value=outbox["given_up"])
        hour = AccessAttempt.objects.filter(attempt_time__gte=now - timezone.timedelta(hours=1))
        signins = hour.aggregate(failures=Sum("failures_since_start", default=0),
                                 locked=Count("pk", filter=Q(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)))
        yield GaugeMetricFamily("dangzhibu_signin_failures_last_hour", "近 1 小时登录失败次数", value=signins["failures"])
        yield GaugeMetricFamily("dangzhibu_signin_locked_last_hour", "近 1 小时被锁定的“用户名＋地址”组数",
                                value=signins["locked"])


QUEUES = CollectorRegistry(auto_describe=False)
QUEUES.register(QueueCollector())


def _allowed(address):
    try:
        address = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(entry.strip(), strict=False)
               for entry in settings.METRICS_ALLOWED_ADDRESSES if entry.strip())


@require_GET
def metrics(request):
    """The metrics in Prometheus' text format; 404 to any address not named in METRICS_ALLOWED_ADDRESSES."""
    if not _allowed(client_address(request)):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    return HttpResponse(generate_latest(requests) + generate_latest(QUEUES), content_type=CONTENT_TYPE_LATEST)
