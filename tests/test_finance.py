"""Finance metrics: hand-checked tables, agreement with numpy-financial, and properties."""

from __future__ import annotations

import math
import sys
from decimal import Decimal, getcontext

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import finance
from tests import oracle_v3

# Source: numpy-financial's own docstring examples for irr (checked there by hand against Gitman).
IRR_TABLE = [
    ([-100, 39, 59, 55, 20], 0.28095),
    ([-100, 0, 0, 74], -0.0955),
    ([-100, 100, 0, 7], 0.06206),
]


@pytest.mark.parametrize(("flows", "expected"), IRR_TABLE)
def test_irr_table(flows, expected):
    assert round(float(finance.irr(flows)), 5) == expected


def test_irr_none_when_flows_never_change_sign():
    assert math.isnan(float(finance.irr([-100, -1, -2])))
    assert math.isnan(float(finance.irr([100, 1, 2])))
    assert math.isnan(float(finance.irr([0, 0, 0])))


# NPV by hand: -100 + 60/1.1 + 60/1.21 = -100 + 54.5454... + 49.5867... = 4.1322...
def test_npv_by_hand():
    assert float(finance.npv(0.1, [-100, 60, 60])) == pytest.approx(4.132231404958677, rel=1e-12)


# Payback by hand: the month after which the cumulative flow stays >= 0 (docs/method.md), interpolated.
# Cumulative -100, -60, -20, +20: last month below zero is 2, so 2 + 20/40 = 2.5.
PAYBACK_TABLE = [
    ([-100, 40, 40, 40], 2.5),
    ([-100, 100], 1.0),  # exactly zero counts as paid back
    ([0, 5, 5], 0.0),  # nothing invested, never below zero
    ([-100, 10, 10], math.inf),  # never within the horizon
    # cumulative -100, 50, -150, 150: crosses in month 1, sinks in month 2; pays back for good at 2 + 150/300
    ([-100, 150, -200, 300], 2.5),
    ([0, -5, -5], math.inf),  # no outlay, but flows negative: a subscription that costs more than it saves
    ([0, -5, 10], 1.5),  # cumulative 0, -5, 5: last below zero in month 1, 1 + 5/10
    ([-100, 150, -60], math.inf),  # cumulative -100, 50, -10: paid back in month 1, below zero at the horizon
]


@pytest.mark.parametrize(("flows", "expected"), PAYBACK_TABLE)
def test_payback_table(flows, expected):
    assert float(finance.payback_months(flows)) == pytest.approx(expected)


def test_monthly_rate_compounds_to_the_annual_rate():
    assert (1 + finance.monthly_rate(0.10)) ** 12 == pytest.approx(1.10, rel=1e-14)
    assert float(finance.annualize(finance.monthly_rate(0.10))) == pytest.approx(0.10, rel=1e-12)


cents = st.floats(0, 1e5).map(lambda x: round(x, 2))
conventional = st.builds(
    lambda upfront, monthly: [-upfront, *monthly],
    st.floats(1e3, 1e6).map(lambda x: round(x, 2)),
    st.lists(cents, min_size=1, max_size=60).filter(lambda xs: sum(xs) > 0),
)


@given(flows=conventional, rate=st.floats(0, 0.05))
def test_npv_equals_numpy_financial(flows, rate):
    assert float(finance.npv(rate, flows)) == pytest.approx(npf.npv(rate, flows), rel=1e-9, abs=1e-6)


@given(flows=conventional)
@settings(max_examples=200)
def test_irr_equals_numpy_financial(flows):
    expected = npf.irr(flows)
    ours = float(finance.irr(flows))
    if math.isnan(expected):
        # numpy-financial found no positive real root; ours must zero the NPV where it answers
        assert math.isnan(ours) or abs(float(finance.npv(ours, flows))) <= 1e-6 * sum(map(abs, flows))
    else:
        assert ours == pytest.approx(expected, rel=1e-6, abs=1e-9)


