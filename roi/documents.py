"""What the CFO documents say: one `Document` that the memo (HTML, Markdown, PDF) and the board slides all lay out.

`build_document` is a pure function of figures already computed: the evaluated scenario, its `Findings` (the Monte
Carlo summary, the what-ifs, the TEI view, the tornado, the phasing under budgets or None, the combinations of areas)
and the date the document was prepared. It runs no model: `findings_for` and `document_for` run what it needs, and a
page can pass what it has cached. Every string in a `Document` is written here or in `roi.document_parts`, in words
and units a reader reads ($742,489, 11.77 months, 70.8 %), except `scenario_name` and `description`, which are the
user's own text: each renderer makes those inert its own way (escaped in HTML, backslash-escaped in Markdown,
XML-escaped for reportlab, plain runs in PowerPoint).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pandas as pd

from roi import formatting as fmt
from roi import inputs as vk
from roi import plan
from roi.document_parts import Table as Table  # the documents' tables: the renderers read them from here
from roi.document_parts import (
    answer_figures,
    cash_by_year,
    costs_by_year_table,
    cumulative_table,
    engineer_quarters,
    join_words,
    months_cell,
    shortened,
    spend_table,
    tei_table,
    tile_figures,
    time_by_year,
    what_ifs_table,
    years_table,
)
from roi.model import Result, Summary, evaluate
from roi.plan import Combination, Phasing, best_phasing, combinations, uncosted_benefits
from roi.scenario import AREA_LABELS, AREAS, STREAM_LABELS, field_label, input_spec, likely, with_values
from roi.tei import TeiView, brief, tei_view
from roi.uncertainty import DEFAULT_DRAWS, simulate, tornado

if TYPE_CHECKING:
    from roi.charts import ChartSpec

TITLE = "Delivery infrastructure: the business case"
#: The estimates that move NPV most, as the documents list them.
TOP_UNCERTAINTIES = 3


@dataclass(frozen=True)
class Odds:
    """The Monte Carlo answer, or the plain statement that there is nothing uncertain to report."""

    certain: bool
    intro: str
    table: Table | None  # payback and NPV at P10 / P50 / P90
    chances: tuple[tuple[str, str], ...]  # ("Pays back within the 36-month horizon", "100.0%")


@dataclass(frozen=True)
class PhasingPlan:
    """The recommended phasing under the budgets."""

    caps: str  # "$300,000 in plan year 1; later years uncapped"
    sentence: str  # who starts when, in words (the areas table has a column of it too)
    npv: str
    payback: str
    cost_by_year: Table


@dataclass(frozen=True)
class Document:
    """Everything a CFO document says, built once; renderers only lay it out."""

    title: str
    scenario_name: str  # user text
    description: str  # user text, shortened to fit one page
    prepared_on: date
    decision: str
    ask: str
    spend: Table
    cash_by_year: Table
    peak_funding: str  # the sentence
    peak_funding_amount: str  # the amount alone
    answer: tuple[tuple[str, str, str], ...]  # label, figure, a note on the figure ("" when none)
    tiles: tuple[tuple[str, str, str], ...]  # the six figures a slide shows, as the answer's rows
    answer_note: str
    odds: Odds
    areas: Table  # with budgets, a last column: the recommended start month or "not funded"
    areas_verdict: str
    phasing: PhasingPlan | None
    assumptions: tuple[str, ...]
    uncertainties: tuple[str, ...]
    warnings: tuple[str, ...]
    staff: str
    what_ifs: Table
    method: str
    cumulative: Table  # the cumulative flow at quarter ends, for formats without a picture
    chart: ChartSpec
    payback_months: float | None
    tei: Table  # the appendix: the case's flows as a TEI table (Initial, Year 1 .., total, present value)
    tei_note: str
    tei_brief: Table  # the same for a slide: an area's costs on one row, the largest rows when there are many
    tei_brief_note: str

    @property
    def prepared(self) -> str:
        """The date as a reader writes it: 7 March 2026."""
        return f"{self.prepared_on.day} {self.prepared_on:%B %Y}"

    @property
    def answer_rows(self) -> tuple[tuple[str, str], ...]:
        """The answer as label and text, the note in brackets after its figure."""
        return tuple((label, f"{value} ({note})" if note else value) for label, value, note in self.answer)


# ---------------------------------------------------------------- sections


def _staff(result: Result, switched: Summary) -> str:
    """Whether staff time is counted, what it is, and what the answer is the other way (`switched`)."""
    s, sc = result.summary, result.scenario
    quarters = engineer_quarters(result)
    if s.staff_cost_usd == 0:
        return "Staff time: no engineer-quarters are entered for the work, so no engineer time is priced in."
    rate = fmt.money(likely(sc.team.loaded_hourly_rate))
    what = f"the {quarters:g} engineer-quarters the work needs ({fmt.money(s.staff_cost_usd)} at {rate} an hour)"
    other = f"payback {months_cell(switched.payback_months, s.horizon_months)} and NPV {fmt.money(switched.npv_usd)}"
    if sc.finance.include_staff_cost:
        return f"Staff time is counted: {what} are in the investment and every figure. Without them: {other}."
    return f"Staff time is not counted: {what} are left out of every figure. Counting them: {other}."


#: A budget this large is no cap: a plan year left uncapped between capped ones (the page's empty budget field).
NO_CAP_USD = 1e15


def _caps(budgets: Sequence[float]) -> str:
    capped = ", ".join(
        f"no cap in plan year {i}" if b >= NO_CAP_USD else f"{fmt.money(b)} in plan year {i}"
        for i, b in enumerate(budgets, start=1)
    )
    return f"{capped}; later years uncapped" if capped else "no cap"


def _starts_sentence(start_months: Mapping[str, int | None]) -> str:
    by_month: dict[int, list[str]] = {}
    for area, start in start_months.items():
        if start is not None:
            by_month.setdefault(start, []).append(AREA_LABELS[area])
    parts = []
    for i, (month, names) in enumerate(sorted(by_month.items())):
        verb = ("starts" if len(names) == 1 else "start") + " in month" if i == 0 else "in month"
        parts.append(f"{join_words(names)} {verb} {month}")
    sentence = "; ".join(parts)
    left = [AREA_LABELS[a] for a, s in start_months.items() if s is None]
    if left:
        sentence += f"; {join_words(left)} {'is' if len(left) == 1 else 'are'} not funded"
    return sentence


def year_one_split(cash_usd: float, time_usd: float) -> str:
    """Plan year 1's cost in words that keep cash and engineer time apart."""
    if time_usd <= 0:
        return f"{fmt.money(cash_usd)} of cash goes out in plan year 1 (months 0 to 12)"
    return (
        f"{fmt.money(cash_usd)} of cash goes out in plan year 1 (months 0 to 12), beside "
        f"{fmt.money(time_usd)} of existing engineers' time"
    )


