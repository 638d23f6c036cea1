"""The sample nginx site as shipped: Debian 12's nginx accepts it, and a file it sends for Django keeps
Django's security headers."""

import http.client
import re
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cultivation.reports import evidence as report_evidence
from tests.cultivation.test_reports_attachments import PDF
from tests.deploy.nginx import NGINX, free_port, require_nginx, running_nginx
from tests.factories import cultivating_project

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx" / "dangzhibu.conf"


def test_the_shipped_site_passes_nginx_t_with_only_ports_paths_and_certificate_replaced(tmp_path):
    require_nginx()
    key, certificate = tmp_path / "privkey.pem", tmp_path / "fullchain.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    site = SITE.read_text(encoding="utf-8")
    site = site.replace("/etc/ssl/dangzhibu/fullchain.pem", str(certificate))
    site = site.replace("/etc/ssl/dangzhibu/privkey.pem", str(key))
    site = site.replace("/srv/dangzhibu/", f"{tmp_path}/")
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{free_port()};", site)
    site = re.sub(r"listen 443 ", f"listen 127.0.0.1:{free_port()} ", site)
    assert "ssl_certificate " in site and "location /protected/" in site  # the shipped file, TLS and all
    temp = tmp_path / "nginx"
    temp.mkdir()
    (temp / "nginx.conf").write_text(f"""
pid {temp}/nginx.pid;
error_log {temp}/error.log;
events {{ }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
{site}
}}""", encoding="utf-8")
    result = subprocess.run([NGINX, "-t", "-p", str(temp), "-c", str(temp / "nginx.conf")], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db(transaction=True)
def test_a_download_sent_by_nginx_keeps_the_security_headers_django_set(live_server, tmp_path, settings, tree):
    settings.FILES_SERVED_BY_WEB_SERVER = True  # Django checks, then hands the file to nginx (X-Accel-Redirect)
    project = cultivating_project(tree.branch_a1)
    attachment = report_evidence.attachment_add(project=project, actor=tree.secretary,
                                                file=SimpleUploadedFile("支部书记讲党课.pdf", PDF))
    signed_in = Client()
    signed_in.force_login(tree.secretary)
    with running_nginx(tmp_path, urllib.parse.urlsplit(live_server.url).port) as port:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", reverse("cultivation:report_attachment_download", args=[attachment.pk]),
                           headers={"Cookie": f"sessionid={signed_in.cookies['sessionid'].value}"})
        response = connection.getresponse()
        body = response.read()
        connection.close()
    assert response.status == 200 and body == PDF  # nginx sent it, from the media folder
    assert response.getheader("Content-Type") == "application/pdf"
    assert response.getheader("Content-Disposition", "").startswith("inline;")  # a PDF opens in the browser
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert "default-src" in response.getheader("Content-Security-Policy", "")
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("Referrer-Policy")
