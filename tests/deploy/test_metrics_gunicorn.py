"""The shipped gunicorn configuration with several workers: /metrics counts every worker's requests."""

import http.client
import os
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.deploy.nginx import free_port, wait_for_port
from tests.deploy.test_worker_lost import database_url

ROOT = Path(__file__).resolve().parents[2]


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    return response.status, body


@pytest.mark.django_db(transaction=True)
def test_metrics_add_up_the_requests_of_every_gunicorn_worker(tmp_path):
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.test_settings", "DATABASE_URL": database_url(),
           "BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "3", "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DEBUG": "false"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "config.wsgi"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, server, seconds=60, what="gunicorn")
        for _ in range(30):
            assert get(port, "/healthz")[0] == 200
        status, body = get(port, "/metrics")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert status == 200
    served = [sample for family in text_string_to_metric_families(body) for sample in family.samples
              if sample.name == "dangzhibu_http_requests_total" and sample.labels["view"] == "healthz"]
    assert sum(sample.value for sample in served) == 30
    assert len({path.name.rsplit("_", 1)[-1] for path in tmp_path.glob("counter_*.db")}) >= 2  # several workers wrote
