"""Monte Carlo through the v2 model.

1. 100,000 draws x 36 months of the realistic case with its four scheduled areas (builds fixed, no correlated
   group): under 600 ms and 500 MB peak (tracemalloc, numpy's allocations included), against a loop calling
   numpy-financial once per draw (timed on 2,000 draws of the same flows and scaled).
2. 100,000 draws x 60 months with two correlated groups and a late-delivery (build months) range: under 1 s,
   against the independent sampler on the same case measured in the same run.
"""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import numpy as np
import numpy_financial as npf

from benchmarks.timing import median_seconds, report
from roi import load_scenario
from roi.finance import monthly_rate
from roi.model import cash_flows
from roi.scenario import likely
from roi.uncertainty import sample_values, simulate

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "forum-post-realistic.toml"
DRAWS = 100_000
LOOP_DRAWS = 2_000
SCHEDULED = ["uncertainty.correlated=[]", "investments.ci_cd.build_months=6", "investments.testing.build_months=6"]
TWO_GROUPS = (
    'uncertainty.correlated=[{inputs=["builds.build_minutes_after", "incidents.change_failure_rate_after", '
    '"incidents.mttr_hours_after"], rank_correlation=0.6}, {inputs=["merges.fix_hours", "builds.blocked_fraction"], '
    "rank_correlation=-0.3}]"
)


def _loop(flows: np.ndarray, rate: float) -> None:
    for row in flows:
        npf.npv(rate, row)
        npf.irr(row)
        cumulative = np.cumsum(row)
        np.argmax(cumulative >= 0)


def run() -> bool:
    scenario = load_scenario(SCENARIO, SCHEDULED)
    ours = median_seconds(lambda: simulate(scenario, DRAWS, 1), repeats=5, warmup=1)
    flows = cash_flows(scenario, sample_values(scenario, LOOP_DRAWS, 1)).net_flow_usd
    start = time.perf_counter()
    _loop(flows, monthly_rate(likely(scenario.finance.annual_discount_rate)))
    loop = (time.perf_counter() - start) / LOOP_DRAWS * DRAWS
    ok = report(
        f"simulate {DRAWS:,} draws x 36 months, four scheduled areas",
        ours,
        0.6,
        loop,
        f"per-draw numpy-financial loop ({LOOP_DRAWS:,} draws timed, scaled)",
    )
    tracemalloc.start()
    simulate(scenario, DRAWS, 1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  peak memory {peak / 2**20:.0f} MB, target < 500 MB {'OK' if peak < 500 * 2**20 else 'MISSED'}")
    ok &= peak < 500 * 2**20

    horizon = "finance.horizon_months=60"
    grouped = load_scenario(SCENARIO, [horizon, TWO_GROUPS])
    independent = load_scenario(SCENARIO, [horizon, "uncertainty.correlated=[]"])
    assert len(grouped.uncertainty.correlated) == 2 and "investments.ci_cd.build_months" in grouped.ranged_inputs()
    with_groups = median_seconds(lambda: simulate(grouped, DRAWS, 1), repeats=5, warmup=1)
    without = median_seconds(lambda: simulate(independent, DRAWS, 1), repeats=5, warmup=1)
    ok &= report(
        f"simulate {DRAWS:,} draws x 60 months, two correlated groups and late delivery",
        with_groups,
        1.0,
        without,
        "the independent sampler on the same case",
    )
    return ok
