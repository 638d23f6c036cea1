"""/metrics: what a campus's Prometheus scrapes, from the addresses named for it only."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from prometheus_client.parser import text_string_to_metric_families

from notifications.models import OutboundEmail
from notifications.services import MAX_ATTEMPTS
from notifications.worker import LOST
from tests.deploy.sleepy_task import sleepy

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def scrape(client, address="127.0.0.1"):
    response = client.get(reverse("metrics"), REMOTE_ADDR=address)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    return {sample.name + str(sorted(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples}


def value(samples, name, **labels):
    return samples.get(name + str(sorted(labels.items())), 0)


def test_an_address_not_named_gets_404_and_a_named_range_gets_the_metrics(client, settings):
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.2.3.4").status_code == 404
    settings.METRICS_ALLOWED_ADDRESSES = ["10.2.0.0/16"]
    assert client.get(reverse("metrics"), REMOTE_ADDR="10.2.3.4").status_code == 200
    assert client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").status_code == 404


def test_behind_the_proxy_the_forwarded_client_is_judged_not_nginx(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.METRICS_ALLOWED_ADDRESSES = ["10.9.9.9"]
    assert client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").status_code == 404
    assert client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 200


def test_requests_are_counted_by_view_and_status_with_their_time_and_database_time(client, tree):
    before = scrape(client)
    client.force_login(tree.secretary)
    assert client.get(reverse("home")).status_code == 200
    client.get("/no/such/page/")
    after = scrape(client)
    home = {"view": "home", "method": "GET", "status": "200"}
    assert value(after, "dangzhibu_http_requests_total", **home) == value(before, "dangzhibu_http_requests_total",
                                                                         **home) + 1
    assert value(after, "dangzhibu_http_requests_total", view="（未匹配）", method="GET", status="404") >= 1
    assert value(after, "dangzhibu_http_request_seconds_count", view="home") >= 1
    database = value(after, "dangzhibu_http_request_database_seconds_sum", view="home")
    assert 0 < database <= value(after, "dangzhibu_http_request_seconds_sum", view="home")


def test_the_queues_read_the_rows(client, settings, tree, tmp_path):
    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    first = sleepy.enqueue(tree.secretary.pk, str(tmp_path / "a"))
    sleepy.enqueue(tree.secretary.pk, str(tmp_path / "b"))
    DBTaskResult.objects.filter(pk=first.id).update(enqueued_at=now - datetime.timedelta(minutes=10))
    lost = sleepy.enqueue(tree.secretary.pk, str(tmp_path / "c"))
    DBTaskResult.objects.filter(pk=lost.id).update(status="FAILED", exception_class_path=LOST, finished_at=now)
    OutboundEmail.objects.create(to="a@example.edu.cn", subject="s", body="b")
    OutboundEmail.objects.create(to="b@example.edu.cn", subject="s", body="b", attempts=MAX_ATTEMPTS)
    OutboundEmail.objects.create(to="c@example.edu.cn", subject="s", body="b", sent_at=now)
    for _ in range(2):
        client.post(reverse("login"), {"username": "secretary", "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    samples = scrape(client)
    assert value(samples, "dangzhibu_tasks_queued") == 2
    assert 590 <= value(samples, "dangzhibu_tasks_oldest_queued_seconds") < 3600
    assert value(samples, "dangzhibu_tasks_lost_last_day") == 1
    assert value(samples, "dangzhibu_outbox_unsent") == 1 and value(samples, "dangzhibu_outbox_given_up") == 1
    assert value(samples, "dangzhibu_signin_failures_last_hour") == 2
