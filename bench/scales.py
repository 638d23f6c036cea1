"""The same pages at S, M and L, in-process: does a page slow down, or run more queries, as the data grows?

`python -m bench --compare-scales` (`make bench-scales`) builds S in `bench_s` and L in `bench_l` unless
they already hold that scale (--rebuild makes them again), uses the main benchmark's `bench` for M (built
if it holds another scale), then measures each database in a child process (Django reads one database
per process): tree scoping, each role's home and overview, the batch dashboard and the lists, as the
school's 组织部, the province's 组织部 and a 二级党组织, with django.test.Client (force_login, DEBUG off),
the median of --repeat requests after one to warm the caches. It writes docs/performance-scales.md.

The targets: at L no more than 2× the time at M; the same number of queries at S and at L. At L a
school's staff see one school of a hundred (the same sub-tree as at M, in tables a hundred times
bigger); the province's staff see all hundred.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from zoneinfo import ZoneInfo

from bench.__main__ import BIN, ENV, ROOT, load_note, manage, say

DATABASES = {"S": "bench_s", "M": "bench", "L": "bench_l"}
OUTPUT = ROOT / "docs" / "performance-scales.md"
BEIJING = ZoneInfo("Asia/Shanghai")  # this process has not set up Django, whose TIME_ZONE says so
SLOW = 3.0  # seconds: a measure whose warm-up took longer is timed once more, not --repeat times


def run(*, rebuild=False, repeat=5):
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    builds = {scale: ensure(scale, database, rebuild=rebuild) for scale, database in DATABASES.items()}
    manage("collectstatic", "--noinput", "-v0")
    figures = {}
    for scale, database in DATABASES.items():
        say(f"== 规模 {scale}（数据库 {database}）：进程内测量，每项 {repeat} 次取中位数")
        child = subprocess.run(
            [str(BIN / "python"), "-m", "bench.scales", "--measure", "--repeat", str(repeat)], cwd=ROOT,
            env={**os.environ, **ENV, "DATABASE_URL": _url(database)}, check=True, capture_output=True, text=True)
        figures[scale] = json.loads(child.stdout.strip().splitlines()[-1])
        for row in figures[scale]:
            say(f"   {row['account']} {row['what']}：{row['ms']:.0f} ms，{row['queries']} 条查询")
    import django

    report = render(figures, builds, seconds=time.perf_counter() - started, django_version=django.get_version(),
                    load=load_note(load_before))
    print("\n" + report)
    OUTPUT.write_text(report, encoding="utf-8")
    say(f"已写入 {OUTPUT}")


def _url(database):
    return f"postgres://postgres@127.0.0.1:5432/{database}"


def _admin():
    import psycopg2

    connection = psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1")
    connection.autocommit = True
    return connection


def label(scale, seconds):
    """What the database's comment says it holds: the scale and how long it took to build."""
    return f"seed_scale --scale {scale}，建库、迁移与生成用时 {seconds:.0f} 秒"


def ensure(scale, database, *, rebuild):
    """The database holding `scale` (its comment, set when it was built, says which); built when it
    holds nothing or another scale, or when asked. Returns its comment."""
    connection = _admin()
    with connection.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                       [database])
        found = cursor.fetchone()
        comment = (found[0] or "") if found else ""
        if comment.startswith(f"seed_scale --scale {scale}，") and not rebuild:
            say(f"== 沿用数据库 {database}（{comment}）")
            return comment
        say(f"== 建库 {database}、迁移并生成规模数据 {scale}")
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{database}"')
    started = time.perf_counter()
    env = {**os.environ, **ENV, "DATABASE_URL": _url(database)}
    for args in (["migrate", "--noinput", "-v0"], ["seed_scale", "--scale", scale]):
        subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env, check=True)
    comment = label(scale, time.perf_counter() - started)
    mark(connection, database, comment)
    connection.close()
    say(f"   {comment}")
    return comment


def mark(connection, database, comment):
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{database}" IS %s', [comment])


# ---- in the child process: one database --------------------------------------------------------

def measures():
    """(account, what, function) for every measure; a function takes a client logged in as a fresh user
    and that user, and returns an HTTP status (200 for a selector)."""
    from django.urls import reverse

    from django.db.models import Count

    from bench.seed import PROVINCE_STAFF
    from branches import access
    from cultivation.enums import CULTIVATED_STATES
    from cultivation.models import Batch, Project

    batch = Batch.objects.filter(owner__code="SC-0").order_by("id").first()
    # The first school's 二级党组织 with the most projects under cultivation: with none (as some have at L,
    # where a school has one batch) its lists are empty and skip the query that reads their page.
    busiest = (Project.objects.filter(batch__owner__code="SC-0", state__in=CULTIVATED_STATES)
               .values("unit__code").annotate(n=Count("pk")).order_by("-n", "unit__code").first())
    unit_staff = f"unit-{busiest['unit__code']}" if busiest else "unit-SC-0-0"

    def page(path):
        def get(client, user):
            return client.get(path).status_code
        return get

    def organizations(client, user):
        found = access.visible_organizations(user)
        found.count()
        list(found.order_by("path")[:50])
        return 200

    def projects(client, user):
        Project.objects.visible_to(user).count()
        return 200

    lists = [("培育项目列表", page(reverse("cultivation:project_list"))),
             ("进展报告列表", page(reverse("cultivation:report_list"))),
             ("组织列表", page(reverse("branches:organization_list")))]
    staff = [("范围：可见组织（计数与首页 50 个）", organizations), ("范围：可见项目（计数）", projects),
             ("首页", page(reverse("home"))), ("概览", page(reverse("dashboards:home"))),
             ("批次看板（第一所学校的第 1 批）", page(reverse("dashboards:batch", args=[batch.pk]))),
             *lists, ("事件日志", page(reverse("branches:event_list")))]
    unit = [("范围：可见组织（计数与首页 50 个）", organizations), ("范围：可见项目（计数）", projects),
            ("首页", page(reverse("home"))), ("概览", page(reverse("dashboards:home"))), *lists]
    return ([("组织部（学校）", "staff0", what, f) for what, f in staff]
            + [("组织部（省）", PROVINCE_STAFF, what, f) for what, f in staff]
            + [("二级党组织", unit_staff, what, f) for what, f in unit])


