"""Honest uncertainty v2: correlated groups, ranges read as P10/P90, late delivery, and every draw as CSV."""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from roi import evaluate, load_scenario
from roi.cli import app
from roi.scenario import Range, with_values
from roi.uncertainty import p10_p90_support, pert_draws, pert_quantile, sample_values, simulate
from tests.conftest import FORUM, ROOT

REALISTIC = ROOT / "scenarios" / "forum-post-realistic.toml"
AFTER = ["builds.build_minutes_after", "incidents.change_failure_rate_after", "incidents.mttr_hours_after"]


def _group(paths: list[str], rho: float) -> str:
    inputs = ", ".join(f'"{p}"' for p in paths)
    return f"uncertainty.correlated=[{{inputs=[{inputs}], rank_correlation={rho}}}]"


def _without_groups(path=REALISTIC, *sets: str):
    return load_scenario(path, [*sets, "uncertainty.correlated=[]"])


def test_without_a_group_the_draws_are_the_independent_samplers():
    # The independent sampler: one PCG64 stream, each ranged input in path order, Beta-PERT(lambda 4).
    scenario = _without_groups()
    values = sample_values(scenario, 500, 7)
    rng = np.random.Generator(np.random.PCG64(7))
    for path, r in sorted(scenario.ranged_inputs().items()):
        expected = pert_draws(r.low, r.likely, r.high, 500, rng)
        if path.endswith("build_months"):
            expected = np.round(expected)
        np.testing.assert_array_equal(values[path], expected, err_msg=path)


def test_a_group_keeps_every_inputs_own_draws_and_only_reorders_them():
    grouped = sample_values(load_scenario(REALISTIC), 2000, 3)
    alone = sample_values(_without_groups(), 2000, 3)
    for path in alone:
        if np.ndim(alone[path]):
            np.testing.assert_array_equal(np.sort(grouped[path]), np.sort(alone[path]), err_msg=path)
    for path in ("merges.fix_hours", "builds.builds_per_month"):  # not in the group: untouched, in order
        np.testing.assert_array_equal(grouped[path], alone[path])


@pytest.mark.parametrize("rho", [0.6, -0.4, 0.9])
def test_sampled_rank_correlation_is_the_target(rho):
    pairs = AFTER if rho > -0.45 else AFTER[:2]  # three inputs cannot all be -0.9 apart; two can
    scenario = load_scenario(REALISTIC, [_group(pairs, rho)])
    values = sample_values(scenario, 100_000, 11)
    for i in range(len(pairs)):
        for j in range(i + 1, len(pairs)):
            got = stats.spearmanr(values[pairs[i]], values[pairs[j]]).statistic
            assert got == pytest.approx(rho, abs=0.02), (pairs[i], pairs[j])


def test_two_groups_hold_their_own_correlations_and_none_between():
    two = (
        'uncertainty.correlated=[{inputs=["merges.fix_hours", "builds.build_minutes_after"], rank_correlation=0.5}, '
        '{inputs=["incidents.mttr_hours_after", "builds.blocked_fraction"], rank_correlation=-0.3}]'
    )
    v = sample_values(load_scenario(REALISTIC, [two]), 100_000, 2)
    assert stats.spearmanr(v["merges.fix_hours"], v["builds.build_minutes_after"]).statistic == pytest.approx(
        0.5, abs=0.02
    )
    assert stats.spearmanr(v["incidents.mttr_hours_after"], v["builds.blocked_fraction"]).statistic == pytest.approx(
        -0.3, abs=0.02
    )
    assert abs(stats.spearmanr(v["merges.fix_hours"], v["incidents.mttr_hours_after"]).statistic) < 0.02


def test_correlated_under_delivery_widens_the_odds():
    # The point: a program that under-delivers everywhere is riskier than independent draws suggest.
    correlated = simulate(load_scenario(REALISTIC), 20_000, 0).summary()
    independent = simulate(_without_groups(), 20_000, 0).summary()
    assert correlated["npv_usd"]["p10"] < independent["npv_usd"]["p10"]
    assert correlated["npv_usd"]["p90"] > independent["npv_usd"]["p90"]
    assert correlated["npv_usd"]["p50"] == pytest.approx(independent["npv_usd"]["p50"], rel=0.1)


@pytest.mark.parametrize(("low", "likely", "high"), [(2, 3, 4), (0.05, 0.10, 0.15), (500, 1000, 3000), (5, 6, 9)])
def test_p10_p90_support_puts_low_and_high_at_the_10th_and_90th_percentiles(low, likely, high):
    a, b = p10_p90_support(low, likely, high)
    assert a < low and b > high
    q10, q90 = pert_quantile(np.array([0.1, 0.9]), a, likely, b)
    assert q10 == pytest.approx(low, rel=1e-9) and q90 == pytest.approx(high, rel=1e-9)


