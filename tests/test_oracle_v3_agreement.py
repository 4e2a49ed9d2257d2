"""The model against the independent format-v3 oracle (tests/oracle_v3.py), which reads the raw file data.

Every figure of `roi summary --json` that the oracle computes, each area alone and every combination, on the
scenario files and on drawn v3 scenarios (engineer time and cash, continuing months, ranged shares and discount
rates at their likely values, lines of the user's own, cases of lines alone).
"""

from __future__ import annotations

import math
import tomllib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import roi
from roi import plan
from roi.scenario import scenario_from_dict
from tests import oracle_v3
from tests.conftest import SCENARIOS
from tests.strategies import scenario_data_v3

REL = 1e-7

PLAN_KEYS = (
    "npv_usd", "pv_benefits_usd", "pv_costs_usd", "roi", "payback_months", "discounted_payback_months",
    "irr_annual", "irr_not_unique", "nothing_within_horizon", "peak_funding_usd", "first_year_cost_usd",
    "cash_npv_usd", "cash_payback_months", "continuing_value_usd", "npv_with_continuing_value_usd",
    "monthly_benefit_usd", "one_time_cost_usd", "staff_cost_usd", "upfront_investment_usd",
    "annual_recurring_cost_usd", "delivery_to_ai_ratio", "delivery_to_ai_ratio_incl_staff",
    "annual_delivery_to_ai_ratio", "engineer_hours_freed_per_month", "engineers_freed", "share_of_team_freed",
)  # fmt: skip
AREA_KEYS = ("investment_usd", "npv_usd", "npv_with_continuing_value_usd", "payback_months", "roi", "cash_npv_usd")
COMBINATION_KEYS = ("npv_usd", "npv_with_continuing_value_usd", "payback_months", "first_year_cost_usd")
#: Figures read off a cumulative flow or a root: judged in months or rates, and left alone where a cumulative flow
#: sits within rounding of zero (either answer is right there).
EDGY = {"payback_months", "discounted_payback_months", "cash_payback_months", "irr_annual", "irr_not_unique"}


def _close(got: Any, want: Any, scale: float, what: str) -> None:
    if want is None or isinstance(want, bool):
        assert got == want, what
        return
    assert got is not None, f"{what}: got None, expected {want}"
    assert got == pytest.approx(want, rel=REL, abs=REL * scale), what


def _near_zero(flows: list[float], scale: float) -> bool:
    total = 0.0
    for f in flows:
        total += f
        if abs(total) <= 1e-6 * scale:
            return True
    return False


def compare(data: dict[str, Any]) -> None:
    s = scenario_from_dict(data)
    got = roi.evaluate(s).summary
    o = oracle_v3.evaluate(data)
    scale = 1.0 + math.fsum(abs(b) + abs(c) for b, c in zip(o.benefit, o.cost, strict=True))
    edgy = _near_zero(o.flow, scale) or _near_zero(o.cash_flow, scale) or len(o.flow) > 120
    for key in PLAN_KEYS:
        if key in EDGY and edgy:
            continue
        want = getattr(o, key)
        if key == "roi" and want is not None:
            _close(got.roi, want, scale / max(o.pv_costs_usd, 1.0), key)
            continue
        if key in ("delivery_to_ai_ratio", "delivery_to_ai_ratio_incl_staff", "annual_delivery_to_ai_ratio"):
            scale_ratio = scale / max(o.inputs.ai_spend, 1e-300)
            if want is None or got.__dict__[key] is None or not math.isfinite(scale_ratio):
                assert (want is None) == (got.__dict__[key] is None), key
                continue
            _close(got.__dict__[key], want, scale_ratio, key)
            continue
        _close(got.__dict__[key], want, scale, key)
    assert [line["name"] for line in got.lines] == [line["name"] for line in o.lines]
    for mine, theirs in zip(got.lines, o.lines, strict=True):
        _close(mine["pv_usd"], theirs["pv_usd"], scale, f"line {mine['name']}")
    for area, alone in got.areas.items():
        for key in AREA_KEYS:
            if key == "payback_months" and edgy:
                continue
            want = getattr(o.areas[area], key)
            _close(getattr(alone, key), want, scale if key != "roi" else scale / 1.0, f"{area}.{key}")
    for combo in plan.combinations(s):
        theirs = o.combinations[combo.areas]
        for key in COMBINATION_KEYS:
            if key == "payback_months" and edgy:
                continue
            _close(getattr(combo, key), getattr(theirs, key), scale, f"{combo.areas}.{key}")


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_scenario_files_agree_with_the_v3_oracle(path):
    compare(tomllib.loads(path.read_text()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_data_v3(max_horizon=60))
def test_drawn_v3_scenarios_agree_with_the_v3_oracle(data):
    compare(data)