def _better_combination(s: Summary, combinations: Sequence[Combination]) -> Combination | None:
    """The combination of areas whose NPV beats the plan's by at least $1, the best of them, or None."""
    funded = tuple(a for a in AREAS if s.areas[a].included)
    better = [c for c in combinations if c.areas != funded and c.npv_usd >= s.npv_usd + 1.0]
    return max(better, key=lambda c: c.npv_usd) if better else None


def _combination_words(c: Combination, horizon: int) -> str:
    names = join_words([AREA_LABELS[a] for a in c.areas])
    return (
        f"{names} {'alone' if len(c.areas) == 1 else 'together'}: {fmt.money(c.upfront_investment_usd)} of investment, "
        f"NPV {fmt.money(c.npv_usd)}, payback {months_cell(c.payback_months, horizon)}"
    )


def _decision(result: Result, phasing: Phasing | None, combinations: Sequence[Combination] = ()) -> str:
    """What the document asks for, following the figures: never "approve" a plan with a negative NPV, name the
    combination of areas that beats the plan, and say when nothing is spent or earned."""
    s = result.summary
    # said only when the plan has engineer-quarters to count or leave out
    staff = "" if s.staff_cost_usd == 0 else f" Staff time is {'counted' if s.include_staff_cost else 'not counted'}."
    cash, time = cash_by_year(result), time_by_year(result)
    better = _better_combination(s, combinations)
    if phasing is None:
        if s.nothing_within_horizon:
            return f"Nothing to approve: {fmt.NOTHING} (no area starts, or none is funded)."
        recurring = (
            f" and {fmt.money(s.annual_recurring_cost_usd)} a year to run it" if s.annual_recurring_cost_usd else ""
        )
        whole = (
            f"{fmt.money(s.upfront_investment_usd)} of delivery investment{recurring} "
            f"(NPV {fmt.money(s.npv_usd)} over {s.horizon_months} months)"
        )
        if better is not None and better.npv_usd > 0:
            return f"Fund {_combination_words(better, s.horizon_months)}, rather than the whole plan of {whole}.{staff}"
        if s.npv_usd < 0:
            return (
                f"Do not approve the plan as it stands: {whole} loses value, and no combination of the areas pays "
                f"within the horizon.{staff}"
            )
        return f"Approve {whole}; {year_one_split(cash[0], time[0])}.{staff}"
    funded = [a for a, m in phasing.start_months.items() if m is not None]
    caps = _caps(phasing.budgets_usd)
    stretch = plan.stretch_note(phasing)
    if not funded:
        over = f" {stretch}" if stretch else ""
        return (
            f"Within {caps}, fund nothing for now: no phasing of the areas that fits the budget adds value, so "
            f"{fmt.NOTHING}.{over}{staff}"
        )
    total = sum(s.areas[a].investment_usd for a in funded)
    verb = "Approve" if phasing.npv_usd >= 0 else "Consider"
    return (
        f"{verb} {fmt.money(total)} of delivery investment, phased to fit {caps}: "
        f"{_starts_sentence(phasing.start_months)} (NPV {fmt.money(phasing.npv_usd)}). "
        f"{fmt.money(phasing.cost_by_year_usd[0])} goes out in plan year 1, cash and engineer time together."
        f"{staff}"
    )


