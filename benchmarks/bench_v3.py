"""Format v3: ranged shares and discount rate, and lines of your own.

1. 100,000 draws x 36 months of the realistic case (four scheduled areas, as bench_simulate's first figure) with its
   shares and its discount rate given as ranges (each
   draw's shares divided by their sum, each draw discounted at its own rate): under 600 ms, against the same case
   with those inputs fixed, measured in the same run.
2. 20 lines of your own (per month and by year, of areas and of the plan, cash and time, two of them ranges) add
   at most 20 % to evaluate and to 100,000 draws x 36 months, against the same case without them.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.timing import median_seconds, report
from roi import evaluate, load_scenario
from roi.uncertainty import simulate

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "forum-post-realistic.toml"
DRAWS = 100_000
# the case of bench_simulate's first figure (four scheduled areas, build months fixed), in format v3
BASE = ["schema_version=3", "uncertainty.correlated=[]", "investments.ci_cd.build_months=6",
        "investments.testing.build_months=6"]  # fmt: skip
RANGED = [
    *BASE,
    "finance.annual_discount_rate={low=0.08, likely=0.10, high=0.14}",
    "investments.ci_cd.delivers.merges={low=0.3, likely=0.5, high=0.7}",
    "investments.testing.delivers.merges={low=0.3, likely=0.5, high=0.7}",
]
AREAS = ["ci_cd", "testing", "deployment", "observability"]


def _lines(count: int) -> str:
    lines = []
    for i in range(count):
        area = f'area="{AREAS[i % 4]}", ' if i % 2 else ""
        kind = '"benefit"' if i % 3 else '"cost"'
        nature = '"time"' if i % 4 == 0 else '"cash"'
        if i % 5 == 0:
            amount = "by_year=[10000, 24000, 24000, 24000]"
        elif i < 2:
            amount = "per_month={low=1000, likely=2000, high=2500}"
        else:
            amount = f"per_month={1000 + 100 * i}"
        lines.append(f'{{name="Line {i + 1}", type={kind}, nature={nature}, {area}{amount}, risk_adjustment=0.1}}')
    return "lines=[" + ", ".join(lines) + "]"


def run() -> bool:
    ranged = load_scenario(SCENARIO, RANGED)
    fixed = load_scenario(SCENARIO, BASE)
    assert "finance.annual_discount_rate" in ranged.ranged_inputs()
    ok = report(
        f"simulate {DRAWS:,} draws x 36 months, ranged shares and discount rate",
        median_seconds(lambda: simulate(ranged, DRAWS, 1), repeats=5, warmup=1),
        0.6,
        median_seconds(lambda: simulate(fixed, DRAWS, 1), repeats=5, warmup=1),
        "the same case with shares and rate fixed",
    )
    with_lines = load_scenario(SCENARIO, [*BASE, _lines(20)])
    assert len(with_lines.lines) == 20
    for name, fn, repeats in (("evaluate", evaluate, 30), (f"simulate {DRAWS:,} draws", None, 5)):

        def timed(s, fn=fn):  # type: ignore[no-untyped-def]
            return (lambda: fn(s)) if fn is not None else (lambda: simulate(s, DRAWS, 1))

        ours = median_seconds(timed(with_lines), repeats=repeats, warmup=1)
        base = median_seconds(timed(fixed), repeats=repeats, warmup=1)
        added = ours / base - 1
        report(f"{name} x 36 months with 20 lines", ours, None, base, "the same case without lines")
        print(f"  20 lines add {added * 100:.0f} %, target at most 20 % {'OK' if added <= 0.2 else 'MISSED'}")
        ok &= added <= 0.2
    return ok
