"""Monte Carlo memory: 1,000,000 draws x 240 months must peak under 1 GB.

Each figure is the peak resident memory of a fresh Python process (VmHWM), so numpy's allocations count.
The baseline, measured in the same run, is the unchunked path (every draw's flows at once) on 50,000 draws,
scaled per draw to 1,000,000 (it grows linearly with draws; the first version ran out of memory there).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "forum-post-realistic.toml"
DRAWS = 1_000_000
BASELINE_DRAWS = 50_000
LIMIT_MB = 1024

_PROGRAM = """
import sys
import roi.model as model
import roi.uncertainty as u
from roi import load_scenario
if sys.argv[2] == "unchunked":
    model.CHUNK_CELLS = 10**12
scenario = load_scenario(sys.argv[3], ["finance.horizon_months=240"])
def peak_kb():  # VmHWM belongs to this process's memory map; ru_maxrss would carry the parent's peak over exec
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
before = peak_kb()
u.simulate(scenario, int(sys.argv[1]), 1)
print(before / 1024, peak_kb() / 1024)
"""


def _peak_mb(draws: int, mode: str) -> tuple[float, float, float]:
    """(resident MB after imports, peak resident MB, seconds) of one simulate in a fresh process."""
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", _PROGRAM, str(draws), mode, str(SCENARIO)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), time.perf_counter() - start


def run() -> bool:
    base_before, base_peak, _ = _peak_mb(BASELINE_DRAWS, "unchunked")
    scaled = base_before + (base_peak - base_before) * DRAWS / BASELINE_DRAWS
    before, peak, seconds = _peak_mb(DRAWS, "chunked")
    ok = peak < LIMIT_MB
    print(
        f"simulate {DRAWS:,} draws x 240 months: peak {peak:,.0f} MB ({before:,.0f} MB after imports), "
        f"{seconds:.0f} s | target < {LIMIT_MB:,} MB {'OK' if ok else 'MISSED'} | unchunked baseline "
        f"{base_peak:,.0f} MB at {BASELINE_DRAWS:,} draws, {scaled:,.0f} MB scaled to {DRAWS:,}: "
        f"{scaled / peak:.1f}x the memory",
        flush=True,
    )
    return ok
