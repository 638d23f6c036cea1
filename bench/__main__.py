"""The benchmark: `make bench` (or `python -m bench`).

Builds the M dataset in its own PostgreSQL database (`bench`, dropped and made again unless --reuse),
starts gunicorn against it (two sync workers, like a 2-core server), and for every target of
bench/targets.py counts its queries in-process, then loads it over HTTP with locust for a fixed time.
Then 30 simulated users with 1–3 s think time walk the key pages together, and a freshly started
single worker serves the 1,000-row and then the 10,000-row export once each (time, peak memory). It
prints one table (query count, p50/p95/p99, requests per second, errors, worker memory, ratios to the
admin changelist of the same model and to the floor) and writes it to docs/performance.md. It fails on
nothing but errors of its own: the figures are for people to read.

`python -m bench --compare-scales` (`make bench-scales`) is the other half: the same pages in-process
at S, M and L (bench/scales.py), written to docs/performance-scales.md.
"""

import argparse
import csv
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "bench"
PORT = 8100
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
    "DEBUG": "false", "SECRET_KEY": "bench-only-key-not-for-production-0123456789abcdef",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false", "SECURE_HSTS_SECONDS": "0", "BENCH_FLOOR": "true",
    "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "bench-media"),
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def say(text):
    print(text, flush=True)


def load_note(before):
    """The machine's load average at the start and the end: above its number of cores, other processes
    competed for the CPU and every figure is slower than the code alone would be."""
    after = os.getloadavg()[0]
    busy = max(before, after) > (os.cpu_count() or 1) * 0.75
    return (f"系统负载（1 分钟平均）开始时 {before:.1f}、结束时 {after:.1f}"
            + ("：有其他进程争用 CPU，各项数字偏慢，仅供参考。" if busy else "。"))


def manage(*args):
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env={**os.environ, **ENV}, check=True)


def prepare(reuse, scale):
    import psycopg2

    connection = psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE])
        exists = cursor.fetchone() is not None
        if exists and reuse:
            say(f"== 沿用已有数据库 {DATABASE}")
            return
        cursor.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DATABASE}"')
    connection.close()
    say(f"== 建库、迁移并生成规模数据 {scale}")
    started = time.perf_counter()
    manage("migrate", "--noinput", "-v0")
    manage("seed_scale", "--scale", scale)
    say(f"   用时 {time.perf_counter() - started:.0f} 秒")
    from bench import scales

    # Says which scale the database holds, so that `make bench-scales` can use it for its M.
    connection = psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1")
    connection.autocommit = True
    scales.mark(connection, DATABASE, scales.label(scale, time.perf_counter() - started))
    connection.close()


def count_queries(targets):
    """Each target's queries, rendered in-process as its user: the second request (caches warm), or the
    first of an export (seconds long, and its queries do not depend on caches)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for target in targets:
        client = Client()
        if target.username:
            client.force_login(get_user_model().objects.get(username=target.username))
        for _ in range(1 if target.kind == "export" else 2):
            with CaptureQueriesContext(connection) as queries:
                if target.method == "GET":
                    response = client.get(target.path)
                else:
                    form = client.get(target.path).content.decode()
                    version = re.search(r'name="version" value="(\d+)"', form).group(1)
                    response = client.post(target.path, dict(target.form, version=version))
        counts[target.name] = (len(queries), response.status_code)
    return counts


def open_sessions(targets):
    """One logged-in session per account, opened here so that load runs measure pages, not logins."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    sessions = {}
    for target in targets:
        if target.username and target.username not in sessions:
            client = Client()
            client.force_login(get_user_model().objects.get(username=target.username))
            sessions[target.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
        target.session = sessions.get(target.username, "")
        for variant in target.variants:
            if variant["username"] not in sessions:
                client = Client()
                client.force_login(get_user_model().objects.get(username=variant["username"]))
                sessions[variant["username"]] = client.cookies[settings.SESSION_COOKIE_NAME].value
            variant["session"] = sessions[variant["username"]]


class Server:
    """gunicorn with sync workers on loopback, against the bench database."""

    def __init__(self, workers):
        self.workers = workers

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "config.wsgi", "-w", str(self.workers), "-b", f"127.0.0.1:{PORT}",
             "--access-logfile", "/dev/null", "--error-logfile", "-", "--log-level", "warning"],
            cwd=ROOT, env={**os.environ, **ENV})
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn 未能启动")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)

    def worker_memory_mb(self, field="VmRSS"):
        """The largest resident size among the workers, in MB (VmHWM: the largest each has had)."""
        sizes = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
            except OSError:
                continue
            if fields.get("PPid", "").strip() == str(self.process.pid):
                sizes.append(int(fields[field].split()[0]) / 1024)
        return max(sizes, default=0)


