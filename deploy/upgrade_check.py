"""`make upgrade-check FROM=<tag or commit>`: the upgrade of docs/deploy.md §9, with the old release serving.

It builds the old release (git archive of FROM into a temporary directory; its requirements.txt installed
into a virtualenv of its own unless this interpreter already has every pin), gives it its own PostgreSQL
database (`upg_check`, dropped first if a crashed run left it), migrates it, seeds the demo data and
serves it with gunicorn. Then, each with 通过/失败:

  a. the old release works: every demo role signs in and reads its pages, the old code writes a report
     move, a notification, an event and the daily reminders;
  b. the new release's migrations run while the old server keeps answering: every demo role signs in and
     reads its pages over and over until `migrate` ends (no 5xx), and how long `migrate` took;
  c. after the migration, before the reload, the old release still reads and writes (as in a);
  d. the new release serves the same database: every demo role again, and /healthz.

Everything it started is stopped, its database dropped and its directory removed at the end; it exits 1
when a check fails. `--to REV` checks the migrations of REV instead of this working tree; `--write` puts the
report into docs/upgrades.md. Needs a local PostgreSQL trusting `postgres` on 127.0.0.1:5432, like
deploy/cluster_check.py, whose HTTP helpers it uses.
"""

import argparse
import importlib.metadata
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cluster_check import PG, form_post, request, wait_for  # noqa: E402 - deploy/ is not a package

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "upg_check"
OLD_PORT, NEW_PORT = 8321, 8322
ROLES = ("staff", "unit", "secretary", "reviewer")  # the demo users of every release since v2026.11
PAGES_PER_ROLE = 12
DOC = ROOT / "docs" / "upgrades.md"
BEGIN, END = "<!-- upgrade-check:begin -->", "<!-- upgrade-check:end -->"
# What the old release does with the database while the new one migrates (the old code's own services).
OLD_WORK = r"""
import json
from django.contrib.auth import get_user_model
from branches.audit import log_event
from cultivation import reports
from cultivation.models import Notification, OutboundEmail, ProgressReport
done = {}
users = {user.username: user for user in get_user_model().objects.filter(username__in=%(roles)r)}
log_event(actor=users['staff'], action='upgrade_check.old_release', data={'步骤': %(step)r})
done['事件'] = 1
Notification.objects.create(user=users['secretary'], title='升级检查', body=%(step)r)
OutboundEmail.objects.create(to='upgrade@example.edu.cn', subject='升级检查', body=%(step)r)
done['通知与待发邮件'] = 1
moved = None
for report in ProgressReport.objects.order_by('pk'):
    for user in users.values():
        names = sorted(move.name for move in reports.allowed_report_moves(user, report))
        if names:
            name = names[0]
            reports.report_move(report=report, name=name, actor=user, comment='升级检查')
            moved = f'进展报告 {report.pk}：{user.username} {name}'
            break
    if moved:
        break
done['流转'] = moved or '无可用流转'
done['提醒'] = reports.send_reminders()
print(json.dumps(done, ensure_ascii=False, default=str))
"""

results = []
lines = []


def say(text=""):
    print(text, flush=True)
    lines.append(text)


def record(name, ok, detail=""):
    results.append((name, ok))
    say(f"  [{'通过' if ok else '失败'}] {name}" + (f"：{detail}" if detail else ""))
    return ok


def database(sql, dbname="postgres"):
    import psycopg2

    connection = psycopg2.connect(dbname=dbname, **PG)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


def grow_events(total):
    """Copies of the demo's events up to `total` rows, each a minute older, in the table branches.0003 and 0005
    read whole: the migration time at a big university's size (the rest of the migrations add columns or
    tables, whatever the row counts)."""
    database(f"""
        INSERT INTO branches_event (created_at, action, object_id, object_repr, data, source, actor_id,
                                    content_type_id)
        SELECT e.created_at - g * interval '1 minute', e.action, e.object_id, e.object_repr, e.data, e.source,
               e.actor_id, e.content_type_id
        FROM branches_event e CROSS JOIN generate_series(1, {int(total)} / (SELECT count(*) FROM branches_event)) g
    """, DATABASE)
    database("ANALYZE branches_event", DATABASE)
    say(f"   事件日志扩充到约 {total:,} 条（演示事件的副本），迁移用时按这一规模计")


def environment(folder, tree):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DATABASE}",
        "DEBUG": "false", "SECRET_KEY": "upgrade-check-only-" + "k" * 40, "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false", "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": str(folder / "media"), "STATIC_ROOT": str(tree / "staticfiles"),
        "DEMO_PASSWORD": "upgrade-check-pw", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(tree),
    }


