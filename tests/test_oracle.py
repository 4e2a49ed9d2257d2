"""`roi` against an independent implementation of the same model (tests/oracle.py).

The oracle is checked first, on a three-month case worked by hand and against numpy_financial;
then `roi.evaluate` must agree with it on every file in scenarios/, on drawn scenarios, and on
hand-made cases where the definitions of payback, risk adjustment and IRR matter.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import numpy_financial as npf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import roi
from roi.scenario import Scenario, load_scenario, scenario_from_dict
from tests import oracle
from tests.conftest import FORUM, SCENARIOS
from tests.strategies import scenario_data

REL = 1e-9


def case(**sections) -> Scenario:
    """A small scenario: 100 merges, 0.8 -> 0.9 success, 2 h at $100/h = $2,000 a month; no cost, no discount."""
    data = {
        "schema_version": 1,
        "name": "oracle case",
        "team": {"loaded_hourly_rate": 100},
        "merges": {"merges_per_month": 100, "success_rate_before": 0.8, "success_rate_after": 0.9, "fix_hours": 2},
        "finance": {"horizon_months": 12, "annual_discount_rate": 0.0, "include_staff_cost": False},
    }
    for key, value in sections.items():
        data[key] = {**data.get(key, {}), **value}
    return scenario_from_dict(data)


def agree(actual: float | None, expected: float | None, rel: float = REL, abs_: float = 0.0) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    return actual == pytest.approx(expected, rel=rel, abs=abs_)


# ---------------------------------------------------------------- the oracle itself


def test_oracle_on_a_three_month_case_by_hand():
    # $2,000 a month of benefit, ramping over 2 months; $3,000 up front; $1,200 a year recurring ($100 a month);
    # an annual rate of 1.01^12 - 1, so the monthly rate d is 1 %.
    #   month              0          1          2          3
    #   ramp                          1/2        1          1
    #   benefit                       1,000      2,000      2,000
    #   flow             -3,000       900        1,900      1,900
    #   cumulative       -3,000     -2,100       -200       1,700   -> last negative month L = 2
    #   payback = 2 + 200 / 1,900 = 2.105263
    #   discounted       -3,000     891.0891   1,862.5625  1,844.1213   (flow / 1.01^m)
    #   cum. discounted  -3,000   -2,108.9109  -246.3484   1,597.7729  -> 2 + 246.3484 / 1,844.1213 = 2.133586
    #   NPV = 1,597.7729; PV(costs) = 3,000 + 100 x (1/1.01 + 1/1.01^2 + 1/1.01^3) = 3,294.0985
    #   ROI = 1,597.7729 / 3,294.0985 = 0.485041
    #   IRR: -3000 + 900 v + 1900 v^2 + 1900 v^3 = 0 at v = 0.811898 (900 v = 730.71, 1900 v^2 = 1,252.44,
    #   1900 v^3 = 1,016.85: sum 3,000.00), so r = 1/v - 1 = 0.231682 a month, 1.231682^12 - 1 = 11.1894 a year.
    s = case(
        investments={"ci_cd": {"one_time": 3000, "annual_recurring": 1200}},
        finance={"horizon_months": 3, "annual_discount_rate": 1.01**12 - 1, "ramp_months": 2},
    )
    o = oracle.evaluate(s)
    assert o.flows == pytest.approx([-3000, 900, 1900, 1900], rel=1e-12)
    assert o.extra["monthly_discount_rate"] == pytest.approx(0.01, rel=1e-12)
    assert o.discounted == pytest.approx([-3000, 891.0891089, 1862.5624939, 1844.1212811], rel=1e-9)
    assert o.payback == pytest.approx(2 + 200 / 1900, rel=1e-12)
    assert o.discounted_payback == pytest.approx(2 + 246.3484 / 1844.1213, rel=1e-7)
    assert o.npv == pytest.approx(1597.7729, rel=1e-7)
    assert o.pv_costs == pytest.approx(3294.0985, rel=1e-7)
    assert o.roi == pytest.approx(0.485041, rel=1e-6)
    assert o.irr_monthly == pytest.approx(0.231682, rel=1e-5)
    assert o.irr_annual == pytest.approx(11.1894, rel=1e-5)
    # and to the last digit, against numpy_financial (the flows change sign once)
    assert o.npv == pytest.approx(npf.npv(0.01, o.flows), rel=1e-12)
    assert o.irr_monthly == pytest.approx(npf.irr(o.flows), rel=1e-10)


def test_oracle_growth_and_risk_by_hand():
    # growth 44 % a year: month 13 is 1.44 times month 1, month 25 1.44^2 = 2.0736 times.
    # A 25 % risk write-off on a $2,000 gain leaves $1,500; on a -$2,000 loss (success falls 0.8 -> 0.7)
    # it makes -$2,500.
    s = case(merges={"risk_adjustment": 0.25}, growth={"volume_growth_per_year": 0.44}, finance={"horizon_months": 25})
    o = oracle.evaluate(s)
    assert o.flows[1] == pytest.approx(1500, rel=1e-12)
    assert o.flows[13] == pytest.approx(1500 * 1.44, rel=1e-12)
    assert o.flows[25] == pytest.approx(1500 * 2.0736, rel=1e-12)
    worse = oracle.evaluate(case(merges={"success_rate_after": 0.7, "risk_adjustment": 0.25}))
    assert worse.streams["merges"] == pytest.approx(-2500, rel=1e-12)


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        ([-100, 50, 50, 50], 2.0),  # C = -100, -50, 0, 50: C(2) = 0 counts as paid back; L = 1 -> 1 + 50/50
        ([-100, 30, 30, 30], None),  # C(3) = -10 at the horizon
        ([0, 5, 5], 0.0),  # never negative: nothing to pay back
        ([0, -10, -10], None),  # no outlay, but the flows are negative: never pays back
        ([-100, 150, -100, 80], 2.625),  # C = -100, 50, -50, 30: the second crossing, 2 + 50/80
        ([-100, 150, -100, 40], None),  # C = -100, 50, -50, -10: paid back once, then sank
        ([10, -20, 30], 1 + 10 / 30),  # C = 10, -10, 20: money in first, then a loss to recover; L = 1
    ],
)
def test_oracle_payback_definition(flows, expected):
    got = oracle.payback([float(f) for f in flows])
    assert agree(got, expected, rel=1e-12)


def test_oracle_irr_against_numpy_financial_when_flows_change_sign_once():
    for path in SCENARIOS:
        o = oracle.evaluate(load_scenario(path))
        assert oracle.descartes_sign_changes(o.flows) == 1
        assert o.irr_monthly == pytest.approx(npf.irr(o.flows), rel=1e-9), path.name
        assert o.npv == pytest.approx(npf.npv(o.extra["monthly_discount_rate"], o.flows), rel=1e-12), path.name


def test_oracle_irr_is_none_without_a_sign_change_or_a_bracketed_root():
    assert oracle.irr([-1.0, -2.0, -3.0]) == (None, None)
    assert oracle.irr([0.0, 1.0, 2.0]) == (None, None)
    # -100 + 230 v - 132 v^2 has roots v = 10/11 and 10/12 (r = 10 % and 20 %): NPV has the same sign at both
    # ends of the bracket, so bisection has nothing to bracket and the answer is "none", as in the product.
    assert oracle.irr([-100.0, 230.0, -132.0]) == (None, None)


# ---------------------------------------------------------------- roi against the oracle


def _compare(s: Scenario, rel: float = REL) -> None:
    got = roi.evaluate(s).summary
    o = oracle.evaluate(s)
    scale = math.fsum(abs(f) for f in o.discounted)
    assert got.npv_usd == pytest.approx(o.npv, rel=rel, abs=rel * scale), "npv"
    assert got.pv_costs_usd == pytest.approx(o.pv_costs, rel=rel, abs=rel * scale), "pv_costs"
    assert agree(got.roi, o.roi, rel, rel * scale / o.pv_costs if o.pv_costs else 0.0), ("roi", got.roi, o.roi)
    assert agree(got.payback_months, o.payback, rel, rel), ("payback", got.payback_months, o.payback)
    assert agree(got.discounted_payback_months, o.discounted_payback, rel, rel), (
        "discounted payback",
        got.discounted_payback_months,
        o.discounted_payback,
    )
    assert got.benefit_by_stream_usd == pytest.approx(o.streams, rel=rel, abs=rel), "streams"
    _compare_irr(got.irr_annual, o)


def _compare_irr(irr_annual: float | None, o: oracle.OracleResult) -> None:
    """Equal when the IRR is unique (one sign change); otherwise roi's rate must at least be a root."""
    assert (irr_annual is None) == (o.irr_annual is None), ("irr defined", irr_annual, o.irr_annual)
    if irr_annual is None or o.irr_annual is None:
        return
    if oracle.descartes_sign_changes(o.flows) == 1:
        assert irr_annual == pytest.approx(o.irr_annual, rel=REL, abs=REL), ("irr", irr_annual, o.irr_annual)
        return
    x = math.log1p(irr_annual) / 12
    with localcontext() as ctx:
        ctx.prec = 50
        residual = float(oracle._npv_decimal([Decimal(f) for f in o.flows], Decimal(x)))
    assert abs(residual) <= 1e-9 * oracle.npv_scale(o.flows, x), ("irr is no root", irr_annual, residual)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_files_agree_with_the_oracle(path):
    s = load_scenario(path)
    got = roi.evaluate(s).summary
    o = oracle.evaluate(s)
    assert got.npv_usd == pytest.approx(o.npv, rel=REL)
    assert got.payback_months == pytest.approx(o.payback, rel=REL)
    assert got.discounted_payback_months == pytest.approx(o.discounted_payback, rel=REL)
    assert got.irr_annual == pytest.approx(o.irr_annual, rel=REL)
    assert got.roi == pytest.approx(o.roi, rel=REL)
    assert got.pv_costs_usd == pytest.approx(o.pv_costs, rel=REL)
    assert got.failed_merges_per_month == pytest.approx(o.failed_merges, rel=REL)
    assert got.monthly_waste_usd == pytest.approx(o.monthly_waste, rel=REL)
    assert got.delivery_to_ai_ratio == pytest.approx(o.delivery_to_ai_ratio, rel=REL)
    assert got.delivery_to_ai_ratio_incl_staff == pytest.approx(o.delivery_to_ai_ratio_incl_staff, rel=REL)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_data())