def _ask(result: Result) -> str:
    s = result.summary
    quarters = engineer_quarters(result)
    if s.staff_cost_usd == 0:
        staff = ""
    elif s.include_staff_cost:
        staff = (
            f" and {quarters:g} engineer-quarters of existing staff, valued at {fmt.money(s.staff_cost_usd)} "
            "(engineer time already on payroll, not new cash)"
        )
    else:
        staff = (
            f" (the {quarters:g} engineer-quarters of existing staff, valued at {fmt.money(s.staff_cost_usd)}, "
            "not counted)"
        )
    recurring = (
        f", then {fmt.money(s.annual_recurring_cost_usd)} a year to run it" if s.annual_recurring_cost_usd else ""
    )
    inv = result.scenario.investments
    starts = {a: getattr(inv, a).start_month if getattr(inv, a).include else None for a in AREAS}
    when = _starts_sentence(starts)
    when = f" {when[0].upper()}{when[1:]}." if when else ""
    return (
        f"{fmt.money(s.upfront_investment_usd)} of investment: {fmt.money(s.one_time_cost_usd)} of infrastructure "
        f"and tools{staff}{recurring}.{when}"
    )


def _odds(odds: Mapping[str, Any], horizon: int) -> Odds:
    ranged = list(odds.get("ranged_inputs", []))
    if not ranged:
        return Odds(
            certain=True,
            intro="No input is given as a range, so these figures are certain given the inputs: there are no odds "
            "to report. Give the doubtful estimates a low and a high to see them.",
            table=None,
            chances=(),
        )
    count = f"{len(ranged)} input{'s' if len(ranged) != 1 else ''}"
    intro = (
        f"{odds['draws']:,} draws over the {count} given as ranges (Beta-PERT, seed {odds['seed']}: "
        "the same seed gives the same figures). One draw in ten falls below P10, one in ten above P90."
    )
    pay, npv = odds["payback_months"], odds["npv_usd"]
    keys = ("p10", "p50", "p90")
    table = Table(
        ("", "P10", "P50 (median)", "P90"),
        (
            ("Payback", *(months_cell(pay[k], horizon) for k in keys)),
            (f"NPV over {horizon} months", *(fmt.money(npv[k]) for k in keys)),
        ),
    )
    within = odds["prob_payback_within_months"]
    chances = [(f"Pays back within the {horizon}-month horizon", fmt.pct(within["horizon"]))]
    if horizon > 24:
        chances.append(("Pays back within 24 months", fmt.pct(within["24"])))
    chances.append(("NPV above zero", fmt.pct(odds["prob_npv_positive"])))
    return Odds(False, intro, table, tuple(chances))


