"""The command line's text for people: the summary, the lines of the user's own, each area alone and the recommended
phasing as rows, and rows printed as aligned columns."""

from __future__ import annotations

import typer

from roi import formatting as fmt
from roi import plan
from roi.figures import AREA_FIGURES, FIGURES, investment_label, summary_text
from roi.model import Summary
from roi.scenario import Scenario
from roi.vocabulary import AREA_LABELS, STREAM_LABELS

SUMMARY_ORDER = (
    "horizon_months",
    "failed_merges_per_month",
    "monthly_waste_usd",
    "monthly_benefit_usd",
    "engineer_hours_freed_per_month",
    "engineers_freed",
    "share_of_team_freed",
    "one_time_cost_usd",
    "staff_cost_usd",
    "upfront_investment_usd",
    "annual_recurring_cost_usd",
    "first_year_cost_usd",
    "peak_funding_usd",
    "delivery_to_ai_ratio",
    "delivery_to_ai_ratio_incl_staff",
    "annual_delivery_to_ai_ratio",
    "payback_months",
    "discounted_payback_months",
    "pv_benefits_usd",
    "pv_costs_usd",
    "npv_usd",
    "continuing_value_usd",
    "npv_with_continuing_value_usd",
    "cash_npv_usd",
    "cash_payback_months",
    "irr_annual",
    "roi",
)


def _shown(key: str, s: Summary) -> bool:
    """Whether a row says something for this case: a head count to share the freed time over, continuing months."""
    if key == "share_of_team_freed":
        return s.share_of_team_freed is not None
    if key in ("continuing_value_usd", "npv_with_continuing_value_usd"):
        return s.continuing_months > 0
    return True


def summary_rows(s: Summary) -> list[tuple[str, str]]:
    """The summary as label / text rows, for people: labels and formats from the figures table."""
    rows = [("Scenario", s.scenario)]
    for key in SUMMARY_ORDER:
        if not _shown(key, s):
            continue
        figure = FIGURES[key]
        label = figure.label
        if key == "staff_cost_usd" and not s.include_staff_cost:
            label += " (not counted)"
        if key == "upfront_investment_usd":
            label = investment_label(s.include_staff_cost)
        if key == "npv_with_continuing_value_usd":
            label = f"NPV with the {s.continuing_months} months after the horizon"
        text = f"{s.horizon_months} months" if key == "horizon_months" else summary_text(key, s)
        rows.append((label, text))
        if key == "monthly_benefit_usd":
            rows += [
                (f"  of which {STREAM_LABELS[k].lower()}", fmt.money(v)) for k, v in s.benefit_by_stream_usd.items()
            ]
    return rows


def line_rows(s: Summary) -> list[list[str]]:
    """The lines of the user's own, as a table for people: present value over the horizon, a cost negative."""
    rows = [["Line", "Benefit or cost", "Cash or engineer time", "Present value"]]
    for line in s.lines:
        nature = "engineer time" if line["nature"] == "time" else "cash"
        rows.append([line["name"], line["type"], nature, fmt.money(line["pv_usd"])])
    return rows


def area_rows(s: Summary) -> list[list[str]]:
    """Each spend area alone, as a table for people: a header row, then one row per area."""
    keys: tuple[str, ...] = (
        "included",
        "go_live_month",
        "investment_usd",
        "npv_usd",
        "payback_months",
        "roi",
        "monthly_benefit_usd",
        "cash_npv_usd",
    )
    if s.continuing_months > 0:
        keys += ("npv_with_continuing_value_usd",)
    rows = [["Area", *(AREA_FIGURES[k].label for k in keys)]]
    for area, figures in s.areas.items():
        data = figures.__dict__
        cells = [f"month {data[k]:g}" if k == "go_live_month" else AREA_FIGURES[k].show(data[k]) for k in keys]
        rows.append([AREA_LABELS[area], *cells])
    return rows


def echo_table(rows: list[list[str]], indent: str = "  ") -> None:
    """Rows as aligned columns: the first left-aligned, the rest right-aligned."""
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        cells = [r[0].ljust(widths[0]), *(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))]
        typer.echo(indent + "  ".join(cells).rstrip())


def phasing_lines(scenario: Scenario, phasing: plan.Phasing) -> list[str]:
    """The recommended schedule in words a CFO reads."""
    caps = ", ".join(f"{fmt.money(b)} in year {i}" for i, b in enumerate(phasing.budgets_usd, start=1))
    lines = [
        f"Best phasing within {caps} (start months 0 to {phasing.latest_month} in steps of {phasing.step_months}; "
        f"{phasing.feasible:,} of {phasing.candidates:,} plans fit):"
    ]
    live = phasing.go_live_months(scenario)
    for area, start in phasing.start_months.items():
        when = "not funded" if start is None else f"start in month {start}, live in month {live[area]:g}"
        lines.append(f"  {AREA_LABELS[area]}: {when}")
    lines.append(f"  NPV {fmt.money(phasing.npv_usd)}, payback {fmt.months(phasing.payback_months)}")
    lines.append(f"  Cost by plan year: {fmt.by_plan_year(phasing.cost_by_year_usd)}")
    lines += [f"warning: {w}" for w in phasing.warnings]
    note = plan.stretch_note(phasing)
    if note is not None:
        lines.append(note)
    return lines
