"""Each figure of a baseline, derived on its own from the selected runs, with its evidence beside it.

A figure function takes the `Selected` runs and returns a `Figure`: the value, the window it covers, how many
runs it rests on and which were left out and why, and the sentence a CFO can check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
import pandas as pd

from roi import formatting as fmt
from roi.ci_import.selection import DONE, Selected, Window
from roi.errors import CIImportError, Problem

V = TypeVar("V", bound=float | None, covariant=True)
STILL_RED = "still red at the end of the window"


@dataclass(frozen=True)
class Figure(Generic[V]):
    """One measured figure and what it rests on."""

    name: str  # the Baseline field it fills
    value: V  # None when the runs do not support it
    window: Window
    used: int  # runs it rests on (red streaks, for red to green)
    excluded: dict[str, int]  # runs left out, by why
    counts: dict[str, int]  # the tallies Baseline.counts reports
    evidence: str  # a sentence a CFO can check; "" when there is nothing to say
    notes: tuple[str, ...] = ()


def merges_per_month(s: Selected) -> Figure[float]:
    """The branch's push runs of the build workflow, one per merge, per month of the window."""
    merges, months = len(s.merges), s.window.months
    value = merges / months
    excluded = {
        "not triggered by a push": s.scope.on_branch - s.scope.push,
        "of another workflow": sum(s.scope.other_workflows.values()),
    }
    evidence = f"Merges per month: {merges:,} push runs / {months:.2f} months = {value:,.1f}."
    return Figure("merges_per_month", value, s.window, merges, excluded, {"merges": merges}, evidence)


def success_rate_before(s: Selected) -> Figure[float]:
    """The share of completed merges that passed; cancelled, skipped and unfinished runs reported, not counted."""
    seen = s.merges["outcome"].value_counts()
    counts = {
        name: int(seen.get(outcome, 0))
        for name, outcome in [
            ("succeeded", "success"),
            ("failed", "failure"),
            ("cancelled", "cancelled"),
            ("skipped", "skipped"),
            ("not_completed", "not_completed"),
        ]
    }
    succeeded, failed = counts["succeeded"], counts["failed"]
    if succeeded + failed == 0:
        runs = f"push runs on {s.scope.branch!r} in the window"
        raise CIImportError([Problem("", f"has no completed (succeeded or failed) {runs}")])
    value = succeeded / (succeeded + failed)
    excluded = {name.replace("_", " "): counts[name] for name in ("cancelled", "skipped", "not_completed")}
    evidence = (
        f"Success rate: {succeeded:,} succeeded / {succeeded + failed:,} completed = {fmt.pct(value)}; "
        f"{counts['cancelled']:,} cancelled, {counts['skipped']:,} skipped and {counts['not_completed']:,} not "
        "completed are reported, not counted."
    )
    return Figure("success_rate_before", value, s.window, succeeded + failed, excluded, counts, evidence)


def build_minutes_before(s: Selected) -> Figure[float | None]:
    """The mean duration of the completed merges that have one: build time is priced by the minute, so a few slow
    builds count for what they cost (the median is reported beside it)."""
    durations = s.completed["duration_minutes"].dropna()
    value = float(durations.mean()) if len(durations) else None
    excluded = {
        "cancelled, skipped or not completed": len(s.merges) - len(s.completed),
        "no duration": len(s.completed) - len(durations),
    }
    if value is not None:
        evidence = (
            f"Build minutes: mean of {len(durations):,} completed runs = {value:.1f} (median "
            f"{float(durations.median()):.1f}); the mean prices every minute waited."
        )
    else:
        evidence = "Build minutes: no run has a duration, so build_minutes_before is not set."
    counts = {"with_duration": len(durations)}
    return Figure("build_minutes_before", value, s.window, len(durations), excluded, counts, evidence)


def build_minutes_median(s: Selected) -> float | None:
    """The median duration of the completed merges that have one, reported beside the mean."""
    durations = s.completed["duration_minutes"].dropna()
    return float(durations.median()) if len(durations) else None


def builds_per_month(s: Selected) -> Figure[float]:
    """Completed runs of every workflow but the deploys, on every branch, per month of the window."""
    builds = int(s.builds["outcome"].isin(DONE).sum())
    value = builds / s.window.months
    excluded = {
        "cancelled, skipped or not completed": len(s.builds) - builds,
        "deploys": len(s.deploys) if s.deploys is not None else 0,
    }
    evidence = f"Builds per month (all branches, all workflows but deploys): {builds:,} runs = {value:,.1f}."
    return Figure("builds_per_month", value, s.window, builds, excluded, {"all_builds": builds}, evidence)


def red_to_green_hours(s: Selected) -> Figure[float | None]:
    """The median hours from the first failure of a red streak on the branch to the success that ends it."""
    streaks, unresolved, median = _red_to_green(s.completed)
    resolved, branch = streaks - unresolved, s.scope.branch
    if median is not None:
        evidence = (
            f"Red to green on {branch!r}: median {median:.1f} h over "
            f"{resolved:,} red streak{'' if resolved == 1 else 's'}"
            + (f" ({unresolved} still red at the end, not counted)." if unresolved else ".")
            + " This is the branch's recovery time, not production MTTR; it is reported, not applied."
        )
    else:
        evidence = f"Red to green on {branch!r}: no failure followed by a success in the window."
    return Figure("red_to_green_hours_median", median, s.window, resolved, {STILL_RED: unresolved}, {}, evidence)


def deploys_per_month(s: Selected) -> Figure[float | None]:
    """Successful runs of the deploy workflow per month of the window; None when no pattern names it."""
    if s.deploys is None:
        return Figure("deploys_per_month", None, s.window, 0, {}, {"deploys": 0}, "")
    deploys = int((s.deploys["outcome"] == "success").sum())
    value = deploys / s.window.months
    notes: tuple[str, ...] = ()
    if deploys == 0:
        notes = (f"No successful run of a workflow matching {s.deploy_workflow!r}: deploys per month is 0.",)
    evidence = f"Deploys per month: {deploys:,} successful deploy-workflow runs = {value:,.1f}."
    excluded = {"did not succeed": len(s.deploys) - deploys}
    return Figure("deploys_per_month", value, s.window, deploys, excluded, {"deploys": deploys}, evidence, notes)


def _red_to_green(completed: pd.DataFrame) -> tuple[int, int, float | None]:
    """Red streaks on the branch (a failure after a success or at the start), how many are still red at the end,
    and the median hours the others took to turn green."""
    runs = completed.sort_values("finished", kind="stable")
    red = runs["outcome"].eq("failure").to_numpy()
    finished = runs["finished"].dt.tz_convert(None).to_numpy(dtype="datetime64[ns]")
    if not red.any():
        return 0, 0, None
    starts = np.flatnonzero(red & ~np.concatenate([[False], red[:-1]]))
    green = np.flatnonzero(~red)
    nxt = np.searchsorted(green, starts)  # the first success after each streak starts
    resolved = nxt < green.size
    hours = (finished[green[nxt[resolved]]] - finished[starts[resolved]]) / np.timedelta64(1, "h")
    median = float(np.median(hours)) if hours.size else None
    return int(starts.size), int((~resolved).sum()), median
