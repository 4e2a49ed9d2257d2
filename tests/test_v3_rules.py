"""The wording and edge rules of format v3, each checked through the command line as a user meets it.

- nothing spent or earned within the horizon: payback, IRR and ROI are none and say so, never "0 months";
- no figure is ever -0 (text, JSON, CSV);
- ROI is "not meaningful" under $1 of present-valued cost;
- IRR by the method's 200-point grid: "not unique: read NPV" when NPV changes sign more than once;
- the annual delivery-to-AI ratio spreads costs over max(H, 12) months;
- a budget cap for a plan year past the horizon is dropped with a warning;
- a whole-month range without `likely` takes the midpoint rounded half up, as every draw is rounded.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from roi import evaluate, load_scenario
from roi.cli import app
from roi.scenario import scenario_from_dict
from roi.uncertainty import sample_values
from tests.conftest import FORUM, ROOT

REALISTIC = ROOT / "scenarios" / "forum-post-realistic.toml"
LATE = ["schema_version=2", *(f"investments.{a}.start_month=40" for a in ("ci_cd", "testing", "deployment",
                                                                         "observability"))]  # fmt: skip


def _json(runner, *args):
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_nothing_within_the_horizon_is_said_never_zero_months(runner):
    # every area starts in month 40 of a 36-month horizon: not a cent moves within it
    data = _json(runner, "summary", str(FORUM), *(f"--set={s}" for s in LATE))
    assert data["nothing_within_horizon"] is True
    assert data["payback_months"] is None and data["discounted_payback_months"] is None
    assert data["irr_annual"] is None and data["roi"] is None and data["npv_usd"] == 0
    text = runner.invoke(app, ["summary", str(FORUM), *(f"--set={s}" for s in LATE)]).output
    rows = dict(re.split(r"\s{2,}", line, maxsplit=1) for line in text.splitlines() if re.match(r"\S.*\s{2,}\S", line))
    assert rows["Payback"] == "nothing is spent or earned within the horizon"
    assert rows["IRR (annual)"] == "nothing is spent or earned within the horizon"
    assert "0.00 months" not in text and "0 months" not in text.replace("40", "")


def test_no_figure_is_ever_minus_zero(runner, tmp_path):
    # A plan whose areas are all left out: every flow is 0, and the cost columns were -0.0 before the fix.
    sets = ["schema_version=2", *(f"--set=investments.{a}.include=false" for a in ("ci_cd", "testing", "deployment",
                                                                                 "observability"))]  # fmt: skip
    sets = [f"--set={sets[0]}", *sets[1:]]
    text = runner.invoke(app, ["summary", str(FORUM), *sets]).output
    assert "-$0" not in text and "-0.0" not in text
    raw = runner.invoke(app, ["summary", str(FORUM), *sets, "--json"]).output
    assert "-0.0" not in raw and ": -0," not in raw
    out = tmp_path / "flows.csv"
    assert runner.invoke(app, ["export", str(FORUM), *sets, "-o", str(out)]).exit_code == 0
    cells = [c for line in out.read_text().splitlines()[1:] for c in line.split(",")]
    assert "-0" not in cells and "-0.0" not in cells


def test_roi_under_one_dollar_of_cost_is_not_meaningful(runner):
    # one cent of outlay for the founding case's benefit: ROI would read billions of percent
    sets = [f"--set=investments.{a}.one_time={'0.01' if a == 'ci_cd' else '0'}" for a in
            ("ci_cd", "testing", "deployment", "observability")]  # fmt: skip
    data = _json(runner, "summary", str(FORUM), *sets)
    assert data["pv_costs_usd"] == pytest.approx(0.01)
    assert data["roi"] is None
    text = runner.invoke(app, ["summary", str(FORUM), *sets]).output
    assert "ROI" in text and "not meaningful (under $1 of cost)" in text


TWO_IRRS = """schema_version = 3
name = "Two IRRs"
[team]
loaded_hourly_rate = 100
[finance]
horizon_months = 24
annual_discount_rate = 0.10
[[lines]]
name = "Set-up"
type = "cost"
by_year = [100]
[[lines]]
name = "Year 1 gain"
type = "benefit"
by_year = [0, 10210]
[[lines]]
name = "Year 2 clean-up"
type = "cost"
by_year = [0, 0, 11110]
"""


def test_an_irr_that_is_not_unique_says_read_npv(runner, tmp_path):
    # -100 + 10,210 v - 11,110 v^2 = -100 (1 - 1.1 v)(1 - 101 v), v a year's discount: NPV is 0 at 10 % and at
    # 10,000 % a year, x = ln(1.1) / 12 = 0.008 and ln(101) / 12 = 0.385 a month, further apart than the grid's step
    # of (ln(1001) + 708.4 / 25) / 199 = 0.177: two sign changes on the grid
    path = tmp_path / "two.toml"
    path.write_text(TWO_IRRS)
    data = _json(runner, "summary", str(path))
    assert data["irr_annual"] is None and data["irr_not_unique"] is True
    text = runner.invoke(app, ["summary", str(path)]).output
    assert "not unique: read NPV" in text


def test_the_annual_ratio_spreads_costs_over_at_least_a_year(runner):
    # $450,000 at month 0 over a one-month horizon: 450,000 x 12 / max(1, 12) / 200,000 = 2.25, not 27 : 1
    data = _json(runner, "summary", str(FORUM), "--set=finance.horizon_months=1")
    assert data["annual_delivery_to_ai_ratio"] == pytest.approx(2.25)
    data = _json(runner, "summary", str(FORUM), "--set=finance.horizon_months=24")
    assert data["annual_delivery_to_ai_ratio"] == pytest.approx(450_000 * 12 / 24 / 200_000)


def test_a_budget_past_the_horizon_is_dropped_with_a_warning(runner):
    data = _json(runner, "plan", str(FORUM), "--budget", "300000", "--budget", "0", "--budget", "0", "--budget", "0")
    assert data["phasing"]["budgets_usd"] == [300000, 0, 0]
    assert data["phasing"]["warnings"] == ["--budget for plan year 4 dropped: the 36-month horizon has 3 plan years"]
    text = runner.invoke(app, ["plan", str(FORUM), "--budget", "300000", "--budget", "0", "--budget", "0",
                               "--budget", "0"]).output  # fmt: skip
    assert "warning: --budget for plan year 4 dropped" in text


def test_whole_months_round_half_up_everywhere():
    data = json.loads(json.dumps(load_scenario(REALISTIC).to_dict()))
    data["investments"]["ci_cd"]["build_months"] = {"low": 1, "high": 2}  # midpoint 1.5
    scenario = scenario_from_dict(data)
    assert scenario.investments.ci_cd.build_months.likely == 2  # was 1 (rounded down) in one place
    assert evaluate(scenario).summary.areas["ci_cd"].go_live_month == 2
    draws = sample_values(scenario, 20_000, 0)["investments.ci_cd.build_months"]
    assert set(np.unique(draws)) <= {1.0, 2.0}
    assert np.all(draws == np.floor(draws))


def test_set_reaches_a_line_by_its_index(runner):
    tei = str(ROOT / "scenarios" / "tei-salesloft.toml")
    base = _json(runner, "summary", tei)
    edited = _json(runner, "summary", tei, "--set", "lines.1.by_year=[53150, 666715, 636772, 0]")
    # the study's Year 3 cost, $647,783, is $486,689 at 10 % over three years: dropping it adds that to NPV
    assert edited["npv_usd"] - base["npv_usd"] == pytest.approx(647_783 / 1.1**3, abs=0.01)
    for key, message in (("lines.2.by_year", "lines.2: no such entry: the list has 2, counted from 0"),
                         ("lines.1", "lines.1: is an entry of a list: set one of its keys")):  # fmt: skip
        result = runner.invoke(app, ["summary", tei, "--set", f"{key}=1"])
        assert result.exit_code == 2 and message in result.output, result.output
