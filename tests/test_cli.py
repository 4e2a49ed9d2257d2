"""The command line through typer's CliRunner: the contract of docs/method.md, exit codes 0 / 2."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from roi import evaluate, load_scenario
from roi.cli import app
from tests.conftest import FORUM

CONTRACT_KEYS = {
    "scenario", "horizon_months", "failed_merges_per_month", "monthly_waste_usd", "monthly_benefit_usd",
    "benefit_by_stream_usd", "one_time_cost_usd", "staff_cost_usd", "upfront_investment_usd",
    "annual_recurring_cost_usd", "delivery_to_ai_ratio", "delivery_to_ai_ratio_incl_staff", "payback_months",
    "discounted_payback_months", "npv_usd", "irr_annual", "roi",
}  # fmt: skip


def test_summary_json_has_the_contract_keys(runner):
    data = json.loads(runner.invoke(app, ["summary", str(FORUM), "--json"]).output)
    assert set(data) >= CONTRACT_KEYS
    assert set(data["benefit_by_stream_usd"]) == {"merges", "builds", "incidents", "lead_time"}


def test_summary_json_uses_null_where_undefined(runner):
    args = [
        "summary",
        str(FORUM),
        "--json",
        "--set",
        "ai_tools.annual_spend=0",
        "--set",
        "merges.success_rate_after=0.708",
    ]
    data = json.loads(runner.invoke(app, args).output)
    assert data["delivery_to_ai_ratio"] is None
    assert data["payback_months"] is None
    assert data["discounted_payback_months"] is None
    assert data["irr_annual"] is None


def test_summary_table_for_people(runner):
    result = runner.invoke(app, ["summary", str(FORUM)])
    assert result.exit_code == 0
    lines = {" ".join(line.split()) for line in result.output.splitlines()}
    assert "Payback 11.77 months" in lines
    assert "Delivery-to-AI spend ratio 2.25 : 1" in lines
    assert "Staff time at the loaded rate (not counted) $624,000" in lines


def test_export_csv_is_the_monthly_table(runner, tmp_path):
    out = tmp_path / "flows.csv"
    result = runner.invoke(app, ["export", str(FORUM), "-o", str(out), "--set", "finance.horizon_months=24"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.BytesIO(out.read_bytes()))
    expected = evaluate(load_scenario(FORUM, ["finance.horizon_months=24"])).monthly
    assert list(table.columns) == list(expected.columns)
    assert len(table) == 25
    pd.testing.assert_frame_equal(table, expected, check_dtype=False, rtol=1e-9)


def test_validate_ok(runner):
    result = runner.invoke(app, ["validate", str(FORUM)])
    assert result.exit_code == 0
    assert "ok" in result.output and "1 ranged input)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", str(FORUM), "-o", "out.pdf"], "--output: must end in .csv"),
        (["summary", "no/such/file.toml"], "no/such/file.toml: cannot be read: no such file"),
        (["summary", "."], ".: cannot be read: it is a folder"),
        (["summary", str(FORUM), "--set", "nonsense"], "--set: expected KEY=VALUE, got 'nonsense'"),
        (
            ["summary", str(FORUM), "--set", "merges.fix_hours=abc"],
            "merges.fix_hours: must be a number, got the text 'abc'",
        ),
        (
            ["summary", str(FORUM), "--set", "merges.merges_per_month.low=1"],
            "merges.merges_per_month: is a single value",
        ),
        (["summary", str(FORUM), "--set", "merges.bogus=1"], "merges.bogus: unknown key"),
        (["summary", str(FORUM), "--set", "..=1"], "is not a dotted path"),
        (["summary"], "Missing argument"),
        (["frobnicate"], "No such command"),
    ],
)
def test_bad_usage_exits_2_with_a_message(runner, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_unwritable_output_is_bad_input(runner, tmp_path):
    result = runner.invoke(app, ["export", str(FORUM), "-o", str(tmp_path / "missing-dir" / "x.csv")])
    assert result.exit_code == 2
    assert "cannot write" in result.output


def _strict_loads(text: str):
    def refuse(constant: str):
        raise AssertionError(f"non-standard JSON constant {constant}")

    return json.loads(text, parse_constant=refuse)


# A case where nearly everything is undefined: nothing spent, no AI spend, a loss every month (no payback,
# no IRR, no ROI), and ranges so that simulate and sensitivity have draws to summarize.
UNDEFINED_EVERYWHERE = [
    "merges.success_rate_after={low=0.5, likely=0.6, high=0.7}",
    "ai_tools.annual_spend=0",
    *[f"investments.{a}.one_time=0" for a in ("ci_cd", "testing", "deployment", "observability")],
    *[f"investments.{a}.engineer_quarters=0" for a in ("ci_cd", "testing", "deployment", "observability")],
]


@pytest.mark.parametrize("command", [["summary"], ["simulate", "--draws", "500"], ["sensitivity", "--draws", "500"]])
def test_json_output_is_strict_where_figures_are_undefined(runner, command):
    sets = [arg for s in UNDEFINED_EVERYWHERE for arg in ("--set", s)]
    result = runner.invoke(app, [command[0], str(FORUM), *command[1:], *sets, "--json"])
    assert result.exit_code == 0, result.output
    data = _strict_loads(result.output)
    if command == ["summary"]:
        assert data["payback_months"] is None and data["irr_annual"] is None and data["roi"] is None
        assert data["delivery_to_ai_ratio"] is None
        assert isinstance(data["npv_usd"], float) and data["npv_usd"] < 0
