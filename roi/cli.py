"""The `roi` command line (docs/method.md, "Command line"). Exit 0 ok, 2 bad input or usage, 1 our fault."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, NoReturn

import numpy as np
import pandas as pd
import typer

from roi import ci_import as ci
from roi import documents, files, plan, uncertainty
from roi import formatting as fmt
from roi.cli_text import area_rows, echo_table, line_rows, phasing_lines, summary_rows
from roi.errors import RoiError
from roi.exports import EXPORTERS, MEMOS, SLIDES, builder_for
from roi.fields import MAX_USD
from roi.figures import AREA_FIGURES, FIGURES
from roi.model import Result, Summary, evaluate
from roi.scenario import (
    AREA_LABELS,
    Scenario,
    dump_scenario,
    field_label,
    input_spec,
    load_scenario,
    read_scenario_data,
    scenario_from_dict,
)
from roi.uncertainty import DEFAULT_DRAWS

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Payback, NPV, IRR and ROI of delivery-infrastructure spend, from a scenario TOML file.",
)

FileArg = Annotated[Path, typer.Argument(help="Scenario file (TOML, format v1, v2 or v3).", show_default=False)]
SetOpt = Annotated[
    list[str] | None,
    typer.Option("--set", help="Override KEY=VALUE; KEY dotted (merges.fix_hours), VALUE a TOML value. Repeatable."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of a table.")]


def fail(error: RoiError) -> NoReturn:
    """Report bad input, one line per problem, and exit 2."""
    for line in error.lines():
        typer.echo(line, err=True)
    raise typer.Exit(2)


def _load(file: Path, sets: list[str] | None) -> Scenario:
    try:
        return load_scenario(file, sets or ())
    except RoiError as exc:
        fail(exc)


def summary_json(s: Summary) -> dict[str, Any]:
    """The contract's JSON object (docs/method.md), with null for what is undefined."""
    data: dict[str, Any] = strict(s.to_dict())
    return data


def strict(data: Any) -> Any:
    """Plain data with every NaN or infinity, however deep, turned into None (JSON null), and -0 into 0."""
    if isinstance(data, dict):
        return {str(k): strict(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [strict(v) for v in data]
    if isinstance(data, float) and not math.isfinite(data):
        return None
    if isinstance(data, float) and data == 0:
        return 0.0  # never -0
    if isinstance(data, np.generic):
        return strict(data.item())
    return data


def print_json(data: Any) -> None:
    """Print strict JSON: never NaN or Infinity, which JSON does not have."""
    typer.echo(json.dumps(strict(data), indent=2, allow_nan=False))


@app.command()
def summary(file: FileArg, set_: SetOpt = None, as_json: JsonOpt = False) -> None:
    """Payback, NPV, IRR, ROI and the spend ratio of a scenario."""
    result = evaluate(_load(file, set_))
    if as_json:
        print_json(summary_json(result.summary))
        return
    rows = summary_rows(result.summary)
    width = max(len(label) for label, _ in rows)
    for label, text in rows:
        typer.echo(f"{label:<{width}}  {text}")
    note = fmt.crossings_note(result.summary.cumulative_zero_crossings, result.summary.payback_months)
    if note:
        typer.echo(note)
    if result.summary.lines:
        typer.echo("")
        typer.echo("Lines of your own (present value over the horizon, risk-adjusted):")
        echo_table(line_rows(result.summary))
    typer.echo("")
    typer.echo("Each area alone (its own costs and benefits, as if it were the only one funded):")
    echo_table(area_rows(result.summary))
    for warning in plan.uncosted_benefits(result.scenario):
        typer.echo(f"warning: {warning}")


def _write(file: Path, output: Path, sets: list[str] | None, table: dict[str, Callable[[Result], bytes]]) -> None:
    build = builder_for(output, table)
    if build is None:
        typer.echo(f"--output: must end in {' or '.join(sorted(table))}, got {output.name!r}", err=True)
        raise typer.Exit(2)
    content = build(evaluate(_load(file, sets)))
    save(output, content)
    typer.echo(f"wrote {output} ({len(content):,} bytes)")


def save(path: Path, content: bytes, *, backup: bool = False) -> None:
    """Write an output file whole or not at all (roi.files.write_atomic: a full disk or a kill never leaves it cut
    short); a path that cannot be written is bad input (exit 2), not a traceback, and the file there is unchanged."""
    try:
        files.write_atomic(path, content, backup=backup)
    except OSError as exc:
        kept = f"; {path} is unchanged" if path.is_file() else ""
        typer.echo(f"{path}: cannot write: {exc.strerror or exc}{kept}", err=True)
        raise typer.Exit(2) from None


@app.command()
def export(
    file: FileArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file: .csv (monthly table) or .xlsx.")],
    set_: SetOpt = None,
) -> None:
    """Write the monthly cash-flow table (.csv) or the CFO workbook with live formulas (.xlsx)."""
    _write(file, output, set_, EXPORTERS)


DocBudgetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--budget",
        help="Cap on the cost of plan year 1, then 2, ... (USD); adds the recommended phasing. Repeatable.",
        show_default=False,
    ),
]
DocDrawsOpt = Annotated[int, typer.Option(min=1, max=1_000_000, help="Monte Carlo draws for the odds.")]
DocSeedOpt = Annotated[int, typer.Option(min=0, help="Random seed; the same seed gives the same odds.")]


