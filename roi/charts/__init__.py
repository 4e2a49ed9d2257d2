"""The pictures: altair charts whose structure is built (and schema-validated) once per shape, then fed data.

Building an altair chart costs tens of milliseconds, too much for a page that reruns on every slider move.
So each chart is a template with named datasets, made once by an `lru_cache`d builder, and each call only
supplies fresh DataFrames. `ChartSpec.to_dict()` is a Vega-Lite spec that `st.vega_lite_chart` displays;
`to_png` and `to_svg` render the same spec (data inlined) for the memo and the slides, so the page and the
documents show one picture. No streamlit here.

Every template carries one theme (`THEME`: font, sizes, grid, the colours of the four streams and the four
areas) and reads money the same way: axis ticks through `MONEY_LABEL_EXPR`, whose Python twin is
`money_label` ($250K, $1.5M, $12M, -$450K, $0). Every label a reader sees is in words: streams by
`STREAM_LABELS`, areas by `AREA_LABELS`, inputs by `field_label`.

A chart with nothing to draw (no draw of a simulation pays back, no ranged input for a tornado) is still a
`ChartSpec`, whose picture is one plain sentence and whose `message` holds that sentence, so a caller can test
`spec.message` and say it in its own words instead.

The modules: `theme` (the look, money and month axes, template pieces), `spec` (`ChartSpec`, its rendering, the
one-sentence chart), `labels` (labelled rules inside a plot), and one per family of charts: `cash_flow` (one
case's monthly flows), `spend`, `compare`, `simulation` (histogram and fan of the draws), `timeline` (the plan's
schedule) and `tornado`. This package re-exports their public names, so `from roi.charts import X` and
`charts.X` read as before.
"""

from __future__ import annotations

from roi.charts.cash_flow import (
    AVOIDABLE,
    CASH_ONLY,
    CUMULATIVE,
    DISCOUNTED,
    DOING_NOTHING,
    PLAN_COST,
    PLAN_COST_NO_STAFF,
    benefit_by_stream_chart,
    cumulative_chart,
    has_cash_line,
    waste_vs_investment_chart,
)
from roi.charts.compare import compare_chart
from roi.charts.labels import (
    ASSUMED_PLOT_PX,
    LABEL_CHAR_PX,
    LABEL_MARK,
    LABEL_ROW_PX,
    LABEL_TOP_PX,
    MARK_COLUMNS,
)
from roi.charts.labels import rule_labels as _rule_labels
from roi.charts.simulation import (
    FAN_BAND,
    FAN_MEDIAN,
    cumulative_draws,
    fan_chart,
    payback_distribution_chart,
)
from roi.charts.spec import TIMELINE_LABEL_WIDTH, ChartSpec, _sized, _vl_version, message_chart, to_png, to_svg
from roi.charts.spend import (
    AI_TOOLS,
    ONE_TIME,
    PER_YEAR,
    STAFF,
    STAFF_NOT_COUNTED,
    spend_kinds,
    spend_split_chart,
    spend_split_frame,
)
from roi.charts.theme import (
    MONEY_DIGITS,
    MONEY_LABEL_EXPR,
    MONEY_UNITS,
    PERCENT_LABEL_EXPR,
    THEME,
    USD,
    ZERO,
    money_label,
    money_label_expr,
    money_short,
    month_step,
    month_ticks,
    vega_lite_config,
)
from roi.charts.timeline import (
    BUILD,
    COST_ONE_TIME,
    COST_RECURRING,
    COST_STAFF,
    FULL,
    NOT_FUNDED,
    RAMP,
    plan_phases,
    plan_timeline_chart,
)
from roi.charts.tornado import AT_HIGH, AT_LOW, input_label, tornado_chart

__all__ = [
    "AI_TOOLS",
    "ASSUMED_PLOT_PX",
    "AT_HIGH",
    "AT_LOW",
    "AVOIDABLE",
    "BUILD",
    "CASH_ONLY",
    "COST_ONE_TIME",
    "COST_RECURRING",
    "COST_STAFF",
    "CUMULATIVE",
    "DISCOUNTED",
    "DOING_NOTHING",
    "FAN_BAND",
    "FAN_MEDIAN",
    "FULL",
    "LABEL_CHAR_PX",
    "LABEL_MARK",
    "LABEL_ROW_PX",
    "LABEL_TOP_PX",
    "MARK_COLUMNS",
    "MONEY_DIGITS",
    "MONEY_LABEL_EXPR",
    "MONEY_UNITS",
    "NOT_FUNDED",
    "ONE_TIME",
    "PERCENT_LABEL_EXPR",
    "PER_YEAR",
    "PLAN_COST",
    "PLAN_COST_NO_STAFF",
    "RAMP",
    "STAFF",
    "STAFF_NOT_COUNTED",
    "THEME",
    "TIMELINE_LABEL_WIDTH",
    "USD",
    "ZERO",
    "ChartSpec",
    "_rule_labels",
    "_sized",
    "_vl_version",
    "benefit_by_stream_chart",
    "compare_chart",
    "cumulative_chart",
    "cumulative_draws",
    "fan_chart",
    "has_cash_line",
    "input_label",
    "message_chart",
    "money_label",
    "money_label_expr",
    "money_short",
    "month_step",
    "month_ticks",
    "payback_distribution_chart",
    "plan_phases",
    "plan_timeline_chart",
    "spend_kinds",
    "spend_split_chart",
    "spend_split_frame",
    "to_png",
    "to_svg",
    "tornado_chart",
    "vega_lite_config",
    "waste_vs_investment_chart",
]