def test_drawn_scenarios_agree_with_the_oracle(data):
    _compare(scenario_from_dict(data))


@st.composite
def extreme_growth(draw: st.DrawFn) -> dict:
    """Drawn scenarios over horizons up to 240 months with growth anywhere in the format's bounds (-95 % to x11)."""
    data = draw(scenario_data(max_horizon=240, ranges=False))
    data["growth"] = {"volume_growth_per_year": draw(st.floats(-0.95, 10))}
    return data


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extreme_growth())
def test_drawn_scenarios_with_extreme_growth_agree_with_the_oracle(data):
    _compare(scenario_from_dict(data))


# ---------------------------------------------------------------- cases the definitions decide


def test_subscription_costing_more_than_it_saves_never_pays_back():
    # Nothing up front; $10,000 a month of subscription against $2,000 a month saved: the cumulative flow
    # is 0 at month 0 and negative ever after. There is nothing that "pays back" here.
    s = case(investments={"ci_cd": {"annual_recurring": 120_000}}, finance={"annual_discount_rate": 0.1})
    o = oracle.evaluate(s)
    assert o.payback is None and o.discounted_payback is None
    got = roi.evaluate(s).summary
    assert got.payback_months is None
    assert got.discounted_payback_months is None
    assert got.irr_annual is None  # the flows never change sign
    assert got.npv_usd == pytest.approx(o.npv, rel=REL) and got.npv_usd < 0


