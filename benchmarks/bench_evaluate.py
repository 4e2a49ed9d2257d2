"""evaluate() on a 36-month and a 240-month scenario (format v2 with four scheduled areas: under 2 ms for 36).

Baseline, measured in the same run: the same flows computed month by month in plain Python and
scored with numpy-financial's npv and irr, the way a spreadsheet-minded script would do it.
"""

from __future__ import annotations

from pathlib import Path

import numpy_financial as npf

from benchmarks.timing import median_seconds, report
from roi import evaluate, load_scenario
from roi.finance import monthly_rate
from roi.model import cash_flows
from roi.scenario import likely

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "forum-post-realistic.toml"


def _baseline(scenario):  # type: ignore[no-untyped-def]
    flows = cash_flows(scenario).net_flow_usd[0].tolist()
    d = monthly_rate(likely(scenario.finance.annual_discount_rate))
    cumulative, payback = 0.0, None
    for month, flow in enumerate(flows):
        before, cumulative = cumulative, cumulative + flow
        if payback is None and month and cumulative >= 0 > before:
            payback = month - 1 - before / flow
    return npf.npv(d, flows), npf.irr(flows), payback


def run() -> bool:
    ok = True
    for horizon, target in ((36, 0.002), (240, None)):
        scenario = load_scenario(SCENARIO, [f"finance.horizon_months={horizon}"])
        ours = median_seconds(lambda s=scenario: evaluate(s))
        base = median_seconds(lambda s=scenario: _baseline(s), repeats=10)
        ok &= report(f"evaluate, {horizon} months", ours, target, base, "month-by-month loop + numpy-financial")
    return ok
