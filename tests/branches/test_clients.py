"""Whose address a request comes from, behind the reverse proxies named in TRUSTED_PROXIES."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from branches.clients import client_address
from branches.models import Event

ROOT = Path(__file__).resolve().parents[2]
NGINX = "127.0.0.1"


def request(remote="127.0.0.1", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_connection_is_the_client_whatever_it_forwards(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request("10.1.2.3", forwarded="6.6.6.6")) == "10.1.2.3"


def test_behind_a_trusted_proxy_the_client_is_the_address_the_proxy_added(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    # nginx's $proxy_add_x_forwarded_for appends the address it saw to whatever the client sent.
    assert client_address(request(NGINX, forwarded="6.6.6.6, 10.1.2.3")) == "10.1.2.3"
    assert client_address(request(NGINX, forwarded="10.1.2.3")) == "10.1.2.3"


def test_every_trusted_hop_is_passed_over_from_the_right(settings):
    settings.TRUSTED_PROXIES = [NGINX, "10.200.0.0/16"]  # nginx, behind a campus load balancer
    assert client_address(request(NGINX, forwarded="6.6.6.6, 10.1.2.3, 10.200.4.4")) == "10.1.2.3"
    assert client_address(request(NGINX, forwarded="2001:db8::7, 10.200.4.4")) == "2001:db8::7"


def test_a_forwarded_header_from_an_untrusted_connection_is_ignored(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    # Someone reaching gunicorn directly (not through nginx) cannot name an address.
    assert client_address(request("10.9.9.9", forwarded="6.6.6.6")) == "10.9.9.9"


def test_garbage_in_the_chain_stops_at_the_last_trusted_hop(settings):
    settings.TRUSTED_PROXIES = [NGINX]
    assert client_address(request(NGINX, forwarded="not-an-address")) == NGINX
    assert client_address(request(NGINX, forwarded="")) == NGINX
    assert client_address(request(NGINX)) == NGINX


def test_a_chain_of_trusted_hops_only_gives_the_left_most(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.0/8"]
    assert client_address(request(NGINX, forwarded="127.0.0.5, 127.0.0.9")) == "127.0.0.5"


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_change_the_logged_address(client_for, tree, settings):
    settings.TRUSTED_PROXIES = [NGINX]
    client_for(tree.secretary).post(reverse("branches:organization_declare", args=[tree.branch_a1.pk]),
                                    {"no_violation": "on"}, REMOTE_ADDR=NGINX,
                                    HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    assert Event.objects.get(action="organization.declared").source == "10.1.2.3"


@pytest.mark.django_db
def test_behind_the_proxy_failed_logins_are_counted_for_the_real_client(client, tree, settings):
    settings.TRUSTED_PROXIES = [NGINX]
    client.post(reverse("login"), {"username": "secretary", "password": "wrong-password"},
                REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="6.6.6.6, 10.1.2.3")
    assert AccessAttempt.objects.get(username="secretary").ip_address == "10.1.2.3"


def test_only_branches_clients_reads_the_address_headers():
    # Three places read the address three ways before (the objection limit, the audit log, axes); one
    # door now, and this fails when someone walks around it.
    home = ROOT / "branches" / "clients.py"
    pattern = re.compile(r"REMOTE_ADDR|X_FORWARDED_FOR|X-Forwarded-For", re.I)
    offenders = [f"{path.relative_to(ROOT)}:{number}"
                 for app in ("branches", "notifications", "transitions", "cultivation", "evaluations", "planning",
                             "dissemination", "dashboards", "bench", "config")
                 for path in (ROOT / app).rglob("*.py") if path != home and "migrations" not in path.parts
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if pattern.search(line)]
    assert not offenders, "use branches.clients.client_address: " + ", ".join(offenders)


def test_a_misspelt_trusted_proxy_stops_the_start_not_every_request():
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings",
                   "TRUSTED_PROXIES": "127.0.0.1,nginx.local"}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=environment,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr and "nginx.local" in result.stderr
