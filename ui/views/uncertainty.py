"""Monte Carlo over the ranges: the fan of cumulative cash flow, the odds, what moves NPV, what to measure next."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from roi import charts
from roi.figures import FIGURES
from roi.scenario import AREA_LABELS, FIELDS
from roi.uncertainty import PAYBACK_MONTHS
from ui import cache, state
from ui import format as short
from ui.state import PERSIST, PageState
from ui.text import literal
from ui.views.common import DEFAULT_DRAWS, DRAW_CHOICES, chart, draw

PAYBACK_TARGETS = (12, 18)  # months, offered for break-even when the horizon reaches them


def payback_targets(horizon_months: int) -> list[int]:
    """The payback targets offered for break-even: 12 and 18 months where the horizon reaches them, else half the
    horizon and the horizon itself (a payback past the horizon is never reached, so no target beyond it is offered)."""
    within = [t for t in PAYBACK_TARGETS if t <= horizon_months]
    return within or sorted({max(1, (horizon_months + 1) // 2), horizon_months})


def show_input(path: str, x: float | None) -> str:
    if x is None:
        return "none in range"
    spec = FIELDS.get(path)
    return spec.show(x) if spec is not None else f"{x:,.4g}"


def view(page: PageState) -> None:
    scenario = page.scenario
    if not scenario.ranged_inputs():
        st.info("No input has a three-point range, so there is no uncertainty to show. Add ranges in the sidebar.")
        return
    horizon = scenario.finance.horizon_months
    c1, c2, c3 = st.columns(3)
    # Kept while another tab is open (persist_state): the headline's expected NPV and the downloads read them there.
    draws = int(c1.select_slider("Draws", DRAW_CHOICES, value=DEFAULT_DRAWS, key=state.MC_DRAWS, persist_state=PERSIST))
    seed = int(c2.number_input("Seed", 0, 2**31 - 1, 0, key=state.MC_SEED, persist_state=PERSIST))
    target = c3.radio(
        "Payback target (months)", payback_targets(horizon), horizontal=True, key=state.MC_TARGET, persist_state=PERSIST
    )
    sim = cache.simulated(page.toml_text, draws, seed)
    summary = cache.odds(page.toml_text, draws, seed)
    st.subheader("The odds")
    st.caption(f"Share of the {draws:,} draws that pay back by each month (the horizon is {horizon} months).")
    odds = [(f"Pays back by month {t}", sim.prob_payback_within(t)) for t in PAYBACK_MONTHS if t < horizon]
    odds += [(f"Pays back by month {horizon}", sim.prob_payback_within(horizon))]
    odds += [("NPV above zero", float(summary["prob_npv_positive"]))]
    for column, (label, p) in zip(st.columns(len(odds)), odds, strict=True):
        column.metric(label, f"{p * 100:.0f} %")
    st.subheader("Cumulative flow (cash and engineer time) across the draws")
    st.caption("The band holds the middle 80 % of draws (P10 to P90); the line is the median.")
    draw(cache.fan(page.toml_text, draws, seed))
    st.subheader("When it pays back")
    chart(charts.payback_distribution_chart(sim))
    shows = {
        "payback_months": short.months,
        "discounted_payback_months": short.months,
        "npv_usd": short.money,
        "irr_annual": short.pct,
        "roi": short.pct,
    }
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Figure": FIGURES[k].label,
                    **{
                        q.upper() if q != "mean" else "Mean": show(summary[k][q]) for q in ("p10", "p50", "p90", "mean")
                    },
                }
                for k, show in shows.items()
            ]
        ),
        hide_index=True,
    )
    st.download_button(
        "Download every draw (CSV)",
        partial(cache.draws_csv, page.toml_text, draws, seed),
        "draws.csv",
        "text/csv",
        key=state.DL_DRAWS,
        on_click="ignore",
        icon=":material/download:",
    )
    tornado, breaks = cache.sensitivity(page.toml_text, float(target))
    st.subheader("What moves NPV most")
    chart(charts.tornado_chart(tornado, page.result.summary.npv_usd))
    st.subheader(f"Break-even values (payback in {target} months, NPV zero)")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Input": charts.input_label(b.input),
                    "As entered": show_input(b.input, b.likely),
                    f"Payback in {target} mo": show_input(b.input, b.for_payback_target),
                    "NPV zero": show_input(b.input, b.for_npv_zero),
                    "Searched": f"{show_input(b.input, b.search_low)} to {show_input(b.input, b.search_high)}",
                }
                for b in breaks
            ]
        ),
        hide_index=True,
    )
    st.subheader("What measuring first is worth")
    voi, evpi = cache.value_of_information(page.toml_text, draws, seed)
    st.markdown(literal(value_of_information_words(evpi)))
    st.caption(
        "One figure, the expected value of perfect information: what deciding with every input known exactly would "
        "add, on average over the draws, to deciding now on the expected NPV. It is the most worth paying to measure "
        "before deciding. The table below gives the same figure for each area's own fund-or-not decision."
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Area": AREA_LABELS[area],
                    "In the plan": "yes" if page.result.summary.areas[area].included else "no",
                    "Expected NPV alone": short.money(d["expected_npv_usd"]),
                    "Chance it pays": short.pct(d["prob_npv_positive"]),
                    "Decision now": "fund" if d["fund"] else "do not fund",
                    "Worth of measuring first": short.money(d["evpi_usd"]),
                }
                for area, d in summary["areas"].items()
            ]
        ),
        hide_index=True,
    )
    st.caption(
        "Each area's NPV alone across the draws (the plan's NPV is the sum of its areas'). \"Chance it pays\" is the "
        "share of draws in which that NPV is above zero; the decision now funds an area whose expected NPV is above "
        "zero. Measuring first is worth nothing when the area pays in every draw or in none."
    )
    st.subheader("Which number to pin down for a tighter figure")
    st.caption("The share of the spread of NPV across the draws that each ranged input explains.")
    st.dataframe(
        pd.DataFrame(
            {
                "Input": [charts.input_label(p) for p in voi["input"]],
                "Share of the NPV spread it explains": [short.pct(x) for x in voi["variance_share"]],
            }
        ),
        hide_index=True,
    )


def value_of_information_words(evpi_usd: float) -> str:
    """The plan's expected value of perfect information in one plain sentence."""
    if evpi_usd <= 0.5:
        return (
            "Measuring before deciding is worth nothing to the decision on the plan: NPV has the same sign in every "
            "draw, so no better estimate would change it."
        )
    return (
        f"Measuring every input exactly before deciding would be worth {short.money(evpi_usd)} to the decision on the "
        "plan: the most worth spending on measurement first."
    )