@given(flows=st.lists(conventional, min_size=1, max_size=20))
def test_vectorized_rows_equal_one_at_a_time(flows):
    width = max(len(f) for f in flows)
    table = np.array([f + [0.0] * (width - len(f)) for f in flows])
    together = [finance.irr(table), finance.payback_months(table), finance.npv(0.01, table)]
    for i, row in enumerate(table):
        alone = [finance.irr(row), finance.payback_months(row), finance.npv(0.01, row)]
        for many, one in zip(together, alone, strict=True):
            assert float(many[i]) == pytest.approx(float(one), rel=1e-9, nan_ok=True)


@given(flows=st.lists(st.floats(-1e5, 1e5), min_size=1, max_size=48))
def test_payback_consistent_with_cumulative(flows):
    # A brute force of the definition: the earliest month t from which every cumulative flow is >= 0.
    payback = float(finance.payback_months(flows))
    cumulative = np.cumsum(flows)
    stays = [t for t in range(len(flows)) if all(c >= 0 for c in cumulative[t:])]
    if all(f == 0 for f in flows):  # nothing spent or earned: no payback at all, never "0 months"
        assert math.isnan(payback)
    elif not stays:
        assert math.isinf(payback)
    elif stays[0] == 0:
        assert payback == 0
    else:
        t = stays[0]
        assert t - 1 <= payback <= t
        assert payback == pytest.approx(t - 1 - cumulative[t - 1] / flows[t], rel=1e-12)
    # after the payback month the cumulative flow never dips below zero again
    if math.isfinite(payback):
        assert (cumulative[math.floor(payback) + 1 :] >= 0).all()


CROSSINGS_TABLE = [
    ([-100, 40, 40, 40], 1),
    ([0, 5, 5], 0),
    ([-100, 150, -200, 300], 3),
    ([0, -5, 10], 2),
]


@pytest.mark.parametrize(("flows", "expected"), CROSSINGS_TABLE)
def test_zero_crossings_table(flows, expected):
    assert int(finance.zero_crossings(flows)) == expected


def _irr_high_precision(flows: list[float]) -> float | None:
    """Annual IRR by 200 bisection steps in 60-digit decimals on x = ln(1 + r), over the method's range: from
    ln(smallest normal float) / (H + 1) to the lesser of ln(1 + 1000) and ln(largest float) / (H + 1). None when NPV
    has one sign at both ends (these flows change sign once, so then the root lies outside the range)."""
    getcontext().prec = 60
    periods = len(flows)
    lo = Decimal(math.log(sys.float_info.min) / periods)
    hi = Decimal(min(math.log(1001), math.log(sys.float_info.max) / periods))
    exact = [Decimal(f) for f in flows]

    def npv(x: Decimal) -> Decimal:
        v, total, power = (-x).exp(), Decimal(0), Decimal(1)
        for f in exact:
            total += f * power
            power *= v
        return total

    f_lo = npv(lo)
    if (f_lo > 0) == (npv(hi) > 0):
        return None
    for _ in range(200):
        mid = (lo + hi) / 2
        f_mid = npv(mid)
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
        else:
            hi = mid
    return float(((lo + hi) / 2 * 12).exp() - 1)


def test_irr_with_fast_growth_over_a_long_horizon():
    # Growth of 1,000 % a year over 240 months: the late flows are ~1e20 times the early ones. Judged on raw
    # magnitudes, the solver stopped at 1.2e26 % a year; the root is about 1,088 %.
    months = np.arange(241)
    flows = 1e4 * 11.0 ** ((months - 1) / 12)
    flows[0] = -1e6
    ours = float(finance.annualize(finance.irr(flows)))
    assert ours == pytest.approx(_irr_high_precision(flows.tolist()), rel=1e-9)
    assert 10 < ours < 11


