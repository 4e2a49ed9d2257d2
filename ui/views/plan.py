"""Which areas to fund and when: each area alone, the schedule, every combination, phasing under yearly budgets."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from roi import charts, explore
from roi.figures import AREA_FIGURES, FIGURES
from roi.model import Summary
from roi.plan import Phasing, stretch_note
from roi.scenario import AREA_LABELS, AREAS
from ui import cache, state
from ui import format as short
from ui.state import PageState
from ui.text import literal
from ui.views.common import chart

NO_CAP = 1e15  # a plan year without a budget between capped ones


def area_rows(summary: Summary) -> list[dict[str, str]]:
    f = AREA_FIGURES
    rows = []
    for area, s in summary.areas.items():
        rows.append(
            {
                "Area": AREA_LABELS[area],
                f["included"].label: "yes" if s.included else "no",
                f["go_live_month"].label: short.start(int(s.go_live_month)).replace("at once", "month 0"),
                f["investment_usd"].label: short.money(s.investment_usd),
                f["monthly_benefit_usd"].label: short.money(s.monthly_benefit_usd),
                f["npv_usd"].label: short.money(s.npv_usd),
                f["payback_months"].label: short.months(s.payback_months),
                f["roi"].label: short.pct(s.roi),
            }
        )
    return rows


def combination_rows(toml_text: str) -> list[dict[str, str]]:
    return [
        {
            "Areas funded": short.areas(c.areas, brief=True),
            FIGURES["npv_usd"].label: short.money(c.npv_usd),
            FIGURES["payback_months"].label: short.months(c.payback_months),
            FIGURES["irr_annual"].label: short.pct(c.irr_annual),
            FIGURES["roi"].label: short.pct(c.roi),
            FIGURES["upfront_investment_usd"].label: short.money(c.upfront_investment_usd),
            FIGURES["first_year_cost_usd"].label: short.money(c.first_year_cost_usd),
        }
        for c in cache.combinations(toml_text)
    ]


def apply_phasing(start_months: dict[str, int | None]) -> None:
    """Button callback: the recommended start months, and "not funded" as the area's Fund toggle off."""
    ss = st.session_state
    for area, start in start_months.items():
        ss[state.widget_key(f"investments.{area}.include")] = start is not None
        if start is not None:
            ss[state.widget_key(f"investments.{area}.start_month")] = start
    ss[state.PLAN_APPLIED] = True


def budgets(horizon: int) -> tuple[float, ...]:
    years = math.ceil(horizon / 12)
    st.caption("A budget cap for each plan year (year 1 is months 0 to 12); leave a year empty for no cap.")
    caps: list[float | None] = []
    columns = st.columns(min(years, 5))
    for year in range(1, years + 1):
        with columns[(year - 1) % len(columns)]:
            caps.append(
                st.number_input(
                    f"Year {year} budget ($)",
                    min_value=0.0,
                    max_value=1e10,
                    value=None,
                    step=50_000.0,
                    format="%.0f",
                    key=state.budget_key(year),
                )
            )
    while caps and caps[-1] is None:
        caps.pop()
    return tuple(NO_CAP if c is None else float(c) for c in caps)


def phasing_rows(phasing: Phasing) -> list[dict[str, str]]:
    return [{"Area": AREA_LABELS[a], "Start": short.start(phasing.start_months[a])} for a in AREAS]


def spend_planner(page: PageState) -> None:
    st.subheader("Spend planner: the budget a delivery-to-AI ratio implies")
    st.caption("The delivery budget a ratio implies, split like this case's spend, and its payback.")
    ratio = st.slider("Target delivery-to-AI ratio", 1.0, 4.0, 2.0, 0.25, key=state.PLAN_RATIO, format="%.2f : 1")
    planned = explore.plan_spend(page.scenario, ratio)
    if planned is None:
        st.info("Enter an AI tools spend to plan against it.")
        return
    cols = st.columns(4)
    cols[0].metric("Delivery budget", short.money(planned.budget_usd))
    for column, key in zip(cols[1:], ("payback_months", "npv_usd", "roi"), strict=True):
        column.metric(FIGURES[key].label, FIGURES[key].show(getattr(planned.summary, key), brief=True))
    st.dataframe(
        pd.DataFrame([{"Area": AREA_LABELS[a], "Budget": short.money(v)} for a, v in planned.by_area_usd.items()]),
        hide_index=True,
    )
    st.caption("Benefits stay as entered: this is what the budget pays back, not what more money would buy.")


def view(page: PageState) -> None:
    for warning in cache.uncosted_benefits(page.toml_text):
        st.warning(warning)
    st.subheader("Each area alone")
    st.dataframe(pd.DataFrame(area_rows(page.result.summary)), hide_index=True)
    st.subheader("The schedule and its cost by month")
    chart(charts.plan_timeline_chart(page.result))
    st.subheader("Every combination of areas")
    st.caption("Each set of areas funded with the schedule as entered, best NPV first.")
    combos = pd.DataFrame(combination_rows(page.toml_text))
    st.dataframe(combos, hide_index=True, height=35 * (len(combos) + 1) + 3)
    st.subheader("Phasing under yearly budgets")
    caps = budgets(page.scenario.finance.horizon_months)
    if st.session_state.pop(state.PLAN_APPLIED, False):
        st.success("Applied: the start months and the areas funded are set in the sidebar.")
    if caps:
        phasing = cache.best_phasing(page.toml_text, caps)
        st.write(
            f"The best plan within these caps has NPV {short.money(phasing.npv_usd)} and payback "
            f"{short.months(phasing.payback_months)} ({phasing.feasible:,} of {phasing.candidates:,} plans fit; "
            f"starts searched every {phasing.step_months} months up to month {phasing.latest_month})."
        )
        st.dataframe(pd.DataFrame(phasing_rows(phasing)), hide_index=True)
        note = stretch_note(phasing)
        if note is not None:
            st.info(literal(note), icon=":material/trending_up:")
        st.button(
            "Apply this phasing to the case", key=state.PLAN_APPLY, on_click=apply_phasing,
            args=(dict(phasing.start_months),), icon=":material/event_available:",
        )  # fmt: skip
    spend_planner(page)
