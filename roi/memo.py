"""The one-page memo for a CFO: the ask, the answer, the assumptions that matter, the picture, the what-ifs.

HTML (self-contained: the chart is inline SVG, the styles inline, prints cleanly to PDF) or Markdown.
Every figure comes from `evaluate`; user text is escaped, never interpreted.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from roi import formatting as fmt
from roi.model import Result, Summary, evaluate
from roi.scenario import AREA_LABELS, AREAS, likely, with_values
from roi.uncertainty import tornado


@dataclass(frozen=True)
class Variant:
    """One what-if: a label and the summary it gives."""

    label: str
    summary: Summary


def variants(result: Result) -> list[Variant]:
    """The answer as entered, with staff cost switched, and with a lower target success rate."""
    scenario = result.scenario
    out = [Variant("As entered", result.summary)]
    staff = not scenario.finance.include_staff_cost
    label = "With staff cost counted" if staff else "Without staff cost"
    out.append(Variant(label, evaluate(with_values(scenario, {"finance.include_staff_cost": staff})).summary))
    before, after = likely(scenario.merges.success_rate_before), likely(scenario.merges.success_rate_after)
    if after > before:
        for target in sorted({max(before, after - 0.05), before + (after - before) / 2}, reverse=True):
            changed = with_values(scenario, {"merges.success_rate_after": target})
            out.append(Variant(f"Target success rate {target:.1%} (not {after:.1%})", evaluate(changed).summary))
    return out


def _facts(result: Result) -> dict[str, str]:
    s, sc = result.summary, result.scenario
    f = sc.finance
    staff = "counted" if f.include_staff_cost else "not counted"
    return {
        "upfront": fmt.money(s.upfront_investment_usd),
        "one_time": fmt.money(s.one_time_cost_usd),
        "staff": fmt.money(s.staff_cost_usd),
        "staff_counted": staff,
        "recurring": fmt.money(s.annual_recurring_cost_usd),
        "horizon": f"{f.horizon_months} months",
        "discount": f"{f.annual_discount_rate:.1%}",
    }


def _assumptions(result: Result) -> list[str]:
    sc, s = result.scenario, result.summary
    m = sc.merges
    ramp = "at once" if sc.finance.ramp_months == 0 else f"over {sc.finance.ramp_months:g} months"
    out = [
        f"{likely(m.merges_per_month):,.0f} merges a month to main; success rate "
        f"{likely(m.success_rate_before):.1%} today and {likely(m.success_rate_after):.1%} after "
        f"({s.failed_merges_per_month:,.1f} failed merges a month today).",
        f"{likely(m.fix_hours):g} hours to fix each failed merge at {fmt.money(likely(sc.team.loaded_hourly_rate))} "
        "an hour, fully loaded.",
        f"Benefits reach full value {ramp}; "
        f"volume growth {likely(sc.growth.volume_growth_per_year):.0%} a year; "
        f"discount rate {sc.finance.annual_discount_rate:.0%} a year.",
        f"Staff time ({fmt.money(s.staff_cost_usd)}) is "
        f"{'counted' if sc.finance.include_staff_cost else 'not counted'} in the investment.",
    ]
    streams = {k: v for k, v in s.benefit_by_stream_usd.items() if v}
    if len(streams) > 1:
        parts = ", ".join(f"{k.replace('_', ' ')} {fmt.money(v)}" for k, v in streams.items())
        out.append(f"Monthly benefit at full ramp by stream: {parts}.")
    table = tornado(sc)
    if len(table):
        top = table.head(3)
        moves = "; ".join(
            f"{r['input']} ({fmt.money(min(r['npv_low_usd'], r['npv_high_usd']))} to "
            f"{fmt.money(max(r['npv_low_usd'], r['npv_high_usd']))})"
            for r in top.to_dict("records")
        )
        out.append(f"The estimates that move NPV most across their ranges: {moves}.")
    return out


def cumulative_svg(result: Result, width: int = 640, height: int = 240) -> str:
    """Cumulative and discounted cumulative cash flow by month as inline SVG, the payback month marked."""
    table = result.monthly
    x = table["month"].to_numpy(dtype=float)
    series = [
        (table["cumulative_usd"].to_numpy(), "#1f5fa8", "", "cumulative"),
        (table["cumulative_discounted_usd"].to_numpy(), "#7f7f7f", ' stroke-dasharray="5,4"', "discounted"),
    ]
    lo = min(0.0, *(float(s.min()) for s, *_ in series))
    hi = max(0.0, *(float(s.max()) for s, *_ in series))
    span = hi - lo or 1.0
    left, right, top, bottom = 70, 10, 10, 30

    def px(month: float) -> float:
        return float(left + (width - left - right) * month / max(x[-1], 1))

    def py(value: float) -> float:
        return float(top + (height - top - bottom) * (hi - value) / span)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Cumulative cash flow by month">',
        f'<line x1="{left}" y1="{py(0):.1f}" x2="{width - right}" y2="{py(0):.1f}" stroke="#444" stroke-width="1"/>',
    ]
    for value in np.linspace(lo, hi, 5):
        parts.append(
            f'<text x="{left - 6}" y="{py(value) + 4:.1f}" font-size="10" text-anchor="end">{fmt.money(value)}</text>'
        )
    for m in np.unique(np.linspace(0, x[-1], min(int(x[-1]), 12) + 1).round()):
        parts.append(f'<text x="{px(m):.1f}" y="{height - 12}" font-size="10" text-anchor="middle">{int(m)}</text>')
    parts.append(f'<text x="{width - right}" y="{height - 1}" font-size="10" text-anchor="end">month</text>')
    for values, colour, dash, _ in series:
        points = " ".join(f"{px(m):.1f},{py(v):.1f}" for m, v in zip(x, values, strict=True))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2"{dash} points="{points}"/>')
    payback = result.summary.payback_months
    if payback is not None:
        parts.append(
            f'<line x1="{px(payback):.1f}" y1="{top}" x2="{px(payback):.1f}" y2="{height - bottom}" '
            'stroke="#2e7d32" stroke-dasharray="2,3"/>'
            f'<text x="{px(payback) + 4:.1f}" y="{top + 12}" font-size="11" fill="#2e7d32">payback {payback:.1f} mo</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_CSS = """
