"""Where the money goes: the spend split between AI tools and the four delivery areas, by kind of spend."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import altair as alt
import pandas as pd

from roi.charts.spec import ChartSpec
from roi.charts.theme import THEME, USD, money_axis, named_data, themed_template
from roi.scenario import AREA_LABELS, AREAS, Scenario, likely

ONE_TIME = "One-time"
PER_YEAR = "Per year (recurring)"
STAFF = "Staff (engineer-quarters)"
STAFF_NOT_COUNTED = "Staff (not counted)"
AI_TOOLS = "AI coding tools"


def spend_kinds(staff_counted: bool) -> list[str]:
    return [ONE_TIME, PER_YEAR, STAFF if staff_counted else STAFF_NOT_COUNTED]


def spend_split_frame(scenario: Scenario, staff_cost_usd: float) -> pd.DataFrame:
    """AI tools and the four delivery areas, by kind of spend: one-time, per year, and the staff time priced."""
    staff_kind = STAFF if scenario.finance.include_staff_cost else STAFF_NOT_COUNTED
    rows = [{"area": AI_TOOLS, "kind": PER_YEAR, "usd": likely(scenario.ai_tools.annual_spend)}]
    quarters = {a: likely(getattr(scenario.investments, a).engineer_quarters) for a in AREAS}
    total_quarters = sum(quarters.values())
    for a in AREAS:
        inv = getattr(scenario.investments, a)
        rows.append({"area": AREA_LABELS[a], "kind": ONE_TIME, "usd": likely(inv.one_time)})
        rows.append({"area": AREA_LABELS[a], "kind": PER_YEAR, "usd": likely(inv.annual_recurring)})
        share = quarters[a] / total_quarters if total_quarters else 0.0
        rows.append({"area": AREA_LABELS[a], "kind": staff_kind, "usd": staff_cost_usd * share})
    frame = pd.DataFrame(rows, columns=["area", "kind", "usd"])
    frame["order"] = frame["kind"].map({k: i for i, k in enumerate([ONE_TIME, PER_YEAR, staff_kind])})
    return frame


@lru_cache(maxsize=2)
def _split_template(staff_counted: bool) -> dict[str, Any]:
    kinds = spend_kinds(staff_counted)
    staff_colour = THEME["staff"] if staff_counted else THEME["staff_not_counted"]
    rows = [AI_TOOLS, *(AREA_LABELS[a] for a in AREAS)]
    return themed_template(
        alt.Chart(named_data("split"))
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            y=alt.Y("area:N", title=None, sort=rows, axis=alt.Axis(labelOverlap=False, labelLimit=260, ticks=False)),
            x=alt.X("usd:Q", stack="zero", axis=money_axis("Spend (USD)", along="width")),
            color=alt.Color(
                "kind:N",
                title=None,
                scale=alt.Scale(domain=kinds, range=[THEME["one_time"], THEME["recurring"], staff_colour]),
                legend=alt.Legend(title=None),
                sort=kinds,
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("area:N", title="Spend on"),
                alt.Tooltip("kind:N", title="Kind"),
                alt.Tooltip("usd:Q", title="Amount (USD)", format=USD),
            ],
        )
        .properties(height=alt.Step(36))
    )


def spend_split_chart(scenario: Scenario, staff_cost_usd: float) -> ChartSpec:
    """The spend split between AI tools and the four delivery areas; staff not counted in the flows drawn muted."""
    frame = spend_split_frame(scenario, staff_cost_usd)
    return ChartSpec(_split_template(scenario.finance.include_staff_cost), {"split": frame})