def _areas(s: Summary, phasing: Phasing | None, odds: Mapping[str, Any]) -> tuple[Table, str]:
    """Each area alone; with ranges, the share of draws in which its NPV alone is above zero."""
    chances = odds.get("areas") if odds.get("ranged_inputs") else None
    rows: list[tuple[str, ...]] = []
    pays: list[str] = []
    not_pays: list[str] = []
    empty: list[str] = []
    for a, area in s.areas.items():
        label = AREA_LABELS[a] + ("" if area.included else " (left out)")
        rows.append(
            (
                label,
                f"month {area.go_live_month:g}",
                fmt.money(area.investment_usd),
                fmt.money(area.npv_usd),
                months_cell(area.payback_months, s.horizon_months),
            )
        )
        if chances:
            rows[-1] += (fmt.pct(chances[a]["prob_npv_positive"]),)
        if phasing is not None:
            start = phasing.start_months[a]
            rows[-1] += ("not funded" if start is None else f"month {start}",)
        if area.pv_costs_usd == 0 and area.pv_benefits_usd == 0:
            empty.append(AREA_LABELS[a])  # nothing spent or earned: it neither pays back nor fails to
        else:
            (pays if area.payback_months is not None else not_pays).append(AREA_LABELS[a])
    within = f"within the {s.horizon_months}-month horizon"
    if not not_pays and not pays:
        verdict = ""
    elif not not_pays:
        verdict = f"{'Each of the four areas' if not empty else join_words(pays)} pays back on its own {within}."
        if len(pays) > 1 and empty:
            verdict = f"Each on its own, {join_words(pays)} pay back {within}."
    elif not pays:
        verdict = f"No area pays back on its own {within}."
    else:
        lead, verb = ("On its own", "pays") if len(pays) == 1 else ("Each on its own", "pay")
        verdict = f"{lead}, {join_words(pays)} {verb} back {within}; {join_words(not_pays)} "
        verdict += "does not." if len(not_pays) == 1 else "do not."
    if empty:
        verb = "costs and brings" if len(empty) == 1 else "cost and bring"
        verdict = f"{verdict} {join_words(empty)} {verb} nothing in this case.".strip()
    header: tuple[str, ...] = ("Area", "Goes live", "Investment", "NPV alone", "Payback alone")
    if chances:
        header += ("Chance it pays",)
    if phasing is not None:
        header += ("Phased start",)
    return Table(header, tuple(rows)), verdict


def _phasing(result: Result, phasing: Phasing) -> PhasingPlan:
    funded = any(m is not None for m in phasing.start_months.values())
    sentence = (
        _starts_sentence(phasing.start_months) + "."
        if funded
        else "Fund nothing for now: no phasing that fits the budget adds value."
    )
    return PhasingPlan(
        caps=_caps(phasing.budgets_usd),
        sentence=sentence[0].upper() + sentence[1:],
        npv=fmt.money(phasing.npv_usd),
        payback=months_cell(phasing.payback_months, result.scenario.finance.horizon_months),
        cost_by_year=years_table(phasing.cost_by_year_usd),
    )


