"""A report written out: CSV (UTF-8 with a BOM, so Excel opens Chinese correctly), XLSX (one sheet per dimension,
openpyxl loaded on first use) and an HTML page with inline SVG charts (no script, no outside request: it opens from
the reports bucket or a mail client as it is). Customers appear only as masked labels (客户A-3f2c)."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Sequence
from typing import Any

DIMENSION_TITLES = {
    "channel": "渠道 Channel",
    "priority": "优先级 Priority",
    "team": "团队 Team",
    "agent": "坐席 Agent",
    "category": "分类 Category",
}
HEADER = [
    "维度值 Key",
    "新建 Created",
    "已解决 Resolved",
    "重开 Reopened",
    "首次响应数 First responses",
    "首次响应达标 Met",
    "首次响应达标率 Met rate",
    "平均首次响应(分钟) Mean min",
    "P90首次响应(分钟) P90 min",
    "解决数 Resolutions",
    "解决达标 Met",
    "解决达标率 Met rate",
    "平均解决(分钟) Mean min",
    "P90解决(分钟) P90 min",
    "满意度回复 Answers",
    "满意度均分 Mean",
    "满意率 Satisfied rate",
]
ANSWER_HEADER = [
    "工单 Ticket",
    "客户 Customer",
    "评分 Score",
    "评价 Comment",
    "团队 Team",
    "坐席 Agent",
    "时间 Rated at",
]


def _cells(key: Any, m: dict[str, Any]) -> list[Any]:
    fr, res, sat = m["first_response"], m["resolution"], m["satisfaction"]
    return [
        "（无）" if key is None else key,
        m["created"],
        m["resolved"],
        m["reopened"],
        fr["count"],
        fr["met"],
        fr["met_rate"],
        fr["mean_minutes"],
        fr["p90_minutes"],
        res["count"],
        res["met"],
        res["met_rate"],
        res["mean_minutes"],
        res["p90_minutes"],
        sat["responses"],
        sat["mean"],
        sat["satisfied_rate"],
    ]


def sheets(report: dict[str, Any]) -> list[tuple[str, list[list[Any]]]]:
    """The report as named tables: what both the CSV (one after another) and the XLSX (one sheet each) hold."""
    tables: list[tuple[str, list[list[Any]]]] = [("汇总 Totals", [HEADER, _cells("合计 Total", report["totals"])])]
    for name, title in DIMENSION_TITLES.items():
        tables.append((title, [HEADER, *(_cells(e["key"], e) for e in report[f"by_{name}"])]))
    reasons = [
        ["超时原因 Reason", "中文", "次数 Count"],
        *([r["reason"], r["label"], r["count"]] for r in report["breach_reasons"]),
    ]
    tables.append(("超时原因 Breach reasons", reasons))
    daily = [
        ["日期 Date", "新建 Created", "已解决 Resolved"],
        *([d["date"], d["created"], d["resolved"]] for d in report["daily"]),
    ]
    tables.append(("每日 Daily", daily))
    answers = [
        [a["number"], a["customer"], a["score"], a["comment"], a.get("team") or "", a.get("agent") or "", a["rated_at"]]
        for a in report.get("answers", [])
    ]
    tables.append(("满意度评价 Answers", [ANSWER_HEADER, *answers]))
    return tables


def _title(report: dict[str, Any]) -> str:
    return f"{report['period']} {report['start']} ~ {report['end']} ({report['timezone']})"


def to_csv(report: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["客服报表 Helpdesk report", _title(report), f"生成于 {report['generated_at']}"])
    for name, rows in sheets(report):
        writer.writerow([])
        writer.writerow([f"# {name}"])
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets(report):
        # Sheet names: at most 31 characters, no []:*?/\
        sheet = book.create_sheet(name[:31])
        for row in rows:
            sheet.append(["" if v is None else v for v in row])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- the nightly HTML page ------------------------------------------------------------------------------------------
def _line_chart(daily: Sequence[dict[str, Any]], width: int = 640, height: int = 220) -> str:
    pad = 36
    top = max([1] + [max(d["created"], d["resolved"]) for d in daily])
    n = max(1, len(daily) - 1)

    def point(i: int, v: int) -> str:
        return f"{pad + i * (width - 2 * pad) / n:.1f},{height - pad - v * (height - 2 * pad) / top:.1f}"

    lines = []
    for field, color in (("created", "#1677ff"), ("resolved", "#52c41a")):
        points = " ".join(point(i, d[field]) for i, d in enumerate(daily))
        if len(daily) == 1:
            x, y = point(0, daily[0][field]).split(",")
            lines.append(f'<circle cx="{x}" cy="{y}" r="4" fill="{color}"/>')
        else:
            lines.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"/>')
    labels = "".join(
        f'<text x="{pad + i * (width - 2 * pad) / n:.1f}" y="{height - 12}" font-size="10" text-anchor="middle">'
        f"{html.escape(d['date'][5:])}</text>"
        for i, d in enumerate(daily)
        if len(daily) <= 10 or i % max(1, len(daily) // 8) == 0
    )
    legend = (
        f'<text x="{pad}" y="16" font-size="12" fill="#1677ff">新建 created</text>'
        f'<text x="{pad + 110}" y="16" font-size="12" fill="#52c41a">已解决 resolved</text>'
        f'<text x="4" y="{pad}" font-size="10">{top}</text>'
    )
    axis = f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>'
    return f'<svg role="img" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">{axis}{"".join(lines)}{labels}{legend}</svg>'


def _bar_chart(items: Sequence[tuple[str, float]], unit: str = "", width: int = 640) -> str:
    if not items:
        return "<p>—</p>"
    top = max([1e-9] + [v for _, v in items])
    row = 24
    bars = []
    for i, (label, value) in enumerate(items):
        length = (width - 220) * value / top
        y = i * row + 4
        bars.append(
            f'<text x="0" y="{y + 14}" font-size="12">{html.escape(label)}</text>'
            f'<rect x="160" y="{y}" width="{length:.1f}" height="16" fill="#1677ff"/>'
            f'<text x="{166 + length:.1f}" y="{y + 13}" font-size="11">{value:g}{unit}</text>'
        )
    return f'<svg role="img" width="{width}" height="{len(items) * row + 8}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg>'


def _pct(rate: float | None) -> float:
    return round(100 * rate, 1) if rate is not None else 0.0


def to_html(report: dict[str, Any], title: str, dashboard_url: str) -> str:
    totals = report["totals"]
    met = [(str(e["key"] or "（无）"), _pct(e["first_response"]["met_rate"])) for e in report["by_channel"]]
    met_priority = [(str(e["key"] or "（无）"), _pct(e["first_response"]["met_rate"])) for e in report["by_priority"]]
    reasons = [(f"{r['label']} {r['reason']}", float(r["count"])) for r in report["breach_reasons"]]
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row) + "</tr>"
        for row in sheets(report)[0][1][1:] + [_cells(e["key"], e) for e in report["by_agent"]]
    )
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    sat = totals["satisfaction"]
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:24px;color:#222}}table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ddd;padding:4px 6px}}th{{background:#fafafa}}h2{{margin-top:28px}}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>{html.escape(_title(report))} · <a href="{html.escape(dashboard_url)}">报表 Dashboard</a></p>
<p>新建 {totals["created"]} · 已解决 {totals["resolved"]} · 重开 {totals["reopened"]} ·
首次响应达标率 {_pct(totals["first_response"]["met_rate"])}% · 解决达标率 {_pct(totals["resolution"]["met_rate"])}% ·
满意度 {sat["mean"] if sat["mean"] is not None else "—"} ({sat["responses"]})</p>
<h2>趋势 Created vs resolved</h2>{_line_chart(report["daily"])}
<h2>首次响应达标率 by channel</h2>{_bar_chart(met, "%")}
<h2>首次响应达标率 by priority</h2>{_bar_chart(met_priority, "%")}
<h2>超时原因 Breach reasons</h2>{_bar_chart(reasons)}
<h2>汇总与坐席 Totals and agents</h2><table><tr>{head}</tr>{rows}</table>
</body></html>
"""