def test_a_plan_that_pays_back_and_sinks_again_has_no_payback():
    # $5,000 a month of benefit shrinking 90 % a year, $1,000 a month recurring, $10,000 up front: the
    # cumulative flow turns positive in month 3, then the shrinking benefit falls below the recurring
    # cost (month 13 onward) and the cumulative flow ends negative (about -$17K) at month 36.
    s = case(
        merges={"fix_hours": 5},
        growth={"volume_growth_per_year": -0.9},
        investments={"ci_cd": {"one_time": 10_000, "annual_recurring": 12_000}},
        finance={"horizon_months": 36, "annual_discount_rate": 0.1},
    )
    o = oracle.evaluate(s)
    cumulative = [sum(o.flows[: m + 1]) for m in range(len(o.flows))]
    assert any(c >= 0 for c in cumulative) and cumulative[-1] < 0  # the case is what it claims to be
    assert o.payback is None
    got = roi.evaluate(s).summary
    assert got.payback_months is None
    assert got.discounted_payback_months == o.discounted_payback


def test_risk_adjustment_makes_a_worse_build_stream_worse():
    # Builds get slower (10 -> 20 min): 1,000 builds x -10/60 h x 0.5 x $100 = -$8,333.33 a month.
    # A 90 % risk adjustment must not shrink that loss to -$833 (the old rule); it grows it to -$15,833.33.
    builds = {"builds_per_month": 1000, "build_minutes_before": 10, "build_minutes_after": 20, "blocked_fraction": 0.5}
    no_risk = case(builds={**builds, "risk_adjustment": 0.0})
    risky = case(builds={**builds, "risk_adjustment": 0.9})
    assert oracle.evaluate(no_risk).streams["builds"] == pytest.approx(-1000 * 10 / 60 * 0.5 * 100, rel=1e-12)
    assert oracle.evaluate(risky).streams["builds"] == pytest.approx(-1000 * 10 / 60 * 0.5 * 100 * 1.9, rel=1e-12)
    got_no_risk, got_risky = roi.evaluate(no_risk).summary, roi.evaluate(risky).summary
    assert got_risky.benefit_by_stream_usd["builds"] == pytest.approx(oracle.evaluate(risky).streams["builds"])
    assert got_risky.npv_usd < got_no_risk.npv_usd
    assert got_risky.npv_usd == pytest.approx(oracle.evaluate(risky).npv, rel=REL)


@pytest.mark.parametrize("staff", ["false", "true"])
def test_irr_with_fast_growth_over_a_long_horizon(staff):
    # Volume x11 a year for 20 years: undiscounted, the last flows are ~10^25 dollars, but at the root
    # (about 26-31 % a month) they are tiny. The rate must be the root, not where the huge raw flows
    # make NPV look "small enough".
    s = load_scenario(
        FORUM,
        [
            "growth.volume_growth_per_year=10",
            "finance.horizon_months=240",
            f"finance.include_staff_cost={staff}",
        ],
    )
    o = oracle.evaluate(s)
    assert o.irr_annual is not None and 1 < o.irr_annual < 100  # finite and sane
    assert oracle.descartes_sign_changes(o.flows) == 1
    got = roi.evaluate(s).summary
    assert got.irr_annual == pytest.approx(o.irr_annual, rel=REL)