def _assumptions(result: Result) -> list[str]:
    sc, s = result.scenario, result.summary
    m = sc.merges
    ramp = "at once" if likely(sc.finance.ramp_months) == 0 else f"over {likely(sc.finance.ramp_months):g} months"
    merges = (
        []
        if m is None
        else [
            f"{likely(m.merges_per_month):,.0f} merges a month to main; success rate "
            f"{fmt.pct(likely(m.success_rate_before))} today and {fmt.pct(likely(m.success_rate_after))} after "
            f"({s.failed_merges_per_month:,.1f} failed merges a month today).",
            f"{likely(m.fix_hours):g} hours to fix each failed merge at "
            f"{fmt.money(likely(sc.team.loaded_hourly_rate))} an hour, fully loaded.",
        ]
    )
    out = [
        *merges,
        f"Each area's benefit reaches full value {ramp} after it goes live; "
        f"volume growth {fmt.whole_pct(likely(sc.growth.volume_growth_per_year))} a year; "
        f"discount rate {fmt.whole_pct(likely(sc.finance.annual_discount_rate))} a year.",
    ]
    streams = {k: v for k, v in s.benefit_by_stream_usd.items() if v}
    if len(streams) > 1:
        parts = ", ".join(f"{STREAM_LABELS[k].lower()} {fmt.money(v)}" for k, v in streams.items())
        out.append(f"Monthly benefit at full value, by source: {parts}.")
    return out


def _uncertainties(sensitivity: pd.DataFrame) -> list[str]:
    """The estimates that move NPV most (the tornado's widest swings): their ranges and the NPVs at their ends."""
    out = []
    for r in sensitivity.head(TOP_UNCERTAINTIES).to_dict("records"):
        if not r["npv_swing_usd"]:
            continue
        path = str(r["input"])
        spec = input_spec(path)
        low, high = sorted((float(r["npv_low_usd"]), float(r["npv_high_usd"])))
        out.append(
            f"{field_label(path)}, {spec.show(float(r['low']))} to {spec.show(float(r['high']))}: "
            f"NPV {fmt.money(low)} to {fmt.money(high)}."
        )
    return out


def variants(result: Result) -> list[tuple[str, Summary]]:
    """The answer as entered, with staff cost switched, and with a lower target success rate."""
    scenario = result.scenario
    out = [("As entered", result.summary)]
    staff = not scenario.finance.include_staff_cost
    label = "With staff cost counted" if staff else "Without staff cost"
    out.append((label, evaluate(with_values(scenario, {vk.INCLUDE_STAFF_COST: staff})).summary))
    if scenario.merges is None:
        return out
    before, after = likely(scenario.merges.success_rate_before), likely(scenario.merges.success_rate_after)
    if after > before:
        lower = max(before, after - 0.05)
        why = {
            lower: f"5 points below the plan's {fmt.pct(after)}" if lower > before else f"today's {fmt.pct(before)}",
            before + (after - before) / 2: f"halfway from today's {fmt.pct(before)} to the plan's {fmt.pct(after)}",
        }
        for target in sorted(why, reverse=True):
            changed = with_values(scenario, {vk.SUCCESS_RATE_AFTER: target})
            out.append((f"Target success rate {fmt.pct(target)} ({why[target]})", evaluate(changed).summary))
    return out


# ---------------------------------------------------------------- the document


@dataclass(frozen=True, eq=False)
class Findings:
    """What a document reports beside the case itself, each computed by a model run before the document is arranged
    (by `findings_for`, or from what a page has cached): `build_document` only arranges them."""

    odds: Mapping[str, Any]  # `Simulation.summary()` of the scenario
    what_ifs: tuple[tuple[str, Summary], ...]  # `variants(result)`: as entered, staff switched, lower targets
    tei: TeiView  # `tei_view(result)`
    sensitivity: pd.DataFrame  # `tornado(result.scenario)`: NPV at each ranged input's low and high, widest first
    uncosted: tuple[str, ...]  # `plan.uncosted_benefits(result.scenario)`: areas credited with benefit at no cost
    phasing: Phasing | None = None  # `plan.best_phasing` under the budgets, or None
    combinations: tuple[Combination, ...] = ()  # `plan.combinations`, so the decision can name one beating the plan


