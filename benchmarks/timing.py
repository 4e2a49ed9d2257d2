"""Timing helpers: medians of repeated runs, and one line per figure."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def median_seconds(fn: Callable[[], Any], repeats: int = 30, warmup: int = 2) -> float:
    """Median wall time of fn over `repeats` runs after `warmup` unmeasured ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(
    name: str,
    seconds: float,
    target_seconds: float | None = None,
    baseline_seconds: float | None = None,
    baseline_name: str = "baseline",
) -> bool:
    """Print one figure with its target and its ratio to a baseline measured in the same run; True if on target."""
    parts = [f"{name}: median {seconds * 1e3:.2f} ms"]
    ok = True
    if target_seconds is not None:
        ok = seconds <= target_seconds
        parts.append(f"target < {target_seconds * 1e3:g} ms {'OK' if ok else 'MISSED'}")
    if baseline_seconds is not None:
        ratio = baseline_seconds / seconds
        relation = f"{ratio:.1f}x faster" if ratio >= 1 else f"{1 / ratio:.1f}x slower"
        parts.append(f"{baseline_name} {baseline_seconds * 1e3:.2f} ms, ours {relation}")
    print(" | ".join(parts), flush=True)
    return ok