def test_in_p10_p90_mode_the_sampled_percentiles_are_low_and_high():
    scenario = load_scenario(REALISTIC, ['uncertainty.ranges_are="p10_p90"'])
    values = sample_values(scenario, 100_000, 5)
    for path, r in scenario.ranged_inputs().items():
        if path.endswith("build_months"):
            continue  # whole months: rounding moves the percentiles by up to half a month
        q10, q90 = np.quantile(values[path], [0.1, 0.9])
        assert q10 == pytest.approx(r.low, rel=0.01), path
        assert q90 == pytest.approx(r.high, rel=0.01), path


def test_p10_p90_draws_stay_within_each_inputs_bounds():
    scenario = load_scenario(FORUM, ['uncertainty.ranges_are="p10_p90"', "schema_version=2",
                                     "merges.success_rate_after={low=0.9, likely=0.99, high=1.0}"])  # fmt: skip
    values = sample_values(scenario, 50_000, 1)
    assert values["merges.success_rate_after"].max() <= 1.0
    assert values["merges.success_rate_after"].min() >= 0.0


def test_min_max_is_the_default_and_keeps_draws_inside_the_range():
    scenario = load_scenario(REALISTIC)
    assert scenario.uncertainty.ranges_are == "min_max"
    values = sample_values(scenario, 20_000, 4)
    for path, r in scenario.ranged_inputs().items():
        assert r.low <= values[path].min() and values[path].max() <= r.high, path


def test_the_pert_mean_closed_form_still_holds():
    # (low + 4 likely + high) / 6 = (2 + 12 + 7) / 6 = 3.5
    draws = pert_draws(2, 3, 7, 400_000, np.random.Generator(np.random.PCG64(0)))
    assert draws.mean() == pytest.approx(Range(low=2, likely=3, high=7).mean, abs=0.01)


def test_a_late_build_moves_go_live_and_costs_staff_in_proportion():
    # Each draw equals evaluate() of its own inputs, where a drawn build of b months (planned 6) moves the area's
    # go-live to start + b and scales its staff cost by b / 6.
    scenario = load_scenario(REALISTIC, ["uncertainty.correlated=[]"])
    sim = simulate(scenario, 40, 8)
    builds = sim.inputs["investments.ci_cd.build_months"]
    assert set(np.unique(builds)) <= set(range(5, 10)) and len(np.unique(builds)) > 1
    for row in np.flatnonzero(builds > 6)[:3]:
        drawn = {p: float(np.asarray(sim.inputs[p])[row]) for p in scenario.ranged_inputs()}
        # planned at the drawn length, the build would cost its planned staff; run over from 6 months it costs more
        planned_so = evaluate(with_values(scenario, drawn)).summary
        assert planned_so.areas["ci_cd"].go_live_month == drawn["investments.ci_cd.build_months"]
        assert sim.metrics.npv_usd[row] < planned_so.npv_usd


def test_an_overrun_costs_exactly_the_extra_months_of_staff():
    base = load_scenario(REALISTIC, ["uncertainty.correlated=[]", "investments.testing.build_months={low=6, high=6}"])
    late = dict(sample_values(base, 1, 0))
    late["investments.ci_cd.build_months"] = np.array([9.0])
    from roi.model import cash_flows, likely_values

    on_time = cash_flows(base, likely_values(base))
    overrun = cash_flows(base, late)
    # CI/CD: 2 engineer-quarters x 520 h x $150 = $156,000 planned over 6 months; 9 months cost 9/6 of it
    extra = overrun.staff_cost_usd[0] - on_time.staff_cost_usd[0]
    assert extra == pytest.approx(156_000 * (9 / 6 - 1))
    # and its go-live moves from month 6 to month 9: no CI/CD benefit in months 7..9 of the late draw
    assert overrun.live_share["ci_cd"][0, 7:10].max() == 0 and on_time.live_share["ci_cd"][0, 7] > 0


def test_ramp_months_may_be_a_range():
    scenario = load_scenario(FORUM, ["schema_version=2", "finance.ramp_months={low=0, likely=3, high=9}"])
    assert "finance.ramp_months" in scenario.ranged_inputs()
    sim = simulate(scenario, 2000, 0)
    assert np.ptp(sim.inputs["finance.ramp_months"]) > 5
    slow = evaluate(with_values(scenario, {"finance.ramp_months": 9})).summary.payback_months
    fast = evaluate(with_values(scenario, {"finance.ramp_months": 0})).summary.payback_months
    assert fast < slow
    assert fast <= np.quantile(sim.metrics.payback_months, 0.5) <= slow