body{font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1a1a1a;max-width:820px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 6px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:4px 0}td,th{padding:3px 8px;border-bottom:1px solid #e3e3e3;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.answer td{font-size:15px}.muted{color:#666;font-size:12px}
section{break-inside:avoid}@page{size:A4;margin:12mm}
@media print{body{margin:0;max-width:none;font-size:10.5px;line-height:1.3}h1{font-size:17px}h2{font-size:12px;margin:8px 0 3px}
td,th{padding:1px 6px}.answer td{font-size:11px}svg{width:78%;display:block;margin:0 auto}p,ul{margin:3px 0}.muted{font-size:9.5px}}
"""


def _answer_rows(s: Summary) -> list[tuple[str, str]]:
    band = ""
    if s.delivery_to_ai_ratio is not None:
        r = s.delivery_to_ai_ratio
        band = " (within the 2:1 to 3:1 band)" if 2 <= r <= 3 else (" (below 2:1)" if r < 2 else " (above 3:1)")
    return [
        ("Payback", fmt.months(s.payback_months)),
        ("Discounted payback", fmt.months(s.discounted_payback_months)),
        (f"NPV over {s.horizon_months} months", fmt.money(s.npv_usd)),
        ("IRR (annual)", fmt.pct(s.irr_annual)),
        ("ROI (NPV / present value of costs)", fmt.pct(s.roi)),
        ("Delivery-to-AI spend ratio", fmt.ratio(s.delivery_to_ai_ratio) + band),
    ]


def memo_html(result: Result) -> str:
    """The memo as one self-contained HTML page."""
    sc, s = result.scenario, result.summary
    e = html.escape
    facts = _facts(result)
    area_rows = "".join(
        f"<tr><td>{AREA_LABELS[a]}</td><td class=n>{fmt.money(likely(getattr(sc.investments, a).one_time))}</td>"
        f"<td class=n>{likely(getattr(sc.investments, a).engineer_quarters):g}</td>"
        f"<td class=n>{fmt.money(likely(getattr(sc.investments, a).annual_recurring))}</td></tr>"
        for a in AREAS
    )
    answer = "".join(f"<tr><td>{e(k)}</td><td class=n><b>{e(v)}</b></td></tr>" for k, v in _answer_rows(s))
    assumptions = "".join(f"<li>{e(a)}</li>" for a in _assumptions(result))
    what_if = "".join(
        f"<tr><td>{e(v.label)}</td><td class=n>{fmt.money(v.summary.upfront_investment_usd)}</td>"
        f"<td class=n>{e(fmt.months(v.summary.payback_months))}</td><td class=n>{fmt.money(v.summary.npv_usd)}</td>"
        f"<td class=n>{fmt.pct(v.summary.roi)}</td></tr>"
        for v in variants(result)
    )
    description = f"<p class=muted>{e(sc.description)}</p>" if sc.description else ""
    note = fmt.crossings_note(s.cumulative_zero_crossings, s.payback_months)
    caveat = f"<p><b>{e(note)}</b></p>" if note else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(sc.name)}: delivery investment memo</title>
<style>{_CSS}</style></head><body>
<h1>Delivery infrastructure: the business case</h1>
<div class=muted>{e(sc.name)}</div>{description}
<section><h2>The ask</h2>
<p>{facts["upfront"]} up front ({facts["one_time"]} of infrastructure and tools; {facts["staff"]} of engineer time,
{facts["staff_counted"]} here) and {facts["recurring"]} a year, across four areas:</p>
<table><tr><th>Area</th><th class=n>One-time</th><th class=n>Engineer-quarters</th><th class=n>Per year</th></tr>{area_rows}</table>
</section>
<section><h2>The answer</h2><table class=answer>{answer}</table>
<p class=muted>Over {facts["horizon"]}, discounted at {facts["discount"]} a year. Doing nothing costs
{fmt.money(s.monthly_waste_usd)} a month in failed-merge rework alone.</p></section>
<section><h2>Cumulative cash flow</h2>{cumulative_svg(result)}
<p class=muted>Solid: cumulative net cash flow. Dashed: discounted. Month 0 is the investment.</p>{caveat}</section>
<section><h2>The assumptions that matter</h2><ul>{assumptions}</ul></section>
<section><h2>How the answer changes</h2>
<table><tr><th>Case</th><th class=n>Upfront</th><th class=n>Payback</th><th class=n>NPV</th><th class=n>ROI</th></tr>{what_if}</table>
</section>
<p class=muted>{e(fmt.METHOD)} The companion workbook carries every formula live.</p>
</body></html>
"""


def memo_markdown(result: Result) -> str:
    """The memo as Markdown (the chart becomes a table of the cumulative flow at quarter ends)."""
    sc, s = result.scenario, result.summary
    facts = _facts(result)
    lines = [
        "# Delivery infrastructure: the business case",
        "",
        f"*{_md(sc.name)}*",
        "",
        "## The ask",
        "",
        f"{facts['upfront']} up front ({facts['one_time']} of infrastructure and tools; "
        f"{facts['staff']} of engineer time, {facts['staff_counted']} here) and {facts['recurring']} a year:",
        "",
        "| Area | One-time | Engineer-quarters | Per year |",
        "|---|---:|---:|---:|",
    ]
    for a in AREAS:
        inv = getattr(sc.investments, a)
        lines.append(
            f"| {AREA_LABELS[a]} | {fmt.money(likely(inv.one_time))} | {likely(inv.engineer_quarters):g} | "
            f"{fmt.money(likely(inv.annual_recurring))} |"
        )
    lines += ["", "## The answer", "", "| | |", "|---|---:|"]
    lines += [f"| {k} | **{v}** |" for k, v in _answer_rows(s)]
    lines += [
        "",
        f"Over {facts['horizon']}, discounted at {facts['discount']} a year.",
        "",
        "## Cumulative cash flow",
        "",
    ]
    lines += ["| Month | Cumulative | Discounted |", "|---:|---:|---:|"]
    table = result.monthly
    for m in sorted({*range(0, len(table), 3), len(table) - 1}):
        row = table.iloc[m]
        lines.append(f"| {m} | {fmt.money(row['cumulative_usd'])} | {fmt.money(row['cumulative_discounted_usd'])} |")
    note = fmt.crossings_note(s.cumulative_zero_crossings, s.payback_months)
    if note:
        lines += ["", f"**{note}**"]
    lines += ["", "## The assumptions that matter", ""] + [f"- {_md(a)}" for a in _assumptions(result)]
    lines += [
        "",
        "## How the answer changes",
        "",
        "| Case | Upfront | Payback | NPV | ROI |",
        "|---|---:|---:|---:|---:|",
    ]
    for v in variants(result):
        vs = v.summary
        lines.append(
            f"| {v.label} | {fmt.money(vs.upfront_investment_usd)} | {fmt.months(vs.payback_months)} | "
            f"{fmt.money(vs.npv_usd)} | {fmt.pct(vs.roi)} |"
        )
    lines += ["", f"*{fmt.METHOD} The companion workbook carries every formula live.*"]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """User text made inert in Markdown: no HTML, no links, no table breaks."""
    escaped = html.escape(text.replace("\n", " "))
    for ch in "\\`*_[]|#<>!":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped
