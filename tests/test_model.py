"""The model of docs/method.md: each formula checked by hand, and properties of evaluate."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import evaluate, streams
from roi.finance import monthly_rate
from roi.scenario import likely, load_scenario, scenario_from_dict
from tests.conftest import FORUM, SCENARIOS
from tests.strategies import scenario_data


def base(**sections):
    data = {
        "schema_version": 1,
        "name": "hand check",
        "team": {"loaded_hourly_rate": 100},
        "merges": {"merges_per_month": 100, "success_rate_before": 0.8, "success_rate_after": 0.9, "fix_hours": 2},
        "finance": {"horizon_months": 12, "annual_discount_rate": 0.0, "include_staff_cost": False},
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    return scenario_from_dict(data)


# Hand-checked stream values (the formulas of docs/method.md, arithmetic done by hand).
def test_stream_formulas_by_hand():
    # 100 merges x (0.9 - 0.8) x 2 h x $100 = $2,000
    assert streams.merges_usd(100, 0.8, 0.9, 2, 100) == pytest.approx(2000)
    # 6000 builds x (47 - 10) / 60 h x 0.5 x $150 = 3700 h x 0.5 x 150 = $277,500
    assert streams.builds_usd(6000, 47, 10, 0.5, 150) == pytest.approx(277_500)
    # (8.7 x 0.15 x 6.3 - 65 x 0.05 x 0.37) h = (8.2215 - 1.2025) = 7.019 h; x (3 x $150 + $10,000) = $73,348.55
    assert streams.incidents_usd(8.7, 65, 0.15, 0.05, 6.3, 0.37, 3, 10_000, 150) == pytest.approx(73_348.55)
    # 291 changes x (5 - 1) days x $40 = $46,560
    assert streams.lead_time_usd(291, 5, 1, 40) == pytest.approx(46_560)
    # 8 engineer-quarters x 520 h x $150 = $624,000
    assert streams.staff_cost_usd(8, 520, 150) == pytest.approx(624_000)


def test_worse_after_gives_negative_stream_not_clipped():
    result = evaluate(base(merges={"success_rate_after": 0.7}))
    assert result.summary.benefit_by_stream_usd["merges"] == pytest.approx(-2000)
    assert (result.monthly["benefit_usd"].iloc[1:] < 0).all()


def test_risk_adjustment_never_improves_a_loss():
    # merges: 100 x (0.7 - 0.8) x 2 h x $100 = -$2,000 a month. A 0.9 risk adjustment makes a loss 1.9 times
    # worse (-$3,800), never 0.1 times as bad (-$200, which lifted NPV in the first version).
    calm = evaluate(base(merges={"success_rate_after": 0.7})).summary
    risky = evaluate(base(merges={"success_rate_after": 0.7, "risk_adjustment": 0.9})).summary
    assert risky.benefit_by_stream_usd["merges"] == pytest.approx(-3800)
    assert risky.npv_usd == pytest.approx(12 * -3800)
    assert risky.npv_usd < calm.npv_usd


# Cases from a finance review of the first version, each with the figure it printed and the right one.
def test_a_subscription_that_costs_more_than_it_saves_never_pays_back():
    # Nothing at month 0, $2,400 a year (-$200 a month) against a $100-a-month gain: cumulative -100, -200, ...
    # The first version said "0.00 months" because month 0 was not negative.
    s = base(
        merges={"success_rate_after": 0.805},
        investments={"ci_cd": {"annual_recurring": 2400}},
    )
    summary = evaluate(s).summary
    assert summary.monthly_benefit_usd == pytest.approx(100)
    assert summary.payback_months is None
    assert summary.discounted_payback_months is None


def test_a_plan_that_pays_back_and_sinks_again_has_not_paid_back():
    # $1,000 at month 0; benefit 2,000 x 0.1^((m - 1)/12) shrinking fast against $1,000 a month recurring: month 1
    # nets +1,000 (cumulative about 0), month 2 +650: the first version reported payback at this first crossing.
    # From month 5 the benefit is under $1,000 and the bill sinks the cumulative flow below zero for good.
    s = base(
        growth={"volume_growth_per_year": -0.9},
        investments={"ci_cd": {"one_time": 1000, "annual_recurring": 12_000}},
    )
    result = evaluate(s)
    cumulative = result.monthly["cumulative_usd"].to_numpy()
    assert (cumulative[1:4] >= 0).any() and cumulative[-1] < 0
    assert result.summary.payback_months is None
    assert result.summary.cumulative_zero_crossings == 2


def test_ramp_growth_and_risk_by_hand():
    s = base(
        merges={"risk_adjustment": 0.25},
        growth={"volume_growth_per_year": 0.44},
        finance={"ramp_months": 4},
    )
    table = evaluate(s).monthly
    # month 1: ramp 1/4, growth 1.44^0 = 1: 2000 x 0.75 x 0.25 = 375
    assert table.loc[1, "benefit_usd"] == pytest.approx(375)
    # month 7: ramp 1, growth 1.44^(6/12) = 1.2: 2000 x 0.75 x 1.2 = 1800
    assert table.loc[7, "benefit_usd"] == pytest.approx(1800)
    # waste grows with volume and ignores ramp and risk: 100 x 0.2 x 2 x 100 x 1.2 = 4800
    assert table.loc[7, "baseline_waste_usd"] == pytest.approx(4800)
    assert table.loc[0, "benefit_usd"] == 0


def test_costs_by_hand():
    s = base(
        investments={
            "ci_cd": {"one_time": 1000, "annual_recurring": 1200, "engineer_quarters": 1},
            "testing": {"one_time": 500},
        },
        finance={"include_staff_cost": True, "annual_discount_rate": 0.1},
        ai_tools={"annual_spend": 1000},
    )
    result = evaluate(s)
    table, summary = result.monthly, result.summary
    # upfront = 1000 + 500 + 1 x 520 h x $100 = 53,500; recurring 1200 / 12 = 100 a month from month 1
    assert table.loc[0, "net_flow_usd"] == pytest.approx(-53_500)
    assert table.loc[1, "recurring_usd"] == pytest.approx(-100)
    assert table.loc[0, "recurring_usd"] == 0
    assert summary.staff_cost_usd == pytest.approx(52_000)
    # ratio = (1500 + 1200) / 1000; with staff + 52,000
    assert summary.delivery_to_ai_ratio == pytest.approx(2.7)
    assert summary.delivery_to_ai_ratio_incl_staff == pytest.approx(54.7)
    d = monthly_rate(0.1)
    pv_costs = 53_500 + sum(100 / (1 + d) ** m for m in range(1, 13))
    assert summary.pv_costs_usd == pytest.approx(pv_costs)
    assert summary.roi == pytest.approx(summary.npv_usd / pv_costs)


def test_ratio_is_none_without_ai_spend():
    assert evaluate(base()).summary.delivery_to_ai_ratio is None


def test_monthly_table_is_consistent():
    table = evaluate(load_scenario(SCENARIOS[0])).monthly
    streams_sum = table[["merges_usd", "builds_usd", "incidents_usd", "lead_time_usd"]].sum(axis=1)
    np.testing.assert_allclose(streams_sum, table["benefit_usd"], rtol=1e-12)
    np.testing.assert_allclose(table["net_flow_usd"].cumsum(), table["cumulative_usd"], rtol=1e-12)
    np.testing.assert_allclose(
        table["benefit_usd"] + table["one_time_usd"] + table["staff_usd"] + table["recurring_usd"],
        table["net_flow_usd"],
        rtol=1e-12,
    )


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_npv_and_irr_agree_with_numpy_financial(path):
    scenario = load_scenario(path)
    result = evaluate(scenario)
    flows = result.monthly["net_flow_usd"].to_numpy()
    d = monthly_rate(likely(scenario.finance.annual_discount_rate))
    assert result.summary.npv_usd == pytest.approx(npf.npv(d, flows), rel=1e-9)
    assert result.summary.irr_annual == pytest.approx((1 + npf.irr(flows)) ** 12 - 1, rel=1e-6)


def test_fewer_inputs_than_a_section_needs_is_no_stream():
    summary = evaluate(load_scenario(FORUM)).summary
    assert summary.benefit_by_stream_usd == {
        "merges": pytest.approx(38_237.4),
        "builds": 0,
        "incidents": 0,
        "lead_time": 0,
    }


# ------------------------------------------------------------------ properties


@given(data=scenario_data(), extra=st.floats(0.01, 5))
@settings(max_examples=60, deadline=None)
def test_more_fix_hours_never_lengthens_payback(data, extra):
    data["merges"]["success_rate_after"] = 1.0
    low = evaluate(scenario_from_dict(data)).summary.payback_months
    fix = data["merges"]["fix_hours"]
    data["merges"]["fix_hours"] = (fix["likely"] if isinstance(fix, dict) else fix) + extra
    high = evaluate(scenario_from_dict(data)).summary.payback_months
    assert (math.inf if high is None else high) <= (math.inf if low is None else low) + 1e-9


@given(data=scenario_data())
@settings(max_examples=40, deadline=None)
def test_zero_investment_pays_back_at_once_unless_it_loses_money(data):
    # With nothing spent, the cumulative flow is the benefit's running sum: never below zero when every month's
    # benefit is >= 0 (payback 0), and below zero at the horizon when the benefit is negative (never pays back).
    # With no benefit either, nothing is spent or earned: no payback at all, never "0 months".
    data["investments"] = {}
    result = evaluate(scenario_from_dict(data))
    payback = result.summary.payback_months
    if result.summary.monthly_benefit_usd == 0:
        assert payback is None
        assert result.summary.nothing_within_horizon
    elif result.summary.monthly_benefit_usd > 0:
        assert payback == 0
    else:
        assert payback is None


MONEY_FIELDS = {
    "team": ["loaded_hourly_rate"],
    "ai_tools": ["annual_spend"],
    "incidents": ["downtime_cost_per_hour"],
    "lead_time": ["cost_of_delay_per_change_day"],
}


def _scale(value, k):
    return {key: v * k for key, v in value.items()} if isinstance(value, dict) else value * k


@given(data=scenario_data(), k=st.sampled_from([0.5, 2.0, 3.0, 10.0]))
@settings(max_examples=60, deadline=None)
def test_scaling_every_money_input_scales_npv(data, k):
    before = evaluate(scenario_from_dict(data)).summary
    for section, fields in MONEY_FIELDS.items():
        for name in fields:
            if section in data:
                data[section][name] = _scale(data[section][name], k)
    for area in data["investments"].values():
        area["one_time"] = _scale(area["one_time"], k)
        area["annual_recurring"] = _scale(area["annual_recurring"], k)
    after = evaluate(scenario_from_dict(data)).summary
    assert after.npv_usd == pytest.approx(k * before.npv_usd, rel=1e-9, abs=1e-6)
    for key in ("payback_months", "roi"):
        a, b = getattr(after, key), getattr(before, key)
        assert (a is None) == (b is None), key
        if a is not None:
            assert a == pytest.approx(b, rel=1e-9, abs=1e-9), key
