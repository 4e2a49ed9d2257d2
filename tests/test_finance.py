"""Finance metrics: hand-checked tables, agreement with numpy-financial, and properties."""

from __future__ import annotations

import math

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import finance

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


# Payback by hand: cumulative -100, -60, -20, +20: reached in month 3, at 2 + 20/40 = 2.5.
PAYBACK_TABLE = [
    ([-100, 40, 40, 40], 2.5),
    ([-100, 100], 1.0),  # exactly zero counts as reached
    ([0, 5, 5], 0.0),  # nothing invested
    ([-100, 10, 10], math.inf),  # never within the horizon
    ([-100, 150, -200, 300], 2 / 3),  # first crossing, inside month 1: 0 + 100 / 150
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


@given(flows=st.lists(st.floats(-1e5, 1e5), min_size=2, max_size=48))
def test_payback_consistent_with_cumulative(flows):
    payback = float(finance.payback_months(flows))
    cumulative = np.cumsum(flows)
    reached = [t for t in range(1, len(flows)) if cumulative[t] >= 0]
    if flows[0] >= 0:
        assert payback == 0
    elif not reached:
        assert math.isinf(payback)
    else:
        t = reached[0]
        assert t - 1 <= payback <= t
        assert payback == pytest.approx(t - 1 - cumulative[t - 1] / flows[t], rel=1e-12)


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
