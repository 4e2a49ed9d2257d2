"""A CI history's baseline: every figure with its evidence, and the one call from an export's bytes to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from roi import inputs as vk
from roi.ci_import.figures import (
    STILL_RED,
    Figure,
    build_minutes_before,
    build_minutes_median,
    builds_per_month,
    deploys_per_month,
    merges_per_month,
    red_to_green_hours,
    success_rate_before,
)
from roi.ci_import.formats import read_runs
from roi.ci_import.provider import BOM
from roi.ci_import.runs import NO_RUNS, Runs, Skipped
from roi.ci_import.selection import DEFAULTS, Options, Scope, Window, select
from roi.errors import CIImportError, Problem


@dataclass(frozen=True)
class Baseline:
    """The figures a CI history supports, with the evidence for each (`figures`, by field name)."""

    source: str
    format: str
    branch: str
    window_start: pd.Timestamp
    window_end: pd.Timestamp
    window_days: float
    records_read: int
    malformed: list[Skipped]
    malformed_count: int
    counts: dict[str, int]
    other_workflows: dict[str, int]
    ci_workflow: str | None
    merges_per_month: float
    success_rate_before: float
    build_minutes_before: float | None
    builds_per_month: float
    red_to_green_hours_median: float | None
    build_minutes_median: float | None
    red_streaks: int
    unresolved_red_streaks: int
    deploys_per_month: float | None
    window: Window
    scope: Scope
    figures: dict[str, Figure[float | None]]
    notes: list[str] = field(default_factory=list)

    def rounded_values(self) -> dict[str, float]:
        """The values rounded as a reader writes them (whole merges and builds a month, a tenth of a percent, a tenth
        of a minute and of a deploy): what the page applies. The file the CLI edits keeps ten digits."""
        return {path: _rounded(path, value) for path, value in self.values().items()}

    def values(self) -> dict[str, float]:
        """Scenario fields this baseline sets, by dotted path, as written to a scenario (ten significant digits)."""
        out = {
            vk.MERGES_PER_MONTH: self.merges_per_month,
            vk.SUCCESS_RATE_BEFORE: self.success_rate_before,
            vk.BUILDS_PER_MONTH: self.builds_per_month,
        }
        if self.build_minutes_before is not None:
            out[vk.BUILD_MINUTES_BEFORE] = self.build_minutes_before
        if self.deploys_per_month is not None:
            out[vk.DEPLOYS_BEFORE] = self.deploys_per_month
        return {path: _measured(value) for path, value in out.items()}

    def warnings(self) -> list[str]:
        """What makes the figures shaky: a window under four weeks, or fewer than 50 runs on the branch."""
        out = []
        if self.window_days < MIN_WINDOW_DAYS:
            out.append(
                f"the window is {self.window_days:.1f} days, under four weeks: merges, builds and deploys per month "
                "are extrapolated from it; export a longer history"
            )
        merges = self.counts.get("merges", 0)
        if merges < MIN_BRANCH_RUNS:
            out.append(
                f"only {merges:,} runs on {self.branch!r} in the window, fewer than {MIN_BRANCH_RUNS}: the success "
                "rate and build time rest on few runs"
            )
        return out

    def evidence(self) -> list[str]:
        """What each figure rests on, in sentences a CFO can check."""
        lines = [
            f"Source: {self.source} ({self.format}); {self.records_read:,} records read, "
            f"{self.malformed_count:,} malformed and skipped.",
            *self.window.evidence(),
            *self.scope.evidence(),
            *(figure.evidence for figure in self.figures.values() if figure.evidence),
            *self.notes,
        ]
        lines += [f"Skipped {s.where}: {s.reason}." for s in self.malformed]
        if self.malformed_count > len(self.malformed):
            lines.append(f"... and {self.malformed_count - len(self.malformed):,} more malformed records.")
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "branch": self.branch,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "window_days": self.window_days,
            "records_read": self.records_read,
            "malformed": self.malformed_count,
            "malformed_examples": [{"where": s.where, "reason": s.reason} for s in self.malformed],
            "counts": self.counts,
            "ci_workflow": self.ci_workflow,
            "other_workflows": self.other_workflows,
            "merges_per_month": self.merges_per_month,
            "success_rate_before": self.success_rate_before,
            "build_minutes_before": self.build_minutes_before,
            "builds_per_month": self.builds_per_month,
            "red_to_green_hours_median": self.red_to_green_hours_median,
            "build_minutes_median": self.build_minutes_median,
            "deploys_per_month": self.deploys_per_month,
            "values": self.values(),
            "evidence": self.evidence(),
        }


#: Below these, `warnings` says the figures are shaky.
MIN_WINDOW_DAYS = 28.0
MIN_BRANCH_RUNS = 50


#: Decimals each measured figure is rounded to where a person reads it (a share: 3, a tenth of a percent).
DECIMALS: dict[str, int] = {
    vk.MERGES_PER_MONTH: 0,
    vk.SUCCESS_RATE_BEFORE: 3,
    vk.BUILDS_PER_MONTH: 0,
    vk.BUILD_MINUTES_BEFORE: 1,
    vk.DEPLOYS_BEFORE: 1,
}


def _rounded(path: str, value: float) -> float:
    x = round(float(value), DECIMALS.get(path, 6))
    return int(x) if x.is_integer() else x


def _measured(value: float) -> float:
    """A measured figure as a scenario holds it: ten significant digits, whole numbers without a fraction."""
    rounded = float(f"{value:.10g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def derive(runs: Runs, options: Options = DEFAULTS, source: str = "") -> Baseline:
    """The baseline over a window: push runs per month on the branch, success rate, mean build, deploys."""
    s = select(runs, options)
    merges, success = merges_per_month(s), success_rate_before(s)
    minutes, builds, red = build_minutes_before(s), builds_per_month(s), red_to_green_hours(s)
    deploys = deploys_per_month(s)
    figures: dict[str, Figure[float | None]] = {
        f.name: f for f in (merges, success, minutes, builds, red, deploys)
    }  # the order the evidence reads
    counts = {**s.window.counts(), **s.scope.counts()}
    for figure in figures.values():
        counts.update(figure.counts)
    return Baseline(
        source=source,
        format=runs.format,
        branch=options.branch,
        window_start=s.window.start,
        window_end=s.window.end,
        window_days=s.window.days,
        records_read=runs.records_read,
        malformed=runs.malformed,
        malformed_count=runs.malformed_count,
        counts=counts,
        other_workflows=s.scope.other_workflows,
        ci_workflow=s.scope.ci_workflow,
        merges_per_month=merges.value,
        success_rate_before=success.value,
        build_minutes_before=minutes.value,
        builds_per_month=builds.value,
        red_to_green_hours_median=red.value,
        build_minutes_median=build_minutes_median(s),
        red_streaks=red.used + red.excluded[STILL_RED],
        unresolved_red_streaks=red.excluded[STILL_RED],
        deploys_per_month=deploys.value,
        window=s.window,
        scope=s.scope,
        figures=figures,
        notes=[*s.scope.notes, *(note for figure in figures.values() for note in figure.notes)],
    )


def import_ci(content: bytes, options: Options = DEFAULTS, *, source: str = "", fmt: str | None = None) -> Baseline:
    """Read a CI export and derive its baseline; CIImportError (naming the source) on bad input."""
    try:
        if not content.removeprefix(BOM).strip():
            raise CIImportError([Problem("", f"is empty: {NO_RUNS}")])
        runs = read_runs(content, fmt)
        if runs.table.empty:
            raise CIImportError([Problem("", f"has no usable runs: all {runs.records_read:,} records are malformed")])
        return derive(runs, options, source)
    except CIImportError as exc:
        raise CIImportError(exc.problems, exc.source or source) from None
