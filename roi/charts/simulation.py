"""The Monte Carlo's pictures: the payback months across the draws (a histogram with P10 / P50 / P90), and the
fan of the draws' cumulative cash flows (the P10 to P90 band and the median)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from roi import finance
from roi import formatting as fmt
from roi.charts.labels import room_for_labels, rule_labels, rules_and_labels
from roi.charts.spec import ChartSpec, message_chart
from roi.charts.theme import (
    PERCENT_LABEL_EXPR,
    THEME,
    USD,
    ZERO,
    money_axis,
    month_axis,
    month_scale,
    named_data,
    series_colour,
    themed_template,
    zero_rule,
)
from roi.model import flow_chunks
from roi.uncertainty import Simulation


def _bin_step(span: float, bins: int = 30) -> float:
    """A round bin width in months giving about `bins` bins over `span` months."""
    for step in (0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 3.0, 6.0, 12.0):
        if span / step <= bins:
            return step
    return 24.0


@lru_cache(maxsize=1)
def _histogram_template() -> dict[str, Any]:
    bars = (
        alt.Chart(named_data("bins"))
        .mark_bar(color=THEME["bars"], stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "start:Q",
                title="Payback (months)",
                scale=alt.Scale(zero=False, nice=False),
                axis=alt.Axis(format="~g", tickMinStep=0.1, tickCount=10, labelFlush=False, labelAngle=0),
            ),
            x2=alt.X2("end:Q"),
            y=alt.Y(
                "share:Q",
                scale=room_for_labels("bins", "share", floor=0.0),
                axis=alt.Axis(
                    title="Share of draws",
                    tickCount=alt.ExprRef(expr="max(2, ceil(height / 50))"),
                    labelExpr=PERCENT_LABEL_EXPR,
                ),
            ),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("start:Q", title="From (months)", format=".1f"),
                alt.Tooltip("end:Q", title="To (months)", format=".1f"),
                alt.Tooltip("draws:Q", title="Draws", format=","),
                alt.Tooltip("share:Q", title="Share of draws", format=".1%"),
            ],
        )
    )
    return themed_template(alt.layer(bars, *rules_and_labels(dash=[4, 3])).properties(height=280))


def payback_distribution_chart(simulation: Simulation) -> ChartSpec:
    """Histogram of payback months across draws (bars: share of all draws), P10 / P50 / P90 marked in the plot.

    Draws that never pay back are not in the bars; a sentence in the plot says how many there are. When no draw
    pays back within the horizon the result is `message_chart("No draw pays back within the horizon ...")`: a
    ChartSpec whose `message` is set and whose picture is that sentence.
    """
    payback = np.asarray(simulation.metrics.payback_months, dtype=np.float64)
    horizon = simulation.scenario.finance.horizon_months
    finite = payback[np.isfinite(payback)]
    if finite.size == 0:
        return message_chart(f"No draw pays back within the horizon ({horizon} months).")
    low, high = float(finite.min()), float(finite.max())
    step = _bin_step(high - low)
    first = math.floor(low / step) * step
    count = max(1, math.ceil((high - first) / step + 1e-9))
    if first + count * step <= high:
        count += 1
    edges = first + step * np.arange(count + 1)
    counts, _ = np.histogram(finite, bins=edges)
    share = counts / payback.size
    bins = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "draws": counts, "share": share})
    q = simulation.percentiles()["payback_months"]
    rows = [
        {"at": v, "text": f"{k.upper()} {v:.1f} months", "colour": THEME["ink"]}
        for k, v in q.items()
        if k in ("p10", "p50", "p90") and v is not None
    ]
    never = int(payback.size - finite.size)
    if never:
        unreached = ", ".join(k.upper() for k in ("p10", "p50", "p90") if q[k] is None)
        text = f"{fmt.whole_pct(never / payback.size)} of draws never pay back" + (
            f" ({unreached}: never)" if unreached else ""
        )
        rows.append({"at": float(edges[-1]), "text": text, "colour": THEME["muted"], "rule": False})
    marks = rule_labels(rows, float(edges[0]), float(edges[-1]), right_from=0.6)
    return ChartSpec(_histogram_template(), {"bins": bins, "marks": marks})


FAN_BAND = "P10 to P90"
FAN_MEDIAN = "Median"


def cumulative_draws(simulation: Simulation, *, discounted: bool = False) -> NDArray[np.float32]:
    """The cumulative cash flow of every draw by month, (draws, months 0..H), computed a chunk of draws at a time.

    Kept as float32 (a cent's precision up to $100K, a dollar's to $100M): 10,000 draws over 36 months is 1.5 MB.
    """
    scenario = simulation.scenario
    months = scenario.finance.horizon_months + 1
    out = np.empty((simulation.draws, months), dtype=np.float32)
    for rows, flows in flow_chunks(scenario, simulation.inputs, simulation.draws):
        net = flows.horizon(flows.net_flow_usd)
        if discounted:  # each draw at its own discount rate, where the rate is ranged
            net = net * finance.discount_factors(finance.monthly_rate(flows.annual_discount_rate), months)
        out[rows] = np.cumsum(net, axis=1)
    return out


@lru_cache(maxsize=16)
def _fan_template(horizon: int, title: str) -> dict[str, Any]:
    series = [FAN_BAND, FAN_MEDIAN]
    colour = series_colour(series, [THEME["band"], THEME["cash"]])
    x = alt.X("month:Q", axis=month_axis(horizon), scale=month_scale(horizon))
    band = (
        alt.Chart(named_data("bands"))
        .mark_area(opacity=0.75)
        .encode(
            x=x,
            y=alt.Y("low:Q", axis=money_axis(title)),
            y2=alt.Y2("high:Q"),
            color=colour,
            tooltip=[
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("low:Q", title="P10 (USD)", format=USD),
                alt.Tooltip("high:Q", title="P90 (USD)", format=USD),
            ],
        )
    )
    median = (
        alt.Chart(named_data("median"))
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("usd:Q"),
            color=colour,
            tooltip=[
                alt.Tooltip("month:Q", title="Month", format="d"),
                alt.Tooltip("usd:Q", title="Median (USD)", format=USD),
            ],
        )
    )
    return themed_template(alt.layer(band, zero_rule(), median).properties(height=320))


def fan_chart(
    simulation: Simulation, cumulative: NDArray[np.floating[Any]] | None = None, *, discounted: bool = False
) -> ChartSpec:
    """Cumulative cash flow across the draws by month: the P10 to P90 band and the median.

    `cumulative` is the draws' cumulative flows, (draws, months 0..H); by default they are computed from the
    simulation's inputs with `cumulative_draws`. Percentiles pick actual draws (inverted CDF), as the
    simulation's own percentiles do.
    """
    flows = cumulative_draws(simulation, discounted=discounted) if cumulative is None else np.asarray(cumulative)
    horizon = simulation.scenario.finance.horizon_months
    if flows.ndim != 2 or flows.shape[1] != horizon + 1:
        raise ValueError(f"cumulative must be shaped (draws, {horizon + 1}), got {flows.shape}")
    p10, p50, p90 = np.quantile(flows, [0.1, 0.5, 0.9], axis=0, method="inverted_cdf").astype(np.float64)
    months = np.arange(horizon + 1)
    bands = pd.DataFrame({"month": months, "low": p10, "high": p90, "series": FAN_BAND})
    median = pd.DataFrame({"month": months, "usd": p50, "series": FAN_MEDIAN})
    title = "Discounted cumulative flow (USD)" if discounted else "Cumulative flow (USD)"
    return ChartSpec(_fan_template(horizon, title), {"bands": bands, "median": median, "zero": ZERO})
