"""`make cluster-check`: two app servers and nginx on one machine, checked the way a second machine would be.

It makes its own PostgreSQL database (`cluster_check`, dropped first if a crashed run left it), migrates it,
seeds the demo data, starts two gunicorn servers on loopback ports that share nothing but that database and
one media directory, and nginx in front (its configuration made from deploy/nginx/dangzhibu.conf, adapted to
loopback and a temporary directory). Then it shows, each with 通过/失败:

  a. one login works on both servers and through nginx, requests alternating between them;
  b. a file uploaded through one server downloads through the other, and through nginx's X-Accel path;
  c. `send_reminders` started on both "machines" at the same instant sends each reminder once;
  d. both servers answer again after PostgreSQL restarts, without being restarted themselves.

Everything it started is stopped and its database dropped at the end; it exits 1 when a check fails.
`--skip-restart` leaves PostgreSQL alone (d is then reported as skipped, not passed).
Run as root it installs nginx with apt-get when it is missing; it needs a local PostgreSQL that trusts
the `postgres` user on 127.0.0.1:5432 (PGHOST/PGPORT/PGUSER change that).
"""

import argparse
import hashlib
import http.client
import http.cookies
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
DATABASE = "cluster_check"
PG = {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": int(os.environ.get("PGPORT", 5432)),
      "user": os.environ.get("PGUSER", "postgres")}
APP_PORTS = (8311, 8312)
NGINX_PORT = 8310
USERNAME = "secretary"

results = []


def say(text=""):
    print(text, flush=True)


def record(name, ok, detail=""):
    results.append((name, ok))
    say(f"  [{'通过' if ok else '失败'}] {name}" + (f"：{detail}" if detail else ""))
    return ok


# ---- the machines ----------------------------------------------------------------------------------

def environment(folder):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DATABASE}",
        "DEBUG": "false",
        "SECRET_KEY": "cluster-check-only-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: the HTTPS redirect and secure cookies would stop a test client.
        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(folder / "media"),
        "STATIC_ROOT": str(folder / "static"),
        "FILES_SERVED_BY_WEB_SERVER": "true",
        "CACHE_URL": "dbcache://cluster_check_cache",
        "TRUSTED_PROXIES": "127.0.0.1",  # nginx, as in docs/deploy.md
        "TASKS_BACKEND": "database",
        "CONN_MAX_AGE": "60",
        "WEB_WORKERS": "2",
        "DEMO_PASSWORD": "cluster-check-pw",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env, *args, capture=False):
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True,
                            stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE)
    return result.stdout


