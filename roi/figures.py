"""One table of the output figures: key (as in `roi summary --json`), the label a reader sees, how it reads, and
whether lower is better. The CLI's table, the app's KPIs and their deltas, the compare table, the memo and the
workbook's Summary all read their labels and formats from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from roi import formatting as fmt

if TYPE_CHECKING:
    from roi.model import Summary

FigureKind = Literal["money", "months", "share", "ratio", "count", "flag", "number"]


@dataclass(frozen=True)
class Figure:
    """One output figure."""

    key: str
    label: str
    kind: FigureKind
    lower_is_better: bool = False
    help: str = ""

    def show(self, x: float | bool | None, *, brief: bool = False) -> str:
        """The figure as a reader reads it: $742,489, 11.77 months, 150.6%, 2.25 : 1; briefly (for a KPI tile or a
        narrow cell) $742K, 11.8 mo, 150.6 %, 2.25 : 1."""
        if isinstance(x, bool) or self.kind == "flag":
            return "n/a" if x is None else ("yes" if x else "no")
        if self.kind == "money":
            return fmt.brief_money(x) if brief else fmt.money(x)
        if self.kind == "months":
            return fmt.brief_months(x) if brief else fmt.months(x)
        if self.kind == "share":
            return fmt.pct(x)  # one form: 150.6 %
        if self.kind == "ratio":
            return fmt.brief_ratio(x) if brief else fmt.ratio(x)
        if x is None:
            return "n/a"
        return fmt.unsigned_zero(f"{x:,.0f}" if self.kind == "count" else f"{x:,.1f}")  # 85.0 failed merges

    def change(self, now: float | None, then: float | None, *, brief: bool = False) -> str | None:
        """The change from `then` to `now` in this figure's units, signed; None when nothing changed."""
        if now is None or then is None:
            return None if now == then else f"was {self.show(then, brief=brief)}"
        diff = float(now) - float(then)
        if abs(diff) <= 1e-9 * max(1.0, abs(float(then))):
            return None
        sign = "+" if diff > 0 else "-"
        if self.kind == "share":
            return f"{sign}{abs(diff) * 100:.1f} pp"
        if self.kind == "months":
            return f"{sign}{abs(diff):.{1 if brief else 2}f} mo"
        if self.kind == "ratio":
            return f"{sign}{abs(diff):.2f}"
        return sign + self.show(abs(diff), brief=brief).lstrip("-")


def _f(key: str, label: str, kind: FigureKind, lower: bool = False, help: str = "") -> tuple[str, Figure]:
    return key, Figure(key, label, kind, lower, help)


#: The summary's figures in reading order.
FIGURES: dict[str, Figure] = dict(
    [
        _f(
            "payback_months",
            "Payback",
            "months",
            True,
            "The month after which the cumulative flow (cash and engineer time) stays at or above zero.",
        ),
        _f(
            "discounted_payback_months",
            "Discounted payback",
            "months",
            True,
            "Payback on flows discounted at the discount rate.",
        ),
        _f("npv_usd", "NPV", "money", help="Net present value of every flow over the horizon, cash and engineer time."),
        _f(
            "npv_with_continuing_value_usd",
            "NPV with the months after the horizon",
            "money",
            help="NPV over the horizon and the continuing months after it, when the plan keeps running.",
        ),
        _f(
            "continuing_value_usd",
            "Continuing value (months after the horizon)",
            "money",
            help="What the continuing months after the horizon add to NPV.",
        ),
        _f(
            "cash_npv_usd",
            "Cash NPV (money out and back)",
            "money",
            help="NPV of cash alone: money paid or saved (tools, licences, downtime, cost of delay); engineer "
            "time, freed or spent, left out.",
        ),
        _f(
            "cash_payback_months",
            "Cash payback",
            "months",
            True,
            "Payback of the cash flow alone, engineer time left out.",
        ),
        _f(
            "engineer_hours_freed_per_month",
            "Engineer hours freed per month",
            "count",
            help="Risk-adjusted engineer hours a month the plan frees at full ramp, before recapture.",
        ),
        _f(
            "engineers_freed",
            "Engineers' worth of time freed",
            "number",
            help="Engineer hours freed a month over the hours of one engineer-month (an engineer-quarter / 3).",
        ),
        _f(
            "share_of_team_freed",
            "Share of the team's time freed",
            "share",
            help="Engineers' worth of time freed over the team's head count.",
        ),
        _f("irr_annual", "IRR (annual)", "share", help="The annual rate at which NPV is zero."),
        _f("roi", "ROI", "share", help="NPV per dollar of present-valued cost."),
        _f(
            "delivery_to_ai_ratio",
            "Delivery-to-AI spend ratio",
            "ratio",
            help="Delivery spend (one-time + recurring) per dollar a year of AI tools.",
        ),
        _f(
            "delivery_to_ai_ratio_incl_staff",
            "Delivery-to-AI ratio with staff",
            "ratio",
            help="The same with the engineer-quarters priced in, counted or not.",
        ),
        _f(
            "annual_delivery_to_ai_ratio",
            "Delivery-to-AI ratio per year",
            "ratio",
            help="Every cost in the flows, per year of the horizon, per dollar of AI spend.",
        ),
        _f("upfront_investment_usd", "Investment (one-time + staff)", "money", True),
        _f("first_year_cost_usd", "Cost in year 1", "money", True, "Every cost in months 0 to 12."),
        _f(
            "peak_funding_usd",
            "Peak funding",
            "money",
            True,
            "The deepest the cumulative flow goes (cash and engineer time) before it pays back.",
        ),
        _f("one_time_cost_usd", "One-time cost", "money", True),
        _f(
            "staff_cost_usd",
            "Staff time at the loaded rate",
            "money",
            True,
            "Existing engineers' time, the engineer-quarters at the loaded rate: payroll already paid, not new cash.",
        ),
        _f("pv_benefits_usd", "Present value of benefits", "money"),
        _f("annual_recurring_cost_usd", "Recurring cost per year", "money", True),
        _f("pv_costs_usd", "Present value of costs", "money", True),
        _f("monthly_benefit_usd", "Benefit per month at full ramp", "money"),
        _f(
            "monthly_waste_usd",
            "Failed-merge rework per month today",
            "money",
            True,
            "What failed merges cost in rework each month at today's success rate: the cost of doing nothing in "
            "that stream alone. The benefit can be larger: it counts every stream (builds, incidents, lead time).",
        ),
        _f("failed_merges_per_month", "Failed merges per month", "number", True),
        _f("cumulative_zero_crossings", "Times the cumulative cash flow crosses zero", "count"),
        _f("horizon_months", "Horizon", "months"),
        _f("include_staff_cost", "Staff cost counted", "flag"),
    ]
)

