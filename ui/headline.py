"""Above the tabs: the case's name, the ask (what it costs, whether staff is counted) and the answer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from roi import explore
from roi.figures import FIGURES
from roi.model import Summary
from ui import format as short
from ui.state import PageState
from ui.text import literal


@dataclass(frozen=True)
class Tile:
    label: str
    value: str
    delta: str | None
    lower_is_better: bool
    help: str


def _delta(now: float | None, then: float | None, show: Callable[[float | None], str]) -> str | None:
    if now is None or then is None:
        return None if now == then else f"was {show(then)}"
    diff = now - then
    if abs(diff) <= 1e-9 * max(1.0, abs(then)):
        return None
    return ("+" if diff > 0 else "-") + show(abs(diff)).lstrip("-")


def _pp(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f} pp"


Show = Callable[[float | None], str]


def _tile(key: str, now: Summary, then: Summary, show: Show, delta_show: Show | None = None) -> Tile:
    figure = FIGURES[key]
    a, b = getattr(now, key), getattr(then, key)
    return Tile(figure.label, show(a), _delta(a, b, delta_show or show), figure.lower_is_better, figure.help)


def ratio_in_force(summary: Summary) -> float | None:
    """The delivery-to-AI ratio as the plan counts it: with staff when staff cost is counted."""
    ratio: float | None = getattr(summary, explore.ratio_key(summary))
    return ratio


def ask_tiles(now: Summary, then: Summary) -> list[Tile]:
    ratio_now, ratio_then = ratio_in_force(now), ratio_in_force(then)
    band = "no AI spend entered"
    if ratio_now is not None:
        band = "within the 2:1 to 3:1 band" if 2 <= ratio_now <= 3 else ("below 2:1" if ratio_now < 2 else "above 3:1")
    counted = "counted" if now.include_staff_cost else "not counted"
    return [
        _tile("upfront_investment_usd", now, then, short.money),
        _tile("first_year_cost_usd", now, then, short.money),
        Tile(
            f"Staff cost, {counted}",
            short.money(now.staff_cost_usd),
            _delta(now.staff_cost_usd, then.staff_cost_usd, short.money),
            True,
            f"{FIGURES['staff_cost_usd'].help} It is {counted} in the plan's costs (the Finance section's toggle).",
        ),
        Tile(
            "Delivery : AI" + (" (with staff)" if now.include_staff_cost else ""),
            short.ratio(ratio_now),
            _delta(ratio_now, ratio_then, lambda x: "n/a" if x is None else f"{x:.2f}"),
            False,
            f"Delivery spend per dollar a year of AI tools, {band}. Without staff: "
            f"{short.ratio(now.delivery_to_ai_ratio)}; with the engineer-quarters priced in: "
            f"{short.ratio(now.delivery_to_ai_ratio_incl_staff)}. This tile counts staff when staff cost is "
            "counted. The forum post argues for 2:1 to 3:1.",
        ),
    ]


def answer_tiles(now: Summary, then: Summary) -> list[Tile]:
    return [
        _tile("payback_months", now, then, short.months),
        _tile("discounted_payback_months", now, then, short.months),
        _tile("npv_usd", now, then, short.money),
        _tile("irr_annual", now, then, short.pct, _pp),
        _tile("roi", now, then, short.pct, _pp),
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
    st.markdown(f"**The ask** (over a {horizon}-month horizon)")
    _row(ask_tiles(now, then))
    st.markdown("**The answer**")
    _row(answer_tiles(now, then))
    st.caption(
        'Changes are against the loaded file. Payback "none" means the cumulative cash flow is not above zero '
        "for good within the horizon."
    )
