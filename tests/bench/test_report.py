"""The benchmark's verdict lines: what it prints when a target is met or missed (no database)."""

from bench.__main__ import export_lines
from bench.scales import render


def _export(rows, seconds, peak):
    return {"name": f"导出 {rows}", "rows": rows, "seconds": seconds, "bytes": 1, "before": 80, "rss": peak,
            "peak": peak}


def test_the_export_verdicts_when_met():
    lines = export_lines([_export(1_000, 0.4, 90), _export(10_000, 3.9, 130)])
    assert lines[0].startswith("- 10,000 行导出 < 5 秒：达到")
    assert lines[1].startswith("- 内存不超过 1,000 行时 + 50 MB：达到") and "增加 40 MB" in lines[1]


def test_the_export_verdicts_when_missed():
    lines = export_lines([_export(1_000, 0.9, 90), _export(10_000, 6.5, 141)])
    assert lines[0].startswith("- 10,000 行导出 < 5 秒：未达到（10,000 行 6.50 秒）")
    assert lines[1].startswith("- 内存不超过 1,000 行时 + 50 MB：未达到")


def test_fewer_than_ten_thousand_rows_is_not_the_target_met():
    assert "未达到" in export_lines([_export(100, 0.1, 80), _export(1_000, 0.5, 82)])[0]


def _row(account, what, ms, queries):
    return {"account": account, "what": what, "ms": ms, "queries": queries, "status": 200, "runs": 5}


def test_the_scale_report_names_what_is_slower_or_runs_more_queries():
    figures = {
        "S": [_row("组织部", "首页", 50, 12), _row("组织部", "概览", 40, 8)],
        "M": [_row("组织部", "首页", 100, 12), _row("组织部", "概览", 50, 8)],
        "L": [_row("组织部", "首页", 150, 12), _row("组织部", "概览", 250, 9)],
    }
    report = render(figures, {"S": "s", "M": "m", "L": "l"}, seconds=1, django_version="5.2")
    assert "| 组织部 | 首页 | 12 | 12 | 12 | 50 | 100 | 150 | 1.50× |" in report
    assert "- L 不慢于 M 的 2 倍：未达到：组织部·概览（5.0×）" in report
    assert "- S 与 L 查询数相同：未达到：组织部·概览（S 8，L 9）" in report


def test_the_scale_report_when_every_target_is_met():
    figures = {scale: [_row("二级党组织", "组织列表", 80, 7)] for scale in "SML"}
    report = render(figures, {"S": "s", "M": "m", "L": "l"}, seconds=1, django_version="5.2")
    assert "- L 不慢于 M 的 2 倍：达到" in report and "- S 与 L 查询数相同：达到" in report
