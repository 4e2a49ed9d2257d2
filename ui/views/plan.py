"""Which areas to fund and when: each area alone, the schedule, every combination, phasing under yearly budgets."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from roi import charts, explore
from roi.documents import NO_CAP_USD
from roi.figures import AREA_FIGURES, FIGURES
from roi.model import Summary
from roi.plan import Phasing, stretch_note
from roi.scenario import AREA_LABELS, AREAS
from ui import cache, state
from ui import format as short
from ui.state import PageState
from ui.text import literal
from ui.views.common import chart

NO_CAP = NO_CAP_USD  # a plan year without a budget between capped ones


def continuing_label(summary: Summary) -> str:
    """The column of NPV with the months after the horizon: "NPV with 24 more months"."""
    return f"NPV with {summary.continuing_months} more months"


def area_rows(summary: Summary) -> list[dict[str, str]]:
    f = AREA_FIGURES
    rows = []
    for area, s in summary.areas.items():
        row = {
            "Area": AREA_LABELS[area],
            f["included"].label: "yes" if s.included else "no",
            f["go_live_month"].label: short.start(int(s.go_live_month)).replace("at once", "month 0"),
            f["investment_usd"].label: short.money(s.investment_usd),
            f["monthly_benefit_usd"].label: short.money(s.monthly_benefit_usd),
            f["npv_usd"].label: short.money(s.npv_usd),
        }
        if summary.continuing_months:  # beside NPV
            row[continuing_label(summary)] = short.money(s.npv_with_continuing_value_usd)
        row[f["payback_months"].label] = short.months(s.payback_months)
        row[f["roi"].label] = short.pct(s.roi)
        rows.append(row)
    return rows


def combination_rows(toml_text: str, summary: Summary) -> list[dict[str, str]]:
    """Every combination of areas, best NPV first; short labels, so the table fits the column at 1280 px."""
    rows = []
    for c in cache.combinations(toml_text):
        row = {"Areas funded": short.areas(c.areas, brief=True), "NPV": short.money(c.npv_usd)}
        if summary.continuing_months:
            row[continuing_label(summary)] = short.money(c.npv_with_continuing_value_usd)
        row |= {
            "Payback": short.months(c.payback_months),
            "IRR": short.pct(c.irr_annual),
            "ROI": short.pct(c.roi),
            "Investment": short.money(c.upfront_investment_usd),
            "Cost in year 1": short.money(c.first_year_cost_usd),
        }
        rows.append(row)
    return rows


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
    return caps_from(caps)


def caps_from(values: list[float | None]) -> tuple[float, ...]:
    """The yearly caps from the budget fields: trailing empty years dropped, an empty year between capped ones no
    cap."""
    caps = list(values)
    while caps and caps[-1] is None:
        caps.pop()
    return tuple(NO_CAP if c is None else float(c) for c in caps)


def budgets_in_force(horizon_months: int) -> tuple[float, ...]:
    """The Plan tab's budgets as its fields hold them (kept while the tab is closed): what the downloads carry."""
    ss = st.session_state
    years = math.ceil(horizon_months / 12)
    return caps_from([ss.get(state.budget_key(year)) for year in range(1, years + 1)])


def phasing_rows(phasing: Phasing) -> list[dict[str, str]]:
    return [{"Area": AREA_LABELS[a], "Start": short.start(phasing.start_months[a])} for a in AREAS]


def funds_nothing(phasing: Phasing) -> bool:
    return all(start is None for start in phasing.start_months.values())


