"""The phasing search: 10,000 candidate plans x 60 months must take under 1 s.

Baseline, measured in the same run: a loop calling `evaluate` once per candidate plan (timed on 100 candidates
and scaled), what a script without vectorized candidates would do.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from benchmarks.timing import median_seconds, report
from roi import evaluate, load_scenario
from roi.plan import best_phasing, candidate_values
from roi.scenario import AREAS, with_values

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "forum-post-realistic.toml"
LOOP_CANDIDATES = 100


def run() -> bool:
    scenario = load_scenario(SCENARIO, ["finance.horizon_months=60", "uncertainty.correlated=[]"])
    _, starts = candidate_values(scenario, 3, 24)
    assert starts.shape[0] == 10_000
    ours = median_seconds(lambda: best_phasing(scenario, [300_000, 600_000]), repeats=5, warmup=1)
    picks = np.random.default_rng(0).choice(starts.shape[0], LOOP_CANDIDATES, replace=False)
    begin = time.perf_counter()
    for i in picks:
        changes: dict[str, object] = {}
        for j, area in enumerate(AREAS):
            funded = not np.isnan(starts[i, j])
            changes[f"investments.{area}.include"] = funded
            changes[f"investments.{area}.start_month"] = int(starts[i, j]) if funded else 0
        evaluate(with_values(scenario, changes))
    loop = (time.perf_counter() - begin) / LOOP_CANDIDATES * starts.shape[0]
    return report(
        "phasing search, 10,000 candidate plans x 60 months",
        ours,
        1.0,
        loop,
        f"a loop calling evaluate per candidate ({LOOP_CANDIDATES} timed, scaled)",
    )
