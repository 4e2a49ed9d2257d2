"""Monte Carlo, tornado, break-even and value of information."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import evaluate, load_scenario
from roi.cli import app
from roi.scenario import Range, scenario_from_dict, with_values
from roi.uncertainty import (
    break_even,
    expected_value_of_perfect_information,
    pert_draws,
    simulate,
    tornado,
    value_of_information,
)
from tests.conftest import CODE_NAME, FORUM, ROOT
from tests.strategies import scenario_data

REALISTIC = ROOT / "scenarios" / "forum-post-realistic.toml"


def test_same_seed_same_numbers_and_different_seed_different():
    scenario = load_scenario(REALISTIC)
    a, b, c = simulate(scenario, 2000, 7), simulate(scenario, 2000, 7), simulate(scenario, 2000, 8)
    assert a.summary() == b.summary()
    assert a.summary()["npv_usd"] != c.summary()["npv_usd"]


def test_seeded_numbers_are_pinned():
    # PCG64 and numpy's beta sampler are the same on every platform; a change here changes users' numbers.
    summary = simulate(load_scenario(FORUM), 1000, 0).summary()
    pinned = json.loads((ROOT / "tests" / "pinned" / "simulate-forum-post-seed0.json").read_text())
    for key in ("payback_months", "npv_usd", "roi"):
        for q in ("p10", "p50", "p90", "mean"):
            assert summary[key][q] == pytest.approx(pinned[key][q], rel=1e-9), (key, q)


def test_no_ranges_means_no_spread():
    scenario = load_scenario(FORUM, ["merges.fix_hours=3"])
    summary = simulate(scenario, 500, 1).summary()
    deterministic = evaluate(scenario).summary
    for key in ("payback_months", "npv_usd", "roi", "irr_annual"):
        q = summary[key]
        assert q["p10"] == q["p50"] == q["p90"] == pytest.approx(getattr(deterministic, key), rel=1e-12)


@pytest.mark.parametrize(("low", "likely", "high"), [(2, 3, 4), (1, 1.5, 6), (0, 0, 10), (5, 9, 9)])
def test_pert_mean_is_low_plus_four_likely_plus_high_over_six(low, likely, high):
    draws = pert_draws(low, likely, high, 200_000, np.random.default_rng(3))
    expected = (low + 4 * likely + high) / 6
    assert abs(draws.mean() - expected) < 5 * draws.std() / math.sqrt(draws.size)
    assert draws.min() >= low and draws.max() <= high


def test_p50_payback_of_symmetric_case_is_near_deterministic():
    scenario = load_scenario(FORUM)  # fix hours 2 / 3 / 4: symmetric around 3
    p50 = simulate(scenario, 20_000, 5).summary()["payback_months"]["p50"]
    assert p50 == pytest.approx(evaluate(scenario).summary.payback_months, abs=0.1)


def test_probabilities_are_in_0_1_and_monotone_in_months():
    scenario = load_scenario(FORUM, ["merges.fix_hours={low=0.5, likely=1.5, high=5}", "finance.horizon_months=30"])
    summary = simulate(scenario, 5000, 2).summary()
    p = summary["prob_payback_within_months"]
    values = [p["12"], p["18"], p["24"], p["horizon"]]
    assert all(0 <= v <= 1 for v in values)
    assert values == sorted(values)
    assert 0 < p["horizon"] < 1
    assert 0 <= summary["prob_npv_positive"] <= 1


def test_draws_that_never_pay_back_count_as_never():
    scenario = load_scenario(FORUM, ["merges.fix_hours={low=0, likely=0.5, high=4}", "finance.horizon_months=12"])
    sim = simulate(scenario, 5000, 4)
    summary = sim.summary()
    never = summary["share_never_paying_back"]
    assert never > 0.5
    assert summary["payback_months"]["p90"] is None  # the 90th percentile lies among the never-paying draws
    assert summary["payback_months"]["mean"] is None
    assert summary["prob_payback_within_months"]["horizon"] == pytest.approx(1 - never)
    assert not np.isnan(sim.metrics.payback_months).any()


def test_each_draw_equals_evaluate_of_its_inputs():
    # build months fixed: a drawn overrun is priced against the planned months, which evaluate() cannot know
    scenario = load_scenario(REALISTIC, [f"investments.{a}.build_months=6" for a in ("ci_cd", "testing")])
    sim = simulate(scenario, 50, 9)
    for row in (0, 17, 49):
        fixed = with_values(scenario, {p: float(np.asarray(sim.inputs[p])[row]) for p in scenario.ranged_inputs()})
        s = evaluate(fixed).summary
        assert sim.metrics.npv_usd[row] == pytest.approx(s.npv_usd, rel=1e-12)
        assert sim.metrics.payback_months[row] == pytest.approx(s.payback_months, rel=1e-12)
        assert sim.metrics.irr_annual[row] == pytest.approx(s.irr_annual, rel=1e-9)


def test_tornado_matches_one_at_a_time_evaluation():
    scenario = load_scenario(REALISTIC)
    table = tornado(scenario)
    assert set(table["input"]) == set(scenario.ranged_inputs())
    assert list(table["npv_swing_usd"]) == sorted(table["npv_swing_usd"], reverse=True)
    top = table.iloc[0]
    r = scenario.ranged_inputs()[top["input"]]
    low = evaluate(with_values(scenario, {top["input"]: r.low})).summary
    assert top["npv_low_usd"] == pytest.approx(low.npv_usd, rel=1e-12)
    assert top["payback_low_months"] == pytest.approx(low.payback_months, rel=1e-12)


def test_break_even_values_hit_their_targets():
    scenario = load_scenario(REALISTIC)  # payback 30.9 months as entered
    for b in break_even(scenario, 30):
        assert b.for_npv_zero is not None, b
        if b.input == "finance.annual_discount_rate":
            # the payback does not discount: no rate reaches a target; NPV turns negative at the IRR, 12.6 %
            assert b.for_payback_target is None
            assert b.for_npv_zero == pytest.approx(evaluate(scenario).summary.irr_annual, rel=1e-6)
        else:
            assert b.for_payback_target is not None, b
            at_target = evaluate(with_values(scenario, {b.input: b.for_payback_target})).summary
            assert at_target.payback_months == pytest.approx(30, abs=1e-4), b.input
        at_zero = evaluate(with_values(scenario, {b.input: b.for_npv_zero})).summary
        assert at_zero.npv_usd == pytest.approx(0, abs=1e-3 * scenario.investments.ci_cd.one_time), b.input


def test_break_even_beyond_the_horizon_is_none():
    # The first version returned four wrong values for a 48-month target on a 36-month horizon.
    scenario = load_scenario(REALISTIC)
    assert scenario.finance.horizon_months == 36
    assert all(b.for_payback_target is None for b in break_even(scenario, 48))


@given(data=scenario_data(max_horizon=60), target_share=st.floats(0, 1.5))
@settings(max_examples=40, deadline=None)
def test_every_break_even_value_gives_its_target_when_plugged_back(data, target_share):
    scenario = scenario_from_dict(data)
    target = round(target_share * scenario.finance.horizon_months, 3)
    for b in break_even(scenario, target):
        if b.for_payback_target is not None:
            assert b.search_low <= b.for_payback_target <= b.search_high
            payback = evaluate(with_values(scenario, {b.input: b.for_payback_target})).summary.payback_months
            assert payback is not None and abs(payback - target) <= 1e-6, (b, payback)
        if b.for_npv_zero is not None:
            npv = evaluate(with_values(scenario, {b.input: b.for_npv_zero})).summary.npv_usd
            assert abs(npv) <= 1.0, (b, npv)
    if target > scenario.finance.horizon_months:
        assert all(b.for_payback_target is None for b in break_even(scenario, target))


def test_break_even_says_when_there_is_none():
    # with $1.07M up front, no success rate <= 100 % pays back within 2 months
    scenario = load_scenario(REALISTIC)
    result = {b.input: b for b in break_even(scenario, 2)}
    assert result["merges.success_rate_after"].for_payback_target is None


def test_value_of_information_finds_the_input_that_decides():
    # Staff counted: NPV straddles zero, and fix hours (wide) matter more than the loaded rate (narrow).
    scenario = load_scenario(
        FORUM,
        [
            "finance.include_staff_cost=true",
            "merges.fix_hours={low=0.5, likely=1.5, high=4}",
            "team.loaded_hourly_rate={low=145, likely=150, high=155}",
        ],
    )
    sim = simulate(scenario, 20_000, 11)
    assert 0 < sim.summary()["prob_npv_positive"] < 1
    table = value_of_information(sim)
    evpi = expected_value_of_perfect_information(sim)
    assert list(table["input"]) == ["merges.fix_hours", "team.loaded_hourly_rate"]
    assert 0.8 * evpi <= table.loc[0, "evppi_usd"] <= evpi + 1e-6
    assert table.loc[1, "evppi_usd"] < 0.1 * table.loc[0, "evppi_usd"]
    assert table.loc[0, "variance_share"] > 0.9


def test_inputs_that_do_not_enter_npv_have_no_value_of_information():
    # NPV straddles zero (fix hours decide), and two wide ranges never touch NPV: the AI spend (spend ratio only)
    # and the engineer-quarters with staff cost not counted. Binned estimates gave them thousands of dollars of
    # sampling noise; they must get exactly 0.
    scenario = load_scenario(
        FORUM,
        [
            "finance.include_staff_cost=false",
            "merges.fix_hours={low=0.2, likely=1, high=3}",
            "ai_tools.annual_spend={low=50000, likely=200000, high=900000}",
            "investments.testing.engineer_quarters={low=1, likely=3, high=12}",
        ],
    )
    sim = simulate(scenario, 5000, 2)
    assert 0.2 < sim.summary()["prob_npv_positive"] < 0.8
    table = value_of_information(sim).set_index("input")
    assert table.loc["merges.fix_hours", "evppi_usd"] > 1000
    for path in ("ai_tools.annual_spend", "investments.testing.engineer_quarters"):
        assert table.loc[path, "evppi_usd"] == 0, path
        assert table.loc[path, "variance_share"] == 0, path


def test_clear_decision_has_no_value_of_information_but_ranks_by_variance():
    # The realistic case with every area live at once and every freed hour counted: NPV > 0 in every draw.
    clear = [f"investments.{a}.build_months=0" for a in ("ci_cd", "testing", "deployment", "observability")]
    sim = simulate(load_scenario(REALISTIC, [*clear, "team.engineer_time_recapture=1"]), 5000, 1)
    assert sim.summary()["prob_npv_positive"] == 1
    table = value_of_information(sim)
    assert (table["evppi_usd"] == 0).all()
    assert table["variance_share"].iloc[0] == table["variance_share"].max() > 0.1


def test_simulate_json_through_the_cli(runner):
    result = runner.invoke(app, ["simulate", str(FORUM), "--draws", "2000", "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["draws"] == 2000 and data["seed"] == 3
    for key in ("payback_months", "discounted_payback_months", "npv_usd", "roi"):
        assert set(data[key]) == {"p10", "p50", "p90", "mean"}
    assert set(data["irr_annual"]) == {"p10", "p50", "p90", "mean", "share_undefined"}
    assert data["irr_annual"]["share_undefined"] == 0
    assert set(data["prob_payback_within_months"]) == {"12", "18", "24", "horizon"}
    assert 0 <= data["prob_npv_positive"] <= 1


def test_simulate_table_and_sensitivity_through_the_cli(runner):
    assert "P(payback within the 36-month horizon)" in runner.invoke(app, ["simulate", str(FORUM)]).output
    result = runner.invoke(app, ["sensitivity", str(REALISTIC), "--json", "--target-months", "18"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"tornado", "break_even", "value_of_information", "evpi_usd"} <= set(data)
    assert len(data["break_even"]) == 5  # fix hours, merges, target success rate, loaded rate, discount rate
    text = runner.invoke(app, ["sensitivity", str(REALISTIC)]).output
    assert "Tornado" in text and "Break-even" in text and "Value of information" in text


@pytest.mark.parametrize("command", ["simulate", "sensitivity"])
def test_the_text_output_names_inputs_and_figures_in_words(runner, command):
    # The text is what a CTO pastes into a note to the CFO: "Hours to fix one failed merge", not merges.fix_hours;
    # "Payback", not payback_months.
    result = runner.invoke(app, [command, str(REALISTIC), "--draws", "500"])
    assert result.exit_code == 0, result.output
    assert not CODE_NAME.search(result.output), CODE_NAME.search(result.output)
    assert "Hours to fix one failed merge" in result.output


@pytest.mark.parametrize(
    "args",
    [["--draws", "0"], ["--draws", "many"], ["--seed", "-1"], ["--set", "merges.fix_hours={low=5, high=1}"]],
)
def test_simulate_bad_input_exits_2(runner, args):
    result = runner.invoke(app, ["simulate", str(FORUM), *args])
    assert result.exit_code == 2, result.output


def test_range_model_mean():
    assert Range(low=2, likely=3, high=7).mean == pytest.approx(3.5)  # (2 + 4 x 3 + 7) / 6 = 21 / 6


def test_share_of_draws_without_an_irr_is_said_in_text_and_json(runner):
    # A target success rate from 0.6 to 0.9 around today's 0.708: the draws below 0.708 lose money every month,
    # so their flows never change sign and have no IRR.
    args = ["simulate", str(FORUM), "--draws", "4000", "--set", "merges.success_rate_after={low=0.6, high=0.9}"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    share = data["irr_annual"]["share_undefined"]
    assert 0.1 < share < 0.9
    assert share == data["share_irr_undefined"]
    text = runner.invoke(app, args).output
    assert f"{share * 100:.1f} % of draws have no IRR" in text


def test_chunked_draws_equal_one_batch(monkeypatch):
    # The chunking that keeps memory flat must not change a single figure.
    scenario = load_scenario(REALISTIC)
    whole = simulate(scenario, 3000, 5).metrics
    monkeypatch.setattr("roi.model.CHUNK_CELLS", 37 * 250)  # 12 chunks of 250 draws
    chunked = simulate(scenario, 3000, 5).metrics
    # matrix products may sum in another order for another chunk size: equal to the last bits
    for name in ("npv_usd", "payback_months", "discounted_payback_months", "roi"):
        np.testing.assert_allclose(getattr(chunked, name), getattr(whole, name), rtol=1e-12, err_msg=name)
    # small chunks take the IRR solver's dense path, large ones Horner's scheme: equal to rounding
    np.testing.assert_allclose(chunked.irr_annual, whole.irr_annual, rtol=1e-9, atol=1e-12)
