"""The load the benchmark puts on the site, driven by locust (run as `locust -f bench/locustfile.py`).

The orchestrator (bench/__main__.py) passes the work in BENCH_TARGETS, a JSON list of
{"name", "username", "session", "method", "path", "form"}: each simulated user carries the session the
orchestrator opened for the target's account (so the run measures pages, not password hashing), then
requests its page again and again (no think time for a throughput run; 1–3 s with
BENCH_THINK=1 for the mixed run, where users take the targets in turn).
"""

import itertools
import json
import os
import re

from locust import HttpUser, between, constant, task

TARGETS = json.loads(os.environ.get("BENCH_TARGETS", "[]"))
SESSION_COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "sessionid")
THINK = os.environ.get("BENCH_THINK") == "1"
_next = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


class Visitor(HttpUser):
    wait_time = between(1, 3) if THINK else constant(0)

    def on_start(self):
        number = next(_next)
        self.target = dict(TARGETS[number % len(TARGETS)])
        if self.target["variants"]:
            self.target.update(self.target["variants"][number % len(self.target["variants"])])
        if self.target["session"]:
            self.client.cookies.set(SESSION_COOKIE, self.target["session"])

    @task
    def visit(self):
        target = self.target
        if target["method"] == "GET":
            self.client.get(target["path"], name=target["name"])
            return
        # A write: read the form for its CSRF token and version, then post it back.
        form = self.client.get(target["path"], name="(表单页)")
        data = dict(target["form"], csrfmiddlewaretoken=CSRF.search(form.text).group(1))
        version = VERSION.search(form.text)
        if version:
            data["version"] = version.group(1)
        with self.client.post(target["path"], data, name=target["name"], allow_redirects=False,
                              headers={"Referer": self.host + target["path"]}, catch_response=True) as response:
            if response.status_code != 302:
                response.failure(f"表单未保存：HTTP {response.status_code}")
