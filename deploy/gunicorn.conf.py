"""gunicorn settings, from the environment (deploy/systemd/dangzhibu-web.service reads /etc/dangzhibu/env).

WEB_WORKERS: processes (default 2 × cores + 1); WEB_THREADS: threads per process (default 1: sync
workers; more than 1 makes them gthread workers, which suits waiting on PostgreSQL); BIND: the address
nginx proxies to. Large files never pass through these workers: nginx sends them (X-Accel-Redirect).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", 60))
graceful_timeout = 30
# A worker is replaced after this many requests, so a slow leak cannot grow without bound.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", 2000))
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def child_exit(server, worker):
    # /metrics adds up every worker's counts from PROMETHEUS_MULTIPROC_DIR (notifications/metrics.py); a
    # worker that exits (max_requests, a reload) is marked so its live gauges are dropped, its counts kept.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