#: Each spend area alone (the summary's `areas`).
AREA_FIGURES: dict[str, Figure] = dict(
    [
        _f("included", "In the plan", "flag"),
        _f("go_live_month", "Goes live", "number"),
        _f("investment_usd", "Investment", "money", True),
        _f("npv_usd", "NPV alone", "money"),
        _f("payback_months", "Payback alone", "months", True),
        _f("roi", "ROI alone", "share"),
        _f("monthly_benefit_usd", "Benefit per month", "money"),
        _f("cash_npv_usd", "Cash NPV alone", "money"),
        _f("npv_with_continuing_value_usd", "NPV alone with the months after the horizon", "money"),
        _f("continuing_value_usd", "Continuing value alone", "money"),
        _f("engineer_hours_freed_per_month", "Engineer hours freed per month", "count"),
        _f("pv_benefits_usd", "Present value of benefits alone", "money"),
        _f("pv_costs_usd", "Present value of costs alone", "money", True),
        _f("cash_payback_months", "Cash payback alone", "months", True),
    ]
)


def investment_label(include_staff_cost: bool) -> str:
    """The investment's label as the plan counts it: the engineer-quarters are in it only when staff is counted."""
    return FIGURES["upfront_investment_usd"].label if include_staff_cost else "Investment (one-time; staff not counted)"


#: Figures that say nothing when nothing is spent or earned within the horizon.
_NOTHING_KEYS = ("payback_months", "discounted_payback_months", "cash_payback_months", "irr_annual", "roi")


def summary_text(key: str, summary: Summary, *, brief: bool = False) -> str:
    """A summary figure in words, with the method's edge cases said as such: "nothing is spent or earned within
    the horizon" (never "0 months"), "not meaningful" for ROI on under $1 of cost, IRR as a hurdle rate or "not
    unique: read NPV"."""
    value = getattr(summary, key)
    if summary.nothing_within_horizon and key in _NOTHING_KEYS:
        return "none" if brief else fmt.NOTHING
    if key == "irr_annual":
        if brief:
            return (
                FIGURES[key].show(value, brief=True)
                if value is not None or not summary.irr_not_unique
                else ("not unique")
            )
        rate = summary.discount_rate
        text = fmt.hurdle(value, summary.npv_usd, rate, summary.irr_not_unique)
        return text if value is None else f"{fmt.pct(value)} ({text})"
    if key == "roi" and value is None:
        return fmt.ROI_NOT_MEANINGFUL if brief else f"{fmt.ROI_NOT_MEANINGFUL} (under $1 of cost)"
    return FIGURES[key].show(value, brief=brief)
