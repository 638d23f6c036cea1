"""The deployment files say what the settings expect."""

import runpy
from pathlib import Path

import environ

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_gunicorn_reads_workers_and_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_WORKERS", "3")
    monkeypatch.setenv("WEB_THREADS", "4")
    monkeypatch.setenv("BIND", "127.0.0.1:8123")
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (config["workers"], config["threads"], config["worker_class"], config["bind"]) == (
        3, 4, "gthread", "127.0.0.1:8123")
    monkeypatch.setenv("WEB_THREADS", "1")
    assert runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["worker_class"] == "sync"


def test_nginx_hands_out_only_what_django_sends_to_its_internal_location(settings):
    site = (DEPLOY / "nginx" / "dangzhibu.conf").read_text()
    block = site[site.index(f"location {settings.PROTECTED_MEDIA_URL}"):]
    block = block[:block.index("}")]
    assert "internal;" in block and "alias /srv/dangzhibu/media/;" in block


def test_the_units_run_the_worker_and_the_reminders():
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").iterdir()}
    assert "manage.py task_worker" in units["dangzhibu-worker.service"]
    assert "manage.py send_reminders" in units["dangzhibu-reminders.service"]
    assert "OnCalendar=" in units["dangzhibu-reminders.timer"]
    assert "gunicorn -c deploy/gunicorn.conf.py config.wsgi" in units["dangzhibu-web.service"]


def test_cache_url_chooses_a_shared_cache():
    assert environ.Env.cache_url_config("dbcache://dangzhibu_cache")["BACKEND"].endswith("DatabaseCache")
    assert environ.Env.cache_url_config("locmemcache://")["BACKEND"].endswith("LocMemCache")