def _budgets(raw: list[str] | None) -> list[float]:
    """The --budget values as dollars; anything else is one line naming the option, exit 2."""
    out = []
    for text in raw or []:
        try:
            value = float(text.strip().removeprefix("$").replace(",", ""))
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and 0 <= value <= MAX_USD):
            typer.echo(f"--budget: must be an amount in USD from 0 to {MAX_USD:,.0f}, got {text!r}", err=True)
            raise typer.Exit(2)
        out.append(value)
    return out


def _write_document(
    file: Path,
    output: Path,
    table: Mapping[str, Callable[[documents.Document], bytes]],
    sets: list[str] | None,
    budget: list[str] | None,
    draws: int,
    seed: int,
) -> None:
    """Build the document (odds, phasing, today's date) and write it in the format the output's suffix names."""
    build = builder_for(output, table)
    if build is None:
        typer.echo(f"--output: must end in {' or '.join(sorted(table))}, got {output.name!r}", err=True)
        raise typer.Exit(2)
    budgets = _budgets(budget)
    scenario = _load(file, sets)
    try:
        phasing = plan.best_phasing(scenario, budgets) if budgets else None
    except RoiError as exc:
        fail(exc)
    odds = _simulate(scenario, draws, seed).summary()
    result = evaluate(scenario)
    findings = documents.findings_for(result, odds, phasing, plan.combinations(scenario))
    content = build(documents.build_document(result, findings))
    save(output, content)
    typer.echo(f"wrote {output} ({len(content):,} bytes)")


@app.command()
def memo(
    file: FileArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file: .html, .md or .pdf (one A4 page).")],
    budget: DocBudgetOpt = None,
    draws: DocDrawsOpt = DEFAULT_DRAWS,
    seed: DocSeedOpt = 0,
    set_: SetOpt = None,
) -> None:
    """Write the one-page CFO memo: the decision, the ask, the answer and its odds, which areas pay back, the risks."""
    _write_document(file, output, MEMOS, set_, budget, draws, seed)


@app.command()
def slides(
    file: FileArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file: .pptx (five 16:9 slides).")],
    budget: DocBudgetOpt = None,
    draws: DocDrawsOpt = DEFAULT_DRAWS,
    seed: DocSeedOpt = 0,
    set_: SetOpt = None,
) -> None:
    """Write five board slides: the ask, the answer and its odds, cash and payback, which areas pay back, risks."""
    _write_document(file, output, SLIDES, set_, budget, draws, seed)