def phasing_found(page: PageState, phasing: Phasing) -> None:
    """The best phasing within the caps; when it funds nothing, the plan just over the cap first, then that this one
    spends nothing (and cannot be applied)."""
    summary = page.result.summary
    searched = (
        f"{phasing.feasible:,} of {phasing.candidates:,} plans fit; starts searched every {phasing.step_months} "
        f"months up to month {phasing.latest_month}"
    )
    note = stretch_note(phasing)
    nothing = funds_nothing(phasing)
    if nothing and note is not None:  # what a little more budget buys comes first
        st.info(literal(note), icon=":material/trending_up:")
    if nothing:
        st.warning(
            "Within these caps, fund nothing for now: no phasing of the areas that fits adds value, so this plan "
            f"funds no area and spends nothing on them within the horizon ({searched}).",
            icon=":material/block:",
        )
    else:
        with_more = (
            f" ({short.money(phasing.npv_with_continuing_value_usd)} with the {summary.continuing_months} months "
            "after the horizon)"
            if summary.continuing_months
            else ""
        )
        st.write(
            f"The best plan within these caps has NPV {short.money(phasing.npv_usd)}{with_more} and payback "
            f"{short.months(phasing.payback_months)} ({searched})."
        )
    st.dataframe(pd.DataFrame(phasing_rows(phasing)), hide_index=True)
    if note is not None and not nothing:
        st.info(literal(note), icon=":material/trending_up:")
    for warning in phasing.warnings:
        st.warning(literal(warning))
    st.button(
        "Apply this phasing to the case",
        key=state.PLAN_APPLY,
        on_click=apply_phasing,
        args=(dict(phasing.start_months),),
        icon=":material/event_available:",
        disabled=nothing,
        help="A phasing that funds nothing spends nothing: there is nothing to apply." if nothing else None,
    )
    st.caption("The memo, slides and workbook downloaded from the page carry these budgets and this phasing.")


def spend_planner(page: PageState) -> None:
    st.subheader("Spend planner: the budget a delivery-to-AI ratio implies")
    st.caption("The delivery budget a ratio implies, split like this case's spend, and its payback.")
    ratio = st.slider("Target delivery-to-AI ratio", 1.0, 4.0, 2.0, 0.25, key=state.PLAN_RATIO, format="%.2f : 1")
    planned = explore.plan_spend(page.scenario, ratio)
    if planned is None:
        if not any(getattr(page.scenario.investments, a).include for a in AREAS):
            st.info("No area is funded: switch an area's Fund toggle on in the sidebar to plan its spend.")
        else:
            st.info("Enter an AI tools spend to plan against it.")
        return
    cols = st.columns(4)
    cols[0].metric("Delivery budget", short.money(planned.budget_usd))
    for column, key in zip(cols[1:], ("payback_months", "npv_usd", "roi"), strict=True):
        column.metric(FIGURES[key].label, FIGURES[key].show(getattr(planned.summary, key), brief=True))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Area": AREA_LABELS[a],
                    "Budget": short.money(v) if getattr(page.scenario.investments, a).include else "nothing (left out)",
                }
                for a, v in planned.by_area_usd.items()
            ]
        ),
        hide_index=True,
    )
    st.caption(
        "Benefits stay as entered: this is what the budget pays back, not what more money would buy. Areas left "
        "out in the sidebar get nothing. The ratio counts one-time and recurring spend, staff left out."
    )


def view(page: PageState) -> None:
    for warning in cache.uncosted_benefits(page.toml_text):
        st.warning(warning)
    st.subheader("Each area alone")
    st.dataframe(pd.DataFrame(area_rows(page.result.summary)), hide_index=True)
    st.subheader("The schedule and its cost by month")
    chart(charts.plan_timeline_chart(page.result))
    st.subheader("Every combination of areas")
    st.caption(
        "Each set of areas funded with the schedule as entered, best NPV first. IRR is the hurdle rate below which "
        "that NPV is positive; investment is one-time cost plus staff time when staff is counted."
    )
    combos = pd.DataFrame(combination_rows(page.toml_text, page.result.summary))
    st.dataframe(combos, hide_index=True, height=35 * (len(combos) + 1) + 3)
    st.subheader("Phasing under yearly budgets")
    caps = budgets(page.scenario.finance.horizon_months)
    if st.session_state.pop(state.PLAN_APPLIED, False):
        st.success("Applied: the start months and the areas funded are set in the sidebar.")
    if caps:
        phasing_found(page, cache.best_phasing(page.toml_text, caps))
    spend_planner(page)
