"""Importing 1,000,000 CSV runs (issue "A baseline from the team's own CI history": under 5 s, vectorized).

Baseline, measured in the same run: the standard library's csv module reading the same bytes record by record
and counting outcomes on main, the loop a quick script would write (it derives far less).
"""

from __future__ import annotations

import csv
import io
import time

import numpy as np

from benchmarks.timing import report
from roi.ci_import import Options, import_ci

ROWS = 1_000_000


def make_csv(rows: int = ROWS, seed: int = 0) -> bytes:
    """A year of runs: 70 % on main, 80 % succeeding, durations around 30 minutes, a few deploys."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00:00") + np.sort(rng.integers(0, 365 * 86_400, rows)).astype("timedelta64[s]")
    stamps = np.datetime_as_string(start, unit="s")
    branch = np.where(rng.random(rows) < 0.7, "main", "feature")
    status = np.where(rng.random(rows) < 0.8, "success", "failure")
    minutes = np.round(rng.gamma(4, 7.5, rows), 1).astype(str)
    workflow = np.where(rng.random(rows) < 0.02, "deploy", "ci")
    body = "\n".join(
        f"{t}Z,{b},{s},{m},{w}" for t, b, s, m, w in zip(stamps, branch, status, minutes, workflow, strict=True)
    )
    return ("timestamp,branch,status,duration_minutes,workflow\n" + body + "\n").encode()


def _loop(content: bytes) -> float:
    ok = total = 0
    for row in csv.DictReader(io.StringIO(content.decode())):
        if row["branch"] == "main" and row["workflow"] == "ci":
            total += 1
            ok += row["status"] == "success"
    return ok / total


def run() -> bool:
    content = make_csv()
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        baseline = import_ci(content, Options(deploy_workflow="deploy"), source="1M runs")
        samples.append(time.perf_counter() - start)
    start = time.perf_counter()
    _loop(content)
    loop = time.perf_counter() - start
    print(f"  imported {baseline.records_read:,} runs, success rate {baseline.success_rate_before:.3f}, "
          f"{baseline.merges_per_month:,.0f} merges/month")  # fmt: skip
    return report(f"import-ci {ROWS:,} CSV runs", sorted(samples)[1], 5.0, loop, "csv.DictReader loop (counts only)")
