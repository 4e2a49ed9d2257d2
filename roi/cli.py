"""The `roi` command line (DESIGN.md, "Command line contract"). Exit 0 ok, 2 bad input or usage, 1 our fault."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from roi.errors import RoiError
from roi.exports import EXPORTERS, exporter_for
from roi.model import Summary, evaluate
from roi.scenario import Scenario, load_scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Payback, NPV, IRR and ROI of delivery-infrastructure spend, from a scenario TOML file.",
)

FileArg = Annotated[Path, typer.Argument(help="Scenario file (TOML, format v1).", show_default=False)]
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


def _money(x: float | None) -> str:
    return "n/a" if x is None else f"${x:,.0f}"


def _months(x: float | None) -> str:
    return "not within the horizon" if x is None else f"{x:.2f} months"


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def _ratio(x: float | None) -> str:
    return "n/a (no AI spend)" if x is None else f"{x:.2f} : 1"


def summary_rows(s: Summary) -> list[tuple[str, str]]:
    """The summary as label / text rows, for people."""
    rows = [
        ("Scenario", s.scenario),
        ("Horizon", f"{s.horizon_months} months"),
        ("Failed merges / month", f"{s.failed_merges_per_month:,.3f}"),
        ("Cost of doing nothing / month", _money(s.monthly_waste_usd)),
        ("Benefit / month (full ramp)", _money(s.monthly_benefit_usd)),
    ]
    rows += [(f"  of which {k.replace('_', ' ')}", _money(v)) for k, v in s.benefit_by_stream_usd.items()]
    rows += [
        ("One-time cost", _money(s.one_time_cost_usd)),
        ("Staff cost" + ("" if s.include_staff_cost else " (not counted)"), _money(s.staff_cost_usd)),
        ("Upfront investment", _money(s.upfront_investment_usd)),
        ("Recurring cost / year", _money(s.annual_recurring_cost_usd)),
        ("Delivery-to-AI ratio", _ratio(s.delivery_to_ai_ratio)),
        ("  incl. staff", _ratio(s.delivery_to_ai_ratio_incl_staff)),
        ("Payback", _months(s.payback_months)),
        ("Discounted payback", _months(s.discounted_payback_months)),
        ("NPV", _money(s.npv_usd)),
        ("IRR (annual)", _pct(s.irr_annual)),
        ("ROI", _pct(s.roi)),
    ]
    return rows


def summary_json(s: Summary) -> dict[str, Any]:
    """The contract's JSON object (DESIGN.md), with null for what is undefined."""
    data = s.to_dict()
    for key, value in data.items():
        if isinstance(value, float) and not math.isfinite(value):
            data[key] = None
    return data


@app.command()
def summary(file: FileArg, set_: SetOpt = None, as_json: JsonOpt = False) -> None:
    """Payback, NPV, IRR, ROI and the spend ratio of a scenario."""
    result = evaluate(_load(file, set_))
    if as_json:
        typer.echo(json.dumps(summary_json(result.summary), indent=2))
        return
    rows = summary_rows(result.summary)
    width = max(len(label) for label, _ in rows)
    for label, text in rows:
        typer.echo(f"{label:<{width}}  {text}")


@app.command()
def export(
    file: FileArg,
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file: .csv (monthly table) or .xlsx.")],
    set_: SetOpt = None,
) -> None:
    """Write the monthly cash-flow table (.csv) or the CFO workbook (.xlsx)."""
    build = exporter_for(output)
    if build is None:
        typer.echo(f"--output: must end in {' or '.join(sorted(EXPORTERS))}, got {output.name!r}", err=True)
        raise typer.Exit(2)
    content = build(evaluate(_load(file, set_)))
    try:
        output.write_bytes(content)
    except OSError as exc:
        typer.echo(f"{output}: cannot write: {exc.strerror}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"wrote {output} ({len(content):,} bytes)")


@app.command()
def validate(file: FileArg) -> None:
    """Check a scenario file and say what is wrong, field by field."""
    scenario = _load(file, None)
    ranged = scenario.ranged_inputs()
    typer.echo(f"{file}: ok ({scenario.name!r}, {len(ranged)} ranged input{'s' if len(ranged) != 1 else ''})")