def load(targets, *, users, seconds, think=False, label):
    """Run locust headless against the server; return its figures for each request name."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "run"
        env = {**os.environ, "BENCH_TARGETS": json.dumps([t.as_json() for t in targets]),
               "BENCH_THINK": "1" if think else "0"}
        subprocess.run(
            [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
             "--host", f"http://127.0.0.1:{PORT}", "-u", str(users), "-r", str(max(users, 10)),
             "-t", f"{seconds}s", "--csv", str(prefix), "--only-summary", "--loglevel", "ERROR"],
            cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        figures = {}
        with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                figures[row["Name"]] = {
                    "requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                    "p50": float(row["50%"] or 0), "p95": float(row["95%"] or 0), "p99": float(row["99%"] or 0),
                    "rps": float(row["Requests/s"] or 0)}
        say(f"   {label}：{figures.get(targets[0].name if len(targets) == 1 else 'Aggregated', {})}")
        return figures


def measure_exports(targets):
    """Each export once, smallest first, on one freshly started worker: seconds, and its resident and
    peak memory afterwards (a worker that had served other pages would hide the export's own growth)."""
    from django.conf import settings

    found = []
    with Server(1) as server:
        floor = next(t for t in targets if t.kind == "floor")
        _fetch(floor, settings.SESSION_COOKIE_NAME)  # the first page loads the app's code and templates
        before = server.worker_memory_mb()
        for target in sorted((t for t in targets if t.kind == "export"), key=lambda t: t.rows):
            started = time.perf_counter()
            size = _fetch(target, settings.SESSION_COOKIE_NAME)
            found.append({"name": target.name, "rows": target.rows, "seconds": time.perf_counter() - started,
                          "bytes": size, "before": before, "rss": server.worker_memory_mb(),
                          "peak": server.worker_memory_mb("VmHWM")})
            say(f"   {target.name}：{found[-1]['seconds']:.2f} 秒，{size / 1024:.0f} KB，"
                f"工作进程内存 {found[-1]['rss']:.0f} MB（峰值 {found[-1]['peak']:.0f} MB）")
    return found


def _fetch(target, cookie):
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{target.path}",
                                     headers={"Cookie": f"{cookie}={target.session}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return len(response.read())


def export_table(found, queries):
    lines = ["| 导出 | 行数 | 查询数 | 用时 秒 | 文件 KB | 导出前内存 MB | 导出后内存 MB | 峰值内存 MB |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for e in found:
        lines.append(f"| {e['name']} | {e['rows']:,} | {queries[e['name']][0]} | {e['seconds']:.2f} | "
                     f"{e['bytes'] / 1024:.0f} | {e['before']:.0f} | {e['rss']:.0f} | {e['peak']:.0f} |")
    return "\n".join(lines)


def export_lines(found):
    """The two verdicts on the exports (smallest first), as the report's lines."""
    if len(found) < 2:
        return ["- 导出：数据中没有 1,000 行与 10,000 行两种导出，未测"]
    small, big = found[0], found[-1]
    lines = []
    lines.append(f"- 10,000 行导出 < 5 秒：{'达到' if big['rows'] >= 10_000 and big['seconds'] < 5 else '未达到'}"
                 f"（{big['rows']:,} 行 {big['seconds']:.2f} 秒）")
    lines.append(f"- 内存不超过 1,000 行时 + 50 MB：{'达到' if big['peak'] <= small['peak'] + 50 else '未达到'}"
                 f"（峰值：{small['rows']:,} 行后 {small['peak']:.0f} MB，{big['rows']:,} 行后 {big['peak']:.0f} MB，"
                 f"增加 {big['peak'] - small['peak']:.0f} MB）")
    return lines


def table(targets, queries, results, memory):
    floor = results[targets[0].name]["rps"] or 1
    lines = ["| 页面 | 账号 | 查询数 | p50 ms | p95 ms | p99 ms | 每秒请求 | 错误 | 工作进程内存 MB | 对后台同类列表 | 对下限 |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for target in (t for t in targets if t.kind != "export"):
        figure = results[target.name]
        peer = results.get(target.peer, {}).get("rps")
        ratio = f"{figure['rps'] / peer:.2f}×" if peer else ""
        lines.append(
            f"| {target.name} | {target.username or '（未登录）'} | {queries[target.name][0]} | {figure['p50']:.0f} | "
            f"{figure['p95']:.0f} | {figure['p99']:.0f} | {figure['rps']:.1f} | {figure['errors']} | "
            f"{memory[target.name]:.0f} | {ratio} | {figure['rps'] / floor:.0%} |")
    return "\n".join(lines)


def verdicts(targets, queries, results, mixed, exported):
    floor = results[targets[0].name]["rps"] or 1
    lines = []
    for target in targets:
        if target.kind == "list" and target.peer:
            ok = results[target.name]["rps"] >= results[target.peer]["rps"]
            lines.append(f"- {target.name} 不低于{target.peer}的每秒请求：{'达到' if ok else '未达到'}")
    slow = [t.name for t in targets if t.kind in ("key", "list") and results[t.name]["rps"] < 0.4 * floor]
    lines.append(f"- 每个关键页面不低于下限的 40%：{'达到' if not slow else '未达到（' + '、'.join(slow) + '）'}")
    heavy = [f"{t.name}（{queries[t.name][0]}）" for t in targets if queries[t.name][0] > 15]
    lines.append(f"- 每页不超过 15 条查询：{'达到' if not heavy else '未达到：' + '、'.join(heavy)}")
    aggregate = mixed.get("Aggregated", {})
    lines.append(f"- 30 个用户（思考 1–3 秒）：p95 {aggregate.get('p95', 0):.0f} ms，错误 {aggregate.get('errors', 0)}："
                 f"{'达到' if aggregate.get('p95', 1e9) <= 300 and not aggregate.get('errors') else '未达到'}"
                 "（目标 p95 ≤ 300 ms、无错误）")
    lines.extend(export_lines(exported))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(prog="python -m bench", description="性能基准（不作为测试，只打印数据）")
    parser.add_argument("--reuse", action="store_true", help="沿用已有的 bench 数据库")
    parser.add_argument("--scale", default="M", choices=["S", "M", "L"])
    parser.add_argument("--seconds", type=int, default=8, help="每个页面的压测时长（秒）")
    parser.add_argument("--users", type=int, default=8, help="每个页面的并发用户数（无思考时间）")
    parser.add_argument("--mixed-seconds", type=int, default=300, help="30 个用户混合访问的时长（秒）")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--compare-scales", action="store_true",
                        help="改为在进程内比较 S、M、L 三种规模（见 bench/scales.py），写入 docs/performance-scales.md")
    parser.add_argument("--rebuild", action="store_true", help="与 --compare-scales 同用：重建 bench_s、bench_l")
    parser.add_argument("--repeat", type=int, default=5, help="与 --compare-scales 同用：每页请求次数（取中位数）")
    args = parser.parse_args()
    if args.compare_scales:
        from bench import scales

        scales.run(rebuild=args.rebuild, repeat=args.repeat)
        return
    started, load_before = time.perf_counter(), os.getloadavg()[0]
    prepare(args.reuse, args.scale)
    manage("collectstatic", "--noinput", "-v0")  # served by whitenoise from its manifest, as in production
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench import targets as target_module

    targets = target_module.build()
    open_sessions(targets)
    say("== 每页查询数（进程内）")
    queries = count_queries(targets)
    for name, (count, status) in queries.items():
        say(f"   {name}: {count} 条查询，HTTP {status}")
    results, memory = {}, {}
    with Server(args.workers) as server:
        say(f"== 逐页压测：每页 {args.users} 个并发用户、{args.seconds} 秒")
        for target in (t for t in targets if t.kind != "export"):
            results[target.name] = load([target], users=args.users, seconds=args.seconds,
                                        label=target.name).get(target.name, {
                                            "requests": 0, "errors": 0, "p50": 0, "p95": 0, "p99": 0, "rps": 0})
            memory[target.name] = server.worker_memory_mb()
        say(f"== 30 个用户混合访问 {args.mixed_seconds} 秒（思考 1–3 秒）")
        mixed = load([t for t in targets if t.kind in ("key", "list")], users=30, seconds=args.mixed_seconds,
                     think=True, label="混合")
        mixed_memory = server.worker_memory_mb()
    say("== 导出：新启动的单个工作进程先导出 1,000 行、再导出 10,000 行")
    exported = measure_exports(targets)
    rows = table(targets, queries, results, memory)
    summary = verdicts(targets, queries, results, mixed, exported)
    aggregate = mixed.get("Aggregated", {})
    report = "\n\n".join([
        "# 性能基准（`make bench` 生成，请勿手改）",
        f"生成时间 {datetime.datetime.now():%Y-%m-%d %H:%M}（北京时间）；用时 {time.perf_counter() - started:.0f} 秒。"
        f"机器：{os.cpu_count()} 核，{platform.platform()}，Python {platform.python_version()}，"
        f"Django {django.get_version()}，PostgreSQL（本机），gunicorn {args.workers} 个同步工作进程，"
        f"locust 与服务在同一台机器上。数据：规模 {args.scale}（见 bench/seed.py）。" + load_note(load_before),
        f"逐页：每页 {args.users} 个并发用户、无思考时间、{args.seconds} 秒；查询数为进程内第二次请求的条数。",
        rows,
        f"混合访问：30 个用户、思考 1–3 秒、{args.mixed_seconds} 秒，共 {aggregate.get('requests', 0)} 个请求，"
        f"p50 {aggregate.get('p50', 0):.0f} ms，p95 {aggregate.get('p95', 0):.0f} ms，p99 {aggregate.get('p99', 0):.0f} ms，"
        f"错误 {aggregate.get('errors', 0)}，工作进程内存 {mixed_memory:.0f} MB。",
        "导出：新启动的单个工作进程，先打开一次页面框架（载入代码与模板），再依次请求 1,000 行与 10,000 行的导出各一次；"
        "内存为该进程的常驻内存（VmRSS），峰值为其历来最大值（VmHWM）。",
        export_table(exported, queries),
        "## 目标\n\n" + summary,
        "规模对比（同一批页面在 S、M、L 下的进程内耗时与查询数；目标：L 不慢于 M 的 2 倍，S 与 L 查询数相同）"
        "见 [performance-scales.md](performance-scales.md)，由 `make bench-scales` 单独生成。",
    ]) + "\n"
    print("\n" + report)
    Path(args.output).write_text(report, encoding="utf-8")
    say(f"已写入 {args.output}")


if __name__ == "__main__":
    main()
