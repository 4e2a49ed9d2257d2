"""The one record every provider's runs become, and the mapping onto it.

`Runs.table` is a pandas table with one row per well-formed run and these columns:

    started           UTC timestamp   when the run started (a CSV's `timestamp`)
    finished          UTC timestamp   when it finished or was last updated; `started` when not known
    branch            text            the branch it ran on, stripped; never missing or empty
    outcome           text            success, failure, cancelled, skipped or not_completed (see OUTCOMES)
    duration_minutes  float64         how long it ran; NaN when not given or not completed, else finite, 0 to
                                      MAX_RUN_MINUTES
    workflow          text            the workflow's name; "" when it has none
    event             text            what triggered it (push, pull_request, schedule...); "push" when not given

A provider says where its records keep each column (`Columns`) and calls `normalize`, which flags bad values row
by row, vectorized, and keeps the good rows; the rest become `Skipped`, each with its reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from roi.errors import CIImportError, Problem

MAX_REPORTED = 20  # malformed records listed one by one; the rest are counted
MAX_RUN_DAYS = 7
MAX_RUN_MINUTES = MAX_RUN_DAYS * 24 * 60  # a run "longer" than a week is a broken record, not a build time
NO_RUNS = "no runs to import"

# Every provider's words for how a run ended, to one vocabulary.
OUTCOMES = {
    "success": "success",
    "succeeded": "success",
    "passed": "success",
    "pass": "success",
    "ok": "success",
    "failure": "failure",
    "failed": "failure",
    "fail": "failure",
    "error": "failure",
    "errored": "failure",
    "timed_out": "failure",
    "startup_failure": "failure",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "skipped": "skipped",
    "neutral": "skipped",
    "stale": "skipped",
    "action_required": "not_completed",
    "in_progress": "not_completed",
    "queued": "not_completed",
    "requested": "not_completed",
    "waiting": "not_completed",
    "pending": "not_completed",
    "running": "not_completed",
    "created": "not_completed",
    "manual": "not_completed",
    "scheduled": "not_completed",
    "preparing": "not_completed",
    "waiting_for_resource": "not_completed",
}


@dataclass(frozen=True)
class Skipped:
    """A record that could not be used, and why."""

    where: str
    reason: str
    position: int = 0  # the record's index (JSON) or data row (CSV), for listing in file order


@dataclass(frozen=True)
class Runs:
    """Every well-formed run in the table above, and the records skipped (the first MAX_REPORTED, and how many)."""

    format: str
    table: pd.DataFrame
    malformed: list[Skipped]
    malformed_count: int
    records_read: int


@dataclass(frozen=True)
class Columns:
    """Where a provider's records keep each column: a field name, "?name" when it may be absent, "" for none."""

    started: str
    finished: str
    branch: str
    status: str  # how the run ended (GitHub: its conclusion)
    completed: str = ""  # a field saying whether it has ended (GitHub: status, "completed" when it has)
    duration: str = ""  # a duration the export gives; none: finished - started
    workflow: str = ""
    event: str = ""  # none: every run counts as a push
    minutes_per_unit: float = 1.0  # of the given duration: 1 / 60 when it is in seconds
    elapsed_when_missing: bool = True  # a run without a given duration takes finished - started

    def required(self) -> list[str]:
        """The fields every record must have, in the order the first one missing is reported."""
        names = [self.started, self.finished, self.branch, self.status, self.completed, self.duration, self.workflow]
        return [name for name in [*names, self.event] if name and not name.startswith("?")]