def measure(repeat):
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()
    found = []
    for account, username, what, function in measures():
        times, runs = [], repeat
        # Logged in before the clock starts, and warmed by the first request: the queries counted are
        # those of the main benchmark's (a later request of a session).
        client = Client()
        client.force_login(User.objects.get(username=username))
        for number in range(repeat + 1):
            user = User.objects.get(username=username)  # for a selector: a fresh user, no role cache
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                status = function(client, user)
                elapsed = time.perf_counter() - started
            if number:  # the first warms the caches
                times.append(elapsed)
            elif elapsed > SLOW:
                runs = 1
            if number >= runs:
                break
        found.append({"account": account, "username": username, "what": what, "ms": statistics.median(times) * 1000,
                      "runs": len(times), "queries": len(queries), "status": status})
    return found


# ---- the report ---------------------------------------------------------------------------------

def render(figures, builds, *, seconds, django_version, load=""):
    rows = ["| 账号 | 测量 | S 查询数 | M 查询数 | L 查询数 | S ms | M ms | L ms | L/M |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    slower, differ = [], []
    by_scale = {scale: {(r["account"], r["what"]): r for r in rows_} for scale, rows_ in figures.items()}
    for key, m in by_scale["M"].items():
        s, large = by_scale["S"][key], by_scale["L"][key]
        ratio = large["ms"] / m["ms"] if m["ms"] else 0
        name = f"{key[0]}·{key[1]}"
        if ratio > 2:
            slower.append(f"{name}（{ratio:.1f}×）")
        if s["queries"] != large["queries"]:
            differ.append(f"{name}（S {s['queries']}，L {large['queries']}）")
        statuses = {r["status"] for r in (s, m, large)} - {200}
        note = f"（HTTP {'/'.join(map(str, sorted(statuses)))}）" if statuses else ""
        rows.append(f"| {key[0]} | {key[1]}{note} | {s['queries']} | {m['queries']} | {large['queries']} | "
                    f"{s['ms']:.0f} | {m['ms']:.0f} | {large['ms']:.0f}{_runs(large)} | {ratio:.2f}× |")
    accounts = "；".join(
        f"{scale}：" + "、".join(sorted({f"{r['account']} {r['username']}" for r in rows_ if r.get("username")}))
        for scale, rows_ in figures.items())
    verdicts = [
        f"- L 不慢于 M 的 2 倍：{'达到' if not slower else '未达到：' + '、'.join(slower)}",
        f"- S 与 L 查询数相同：{'达到' if not differ else '未达到：' + '、'.join(differ)}",
    ]
    return "\n\n".join([
        "# 规模对比：S、M、L（`make bench-scales` 生成，请勿手改）",
        f"生成时间 {datetime.datetime.now(BEIJING):%Y-%m-%d %H:%M}（北京时间）；用时 {seconds:.0f} 秒（不含沿用数据库的生成）。"
        f"机器：{os.cpu_count()} 核，{platform.platform()}，Python {platform.python_version()}，Django {django_version}，"
        "PostgreSQL（本机）。进程内测量（django.test.Client，force_login，DEBUG 关闭），每项先请求一次预热，"
        "再取多次的中位数；预热超过 3 秒的只再测一次（表中注“1 次”）。" + load,
        "数据（见 bench/seed.py）：" + "；".join(f"{scale}：{DATABASES[scale]}，{builds[scale]}" for scale in builds) + "。"
        "L 是一个省：百所学校，每所的组织树与 M 相同（共 150,000 个党支部），其余数据为 M 的十倍、分在各校；"
        "学校的组织部（staff0）在 L 中仍只看到一所学校，省的组织部看到全部。",
        f"账号（{accounts}）。",
        "\n".join(rows),
        "## 目标\n\n" + "\n".join(verdicts),
    ]) + "\n"


def _runs(row):
    return "（1 次）" if row["runs"] == 1 else ""


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.scales")
    parser.add_argument("--measure", action="store_true", help="测量当前 DATABASE_URL 指向的数据库，输出 JSON")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not args.measure:
        run(repeat=args.repeat)
        return
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(measure(args.repeat), ensure_ascii=False))


if __name__ == "__main__":
    main()
