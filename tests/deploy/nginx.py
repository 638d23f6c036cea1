"""Debian's nginx with the shipped site (as `make cluster-check` renders it) in front of a live server."""

import contextlib
import os
import runpy
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

CHECK = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "cluster_check.py"), run_name="check")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_nginx():
    if not os.path.exists(NGINX):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true: {NGINX} is missing, and the tests through nginx may not be skipped in CI")
        pytest.skip(f"{NGINX} not found: the tests through nginx are skipped (apt-get install nginx to run them)")


def wait_for_port(port, process, *, seconds, what):
    """Until `port` on loopback accepts a connection; fails with the process's stderr if it exits first."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start: {process.stderr.read().decode(errors='replace')[-2000:]}")
            time.sleep(0.05)


@contextlib.contextmanager
def running_nginx(folder, app_port):
    """nginx on a free loopback port proxying to `app_port`, serving `folder`/media as /protected/."""
    require_nginx()
    port = free_port()
    (folder / "nginx").mkdir(exist_ok=True)
    config = folder / "nginx" / "nginx.conf"
    # Workers drop root; pytest's temporary folders are the user's alone, so they stay root here.
    user = "user root;\n" if os.geteuid() == 0 else ""
    config.write_text(user + CHECK["nginx_config"](folder, app_ports=[app_port], port=port))
    process = subprocess.Popen([NGINX, "-p", str(folder / "nginx"), "-c", str(config), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, process, seconds=10, what="nginx")
        yield port
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