def database(sql, *params, dbname=DATABASE):
    import psycopg2

    connection = psycopg2.connect(dbname=dbname, **PG)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def make_database(env):
    database(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', dbname="postgres")
    database(f'CREATE DATABASE "{DATABASE}"', dbname="postgres")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed_demo", "--force")


def drop_database():
    try:
        database(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)', dbname="postgres")
    except Exception as error:  # the cleanup reports and goes on
        say(f"  删除数据库 {DATABASE} 失败：{error}")


def ensure_nginx():
    found = shutil.which("nginx") or (Path("/usr/sbin/nginx").exists() and "/usr/sbin/nginx")
    if found:
        return found
    if os.geteuid() != 0:
        raise SystemExit("未安装 nginx：请先 apt-get install -y nginx（或以 root 运行本检查）")
    say("== 安装 nginx（apt-get install -y nginx）")
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx"], check=True, env=quiet, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(folder, app_ports=APP_PORTS, port=NGINX_PORT):
    """deploy/nginx/dangzhibu.conf with loopback addresses and the temporary directory: the locations
    (static, the internal /protected/, the proxy) are the production file's own, so this checks them.
    tests/deploy/test_proxy_address.py puts it in front of a test server by passing other ports."""
    site = (ROOT / "deploy" / "nginx" / "dangzhibu.conf").read_text(encoding="utf-8")
    upstream = "\n".join(f"    server 127.0.0.1:{app_port};" for app_port in app_ports)
    site = re.sub(r"upstream dangzhibu_app \{.*?\n\}", f"upstream dangzhibu_app {{\n{upstream}\n    keepalive 16;\n}}",
                  site, flags=re.S)
    # The port-80 server only redirects to HTTPS; loopback has no certificate.
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    site = re.sub(r"\n\s*ssl_\w+[^;]*;", "", site)
    # For this check only: which app server answered. The internal location sets headers of its own (the
    # security headers it repeats), which hides the http block's, so it gets the diagnostic one too.
    site = site.replace("internal;", "internal;\n        add_header X-Upstream $upstream_addr always;")
    site = site.replace("/srv/dangzhibu/media/", f"{folder}/media/")
    site = site.replace("/srv/dangzhibu/app/staticfiles/", f"{folder}/static/")
    for needed in (f"listen 127.0.0.1:{port};", "location /protected/", "internal;", "location /static/",
                   "proxy_pass http://dangzhibu_app"):
        if needed not in site:
            raise SystemExit(f"deploy/nginx/dangzhibu.conf 中找不到 {needed!r}，无法生成检查用的配置")
    mime = "/etc/nginx/mime.types"
    temp = folder / "nginx"
    return f"""
worker_processes 1;
pid {temp}/nginx.pid;
error_log {temp}/error.log warn;
events {{ worker_connections 256; }}
http {{
    {f"include {mime};" if Path(mime).exists() else ""}
    default_type application/octet-stream;
    access_log {temp}/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    # For this check only: which app server answered (kept through the X-Accel-Redirect).
    add_header X-Upstream $upstream_addr always;
{site}
}}
"""


class Machines:
    """The two gunicorn servers and nginx, stopped by their own process ids whatever happens."""

    def __init__(self, env, folder, nginx):
        self.env, self.folder, self.nginx = env, folder, nginx
        self.servers, self.proxy = [], None

    def start(self):
        (self.folder / "media").mkdir(exist_ok=True)
        for port in APP_PORTS:
            log = open(self.folder / f"gunicorn-{port}.log", "w")
            self.servers.append(subprocess.Popen(
                [str(BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "config.wsgi"],
                cwd=ROOT, env={**self.env, "BIND": f"127.0.0.1:{port}"}, stdout=log, stderr=subprocess.STDOUT))
        temp = self.folder / "nginx"
        temp.mkdir(exist_ok=True)
        (temp / "nginx.conf").write_text(nginx_config(self.folder), encoding="utf-8")
        subprocess.run([self.nginx, "-t", "-q", "-p", str(temp), "-c", str(temp / "nginx.conf")], check=True)
        self.proxy = subprocess.Popen([self.nginx, "-p", str(temp), "-c", str(temp / "nginx.conf"),
                                       "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        for port in (*APP_PORTS, NGINX_PORT):
            wait_for(port)

    def worker_ids(self):
        """Each server's master pid and its workers' pids: unchanged means nothing was restarted."""
        ids = {}
        for server in self.servers:
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
            ids[server.pid] = sorted(children.read_text().split()) if children.exists() else []
        return ids

    def stop(self):
        for process in [*self.servers, self.proxy]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [*self.servers, self.proxy]:
            if process is not None:
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def wait_for(port, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if request(port, "GET", "/healthz").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"端口 {port} 上的服务未能启动")


# ---- a browser, by hand (cookies kept explicitly, so the same session goes to every server) --------

class Response:
    def __init__(self, raw):
        self.status, self.headers, self.body = raw.status, raw.headers, raw.read()

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


def request(port, method, path, *, cookies=None, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = dict(headers or {})
    if cookies:
        sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    try:
        connection.request(method, path, body=body, headers=sent)
        response = Response(connection.getresponse())
    finally:
        connection.close()
    if cookies is not None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                cookies[name] = morsel.value
    return response


def form_post(port, path, cookies, fields=(), files=()):
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in [("csrfmiddlewaretoken", cookies["csrftoken"]), *fields]:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, filename, content in files:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                   f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return request(port, "POST", path, cookies=cookies, body=body.getvalue(),
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})


def signed_in_as(response):
    found = re.search(r'<span class="nav-user-name">([^<]*)</span>', response.text)
    return found.group(1) if response.status == 200 and found else None


def name(port):
    return "nginx" if port == NGINX_PORT else f"应用服务器{APP_PORTS.index(port) + 1}（:{port}）"


# ---- the checks ------------------------------------------------------------------------------------

def check_session(env):
    say("== a. 会话：同一个登录在两台服务器上交替使用")
    cookies = {}
    first, second = APP_PORTS
    request(first, "GET", "/login/", cookies=cookies)
    response = form_post(first, "/login/", cookies, [("username", USERNAME), ("password", env["DEMO_PASSWORD"])])
    record(f"在{name(first)}登录", response.status == 302 and "sessionid" in cookies,
           f"{response.status} → {response.headers.get('Location')}")
    session = cookies.get("sessionid")
    seen = []
    for port in (second, first, NGINX_PORT, second, NGINX_PORT, first):
        seen.append((name(port), signed_in_as(request(port, "GET", "/", cookies=cookies))))
    record("同一会话 Cookie 交替访问两台服务器与 nginx，每次都是已登录的同一人",
           all(user and user == seen[0][1] for _, user in seen) and cookies.get("sessionid") == session,
           "；".join(f"{where} → {user or '未登录'}" for where, user in seen))
    return cookies


def sample_png():
    from PIL import Image

    image = Image.effect_noise((256, 256), 64).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def check_files(cookies, folder):
    say("== b. 文件：在一台服务器上传，从另一台和 nginx 下载")
    first, second = APP_PORTS
    project = database(
        "SELECT p.id FROM cultivation_project p JOIN branches_roleassignment r ON r.organization_id = p.organization_id "
        "JOIN auth_user u ON u.id = r.user_id WHERE u.username = %s AND p.state = 'recognized' ORDER BY p.id LIMIT 1",
        USERNAME)
    if not record("找到书记可上传中期材料的项目", bool(project)):
        return
    content = sample_png()
    digest = hashlib.sha256(content).hexdigest()
    response = form_post(first, f"/cultivation/projects/{project[0][0]}/attachments/", cookies,
                         [("stage", "midterm")], [("file", "集中学习照片.png", content)])
    row = database("SELECT id, path FROM cultivation_reviewattachment WHERE sha256 = %s", digest)
    record(f"经{name(first)}上传 {len(content) // 1024} KB 的图片", response.status == 302 and len(row) == 1,
           f"{response.status}，记录 {len(row)} 条" + (f"，存为 {row[0][1]}" if row else ""))
    if not row:
        return
    attachment, path = row[0]
    url = f"/cultivation/attachments/{attachment}/"
    direct = request(second, "GET", url, cookies=cookies)
    accel = direct.headers.get("X-Accel-Redirect", "")
    on_disk = (folder / "media" / path)
    record(f"{name(second)}检查权限后交给 nginx（X-Accel-Redirect），共享目录中是同一个文件",
           direct.status == 200 and accel.endswith(path) and on_disk.is_file()
           and hashlib.sha256(on_disk.read_bytes()).hexdigest() == digest,
           f"{direct.status}，X-Accel-Redirect: {accel}")
    answered = []
    for _ in range(4):
        through = request(NGINX_PORT, "GET", url, cookies=cookies)
        answered.append((through.headers.get("X-Upstream", "?"), through.status,
                         hashlib.sha256(through.body).hexdigest() == digest))
    record("经 nginx 下载四次（轮流落在两台服务器上），每次都是上传的那个文件",
           all(status == 200 and same for _, status, same in answered)
           and len({upstream for upstream, _, _ in answered}) == 2,
           "；".join(f"{upstream} → {status}{'，内容一致' if same else '，内容不符'}" for upstream, status, same in answered))
    # nginx drops what Django set but type and disposition unless the site repeats it (deploy/nginx).
    kept = {header: through.headers.get(header) for header in
            ("X-Content-Type-Options", "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy")}
    record("经 nginx 下载的文件带着 Django 设置的安全响应头（nosniff、CSP、X-Frame-Options、Referrer-Policy）",
           kept["X-Content-Type-Options"] == "nosniff" and all(kept.values()), "；".join(f"{k}: {v}" for k, v in kept.items()))
    outside = request(NGINX_PORT, "GET", "/protected/" + path, cookies=cookies)
    record("浏览器直接请求 nginx 的 /protected/ 位置被拒绝（internal）", outside.status == 404, str(outside.status))
    stranger = request(NGINX_PORT, "GET", url)
    record("未登录时经 nginx 请求同一附件被引向登录页", stranger.status == 302 and "/login/" in
           stranger.headers.get("Location", ""), f"{stranger.status} → {stranger.headers.get('Location')}")


def run_at(start, command):
    """Sub-mode: Django set up first, then `command` at the wall-clock instant `start`, so that two
    processes started together really overlap (setting up takes longer than the command itself)."""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    time.sleep(max(0.0, start - time.time()))
    call_command(command)


def counts():
    (row,) = database(
        "SELECT (SELECT count(*) FROM notifications_reminder), (SELECT count(*) FROM notifications_notification), "
        "(SELECT count(*) FROM notifications_outboundemail)")
    return row


def last_ids():
    (row,) = database("SELECT (SELECT coalesce(max(id), 0) FROM notifications_notification), "
                      "(SELECT coalesce(max(id), 0) FROM notifications_outboundemail)")
    return row


def check_reminders(env):
    say("== c. 提醒：两台服务器同时运行 send_reminders")
    # The demo accounts have no mail address; with one, each reminder also queues a mail (the outbox).
    database("UPDATE auth_user SET email = username || '@example.edu.cn' WHERE email = ''")
    before, (notification_id, mail_id) = counts(), last_ids()
    start = time.time() + 4
    processes = [subprocess.Popen([PYTHON, __file__, "--run-at", str(start), "send_reminders"], cwd=ROOT, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [process.communicate(timeout=120) for process in processes]
    sent = []
    for number, (process, (out, err)) in enumerate(zip(processes, outputs), 1):
        found = re.search(r"已发送 (\d+) 条.*?跳过 (\d+) 条", out)
        sent.append(int(found.group(1)) if found else None)
        record(f"第 {number} 台的 send_reminders 正常结束", process.returncode == 0 and found is not None,
               out.strip() or err.strip()[-300:])
    after = counts()
    made = [b - a for a, b in zip(before, after)]
    doubles = database(
        "SELECT (SELECT count(*) FROM (SELECT 1 FROM notifications_notification WHERE id > %s "
        "GROUP BY user_id, title, body HAVING count(*) > 1) AS n), "
        "(SELECT count(*) FROM (SELECT 1 FROM notifications_outboundemail WHERE id > %s "
        "GROUP BY \"to\", subject, body HAVING count(*) > 1) AS m)", notification_id, mail_id)[0]
    total = sum(n or 0 for n in sent)
    record("每条提醒只发一次：两台发出的条数之和等于新增的提醒记录，站内通知与邮件都没有重复",
           None not in sent and total > 0 and made[0] == total and made[1] > 0 and made[2] > 0 and doubles == (0, 0),
           f"两台各发 {sent[0]}、{sent[1]} 条；新增提醒记录 {made[0]} 条、站内通知 {made[1]} 条、待发邮件 {made[2]} 封；"
           f"重复的通知 {doubles[0]} 组、重复的邮件 {doubles[1]} 组")
    again = manage(env, "send_reminders", capture=True).strip()
    record("再运行一次什么也不发", again.startswith("已发送 0 条") and counts() == after, again)


def check_restart(cookies, machines):
    say("== d. 数据库重启：两台服务器不重启，继续服务")
    for port in (*APP_PORTS, *APP_PORTS):  # every worker holds an open connection (CONN_MAX_AGE)
        request(port, "GET", "/", cookies=cookies)
    before = machines.worker_ids()
    # The connections the restart will cut: held open by the workers between requests (CONN_MAX_AGE).
    held = database("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                    DATABASE)[0][0]
    versions = sorted(Path("/etc/postgresql").iterdir()) if Path("/etc/postgresql").is_dir() else []
    if not versions:
        record("重启 PostgreSQL", False, "找不到 /etc/postgresql/<版本>（本检查只会重启本机的 Debian 集群）")
        return
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "restart"]
    started = time.monotonic()
    restarted = subprocess.run(command, capture_output=True, text=True)
    record(" ".join(command), restarted.returncode == 0,
           f"切断工作进程保持着的 {held} 个数据库连接，用时 {time.monotonic() - started:.1f} 秒" + (f"，{restarted.stderr.strip()}" if restarted.returncode else ""))
    answers = []
    for port in (APP_PORTS[0], APP_PORTS[1], NGINX_PORT, APP_PORTS[0], APP_PORTS[1], NGINX_PORT):
        response = request(port, "GET", "/", cookies=cookies)
        answers.append((name(port), response.status, signed_in_as(response)))
    health = [json.loads(request(port, "GET", "/healthz").body).get("database") for port in APP_PORTS]
    record("重启后第一批请求全部成功（会话仍在），/healthz 报告数据库正常",
           all(status == 200 and user for _, status, user in answers) and health == ["ok", "ok"],
           "；".join(f"{where} → {status}" for where, status, _ in answers) + f"；healthz 数据库 {health}")
    after = machines.worker_ids()
    record("两台 gunicorn 的主进程与工作进程都是重启前的那些", before == after and all(before.values()),
           "；".join(f"主进程 {pid}：工作进程 {' '.join(workers)}" for pid, workers in after.items()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-restart", action="store_true", help="不重启 PostgreSQL（d 项记为跳过）")
    parser.add_argument("--run-at", type=float, help=argparse.SUPPRESS)
    parser.add_argument("command", nargs="?", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.run_at is not None:
        return run_at(options.run_at, options.command)

    began = time.monotonic()
    nginx = ensure_nginx()
    folder = Path(tempfile.mkdtemp(prefix="cluster-check-"))
    # nginx's workers drop root (to www-data in production, to nobody here): like /srv/dangzhibu/media,
    # the media directory must be readable by them, and a 0700 temporary directory is not.
    folder.chmod(0o755)
    env = environment(folder)
    machines = Machines(env, folder, nginx)
    try:
        say(f"== 准备：数据库 {DATABASE}、迁移、演示数据；共享上传目录 {folder}/media")
        make_database(env)
        machines.start()
        say(f"   两台应用服务器 127.0.0.1:{APP_PORTS[0]}、127.0.0.1:{APP_PORTS[1]}（各 2 个工作进程），"
            f"nginx 127.0.0.1:{NGINX_PORT}；准备用时 {time.monotonic() - began:.0f} 秒")
        cookies = check_session(env)
        check_files(cookies, folder)
        check_reminders(env)
        if options.skip_restart:
            say("== d. 数据库重启：已跳过（--skip-restart）")
        else:
            check_restart(cookies, machines)
    except subprocess.CalledProcessError as error:
        record("准备环境", False, f"{' '.join(map(str, error.cmd))}：{(error.stderr or '').strip()[-500:]}")
    finally:
        machines.stop()
        drop_database()
        shutil.rmtree(folder, ignore_errors=True)
    failed = [title for title, ok in results if not ok]
    say(f"== 共 {len(results)} 项，通过 {len(results) - len(failed)} 项，失败 {len(failed)} 项；"
        f"用时 {time.monotonic() - began:.0f} 秒；进程已停止，数据库 {DATABASE} 已删除")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
