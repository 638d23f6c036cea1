"""`make cluster-check`'s nginx configuration is the production site file, moved to loopback."""

import runpy
import shutil
import subprocess
from pathlib import Path

import pytest

CHECK = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "cluster_check.py"), run_name="check")


def test_the_checked_nginx_config_keeps_the_production_locations_on_loopback(tmp_path):
    config = CHECK["nginx_config"](tmp_path)
    ports = CHECK["APP_PORTS"]
    assert all(f"server 127.0.0.1:{port};" in config for port in ports)
    assert f"listen 127.0.0.1:{CHECK['NGINX_PORT']};" in config
    # No HTTPS on loopback, no redirect to it, nothing left pointing at the production directories.
    assert "ssl" not in config and "listen 80" not in config and "/srv/dangzhibu" not in config
    protected = config[config.index("location /protected/"):]
    protected = protected[:protected.index("}")]
    assert "internal;" in protected and f"alias {tmp_path}/media/;" in protected
    assert "proxy_pass http://dangzhibu_app;" in config


@pytest.mark.skipif(not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()), reason="nginx 未安装")
def test_nginx_accepts_the_checked_config(tmp_path):
    (tmp_path / "nginx").mkdir()
    (tmp_path / "nginx" / "nginx.conf").write_text(CHECK["nginx_config"](tmp_path))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    result = subprocess.run([nginx, "-t", "-q", "-p", str(tmp_path / "nginx"), "-c", str(tmp_path / "nginx" / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