def unpack(revision, target):
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=ROOT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return subprocess.run(["git", "rev-parse", "--short", revision], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout.strip()


def python_for(tree, folder):
    """This interpreter when it has every pin of the tree's requirements.txt, else a virtualenv of its own
    (pip uses its cache and whatever index pip is configured with)."""
    missing = []
    for line in (tree / "requirements.txt").read_text().splitlines():
        found = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^]]*\])?==(\S+)", line.strip())
        if not found:
            continue
        try:
            if importlib.metadata.version(found.group(1)) != found.group(2):
                missing.append(line.strip())
        except importlib.metadata.PackageNotFoundError:
            missing.append(line.strip())
    if not missing:
        return sys.executable, "依赖的版本与本环境相同，沿用本环境"
    venv = folder / "venv-old"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "-r", str(tree / "requirements.txt"), "gunicorn"],
                   check=True)
    return str(venv / "bin" / "python"), f"独立虚拟环境（{len(missing)} 个依赖与本环境不同）"


def manage(python, tree, env, *args):
    return subprocess.run([python, "manage.py", *args], cwd=tree, env=env, check=True, text=True,
                          capture_output=True).stdout


def serve(python, tree, env, port, log):
    gunicorn = Path(python).parent / "gunicorn"
    return subprocess.Popen([str(gunicorn), "--chdir", str(tree), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                             "--timeout", "60", "config.wsgi"], cwd=tree, env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def stop(process):
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


# ---- every demo role, signed in, reading its pages -------------------------------------------------

def sign_in(port, username, password):
    cookies = {}
    request(port, "GET", "/login/", cookies=cookies)
    response = form_post(port, "/login/", cookies, [("username", username), ("password", password)])
    return cookies, response.status


def links_of(html):
    seen = []
    for path in re.findall(r'href="(/[^"#]*)"', html):
        path = path.replace("&amp;", "&")
        if path.startswith(("/static/", "/media/", "/logout", "/login")) or "export" in path or path in seen:
            continue
        seen.append(path)
    return seen


def crawl(port, password, pages=None):
    """Sign every role in and read its home page and the pages it links to; (answers, paths per role)."""
    answers, pages = Counter(), dict(pages or {})
    failures = []
    for username in ROLES:
        try:
            cookies, status = sign_in(port, username, password)
        except OSError as error:
            answers["连接失败"] += 1
            failures.append(f"{username} 登录：{error}")
            continue
        answers[status] += 1
        if status != 302:
            failures.append(f"{username} 登录：{status}")
            continue
        home = request(port, "GET", "/", cookies=cookies)
        answers[home.status] += 1
        if home.status >= 500:
            failures.append(f"{username} /：{home.status}")
        if username not in pages:
            pages[username] = links_of(home.text)[:PAGES_PER_ROLE]
        for path in pages[username]:
            try:
                status = request(port, "GET", path, cookies=cookies).status
            except OSError as error:
                status = "连接失败"
                failures.append(f"{username} {path}：{error}")
            answers[status] += 1
            if status == "连接失败" or status >= 500:
                failures.append(f"{username} {path}：{status}")
    return answers, pages, failures


def shown(answers):
    return "，".join(f"{status}×{count}" for status, count in sorted(answers.items(), key=lambda item: str(item[0])))


def server_errors(answers, known_count=0):
    return sum(count for status, count in answers.items()
               if status == "连接失败" or (isinstance(status, int) and status >= 500)) - known_count


def old_work(python, tree, env, step):
    script = OLD_WORK % {"roles": list(ROLES), "step": step}
    try:
        output = manage(python, tree, env, "shell", "-c", script)
        return True, output.strip().splitlines()[-1]
    except subprocess.CalledProcessError as error:
        return False, (error.stderr or "").strip().splitlines()[-1:]


def errors_in(log_path):
    text = Path(log_path).read_text(errors="replace")
    found = re.findall(r"^(?:\S*(?:Error|Exception)\S*: |DETAIL: |Process \d+ waits).{0,200}", text, flags=re.M)
    return sorted(set(found))[:8]


# ---- the check -------------------------------------------------------------------------------------

def run(options, folder):
    old_tree, new_tree = folder / "old", folder / "new"
    old_commit = unpack(options.from_revision, old_tree)
    if options.to:
        new_commit = unpack(options.to, new_tree)
    else:
        new_tree, new_commit = ROOT, "工作目录"
    python, how = python_for(old_tree, folder)
    old_env, new_env = environment(folder, old_tree), environment(folder, new_tree)
    password = old_env["DEMO_PASSWORD"]
    say(f"== 准备：旧版本 {options.from_revision}（{old_commit}）→ 新版本 {options.to or '当前代码'}（{new_commit}），"
        f"数据库 {DATABASE}；旧版本的 Python：{how}")
    database(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    database(f'CREATE DATABASE "{DATABASE}"')
    began = time.monotonic()
    manage(python, old_tree, old_env, "migrate", "--noinput", "-v0")
    manage(python, old_tree, old_env, "seed_demo", "--force")
    if options.events:
        grow_events(options.events)
    manage(python, old_tree, old_env, "collectstatic", "--noinput", "-v0")
    manage(sys.executable, new_tree, new_env, "collectstatic", "--noinput", "-v0")
    old_log = folder / "gunicorn-old.log"
    old_server = serve(python, old_tree, old_env, OLD_PORT, open(old_log, "w"))
    new_server = None
    try:
        wait_for(OLD_PORT, seconds=60)
        say(f"   旧版本 gunicorn 127.0.0.1:{OLD_PORT}（2 个工作进程），准备用时 {time.monotonic() - began:.0f} 秒")

        say("== a. 旧版本照常工作")
        answers, pages, failures = crawl(OLD_PORT, password)
        record("每个演示角色登录并浏览各自的页面", not failures, shown(answers) + ("；" + "；".join(failures[:5])
                                                             if failures else ""))
        ok, detail = old_work(python, old_tree, old_env, "升级前")
        record("旧代码写入：事件、站内通知、待发邮件、一次流转、每日提醒", ok, str(detail))
        # The old release's own faults (its event log cannot show an event without an actor, which its daily
        # reminders write): they are there before any migration and not the upgrade's doing.
        _, _, known = crawl(OLD_PORT, password, pages)
        if known:
            say("   旧版本升级前已有的错误（不计入升级检查）：" + "；".join(known))

        say("== b. 新版本迁移，旧版本同时服务")
        migrate_log = folder / "migrate.log"
        started = time.monotonic()
        migration = subprocess.Popen([sys.executable, "manage.py", "migrate", "--noinput"], cwd=new_tree,
                                     env=new_env, stdout=open(migrate_log, "w"), stderr=subprocess.STDOUT)
        during, rounds, failures = Counter(), 0, []
        while migration.poll() is None:
            answers, _, found = crawl(OLD_PORT, password, pages)
            during.update(answers)
            failures += [failure for failure in found if failure not in known]
            during["其中升级前已有的 500"] += len([failure for failure in found if failure in known])
            rounds += 1
        took = time.monotonic() - started
        output = migrate_log.read_text()
        applied = len(set(re.findall(r"Applying (\S+?)\.\.\.", output)))
        gave_way = output.count("让正在服务的请求先完成")
        record(f"migrate 完成（{applied} 个迁移，用时 {took:.1f} 秒，为旧版本的请求让步重试 {gave_way} 次）",
               migration.returncode == 0,
               "" if migration.returncode == 0 else migrate_log.read_text()[-500:])
        record(f"迁移期间旧版本的回答（{rounds} 轮，每轮全部角色登录并浏览）没有 5xx",
               not server_errors(during, during["其中升级前已有的 500"]),
               shown(during) + ("；" + "；".join(sorted(set(failures))[:5]) if failures else ""))

        say("== c. 迁移之后、reload 之前：旧版本仍能读写")
        answers, _, failures = crawl(OLD_PORT, password, pages)
        failures = [failure for failure in failures if failure not in known]
        record("每个演示角色登录并浏览（升级前已有的错误除外）", not failures, shown(answers) + ("；" + "；".join(failures[:5])
                                                       if failures else ""))
        ok, detail = old_work(python, old_tree, old_env, "迁移之后")
        record("旧代码写入：事件、站内通知、待发邮件、一次流转、每日提醒", ok, str(detail))
        causes = errors_in(old_log)
        if causes:
            say("   旧版本日志中的错误：" + "；".join(causes))

        say("== d. 新版本在同一个数据库上服务")
        stop(old_server)
        new_server = serve(sys.executable, new_tree, new_env, NEW_PORT, open(folder / "gunicorn-new.log", "w"))
        wait_for(NEW_PORT, seconds=60)
        health = request(NEW_PORT, "GET", "/healthz")
        record("/healthz", health.status == 200, health.text.strip())
        answers, _, failures = crawl(NEW_PORT, password)
        record("每个演示角色登录并浏览各自的页面", not failures, shown(answers) + ("；" + "；".join(failures[:5])
                                                             if failures else ""))
    finally:
        stop(old_server)
        stop(new_server)


def write_report():
    text = DOC.read_text(encoding="utf-8")
    block = f"{BEGIN}\n```\n" + "\n".join(lines) + f"\n```\n{END}"
    if BEGIN in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END), lambda _: block, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("from_revision", metavar="FROM", help="旧版本的标签或提交，如 v2026.11")
    parser.add_argument("--to", help="新版本的标签或提交（默认：当前工作目录的代码）")
    parser.add_argument("--write", action="store_true", help="把报告写进 docs/upgrades.md")
    parser.add_argument("--events", type=int, default=0,
                        help="迁移前把事件日志扩充到约这么多条（如 300000，一所大学几年的量），量迁移用时")
    options = parser.parse_args()
    began = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="upgrade-check-"))
    try:
        run(options, folder)
    except subprocess.CalledProcessError as error:
        record("准备环境", False, f"{' '.join(map(str, error.cmd))[:200]}：{(error.stderr or '').strip()[-500:]}")
    finally:
        try:
            database(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        except Exception as error:  # the cleanup reports and goes on
            say(f"  删除数据库 {DATABASE} 失败：{error}")
        shutil.rmtree(folder, ignore_errors=True)
    failed = [title for title, ok in results if not ok]
    say(f"== 共 {len(results)} 项，通过 {len(results) - len(failed)} 项，失败 {len(failed)} 项；"
        f"用时 {time.monotonic() - began:.0f} 秒；进程已停止，数据库 {DATABASE} 已删除")
    if options.write:
        write_report()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
