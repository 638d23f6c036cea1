"""Charts drawn on the server as inline SVG: no script, no outside service, readable without colour.

Each bar is a link to the list it counts; its <title> is the tooltip; the whole chart is role="img"
with an aria-label that says every value, for screen readers. The SVG scales to its box (viewBox,
width 100%), so it never widens a phone's page.
"""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH = 600
ROW = 28
LABEL_WIDTH = 190
VALUE_WIDTH = 60
BAR_HEIGHT = 18


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    href: str = ""


def _shorten(text, limit=12):
    return text if len(text) <= limit else text[:limit - 1] + "…"


def bars(items, *, title, unit="个"):
    """Horizontal bars, one row per Bar, the longest bar the width of the chart. Empty → a sentence."""
    items = list(items)
    if not items:
        return format_html('<p class="text-muted small mb-0">{}：暂无数据</p>', title)
    top = max(item.value for item in items) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = ROW * len(items)
    rows = []
    for n, item in enumerate(items):
        y = n * ROW
        width = max(2, round(span * item.value / top)) if item.value else 0
        tip = f"{item.label}：{item.value}{unit}"
        row = format_html(
            '<title>{}</title>'
            '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="#212529">{}</text>'
            '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" rx="2" fill="#c8102e"></rect>'
            '<text x="{}" y="{}" font-size="13" fill="#212529">{}</text>',
            tip, LABEL_WIDTH - 8, y + 18, _shorten(item.label), LABEL_WIDTH, y + 5, width, BAR_HEIGHT,
            LABEL_WIDTH + width + 6, y + 18, item.value)
        if item.href:
            row = format_html('<a href="{}" aria-label="{}">{}</a>', item.href, tip, row)
        else:
            row = format_html("<g>{}</g>", row)
        rows.append(row)
    summary = "；".join(f"{item.label} {item.value}{unit}" for item in items)
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        f"{title}：{summary}", WIDTH, height, mark_safe("".join(rows)))


def timeline(windows, *, today, current=None):
    """The batch's phases as consecutive segments over its whole span, today marked by a line.

    `windows`: [(phase, start, end)] as Batch.windows() gives them."""
    windows = list(windows)
    if not windows:
        return ""
    first, last = windows[0][1], max(end for _, _, end in windows)
    days = max(1, (last - first).days)
    left, span, top = 10, WIDTH - 20, 24

    def x(day):
        clamped = min(max(day, first), last)
        return left + round(span * (clamped - first).days / days)

    segments = []
    for n, (phase, start, end) in enumerate(windows):
        x0, x1 = x(start), x(end)
        fill = "#c8102e" if phase == current else ("#f1b0b7" if n % 2 else "#f8d7da")
        colour = "#fff" if phase == current else "#212529"
        segments.append(format_html(
            '<g><title>{}：{} 至 {}</title><rect class="chart-bar" x="{}" y="{}" width="{}" height="26" fill="{}" '
            'stroke="#fff"></rect><text x="{}" y="{}" text-anchor="middle" font-size="13" fill="{}">{}</text>'
            '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="#6c757d">{}</text></g>',
            phase.label, f"{start:%Y-%m-%d}", f"{end:%Y-%m-%d}", x0, top, max(1, x1 - x0), fill,
            (x0 + x1) // 2, top + 18, colour, phase.label, (x0 + x1) // 2, top + 44, f"{start:%Y.%m}"))
    marker = ""
    if first <= today <= last:
        tx = x(today)
        marker = format_html(
            '<g><title>今天：{}</title><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#0d6efd" stroke-width="2">'
            '</line><text x="{}" y="14" text-anchor="middle" font-size="12" fill="#0d6efd">今天</text></g>',
            f"{today:%Y-%m-%d}", tx, top - 4, tx, top + 30, min(max(tx, 20), WIDTH - 20))
    where = current.label if current else ("尚未开始" if today < first else "已结束")
    label = "阶段时间轴：" + "；".join(f"{p.label} {s:%Y-%m-%d} 至 {e:%Y-%m-%d}" for p, s, e in windows)
    label += f"。今天 {today:%Y-%m-%d}，{where}"
    return format_html(
        '<svg class="chart" role="img" aria-label="{}" viewBox="0 0 {} 76" width="100%" '
        'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">{}{}</svg>',
        label, WIDTH, format_html_join("", "{}", ((s,) for s in segments)), marker)