def normalize(
    frame: pd.DataFrame,
    columns: Columns,
    *,
    title: str,
    where: Callable[[int], str],
    records_read: int,
    skipped: list[Skipped],
) -> Runs:
    """Map a provider's columns onto the schema, flag bad values per row, keep the good rows.

    `title` names the format (GitHub Actions, GitLab pipelines, csv); `where` names a record by its index;
    `skipped` are the records the provider could not even tabulate (not a JSON object, a CSV line too long...).
    """
    missing = [name for name in columns.required() if name not in frame.columns]
    if missing:
        problem = f"does not look like a {title} export: no field {missing[0]!r} in its records"
        raise CIImportError([Problem("", problem)])

    def col(name: str) -> pd.Series:
        src = name.lstrip("?")
        if src and src in frame.columns:
            return frame[src]
        return pd.Series([pd.NA] * len(frame), index=frame.index, dtype="object")

    started = _timestamps(col(columns.started))
    finished = started if columns.finished == columns.started else _timestamps(col(columns.finished))
    raw_status = _words(col(columns.status))
    outcome = raw_status.map(OUTCOMES)
    if columns.completed:  # the status says whether it finished, the conclusion (null or "" until then) how
        run_status = _words(col(columns.completed))
        done = run_status.eq("completed").fillna(False).astype(bool)
        outcome = outcome.where(done, "not_completed")
        status_problems = [
            (run_status.isna(), "status missing"),
            (done & raw_status.isna(), "conclusion missing on a completed run"),
            (outcome.isna() & raw_status.notna(), "conclusion not one this tool knows"),
        ]
    else:
        status_problems = [
            (raw_status.isna(), "status missing"),
            (outcome.isna() & raw_status.notna(), "status not one this tool knows"),
        ]
    ended = outcome.ne("not_completed").fillna(True).astype(bool)  # a run still going has no duration yet
    given = col(columns.duration)
    number = _numbers(given)
    text = given.astype("string").str.strip()
    present = (text.notna() & text.ne("")).fillna(False).astype(bool)
    nan_text = text.str.lower().str.lstrip("+-").eq("nan").fillna(False).astype(bool)
    duration = number * columns.minutes_per_unit
    if not columns.duration or columns.elapsed_when_missing:
        elapsed = (finished - started).dt.total_seconds() / 60
        duration = duration.fillna(elapsed) if columns.duration else elapsed
    duration = duration.where(ended)
    field_name = columns.duration.lstrip("?") or "duration"
    table = pd.DataFrame(
        {
            "started": started,
            "finished": finished.fillna(started),
            "branch": col(columns.branch).astype("string").str.strip(),
            "outcome": outcome,
            "duration_minutes": duration.astype("float64"),
            "workflow": col(columns.workflow).astype("string").fillna(""),
            "event": col(columns.event).astype("string").fillna("push") if columns.event else "push",
        }
    )
    minutes = table["duration_minutes"]
    problems = [
        (table["started"].isna(), "start time missing or not an ISO 8601 timestamp"),
        (table["branch"].isna() | table["branch"].eq(""), "branch missing"),
        *status_problems,
        (ended & present & (np.isinf(number) | nan_text), f"{field_name} is not a finite number"),
        (ended & present & number.isna() & ~nan_text, f"{field_name} is not a number"),
        (minutes.lt(0), "negative duration"),
        (minutes.gt(MAX_RUN_MINUTES), f"duration over {MAX_RUN_DAYS} days (MAX_RUN_MINUTES), not a plausible run"),
    ]
    bad = np.zeros(len(table), dtype=bool)
    reasons = pd.Series("", index=table.index, dtype="object")
    for flagged, reason in problems:
        mask = flagged.fillna(False).to_numpy(dtype=bool)
        reasons[mask & ~bad] = reason
        bad |= mask
    bad_rows = [Skipped(where(int(r)), str(reasons[r]), int(r)) for r in table.index[bad][:MAX_REPORTED]]
    listed = sorted([*skipped, *bad_rows], key=lambda skip: skip.position)
    return Runs(
        title, table[~bad].reset_index(drop=True), listed[:MAX_REPORTED], len(skipped) + int(bad.sum()), records_read
    )


def _timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 timestamps with any offset, to UTC; unparseable ones become NaT."""
    text = values.astype("string").str.strip()
    return pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")


def _words(values: pd.Series) -> pd.Series:
    """Provider words, trimmed and lower-case; blank ones (gh prints "" for no conclusion yet) missing."""
    words = values.astype("string").str.strip().str.lower()
    return words.where(words.ne("").fillna(True).astype(bool))


def _numbers(values: pd.Series) -> pd.Series:
    """Numbers, NaN where there is none; infinity kept, to be reported."""
    try:
        return pd.to_numeric(values, errors="coerce").astype("float64")
    except (OverflowError, TypeError, ValueError):  # a JSON integer too large for a float
        return values.map(_number).astype("float64")


def _number(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")
    except (TypeError, ValueError):
        return float("nan")
