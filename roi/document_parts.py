"""The parts of a CFO document that read straight off the figures: small words (lists, months, years), the tables
(the spend, costs by plan year, the what-ifs, the cumulative flow, the TEI appendix) and the answer's figures and a
slide's six tiles. `roi.documents` weighs the case and arranges these into a `Document`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from roi import finance
from roi import formatting as fmt
from roi.figures import FIGURES, summary_text
from roi.model import Result, Summary
from roi.scenario import AREA_LABELS, AREAS, likely
from roi.tei import TeiView

#: A one-page document holds this much of the scenario's description; the rest stays in the file.
DESCRIPTION_CHARS = 600

#: Plan years shown one by one; later ones are summed into one column.
YEARS_SHOWN = 5


@dataclass(frozen=True)
class Table:
    """A table of text: a header row, then rows. The first column reads as labels, the others as figures."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


# ---------------------------------------------------------------- small words


def join_words(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def months_cell(x: float | None, horizon: int) -> str:
    """A payback for a table cell: 11.77 months, or not within the horizon (said in months)."""
    return fmt.months(x) if x is not None else f"not within {horizon} months"


def year_label(year: int, last: int | None = None) -> str:
    if last is not None and last > year:
        return f"Years {year}\u2013{last}"
    return "Year 1 (months 0\u201312)" if year == 1 else f"Year {year}"


def years_table(costs: Sequence[float], first_label: str = "Cash out") -> Table:
    """Costs by plan year as one row; years past YEARS_SHOWN summed into one column."""
    costs = list(costs)
    header = [""]
    cells = [first_label]
    shown = costs if len(costs) <= YEARS_SHOWN + 1 else costs[:YEARS_SHOWN]
    for i, c in enumerate(shown, start=1):
        header.append(year_label(i))
        cells.append(fmt.money(c))
    if len(shown) < len(costs):
        header.append(year_label(len(shown) + 1, len(costs)))
        cells.append(fmt.money(sum(costs[len(shown) :])))
    return Table(tuple(header), (tuple(cells),))


def engineer_quarters(result: Result) -> float:
    inv = result.scenario.investments
    return sum(likely(getattr(inv, a).engineer_quarters) for a in AREAS if getattr(inv, a).include)


def shortened(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " \u2026"


def spend_table(result: Result) -> Table:
    inv = result.scenario.investments
    rows = []
    for a in AREAS:
        i = getattr(inv, a)
        label = AREA_LABELS[a] + ("" if i.include else " (left out)")
        quarters = f"{likely(i.engineer_quarters):g}"
        rows.append((label, fmt.money(likely(i.one_time)), quarters, fmt.money(likely(i.annual_recurring))))
    return Table(("Area", "One-time", "Engineer-quarters", "Per year"), tuple(rows))


def all_costs(result: Result) -> Any:
    m = result.horizon_monthly
    return -(m["one_time_usd"] + m["staff_usd"] + m["recurring_usd"] + m["line_costs_usd"]).to_numpy(dtype=float)


def time_by_year(result: Result) -> list[float]:
    """The costs that are engineer time (staff, time lines) by plan year."""
    time = -result.horizon_monthly["time_cost_usd"].to_numpy(dtype=float)
    return [float(x) for x in finance.by_plan_year(time)]


def cash_by_year(result: Result) -> list[float]:
    """The costs that are cash (tools, licences, recurring, cash lines) by plan year: engineer time left out."""
    cash = all_costs(result) + result.horizon_monthly["time_cost_usd"].to_numpy(dtype=float)
    return [float(x) for x in finance.by_plan_year(cash)]


def costs_by_year_table(result: Result) -> Table:
    """Costs by plan year in two rows: cash out, and existing engineers' time (when there is any)."""
    cash = years_table(cash_by_year(result), "Cash out")
    time = time_by_year(result)
    if not any(time):
        return cash
    return Table(cash.header, (*cash.rows, *years_table(time, "Staff time").rows))


def ratio_row(s: Summary) -> tuple[str, str, str]:
    if s.include_staff_cost and s.staff_cost_usd:
        label, value = FIGURES["delivery_to_ai_ratio_incl_staff"].label, s.delivery_to_ai_ratio_incl_staff
    else:
        label, value = FIGURES["delivery_to_ai_ratio"].label, s.delivery_to_ai_ratio
    if value is None or s.delivery_to_ai_ratio is None:
        return label, fmt.ratio(value), ""
    # the forum post's band leaves staff out: the ratio without staff is the one compared with it
    basis = "" if value == s.delivery_to_ai_ratio else f"without staff {fmt.ratio(s.delivery_to_ai_ratio)}, "
    return label, fmt.ratio(value), basis + fmt.ratio_band(s.delivery_to_ai_ratio)


def freed_time(s: Summary) -> str:
    """The engineer time the plan frees, in hours and engineers' worth (and of the team, with a head count)."""
    text = (
        f"{s.engineer_hours_freed_per_month:,.0f} engineer hours a month at full ramp, "
        f"{s.engineers_freed:,.1f} engineers' worth"
    )
    if s.share_of_team_freed is not None:
        text += f", {fmt.pct(s.share_of_team_freed)} of the team"
    return text


def answer_figures(s: Summary, expected_npv: float | None = None) -> tuple[tuple[str, str, str], ...]:
    npv_note = "" if expected_npv is None else f"expected {fmt.money(expected_npv)} over the ranges"
    rows = [
        (FIGURES["payback_months"].label, summary_text("payback_months", s), ""),
        (FIGURES["discounted_payback_months"].label, summary_text("discounted_payback_months", s), ""),
        (f"NPV over {s.horizon_months} months", fmt.money(s.npv_usd), npv_note),
    ]
    if s.continuing_months:
        rows.append(
            (
                f"With the {s.continuing_months} months after the horizon",
                fmt.money(s.npv_with_continuing_value_usd),
                f"those months add {fmt.money(s.continuing_value_usd)}",
            )
        )
    rows += [
        (FIGURES["cash_npv_usd"].label, fmt.money(s.cash_npv_usd), "engineer time left out"),
        ("Engineer time freed", freed_time(s), ""),
        (FIGURES["irr_annual"].label, summary_text("irr_annual", s), ""),
        (FIGURES["roi"].label, summary_text("roi", s), "NPV per dollar of cost"),
        ratio_row(s),
    ]
    return tuple(rows)


def tile_figures(
    s: Summary, answer: tuple[tuple[str, str, str], ...], expected_npv: float | None
) -> tuple[tuple[str, str, str], ...]:
    """The six figures of the answer a slide has room for: payback, NPV (with the months after the horizon, when the
    case has them), cash NPV, engineer time freed, IRR and the spend ratio."""
    rows = {label: (label, value, note) for label, value, note in answer}
    npv = rows[f"NPV over {s.horizon_months} months"]
    notes = []
    if expected_npv is not None:
        notes.append(f"expected {fmt.brief_money(expected_npv)}")
    if s.continuing_months:
        notes.append(f"{fmt.brief_money(s.npv_with_continuing_value_usd)} with {s.continuing_months} more months")
    npv = (npv[0], npv[1], "; ".join(notes))
    freed = f"{s.engineers_freed:,.1f} engineers"
    hours = f"{s.engineer_hours_freed_per_month:,.0f} hours a month"
    return (
        rows[FIGURES["payback_months"].label],
        npv,
        ("Cash NPV", fmt.money(s.cash_npv_usd), "engineer time left out"),
        ("Engineer time freed", freed, hours),
        (FIGURES["irr_annual"].label, summary_text("irr_annual", s, brief=True), fmt.hurdle_note(s.irr_annual, s)),
        ratio_tile(s),
    )


def ratio_tile(s: Summary) -> tuple[str, str, str]:
    """The spend ratio for a slide's tile, on the basis of the forum post's band (without staff) so like is compared
    with like, and a one-line note on where it sits."""
    ratio = s.delivery_to_ai_ratio
    label = "Delivery-to-AI without staff"
    if ratio is None:
        return label, fmt.ratio(ratio), ""
    low, high = fmt.RATIO_BAND
    return label, fmt.ratio(ratio), f"{fmt.ratio_position(ratio)} one CTO's {low:g}\u2013{high:g}:1"


def tei_table(view: TeiView) -> Table:
    """The TEI appendix: benefits by stream and line, costs by area and line, totals and net, by TEI year."""
    shown = min(view.years, YEARS_SHOWN)
    header = ["", "Initial", *(f"Year {n}" for n in range(1, shown + 1))]
    if view.years > shown:
        header.append(f"Years {shown + 1}\u2013{view.years}")
    header += ["Total", "Present value"]
    rows = []
    for r in view.rows:
        years = [fmt.money(x) for x in r.by_year[: shown + 1]]
        if view.years > shown:
            years.append(fmt.money(sum(r.by_year[shown + 1 :])))
        rows.append((r.label, *years, fmt.money(r.total), fmt.money(r.present_value)))
    return Table(tuple(header), tuple(rows))


def what_ifs_table(cases: Sequence[tuple[str, Summary]]) -> Table:
    rows = tuple(
        (
            label,
            fmt.money(s.upfront_investment_usd),
            months_cell(s.payback_months, s.horizon_months),
            fmt.money(s.npv_usd),
            fmt.pct(s.roi),
        )
        for label, s in cases
    )
    return Table(("Case", "Investment", "Payback", "NPV", "ROI"), rows)


def cumulative_table(result: Result) -> Table:
    table = result.monthly
    last = len(table) - 1
    rows = []
    for m in sorted({*range(0, len(table), 3), last}):
        row = table.iloc[m]
        rows.append(
            (str(m), fmt.money(float(row["cumulative_usd"])), fmt.money(float(row["cumulative_discounted_usd"])))
        )
    return Table(("Month", "Cumulative", "Discounted"), tuple(rows))