def test_simulate_writes_every_draw_to_csv(runner, tmp_path):
    out = tmp_path / "draws.csv"
    result = runner.invoke(app, ["simulate", str(REALISTIC), "--draws", "300", "--draws-csv", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.BytesIO(out.read_bytes()))
    scenario = load_scenario(REALISTIC)
    assert list(table.columns) == [*sorted(scenario.ranged_inputs()), "payback_months", "npv_usd", "irr_annual"]
    assert len(table) == 300
    sim = simulate(scenario, 300, 0)
    np.testing.assert_allclose(table["npv_usd"], sim.metrics.npv_usd, rtol=1e-9)
    never = ~np.isfinite(sim.metrics.payback_months)
    assert table["payback_months"].isna().to_numpy().tolist() == never.tolist()


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        ([_group(["merges.fix_hours", "team.loaded_hourly_rate"], 0.5)],
         "uncertainty.correlated group 1: 'team.loaded_hourly_rate' is not a range in this scenario"),
        ([_group(["merges.fix_hours", "merges.fix_hour"], 0.5)],
         "'merges.fix_hour' is no input; a group correlates ranged inputs (did you mean 'merges.fix_hours'?)"),
        ([_group(AFTER, -0.9)], "uncertainty.correlated group 1: 3 inputs cannot all have rank correlation -0.9"),
        ([_group(["merges.fix_hours", "builds.build_minutes_after"], 1.0)],
         "uncertainty.correlated.0.rank_correlation: must be < 1, got 1"),
        ([_group(["merges.fix_hours"], 0.5)], "uncertainty.correlated.0.inputs: must name at least two inputs"),
        (['uncertainty.ranges_are="p5_p95"'], "uncertainty.ranges_are: must be one of 'min_max', 'p10_p90'"),
        (['uncertainty.correlated=[{inputs=["merges.fix_hours", "builds.build_minutes_after"], rank_correlation=0.5},'
          ' {inputs=["builds.build_minutes_after", "merges.fix_hours"], rank_correlation=-0.2}]'],
         "uncertainty.correlated group 2: builds.build_minutes_after and merges.fix_hours are already correlated"),
        (["uncertainty.colour=1"], "uncertainty.colour: unknown key"),
    ],
)  # fmt: skip
def test_bad_uncertainty_input_exits_2_naming_the_group(runner, sets, message):
    args = [arg for s in sets for arg in ("--set", s)]
    result = runner.invoke(app, ["simulate", str(REALISTIC), "--draws", "100", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output, result.output
    assert "Traceback" not in result.output


def test_a_v1_file_cannot_use_the_uncertainty_section(runner):
    bad = runner.invoke(app, ["summary", str(FORUM), "--set", 'uncertainty.ranges_are="p10_p90"'])
    assert bad.exit_code == 2
    assert "needs schema_version = 2" in bad.output


def test_build_months_ranges_are_whole_months(runner):
    result = runner.invoke(
        app, ["summary", str(REALISTIC), "--set", "investments.ci_cd.build_months={low=4.5, high=8}"]
    )
    assert result.exit_code == 2
    assert "investments.ci_cd.build_months: low, likely and high must be whole numbers" in result.output


def test_draws_are_finite_and_json_is_strict(runner):
    import json

    result = runner.invoke(app, ["simulate", str(REALISTIC), "--draws", "500", "--json"])
    data = json.loads(result.output, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))
    assert 0 <= data["prob_payback_within_months"]["horizon"] <= 1
    assert not math.isnan(data["npv_usd"]["p50"])


# --- each area's fund-or-not decision -------------------------------------------------------------------------


def test_each_areas_npv_per_draw_is_that_draw_evaluated_with_the_area_alone():
    # Independent of the vectorized path: pin every ranged input to one draw's value, fund only the area, and
    # read the deterministic model's "area alone" NPV. A drawn build time above the plan costs staff in
    # proportion, so pinning it moves the overrun into the engineer-quarters.
    from roi.uncertainty import area_npv_draws

    scenario = load_scenario(REALISTIC)
    sim = simulate(scenario, 5, 11)
    per_area = area_npv_draws(sim)
    ranged = scenario.ranged_inputs()
    for i in range(sim.draws):
        pinned = {p: float(np.asarray(sim.inputs[p])[i]) for p in ranged}
        for area in ("ci_cd", "testing", "deployment", "observability"):
            key = f"investments.{area}"
            if f"{key}.build_months" in ranged:
                planned = ranged[f"{key}.build_months"].likely
                drawn = pinned[f"{key}.build_months"]
                pinned[f"{key}.build_months"] = int(drawn)
                quarters = pinned.get(
                    f"{key}.engineer_quarters", float(np.asarray(sim.inputs[f"{key}.engineer_quarters"]))
                )
                pinned[f"{key}.engineer_quarters"] = quarters * drawn / planned
        alone = evaluate(with_values(scenario, pinned)).summary.areas
        for area, npv in per_area.items():
            assert npv[i] == pytest.approx(alone[area].npv_usd, rel=1e-9, abs=1e-3), (i, area)
        # the plan's NPV is the sum of its areas' NPVs, draw by draw
        assert sum(npv[i] for npv in per_area.values()) == pytest.approx(sim.metrics.npv_usd[i], rel=1e-9, abs=1e-3)


def test_area_decisions_against_a_brute_force_over_the_draws():
    from roi.uncertainty import area_decisions, area_npv_draws

    sim = simulate(load_scenario(REALISTIC), 4_000, 3)
    table = area_decisions(sim).set_index("area")
    for area, npv in area_npv_draws(sim).items():
        values = [float(x) for x in npv]
        expected = sum(values) / len(values)
        with_knowledge = sum(max(x, 0.0) for x in values) / len(values)  # fund exactly where it pays
        row = table.loc[area]
        assert row["expected_npv_usd"] == pytest.approx(expected, rel=1e-12)
        assert row["prob_npv_positive"] == sum(x > 0 for x in values) / len(values)
        assert bool(row["fund"]) is (expected > 0)
        assert row["evpi_usd"] == pytest.approx(with_knowledge - max(expected, 0.0), rel=1e-9, abs=1e-6)
    # on the realistic case testing is a coin toss (funded, but it loses in a large share of draws), so knowing
    # more is worth real money to that decision; CI/CD pays in nearly every draw and deployment in nearly none
    assert 0.3 < table.loc["testing", "prob_npv_positive"] < 0.9
    assert table.loc["testing", "evpi_usd"] > 10 * max(
        table.loc["ci_cd", "evpi_usd"], table.loc["deployment", "evpi_usd"]
    )


def test_an_area_that_pays_in_every_draw_or_in_none_has_no_value_of_information():
    from roi.uncertainty import area_decisions

    table = area_decisions(simulate(load_scenario(FORUM), 2_000, 0)).set_index("area")  # fix hours ranged
    assert list(table["prob_npv_positive"]) == [1.0, 1.0, 0.0, 0.0]
    assert list(table["evpi_usd"]) == [0.0, 0.0, 0.0, 0.0]
    assert list(table["fund"]) == [True, True, False, False]


def test_sensitivity_reports_each_areas_decision(runner):
    import json

    result = runner.invoke(app, ["sensitivity", str(REALISTIC), "--draws", "2000", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["area"]: r for r in json.loads(result.output)["area_decisions"]}
    assert set(rows) == {"ci_cd", "testing", "deployment", "observability"}
    assert rows["ci_cd"]["fund"] is True and rows["deployment"]["fund"] is False
    text = runner.invoke(app, ["sensitivity", str(REALISTIC), "--draws", "2000"]).output
    assert "Fund or not, area by area" in text
    assert "Automated testing" in text


def test_each_areas_npv_per_draw_is_the_same_in_chunks(monkeypatch):
    from roi.uncertainty import area_npv_draws

    sim = simulate(load_scenario(REALISTIC), 2_000, 5)
    whole = area_npv_draws(sim)
    monkeypatch.setattr("roi.model.CHUNK_CELLS", 37 * 300)  # 7 chunks of at most 300 draws
    for area, npv in area_npv_draws(sim).items():
        np.testing.assert_allclose(npv, whole[area], rtol=1e-12, atol=1e-6)


def test_each_areas_npv_per_draw_without_ranges_is_the_likely_case_in_every_draw():
    from roi.uncertainty import area_npv_draws

    scenario = load_scenario(FORUM, ["merges.fix_hours=3"])  # nothing ranged: every draw is the likely case
    alone = evaluate(scenario).summary.areas
    for area, npv in area_npv_draws(simulate(scenario, 50, 0)).items():
        assert npv.shape == (50,)
        np.testing.assert_allclose(npv, alone[area].npv_usd, rtol=1e-9)
