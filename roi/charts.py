"""The pictures: altair charts whose structure is built (and schema-validated) once per shape, then fed data.

Building an altair chart costs tens of milliseconds, too much for a page that reruns on every slider move.
So each chart is a template with named datasets, made once by an `lru_cache`d builder, and each call only
supplies fresh DataFrames. `ChartSpec.to_dict()` is a Vega-Lite spec that `st.vega_lite_chart` displays.
No streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from roi.model import Result
from roi.scenario import AREA_LABELS, AREAS, STREAMS, Scenario, likely
from roi.uncertainty import Simulation

USD = ",.0f"


@dataclass(frozen=True)
class ChartSpec:
    """A Vega-Lite template and the DataFrames for its named datasets."""

    template: dict[str, Any]
    datasets: dict[str, pd.DataFrame]

    def to_dict(self) -> dict[str, Any]:
        """The spec with its data: DataFrames for streamlit, which sends them as Arrow."""
        return {**self.template, "datasets": dict(self.datasets)}

    def to_json_dict(self) -> dict[str, Any]:
        """The spec with its data as plain records (for a standalone Vega-Lite renderer, or a test)."""
        return {**self.template, "datasets": {k: v.to_dict("records") for k, v in self.datasets.items()}}


def _data(name: str) -> Any:
    return alt.NamedData(name=name)


def _template(chart: Any) -> dict[str, Any]:
    spec: dict[str, Any] = chart.to_dict()  # validated against the Vega-Lite schema, once per shape
    spec.pop("datasets", None)
    return spec


@lru_cache(maxsize=1)
def _cumulative_template() -> dict[str, Any]:
    lines = (
        alt.Chart(_data("flows"))
        .mark_line()
        .encode(
            x=alt.X("month:Q", title="month", scale=alt.Scale(nice=False)),
            y=alt.Y("usd:Q", title="cumulative cash flow (USD)", axis=alt.Axis(format="$,.0s")),
            color=alt.Color("series:N", title=None),
            strokeDash=alt.StrokeDash("series:N", legend=None),
            tooltip=[alt.Tooltip("month:Q"), alt.Tooltip("series:N"), alt.Tooltip("usd:Q", format=USD)],
        )
    )
    zero = alt.Chart(_data("zero")).mark_rule(color="#444").encode(y="usd:Q")
    point = alt.Chart(_data("payback")).encode(x="month:Q", y="usd:Q")
    marker = point.mark_point(size=120, filled=True, color="#2e7d32").encode(tooltip=["label:N"])
    label = point.mark_text(dy=-14, color="#2e7d32").encode(text="label:N")
    return _template(alt.layer(zero, lines, marker, label).properties(height=320))


def cumulative_chart(result: Result) -> ChartSpec:
    """Cumulative and discounted cumulative cash flow by month, the payback point marked."""
    table = result.monthly
    flows = pd.DataFrame(
        {
            "month": np.tile(table["month"].to_numpy(), 2),
            "usd": np.concatenate([table["cumulative_usd"], table["cumulative_discounted_usd"]]),
            "series": ["cumulative"] * len(table) + ["discounted"] * len(table),
        }
    )
    payback = result.summary.payback_months
    point = pd.DataFrame(
        {"month": [payback], "usd": [0.0], "label": [f"payback {payback:.1f} months"]}
        if payback is not None
        else {"month": [], "usd": [], "label": []}
    )
    return ChartSpec(_cumulative_template(), {"flows": flows, "zero": pd.DataFrame({"usd": [0.0]}), "payback": point})


@lru_cache(maxsize=1)
def _streams_template() -> dict[str, Any]:
    return _template(
        alt.Chart(_data("streams"))
        .mark_bar()
        .encode(
            x=alt.X("month:O", title="month"),
            y=alt.Y("usd:Q", title="benefit per month (USD)", stack="zero", axis=alt.Axis(format="$,.0s")),
            color=alt.Color("stream:N", title="stream"),
            tooltip=["month:O", "stream:N", alt.Tooltip("usd:Q", format=USD)],
        )
        .properties(height=280)
    )


def benefit_by_stream_chart(result: Result) -> ChartSpec:
    """Monthly benefit by stream, stacked (negative streams stack below zero)."""
    table = result.monthly[result.monthly["month"] >= 1]
    long = table.melt(id_vars="month", value_vars=[f"{s}_usd" for s in STREAMS], var_name="stream", value_name="usd")
    long["stream"] = long["stream"].str.removesuffix("_usd").str.replace("_", " ")
    return ChartSpec(_streams_template(), {"streams": long})


@lru_cache(maxsize=1)
def _waste_template() -> dict[str, Any]:
    return _template(
        alt.Chart(_data("costs"))
        .mark_line()
        .encode(
            x=alt.X("month:Q", scale=alt.Scale(nice=False)),
            y=alt.Y("usd:Q", title="cumulative cost (USD)", axis=alt.Axis(format="$,.0s")),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["month:Q", "series:N", alt.Tooltip("usd:Q", format=USD)],
        )
        .properties(height=280)
    )


def waste_vs_investment_chart(result: Result) -> ChartSpec:
    """The cumulative cost of doing nothing against the cumulative cost of the investment."""
    table = result.monthly
    costs = -(table["upfront_usd"] + table["recurring_usd"])
    long = pd.DataFrame(
        {
            "month": np.tile(table["month"].to_numpy(), 2),
            "usd": np.concatenate([table["baseline_waste_usd"].cumsum(), costs.cumsum()]),
            "series": ["cost of doing nothing (failed-merge rework)"] * len(table) + ["investment"] * len(table),
        }
    )
    return ChartSpec(_waste_template(), {"costs": long})


def spend_split_frame(scenario: Scenario, staff_cost_usd: float) -> pd.DataFrame:
    """AI tools and the four delivery areas, by kind of spend (first year)."""
    rows = [{"area": "AI coding tools", "kind": "per year", "usd": likely(scenario.ai_tools.annual_spend)}]
    quarters = {a: likely(getattr(scenario.investments, a).engineer_quarters) for a in AREAS}
    total_quarters = sum(quarters.values())
    for a in AREAS:
        inv = getattr(scenario.investments, a)
        rows.append({"area": AREA_LABELS[a], "kind": "one-time", "usd": likely(inv.one_time)})
        rows.append({"area": AREA_LABELS[a], "kind": "per year", "usd": likely(inv.annual_recurring)})
        share = quarters[a] / total_quarters if total_quarters else 0.0
        rows.append({"area": AREA_LABELS[a], "kind": "staff (engineer-quarters)", "usd": staff_cost_usd * share})
    return pd.DataFrame(rows)


@lru_cache(maxsize=1)
def _split_template() -> dict[str, Any]:
    return _template(
        alt.Chart(_data("split"))
        .mark_bar()
        .encode(
            y=alt.Y("area:N", title=None, sort=None),
            x=alt.X("usd:Q", title="USD", stack="zero", axis=alt.Axis(format="$,.0s")),
            color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom")),
            tooltip=["area:N", "kind:N", alt.Tooltip("usd:Q", format=USD)],
        )
        .properties(height=200)
    )


def spend_split_chart(scenario: Scenario, staff_cost_usd: float) -> ChartSpec:
    """The spend split between AI tools and the four delivery areas."""
    return ChartSpec(_split_template(), {"split": spend_split_frame(scenario, staff_cost_usd)})


@lru_cache(maxsize=1)
def _compare_template() -> dict[str, Any]:
    return _template(
        alt.Chart(_data("compare"))
        .mark_line()
        .encode(
            x="month:Q",
            y=alt.Y("usd:Q", title="cumulative cash flow (USD)", axis=alt.Axis(format="$,.0s")),
            color=alt.Color("scenario:N", legend=alt.Legend(orient="bottom", labelLimit=400)),
            tooltip=["scenario:N", "month:Q", alt.Tooltip("usd:Q", format=USD)],
        )
        .properties(height=320)
    )


def compare_chart(results: Mapping[str, Result]) -> ChartSpec:
    """Cumulative cash flows of several scenarios overlaid."""
    frames = [
        pd.DataFrame({"month": r.monthly["month"], "usd": r.monthly["cumulative_usd"], "scenario": name})
        for name, r in results.items()
    ]
    return ChartSpec(_compare_template(), {"compare": pd.concat(frames, ignore_index=True)})


@lru_cache(maxsize=1)
def _histogram_template() -> dict[str, Any]:
    bars = (
        alt.Chart(_data("bins"))
        .mark_bar(opacity=0.8)
        .encode(
            x=alt.X("start:Q", title="payback (months)"),
            x2="end:Q",
            y=alt.Y("draws:Q", title="draws"),
            tooltip=[alt.Tooltip("start:Q", format=".1f"), alt.Tooltip("end:Q", format=".1f"), "draws:Q"],
        )
    )
    rules = alt.Chart(_data("marks")).encode(x="months:Q")
    return _template(
        alt.layer(
            bars,
            rules.mark_rule(color="#c62828", strokeDash=[4, 3]),
            rules.mark_text(align="left", dx=3, dy=-120, color="#c62828").encode(text="label:N"),
        ).properties(height=280)
    )


def payback_distribution_chart(simulation: Simulation) -> ChartSpec:
    """Histogram of payback months across draws, P10 / P50 / P90 marked; never-paying draws are counted apart."""
    payback = simulation.metrics.payback_months
    finite = payback[np.isfinite(payback)]
    counts, edges = np.histogram(finite, bins=40) if finite.size else (np.zeros(0), np.zeros(1))
    bins = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "draws": counts})
    q = simulation.percentiles()["payback_months"]
    marks = pd.DataFrame(
        [{"label": k.upper(), "months": v} for k, v in q.items() if k != "mean" and v is not None],
        columns=["label", "months"],
    )
    return ChartSpec(_histogram_template(), {"bins": bins, "marks": marks})


@lru_cache(maxsize=32)
def _tornado_template(rows: int) -> dict[str, Any]:
    bars = (
        alt.Chart(_data("bars"))
        .mark_bar()
        .encode(
            y=alt.Y("input:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("left:Q", title="NPV (USD)", axis=alt.Axis(format="$,.0s")),
            x2="right:Q",
            tooltip=[
                "input:N",
                alt.Tooltip("low:Q"),
                alt.Tooltip("high:Q"),
                alt.Tooltip("npv_low_usd:Q", title="NPV at low", format=USD),
                alt.Tooltip("npv_high_usd:Q", title="NPV at high", format=USD),
            ],
        )
    )
    base = alt.Chart(_data("base")).mark_rule(color="#444").encode(x="npv:Q")
    return _template(alt.layer(bars, base).properties(height=max(120, 28 * rows)))


def tornado_chart(table: pd.DataFrame, base_npv_usd: float) -> ChartSpec:
    """NPV with each ranged input at its low and its high, widest swing on top."""
    frame = table.assign(
        left=np.minimum(table["npv_low_usd"], table["npv_high_usd"]),
        right=np.maximum(table["npv_low_usd"], table["npv_high_usd"]),
    )
    return ChartSpec(_tornado_template(len(frame)), {"bars": frame, "base": pd.DataFrame({"npv": [base_npv_usd]})})
