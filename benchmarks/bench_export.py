"""Workbook export of a 240-month scenario (issue "CFO workbook": under 500 ms).

Baseline, measured in the same run: the monthly CSV of the same result, the cheapest export we have.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.timing import median_seconds, report
from roi import evaluate, load_scenario
from roi.exports import monthly_csv, workbook_xlsx

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "enterprise.toml"


def run() -> bool:
    scenario = load_scenario(SCENARIO, ["finance.horizon_months=240"])
    ours = median_seconds(lambda: workbook_xlsx(evaluate(scenario)), repeats=15)
    base = median_seconds(lambda: monthly_csv(evaluate(scenario)), repeats=15)
    return report("export workbook, 240 months", ours, 0.5, base, "CSV export of the same result")