@given(
    horizon=st.integers(1, 240),
    growth=st.floats(-0.99, 10),
    upfront=st.floats(1e3, 1e7),
    monthly=st.floats(1.0, 1e6),
)
@settings(max_examples=60, deadline=None)
def test_irr_agrees_with_high_precision_bisection(horizon, growth, upfront, monthly):
    months = np.arange(horizon + 1)
    flows = monthly * (1 + growth) ** ((months - 1) / 12)
    flows[0] = -upfront
    ours = float(finance.annualize(finance.irr(flows)))
    expected = _irr_high_precision(flows.tolist())
    if expected is None:
        assert math.isnan(ours)
    else:
        assert ours == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_irr_does_not_stall_far_from_the_root():
    # A drawn scenario where plain Newton crept 0.06 a step from the left and never arrived;
    # numpy-financial finds -23.48 % a month.
    flows = [
        -321193,
        -9862,
        -8099,
        -6281,
        -4409,
        -2481,
        -496,
        -326,
        -154,
        21,
        198,
        379,
        562,
        747,
        936,
        1128,
        1322,
        1519,
    ]
    assert float(finance.irr(flows)) == pytest.approx(npf.irr(flows), rel=1e-6)


def test_large_batches_agree_with_numpy_financial_row_by_row():
    # 1,000 rows x 37 months takes the Horner path (small batches are evaluated densely); both must agree.
    rng = np.random.default_rng(7)
    table = np.column_stack([-rng.uniform(1e5, 1e6, 1000), rng.uniform(0, 8e4, (1000, 36))]).round(2)
    ours = finance.irr(table)
    for row in range(0, 1000, 37):
        assert ours[row] == pytest.approx(npf.irr(table[row]), rel=1e-6, abs=1e-9)


# ---------------------------------------------------------------- the IRR search of format v3 (the method's grid)

IRR_GRID_TABLE = [
    # flows, monthly IRR or None, not unique; worked out in tests/test_oracle_v3.py's IRR tests
    ([-100.0, 110.0] + [0.0] * 35, 0.1, False),  # 10 % a month
    ([-100.0, 310.0, -220.0] + [0.0] * 34, None, True),  # roots at 10 % and 100 % a month: not unique
    ([-100.0, 230.0, -132.0], None, False),  # roots at 10 % and 20 % inside one grid step (H = 2): none seen
    ([100.0, 10.0, 10.0], None, False),  # never changes sign
    ([0.0, 0.0, 0.0], None, False),  # nothing at all
]


@pytest.mark.parametrize(("flows", "monthly", "not_unique"), IRR_GRID_TABLE)
def test_irr_search_follows_the_grid_rule(flows, monthly, not_unique):
    rate, flagged = finance.irr_search(flows)
    assert bool(flagged) is not_unique
    if monthly is None:
        assert math.isnan(float(rate))
    else:
        assert float(rate) == pytest.approx(monthly, rel=1e-12)


@given(
    st.lists(st.floats(-1e6, 1e6).map(lambda x: round(x, 2)), min_size=2, max_size=40),
)
@settings(max_examples=200, deadline=None)
def test_irr_search_agrees_with_the_independent_grid(flows):
    # tests/oracle_v3.py implements the same rule in plain Python, one flow at a time: every draw of flows, with any
    # number of sign changes, gets the same answer (none, the root, or "not unique") from both, one row at a time
    # and all rows together.
    want_x, want_not_unique = oracle_v3.irr_grid(flows)
    rate, flagged = finance.irr_search(flows)
    together, together_flagged = finance.irr_search(np.array([flows, flows]))
    assert bool(flagged) is want_not_unique is bool(together_flagged[1])
    if want_x is None:
        assert math.isnan(float(rate)) and math.isnan(float(together[1]))
    else:
        assert float(rate) == pytest.approx(math.expm1(want_x), rel=1e-6, abs=1e-9)
        assert float(together[1]) == float(rate)