def findings_for(
    result: Result, odds: Mapping[str, Any], phasing: Phasing | None = None, combos: Sequence[Combination] = ()
) -> Findings:
    """The findings of a case whose Monte Carlo summary, phasing and combinations are at hand: the what-ifs, the TEI
    view, the tornado and the check for areas that earn at no cost are run here."""
    sc = result.scenario
    what_ifs, sensitivity = tuple(variants(result)), tornado(sc)
    return Findings(odds, what_ifs, tei_view(result), sensitivity, tuple(uncosted_benefits(sc)), phasing, tuple(combos))


def build_document(result: Result, findings: Findings, prepared_on: date | None = None) -> Document:
    """The content of the memo and the slides, arranged from `result` and its `findings` (today's date when
    `prepared_on` is None): a pure function of its arguments that runs no model."""
    from roi.charts import cumulative_chart  # altair loads only when a document is made

    sc, s = result.scenario, result.summary
    odds, phasing, tei, cases = findings.odds, findings.phasing, findings.tei, findings.what_ifs
    areas, verdict = _areas(s, phasing, odds)
    expected_npv = odds.get("mean_npv_usd") if odds.get("ranged_inputs") else None
    tei_short, tei_rows = brief(tei)
    answer = answer_figures(s, expected_npv)
    note = fmt.crossings_note(s.cumulative_zero_crossings, s.payback_months)
    warnings = ([note] if note else []) + list(findings.uncosted)
    return Document(
        title=TITLE,
        scenario_name=sc.name,
        description=shortened(sc.description),
        prepared_on=prepared_on or date.today(),
        decision=_decision(result, phasing, findings.combinations),
        ask=_ask(result),
        spend=spend_table(result),
        cash_by_year=costs_by_year_table(result),
        peak_funding=(
            f"Peak funding {fmt.money(s.peak_funding_usd)}: the deepest the cumulative flow goes before it pays back, "
            "cash and engineer time together."
        ),
        peak_funding_amount=fmt.money(s.peak_funding_usd),
        answer=answer,
        tiles=tile_figures(s, answer, expected_npv),
        answer_note=(
            f"Over {s.horizon_months} months, discounted at {fmt.pct(likely(sc.finance.annual_discount_rate))} a "
            "year. Doing "
            f"nothing costs {fmt.money(s.monthly_waste_usd)} a month in failed-merge rework alone."
        ),
        odds=_odds(odds, s.horizon_months),
        areas=areas,
        areas_verdict=verdict,
        phasing=_phasing(result, phasing) if phasing is not None else None,
        assumptions=tuple(_assumptions(result)),
        uncertainties=tuple(_uncertainties(findings.sensitivity)),
        warnings=tuple(warnings),
        staff=_staff(result, cases[1][1]),
        what_ifs=what_ifs_table(cases),
        method=fmt.METHOD,
        cumulative=cumulative_table(result),
        chart=cumulative_chart(result),
        payback_months=s.payback_months,
        tei=tei_table(tei),
        tei_brief=tei_table(tei_short),
        tei_brief_note=(
            "Risk-adjusted; Initial is month 0, Year n months 12(n - 1) + 1 to 12n; present values at the case's rate."
            + (
                ""
                if len(tei_short.rows) == len(tei.rows)
                else f" Each area's costs on one row; the memo's appendix has all {tei_rows} rows."
            )
        ),
        tei_note=(
            "Every amount risk-adjusted, as the model counts it; Initial is month 0 and Year n months 12(n - 1) + 1 "
            "to 12n; present values discount each month at the monthly rate that compounds to "
            f"{fmt.pct(s.discount_rate)} a year, so the net present value is the NPV above. A cost is shown "
            "positive."
        ),
    )


def document_for(
    result: Result,
    budgets: Sequence[float] | None = None,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    prepared_on: date | None = None,
) -> Document:
    """The document with its findings computed: the seeded Monte Carlo, with budgets the best phasing, and the
    combinations of areas (`findings_for` runs the rest)."""
    odds = simulate(result.scenario, draws, seed).summary()
    phasing = best_phasing(result.scenario, list(budgets)) if budgets else None
    findings = findings_for(result, odds, phasing, combinations(result.scenario))
    return build_document(result, findings, prepared_on=prepared_on)