@app.command()
def simulate(
    file: FileArg,
    draws: Annotated[int, typer.Option(min=1, max=1_000_000, help="Monte Carlo draws.")] = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option(min=0, help="Random seed; the same seed gives the same numbers.")] = 0,
    draws_csv: Annotated[
        Path | None,
        typer.Option("--draws-csv", help="Write every draw (its ranged inputs, payback, NPV, IRR) to this CSV."),
    ] = None,
    set_: SetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Monte Carlo over the three-point ranges: P10 / P50 / P90 and the odds of paying back."""
    if draws_csv is not None and draws_csv.suffix.lower() != ".csv":
        typer.echo(f"--draws-csv: must end in .csv, got {draws_csv.name!r}", err=True)
        raise typer.Exit(2)
    scenario = _load(file, set_)
    sim = _simulate(scenario, draws, seed)
    likely_npv = evaluate(scenario).summary.npv_usd
    if draws_csv is not None:
        save(draws_csv, sim.draws_csv())
    data = sim.summary()
    if as_json:
        print_json(data)
        return
    ranged = ", ".join(field_label(p) for p in data["ranged_inputs"]) or "none"
    typer.echo(f"{data['scenario']}: {draws:,} draws, seed {seed}; ranges: {ranged}")
    keys = ["payback_months", "discounted_payback_months", "npv_usd", "irr_annual", "roi"]
    width = max(len(FIGURES[k].label) for k in keys)
    for key in keys:
        q, figure = data[key], FIGURES[key]
        cells = "  ".join(f"{p.upper()} {figure.show(q[p]):>16}" for p in ("p10", "p50", "p90"))
        typer.echo(f"  {figure.label:<{width}}  {cells}")
    if data["share_irr_undefined"] > 0:
        typer.echo(
            f"  {fmt.pct(data['share_irr_undefined'])} of draws have no IRR (their flows never change sign over the "
            "rates searched, or NPV changes sign more than once); the IRR percentiles are of the others"
        )
    for months, p in data["prob_payback_within_months"].items():
        within = (
            f"the {sim.scenario.finance.horizon_months}-month horizon" if months == "horizon" else f"{months} months"
        )
        typer.echo(f"  P(payback within {within}) = {fmt.pct(p)}")
    typer.echo(f"  P(NPV > 0) = {fmt.pct(data['prob_npv_positive'])}")
    typer.echo(f"  Expected (mean) NPV {fmt.money(data['mean_npv_usd'])}, likely case {fmt.money(likely_npv)}")


@app.command()
def sensitivity(
    file: FileArg,
    target_months: Annotated[float, typer.Option(min=0.0, max=240.0, help="Payback target for break-even.")] = 12.0,
    draws: Annotated[int, typer.Option(min=100, max=1_000_000, help="Draws for value of information.")] = DEFAULT_DRAWS,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    set_: SetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Tornado, break-even values and the value of information: which number to go and measure."""
    scenario = _load(file, set_)
    sim = _simulate(scenario, draws, seed)
    tornado = uncertainty.tornado(scenario)
    breaks = uncertainty.break_even(scenario, target_months)
    voi = uncertainty.value_of_information(sim)
    decisions = uncertainty.area_decisions(sim)
    if as_json:
        data = {
            "scenario": scenario.name,
            "target_months": target_months,
            "tornado": _records(tornado),
            "break_even": [asdict(b) for b in breaks],
            "value_of_information": _records(voi),
            "evpi_usd": uncertainty.expected_value_of_perfect_information(sim),
            "area_decisions": _records(decisions),
        }
        print_json(data)
        return
    paths = [*tornado["input"], *(b.input for b in breaks), *voi["input"]]
    width = max([len(field_label(p)) for p in paths] + [len(label) for label in AREA_LABELS.values()])
    typer.echo("Tornado (NPV with each input at low / high, others at likely):")
    for r in _records(tornado):
        low, high = fmt.money(r["npv_low_usd"]), fmt.money(r["npv_high_usd"])
        swing = fmt.money(r["npv_swing_usd"])
        typer.echo(f"  {field_label(r['input']):<{width}}  {low:>12} .. {high:<12}  swing {swing}")
    typer.echo("Break-even (the value of one input, the others at likely, that reaches each target):")
    target = f"Payback in {target_months:g} months"
    typer.echo(f"  {'Input':<{width}}  {'Likely':>16}  {target:>24}  {'NPV = 0':>24}")
    for b in breaks:
        show = input_spec(b.input).show
        payback, npv = fmt.level(b.for_payback_target, show), fmt.level(b.for_npv_zero, show)
        typer.echo(f"  {field_label(b.input):<{width}}  {show(b.likely):>16}  {payback:>24}  {npv:>24}")
    typer.echo("Value of information (what knowing the input exactly is worth to the invest decision):")
    for r in _records(voi):
        share = f"explains {fmt.whole_pct(r['variance_share'])} of NPV variance"
        typer.echo(f"  {field_label(r['input']):<{width}}  EVPPI {fmt.money(r['evppi_usd']):>12}  {share}")
    typer.echo("Fund or not, area by area (the area's NPV alone across the draws; EVPI: what knowing every input")
    typer.echo("exactly is worth to that decision):")
    for r in _records(decisions):
        decision = "fund" if r["fund"] else "do not fund"
        typer.echo(
            f"  {AREA_LABELS[r['area']]:<{width}}  expected NPV {fmt.money(r['expected_npv_usd']):>12}  "
            f"P(NPV > 0) {fmt.pct(r['prob_npv_positive']):>6}  {decision:<11}  EVPI {fmt.money(r['evpi_usd'])}"
        )


