"""Above the tabs: the case's name, the ask (what it costs, whether staff time is counted) and the answer, then cash
apart from engineer time; each figure opens how it is computed, with the case's own inputs in the formula.

The tiles are built by `roi.explore` (pure, tested) and drawn here as one HTML element per block of rows, not as a
metric, a popover and their Markdown per figure: one element for the browser to lay out instead of some seventy.
Every piece of text is escaped (`html.escape`): nothing shown becomes markup.
"""

from __future__ import annotations

import html

import streamlit as st

from roi import explore
from roi.explore import Kpi
from ui import cache
from ui.state import PageState
from ui.text import literal
from ui.views.common import simulation_settings

#: The tiles' look: a metric's sizes and colours (green for good news, red for bad), a row that wraps when narrow.
STYLE = """<style>
.roi-rows p.roi-row-title { margin: 0 0 0.5rem 0; }
.roi-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 1rem;
           margin-bottom: 1.25rem; align-items: start; }
.roi-tile { min-width: 0; }
.roi-label { font-size: 0.875rem; line-height: 1.6; }
.roi-help { display: inline-block; margin-left: 0.25rem; width: 1rem; height: 1rem; line-height: 1rem;
            border: 1px solid currentColor; border-radius: 50%; font-size: 0.7rem; text-align: center;
            opacity: 0.6; cursor: help; }
.roi-value { font-size: 2.25rem; line-height: 1.25; white-space: nowrap; }
.roi-delta { display: inline-block; margin-top: 0.2rem; padding: 0 0.4rem; border-radius: 1rem;
             font-size: 0.875rem; }
.roi-delta[data-tone="good"] { color: rgb(9, 171, 59); background: rgba(9, 171, 59, 0.1); }
.roi-delta[data-tone="bad"] { color: rgb(255, 43, 43); background: rgba(255, 43, 43, 0.1); }
.roi-delta[data-tone="none"] { opacity: 0.7; background: rgba(128, 128, 128, 0.12); }
.roi-caption { margin-top: 0.3rem; font-size: 0.875rem; opacity: 0.6; line-height: 1.4; }
.roi-how { margin-top: 0.4rem; font-size: 0.875rem; }
.roi-how summary { cursor: pointer; width: fit-content; padding: 0.15rem 0.6rem; border-radius: 0.5rem;
                   border: 1px solid rgba(128, 128, 128, 0.4); }
.roi-how p { margin: 0.4rem 0 0 0; font-size: 0.875rem; line-height: 1.4; overflow-wrap: anywhere; }
</style>"""


def _text(text: str) -> str:
    return html.escape(text, quote=True)


def tile_html(kpi: Kpi) -> str:
    """One figure: label (its help on hover), value, change (arrow and colour), caption, and how it is computed."""
    direction, good = kpi.direction, kpi.good_news
    tone = "none" if good is None else ("good" if good else "bad")
    parts = [
        f'<div class="roi-tile" data-label="{_text(kpi.label)}">',
        f'<div class="roi-label">{_text(kpi.label)}'
        + (f'<span class="roi-help" title="{_text(kpi.note)}" aria-hidden="true">?</span>' if kpi.note else "")
        + "</div>",
        f'<div class="roi-value">{_text(kpi.value)}</div>',
    ]
    if kpi.delta:
        arrow = {"up": "\u2191 ", "down": "\u2193 "}.get(direction or "", "")
        parts.append(
            f'<div class="roi-delta" data-tone="{tone}" data-direction="{direction or "none"}">'
            f"{arrow}{_text(kpi.delta)}</div>"
        )
    if kpi.caption:
        parts.append(f'<div class="roi-caption">{_text(kpi.caption)}</div>')
    if kpi.how or kpi.note:
        paragraphs = [f"<p><strong>{_text(kpi.label)}, {_text(kpi.value)}.</strong> {_text(kpi.note or '')}</p>"]
        if kpi.how:
            paragraphs += [f"<p>{_text(p)}</p>" for p in kpi.how.split("\n\n")]
        parts.append(
            '<details class="roi-how"><summary title="How this is computed, with this case\'s inputs">Formula'
            f"</summary>{''.join(paragraphs)}</details>"
        )
    parts.append("</div>")
    return "".join(parts)


def rows_html(rows: list[tuple[str, str, str, list[Kpi]]]) -> str:
    """Rows of tiles under their titles: (the row's name, its title in bold, the rest of the title, its tiles)."""
    out = [STYLE, '<div class="roi-rows">']
    for name, title, rest, tiles in rows:
        out.append(f'<p class="roi-row-title"><strong>{_text(title)}</strong>{_text(rest)}</p>')
        out.append(f'<div class="roi-row" data-row="{_text(name)}">{"".join(tile_html(k) for k in tiles)}</div>')
    out.append("</div>")
    return "".join(out)


def cash_and_time(page: PageState) -> list[Kpi]:
    """Cash NPV, engineer hours freed (engineers' worth), NPV with the continuing months, the expected NPV."""
    now, then = page.result.summary, page.base_result.summary
    draws, seed = simulation_settings()
    expected = cache.expected_npv(page.toml_text, draws, seed) if page.scenario.ranged_inputs() else None
    return explore.cash_and_time_kpis(now, then, expected, draws, brief=True, result=page.result, seed=seed)


def view(page: PageState, warnings: list[str], problems: list[str]) -> None:
    st.title("Delivery ROI calculator")
    st.caption(
        "What CI/CD, testing, deployment automation and observability spend pays back. Move the inputs on the "
        "left; every figure follows the formulas in docs/method.md. The case:"
    )
    st.text(page.scenario.name)
    for warning in warnings:
        st.warning(literal(warning))
    for line in problems:
        st.error(f"Not applied, the last valid inputs are shown: {literal(line)}")
    now, then, result = page.result.summary, page.base_result.summary, page.result
    # The ask and the answer go to the browser before the expected NPV's simulation runs.
    ask = explore.ask_kpis(now, then, result=result)
    answer = explore.answer_kpis(now, then, result=result)
    st.html(
        rows_html(
            [
                ("ask", "The ask", f" (over a {now.horizon_months}-month horizon)", ask),
                ("answer", "The answer", " (cash and engineer time together)", answer),
            ]
        )
    )
    st.html(rows_html([("cash", "Cash apart from engineer time", "", cash_and_time(page))]))
    st.caption(
        'Changes are against the loaded file. Payback "none" means the cumulative flow (cash and engineer time) is '
        "not above zero for good within the horizon."
    )
