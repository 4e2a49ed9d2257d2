"""Above the tabs: the case's name, the ask (what it costs, whether staff time is counted) and the answer, then cash
apart from engineer time; each figure opens how it is computed, with the case's own inputs in the formula."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from roi import explore
from roi.figures import FIGURES
from roi.model import Result, Summary
from ui import cache
from ui.state import PageState
from ui.text import literal
from ui.views.common import simulation_settings


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None
    lower_is_better: bool
    help: str
    caption: str | None = None  # a line under the figure
    how: str | None = None  # how the figure is computed, with the case's inputs


def _tile(key: str, now: Summary, then: Summary, result: Result | None = None) -> Tile:
    figure = FIGURES[key]
    a, b = getattr(now, key), getattr(then, key)
    how = explore.how_computed(key, result) if result is not None else None
    return Tile(
        figure.label, figure.show(a, brief=True), figure.change(a, b, brief=True), figure.lower_is_better, figure.help,
        how=how,
    )  # fmt: skip


def _from_kpi(kpi: explore.Kpi, label: str | None = None, how: str | None = None) -> Tile:
    return Tile(label or kpi.label, kpi.value, kpi.delta, kpi.lower_is_better, kpi.note or "", kpi.caption, how)


def ask_tiles(now: Summary, then: Summary, ratio: explore.Kpi, result: Result | None = None) -> list[Tile]:
    """What the plan costs: investment, year 1, staff time (existing engineers, and whether it is counted), and the
    delivery-to-AI ratio the plan counts (with staff when staff is counted; roi.explore.kpis names both in its help)."""
    counted = "counted" if now.include_staff_cost else "not counted"
    staff = _tile("staff_cost_usd", now, then, result)
    ratio_how = explore.how_computed(explore.ratio_key(now), result) if result is not None else None
    return [
        _tile("upfront_investment_usd", now, then, result),
        _tile("first_year_cost_usd", now, then, result),
        Tile(
            f"Staff time, {counted}",
            staff.value,
            staff.delta,
            True,
            f"{staff.help} It is {counted} in the plan's costs (the Finance section's toggle).",
            "Existing engineers' time, not new cash",
            how=staff.how,
        ),
        _from_kpi(ratio, "Delivery : AI" + (" (with staff)" if now.include_staff_cost else ""), ratio_how),
    ]


def answer_tiles(now: Summary, then: Summary, result: Result) -> tuple[list[Tile], explore.Kpi]:
    """Payback, discounted payback, NPV, IRR (with the hurdle rate it beats) and ROI; and the ratio's KPI."""
    *answer, ratio = explore.kpis(now, then, brief=True)
    pairs = zip(answer, explore.KPI_KEYS, strict=True)
    return [_from_kpi(k, how=explore.how_computed(key, result)) for k, key in pairs], ratio


def cash_and_time_tiles(page: PageState) -> list[Tile]:
    """Cash NPV, engineer hours freed (engineers' worth), NPV with the continuing months, the expected NPV."""
    now, then, result = page.result.summary, page.base_result.summary, page.result
    expected: float | None = None
    draws, seed = simulation_settings()
    if page.scenario.ranged_inputs():
        expected = float(cache.odds(page.toml_text, draws, seed)["mean_npv_usd"])
    kpis = explore.cash_and_time_kpis(now, then, expected, draws, brief=True)
    hows = [
        explore.how_computed("cash_npv_usd", result),
        explore.how_computed("engineer_hours_freed_per_month", result),
    ]
    if now.continuing_months:
        hows.append(explore.how_computed("npv_with_continuing_value_usd", result))
    if expected is not None:
        hows.append(explore.expected_npv_computed(expected, draws, seed, now))
    return [_from_kpi(k, how=how) for k, how in zip(kpis, hows, strict=True)]


def _row(tiles: list[Tile]) -> None:
    for column, tile in zip(st.columns(len(tiles)), tiles, strict=True):
        with column:
            st.metric(
                tile.label, tile.value, tile.delta, delta_color="inverse" if tile.lower_is_better else "normal",
                help=tile.help,
            )  # fmt: skip
            if tile.how:
                with st.popover(
                    "Formula", icon=":material/calculate:", help="How this is computed, with this case's inputs"
                ):
                    st.markdown(f"**How this is computed: {literal(tile.label)}, {literal(tile.value)}**")
                    for paragraph in tile.how.split("\n\n"):
                        st.markdown(literal(paragraph))
            if tile.caption:
                st.caption(literal(tile.caption))


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
    now, then = page.result.summary, page.base_result.summary
    horizon = now.horizon_months
    answer, ratio = answer_tiles(now, then, page.result)
    st.markdown(f"**The ask** (over a {horizon}-month horizon)")
    _row(ask_tiles(now, then, ratio, page.result))
    st.markdown("**The answer** (cash and engineer time together)")
    _row(answer)
    st.markdown("**Cash apart from engineer time**")
    _row(cash_and_time_tiles(page))
    st.caption(
        'Changes are against the loaded file. Payback "none" means the cumulative flow (cash and engineer time) is '
        "not above zero for good within the horizon."
    )
