"""Above the tabs: the case's name, the ask (what it costs, whether staff is counted) and the answer."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from roi import explore
from roi.figures import FIGURES
from roi.model import Summary
from ui.state import PageState
from ui.text import literal


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None
    lower_is_better: bool
    help: str


def _tile(key: str, now: Summary, then: Summary) -> Tile:
    figure = FIGURES[key]
    a, b = getattr(now, key), getattr(then, key)
    return Tile(
        figure.label, figure.show(a, brief=True), figure.change(a, b, brief=True), figure.lower_is_better, figure.help
    )


def _from_kpi(kpi: explore.Kpi, label: str | None = None) -> Tile:
    return Tile(label or kpi.label, kpi.value, kpi.delta, kpi.lower_is_better, kpi.note or "")


def ask_tiles(now: Summary, then: Summary, ratio: explore.Kpi) -> list[Tile]:
    """What the plan costs: investment, year 1, staff (and whether it is counted), and the delivery-to-AI ratio the
    plan counts (with staff when staff is counted; roi.explore.kpis says which and names both in its help)."""
    counted = "counted" if now.include_staff_cost else "not counted"
    staff = _tile("staff_cost_usd", now, then)
    return [
        _tile("upfront_investment_usd", now, then),
        _tile("first_year_cost_usd", now, then),
        Tile(
            f"Staff cost, {counted}",
            staff.value,
            staff.delta,
            True,
            f"{staff.help} It is {counted} in the plan's costs (the Finance section's toggle).",
        ),
        _from_kpi(ratio, "Delivery : AI" + (" (with staff)" if now.include_staff_cost else "")),
    ]


def _row(tiles: list[Tile]) -> None:
    for column, tile in zip(st.columns(len(tiles)), tiles, strict=True):
        column.metric(
            tile.label, tile.value, tile.delta, delta_color="inverse" if tile.lower_is_better else "normal",
            help=tile.help,
        )  # fmt: skip


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
    *answer, ratio = explore.kpis(now, then, brief=True)  # payback, discounted payback, NPV, IRR, ROI; the ratio
    st.markdown(f"**The ask** (over a {horizon}-month horizon)")
    _row(ask_tiles(now, then, ratio))
    st.markdown("**The answer**")
    _row([_from_kpi(k) for k in answer])
    st.caption(
        'Changes are against the loaded file. Payback "none" means the cumulative cash flow is not above zero '
        "for good within the horizon."
    )