def _simulate(scenario: Scenario, draws: int, seed: int) -> uncertainty.Simulation:
    """The Monte Carlo run; running out of memory is a clean message (exit 2), never a traceback."""
    try:
        return uncertainty.simulate(scenario, draws, seed)
    except MemoryError:
        typer.echo(f"--draws: not enough memory for {draws:,} draws on this machine; try fewer", err=True)
        raise typer.Exit(2) from None


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain dicts, NaN and infinity as None (JSON null)."""
    return [
        {str(k): (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in row.items()}
        for row in table.to_dict("records")
    ]


@app.command("import-ci")
def import_ci(
    runs: Annotated[Path, typer.Argument(help="CI export: GitHub Actions JSON, GitLab pipelines JSON, or CSV.")],
    fmt: Annotated[str | None, typer.Option("--format", help="github, gitlab or csv; detected when not given.")] = None,
    branch: Annotated[str, typer.Option(help="The branch merges land on.")] = "main",
    since: Annotated[str | None, typer.Option(help="Window start (ISO 8601 date or timestamp).")] = None,
    until: Annotated[str | None, typer.Option(help="Window end, exclusive.")] = None,
    deploy_workflow: Annotated[str | None, typer.Option(help="Workflow name pattern of deploy runs.")] = None,
    workflow: Annotated[
        str | None, typer.Option(help="Workflow name pattern of the build (default: most runs).")
    ] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write a new scenario here.")] = None,
    into: Annotated[
        Path | None,
        typer.Option(help="Update only the baseline fields of this scenario (the previous file is kept as NAME.bak)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Let -o replace an existing file (the previous one is kept as NAME.bak).")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Derive merges per month, success rate, build minutes and deploys from the team's CI history."""
    if fmt is not None and fmt not in ci.FORMATS:
        typer.echo(f"--format: must be one of {', '.join(ci.FORMATS)}, got {fmt!r}", err=True)
        raise typer.Exit(2)
    if output is not None and not force and output.is_file() and not (into is not None and _same_file(output, into)):
        typer.echo(
            f"{output}: already exists, not replaced; use --into {output} to update its baseline, "
            "or --force to replace it with a new scenario",
            err=True,
        )
        raise typer.Exit(2)
    try:
        content = runs.read_bytes()
    except OSError as exc:
        typer.echo(f"{runs}: cannot be read: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    try:
        options = ci.Options(branch, since, until, deploy_workflow, workflow)
        baseline = ci.import_ci(content, options, source=str(runs), fmt=fmt)
    except RoiError as exc:
        fail(exc)
    target = output or into
    written: ci.Written | None = None
    if into is not None:
        try:
            read_scenario_data(into)  # unreadable, or not TOML: said as every command says it
            written = ci.update_scenario(into.read_bytes(), baseline, source=str(into))
        except OSError as exc:
            typer.echo(f"{into}: cannot be read: {exc.strerror}", err=True)
            raise typer.Exit(2) from None
        except RoiError as exc:
            for line in exc.lines():
                typer.echo(line, err=True)
            typer.echo(f"{target}: not written; the measured baseline was not applied", err=True)
            raise typer.Exit(2) from None
    elif output is not None:
        try:
            scenario = scenario_from_dict(ci.starter_scenario(baseline), str(output))
        except RoiError as exc:
            problems = "; ".join(p.render("") for p in exc.problems)
            typer.echo(
                f"{output}: not written: the scenario made from the CI history is not valid: {problems}", err=True
            )
            raise typer.Exit(2) from None
        warned = ci.no_improvement(scenario, baseline.values())
        written = ci.Written(dump_scenario(scenario), scenario, [], [], warned)
    if written is not None and target is not None:
        # whole or not at all, the replaced file kept as NAME.bak; an unwritable path: one line naming it, exit 2
        save(target, written.text.encode("utf-8"), backup=True)
    changes, left = (written.changes, written.left) if written else ([], [])
    warnings = [*baseline.warnings(), *(written.warnings if written else [])]
    if as_json:
        print_json({**baseline.to_json(), "changes": changes, "not_applied": left, "warnings": warnings})
        return
    for line in baseline.evidence():
        typer.echo(line)
    for line in changes:
        typer.echo(f"  changed {line}")
    for line in left:
        typer.echo(f"  left {line}")
    for line in warnings:
        typer.echo(f"warning: {line}", err=True)
    if written is not None:
        typer.echo(f"wrote {target}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


BudgetOpt = Annotated[
    list[float] | None,
    typer.Option(
        "--budget",
        min=0.0,
        max=MAX_USD,
        help="Cap on the cost of plan year 1, then 2, ... (USD). Repeatable; years without a cap are free.",
    ),
]


@app.command("plan")
def plan_command(
    file: FileArg,
    budget: BudgetOpt = None,
    step: Annotated[int, typer.Option(min=1, max=240, help="Start months searched: 0, step, 2 x step, ...")] = (
        plan.DEFAULT_STEP_MONTHS
    ),
    latest: Annotated[int, typer.Option(min=0, max=240, help="The latest start month searched.")] = (
        plan.DEFAULT_LATEST_MONTH
    ),
    set_: SetOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Which areas pay back, every combination ranked by NPV, and with --budget the best phasing."""
    scenario = _load(file, set_)
    result = evaluate(scenario)
    combos = plan.combinations(scenario)
    try:
        phasing = plan.best_phasing(scenario, budget, step, latest) if budget else None
    except RoiError as exc:
        fail(exc)
    if as_json:
        print_json(
            {
                "scenario": scenario.name,
                "areas": result.summary.to_dict()["areas"],
                "combinations": [c.to_json() for c in combos],
                "phasing": phasing.to_json() if phasing else None,
                "warnings": plan.uncosted_benefits(scenario),
            }
        )
        return
    typer.echo(
        f"{scenario.name}: {scenario.finance.horizon_months}-month horizon, staff cost "
        f"{'counted' if scenario.finance.include_staff_cost else 'not counted'}"
    )
    typer.echo("")
    typer.echo("Each area alone (its own costs and benefits, as if it were the only one funded):")
    echo_table(area_rows(result.summary))
    typer.echo("")
    typer.echo("Every combination of areas, with the file's schedule, best NPV first:")
    later = scenario.finance.continuing_months
    label = {
        key: FIGURES[key].label for key in ("first_year_cost_usd", "npv_usd", "payback_months", "irr_annual", "roi")
    }
    investment = AREA_FIGURES["investment_usd"].label  # one-time, and staff when counted, as each area's above
    rows = [["Areas", label["first_year_cost_usd"], investment, *(label[k] for k in ("npv_usd", "payback_months"))]]
    rows[0] += [label["irr_annual"], label["roi"]]
    if later:
        rows[0].insert(4, f"NPV with {later} more months")
    for c in combos:
        names = " + ".join(AREA_LABELS[a] for a in c.areas)
        money = [fmt.money(x) for x in (c.first_year_cost_usd, c.upfront_investment_usd, c.npv_usd)]
        if later:
            money.append(fmt.money(c.npv_with_continuing_value_usd))
        roi = fmt.ROI_NOT_MEANINGFUL if c.roi is None else fmt.pct(c.roi)
        rows.append([names, *money, fmt.months(c.payback_months), fmt.pct(c.irr_annual), roi])
    echo_table(rows)
    typer.echo("  IRR: each combination's NPV is positive for any hurdle rate below its IRR.")
    if phasing is not None:
        typer.echo("")
        for line in phasing_lines(scenario, phasing):
            typer.echo(line)
    for warning in plan.uncosted_benefits(scenario):
        typer.echo(f"warning: {warning}")


@app.command()
def validate(file: FileArg) -> None:
    """Check a scenario file and say what is wrong, field by field."""
    scenario = _load(file, None)
    ranged = scenario.ranged_inputs()
    typer.echo(f"{file}: ok ({scenario.name!r}, {len(ranged)} ranged input{'s' if len(ranged) != 1 else ''})")
