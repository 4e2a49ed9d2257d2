"""A baseline from the team's own CI history: merges per month, main-branch success rate, build minutes, deploys.

Reads GitHub Actions (`gh run list --json ...` or the REST API's `/actions/runs`), GitLab (`/projects/:id/pipelines`)
or a CSV with the header `timestamp,branch,status,duration_minutes,workflow`, normalizes every run into one
pandas table, and derives the figures vectorized. Every malformed record (a non-finite or implausible duration
included) is reported by its index or line and skipped; every figure comes with its evidence (window, runs used
and excluded, and why). JSON is parsed with the standard library, CSV with pandas (the csv module when a field
is quoted, for exact line numbers), and a scenario is edited in place with tomlkit; nothing is evaluated.
"""

from __future__ import annotations

import copy
import csv
import fnmatch
import io
import json
import unicodedata
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import tomlkit
import tomlkit.exceptions

from roi.errors import CIImportError, Problem, ScenarioError
from roi.scenario import MAX_NAME_CHARS, Scenario, likely, parse_toml, scenario_from_dict

FORMATS = ("github", "gitlab", "csv")
DAYS_PER_MONTH = 30.44
CSV_COLUMNS = ("timestamp", "branch", "status", "duration_minutes", "workflow")
MAX_REPORTED = 20  # malformed records listed one by one; the rest are counted
MAX_RUN_DAYS = 7
MAX_RUN_MINUTES = MAX_RUN_DAYS * 24 * 60  # a run "longer" than a week is a broken record, not a build time
NO_RUNS = "no runs to import"

# Every provider's words for how a run ended, to one vocabulary.
OUTCOMES = {
    "success": "success", "succeeded": "success", "passed": "success", "pass": "success", "ok": "success",
    "failure": "failure", "failed": "failure", "fail": "failure", "error": "failure", "errored": "failure",
    "timed_out": "failure", "startup_failure": "failure",
    "cancelled": "cancelled", "canceled": "cancelled",
    "skipped": "skipped", "neutral": "skipped", "stale": "skipped",
    "action_required": "not_completed", "in_progress": "not_completed", "queued": "not_completed",
    "requested": "not_completed", "waiting": "not_completed", "pending": "not_completed", "running": "not_completed",
    "created": "not_completed", "manual": "not_completed", "scheduled": "not_completed", "preparing": "not_completed",
    "waiting_for_resource": "not_completed",
}  # fmt: skip


@dataclass(frozen=True)
class Skipped:
    """A record that could not be used, and why."""

    where: str
    reason: str
    position: int = 0  # the record's index (JSON) or data row (CSV), for listing in file order


@dataclass(frozen=True)
class Runs:
    """Every well-formed run, normalized: started/finished (UTC), branch, outcome, duration, workflow, event."""

    format: str
    table: pd.DataFrame
    malformed: list[Skipped]
    malformed_count: int
    records_read: int


# ---------------------------------------------------------------- reading


def detect_format(content: bytes) -> str:
    """github, gitlab or csv, from the content; CIImportError when it is none of them."""
    content = content.removeprefix(BOM)
    head = content.lstrip()[:1]
    if head in (b"[", b"{"):
        data = _json(content, "")
        if isinstance(data, Mapping) and "workflow_runs" in data:
            return "github"
        if isinstance(data, list):
            first = next((r for r in data if isinstance(r, Mapping)), None)
            if first is None and not data:
                raise CIImportError([Problem("", f"is an empty JSON list: {NO_RUNS}")])
            if first is not None and ({"databaseId", "headBranch", "workflowName"} & set(first)):
                return "github"
            if first is not None and {"ref", "status"} <= set(first):
                return "gitlab"
        raise CIImportError([Problem("", "is JSON but neither a GitHub Actions nor a GitLab pipelines export")])
    first_line = content.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    if set(_csv_header(first_line)) >= set(CSV_COLUMNS):
        return "csv"
    raise CIImportError(
        [
            Problem(
                "",
                "is not a known CI export (GitHub Actions JSON, GitLab pipelines JSON, or CSV with the header "
                f"{','.join(CSV_COLUMNS)})",
            )
        ]
    )


BOM = b"\xef\xbb\xbf"


def _csv_header(text: str) -> list[str]:
    """The column names on a CSV's first line, quoted or not, stripped and lower-case; [] when it has none."""
    first_line = text.replace("\r", "\n").split("\n", 1)[0]
    try:
        return [c.strip().lower() for c in next(csv.reader([first_line]), [])]
    except csv.Error:
        return []


def _json(content: bytes, fmt: str) -> Any:
    """Parsed JSON; NaN and Infinity literals stay text, so a run carrying one is reported, not averaged."""
    claim = f" {fmt}" if fmt else ""
    try:
        return json.loads(content.decode("utf-8-sig"), parse_constant=str)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, or an integer of over 4,300 digits
        raise CIImportError([Problem("", f"is not valid{claim} JSON: {exc}")]) from None
    except RecursionError:
        raise CIImportError([Problem("", f"is not valid{claim} JSON: nested too deeply")]) from None


def _timestamps(values: pd.Series) -> pd.Series:
    """ISO 8601 timestamps with any offset, to UTC; unparseable ones become NaT."""
    text = values.astype("string").str.strip()
    return pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")


def _normalize(
    frame: pd.DataFrame, *, fmt: str, label: str, columns: Mapping[str, str], records_read: int, extra: list[Skipped]
) -> Runs:
    """Map provider columns onto ours, flag bad values per row, keep the good rows."""
    missing = [src for src in columns.values() if src and src not in frame.columns and not src.startswith("?")]
    if missing:
        raise CIImportError([Problem("", f"does not look like a {fmt} export: no field {missing[0]!r} in its records")])

    def col(name: str) -> pd.Series:
        src = columns[name].lstrip("?")
        if src and src in frame.columns:
            return frame[src]
        return pd.Series([pd.NA] * len(frame), index=frame.index, dtype="object")

    started = _timestamps(col("started"))
    finished = started if columns["finished"] == columns["started"] else _timestamps(col("finished"))
    raw_status = _words(col("status"))
    outcome = raw_status.map(OUTCOMES)
    if "completed" in columns:  # GitHub: status says whether it finished, conclusion (null or "" until then) how
        run_status = _words(col("completed"))
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
    gitlab = fmt.startswith("GitLab")
    given = col("duration")
    number = _numbers(given)
    text = given.astype("string").str.strip()
    present = (text.notna() & text.ne("")).fillna(False).astype(bool)
    nan_text = text.str.lower().str.lstrip("+-").eq("nan").fillna(False).astype(bool)
    duration = number * (1 / 60 if gitlab else 1.0)  # GitLab: seconds
    if fmt != "csv":
        elapsed = (finished - started).dt.total_seconds() / 60
        duration = duration.fillna(elapsed) if gitlab else elapsed
    duration = duration.where(ended)
    field_name = "duration_minutes" if fmt == "csv" else "duration"
    table = pd.DataFrame(
        {
            "started": started,
            "finished": finished.fillna(started),
            "branch": col("branch").astype("string").str.strip(),
            "outcome": outcome,
            "duration_minutes": duration.astype("float64"),
            "workflow": col("workflow").astype("string").fillna(""),
            "event": col("event").astype("string").fillna("push") if columns.get("event") else "push",
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
    bad_rows = [
        Skipped(f"{label} {_where(int(r), fmt)}", str(reasons[r]), int(r)) for r in table.index[bad][:MAX_REPORTED]
    ]
    skipped = sorted([*extra, *bad_rows], key=lambda skip: skip.position)
    return Runs(
        fmt, table[~bad].reset_index(drop=True), skipped[:MAX_REPORTED], len(extra) + int(bad.sum()), records_read
    )


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


def _where(record: int, fmt: str) -> str:
    return str(record + 2) if fmt == "csv" else f"[{record}]"  # CSV: the header is line 1; JSON: the array index


def _records(data: Any, key: str | None, fmt: str) -> tuple[pd.DataFrame, list[Skipped], int]:
    records = data.get(key) if key and isinstance(data, Mapping) else data
    if not isinstance(records, list):
        raise CIImportError([Problem("", f"does not look like a {fmt} export: expected a list of runs")])
    if not records:
        where = f"has an empty {key} list" if key else "is an empty JSON list"
        raise CIImportError([Problem("", f"{where}: {NO_RUNS}")])
    good = [r if isinstance(r, Mapping) else None for r in records]
    skipped = [Skipped(f"record [{i}]", "not a JSON object", i) for i, r in enumerate(good) if r is None]
    if len(skipped) == len(records):
        raise CIImportError([Problem("", f"has no usable runs: none of its {len(records):,} records is a JSON object")])
    frame = pd.DataFrame([r if r is not None else {} for r in good])
    frame = frame[[r is not None for r in good]] if skipped else frame
    return frame, skipped, len(records)


def read_runs(content: bytes, fmt: str | None = None) -> Runs:
    """Parse a CI export (format detected when not given) into normalized runs."""
    fmt = fmt or detect_format(content)
    if fmt == "github":
        data = _json(content, "GitHub")
        if isinstance(data, Mapping):  # REST API: GET /repos/{owner}/{repo}/actions/runs
            frame, skipped, n = _records(data, "workflow_runs", "GitHub REST")
            columns = {"started": "run_started_at", "finished": "updated_at", "branch": "head_branch",
                       "status": "?conclusion", "completed": "status", "duration": "", "workflow": "name",
                       "event": "event"}  # fmt: skip
        else:  # gh run list --json databaseId,conclusion,status,createdAt,updatedAt,headBranch,event,workflowName
            frame, skipped, n = _records(data, None, "GitHub gh run list")
            columns = {"started": "createdAt", "finished": "updatedAt", "branch": "headBranch",
                       "status": "?conclusion", "completed": "status", "duration": "", "workflow": "workflowName",
                       "event": "event"}  # fmt: skip
        frame = frame.reset_index(drop=True) if not skipped else frame
        return _normalize(frame, fmt="GitHub Actions", label="record", columns=columns, records_read=n, extra=skipped)
    if fmt == "gitlab":  # GET /projects/:id/pipelines
        frame, skipped, n = _records(_json(content, "GitLab"), None, "GitLab pipelines")
        columns = {"started": "created_at", "finished": "updated_at", "branch": "ref", "status": "status",
                   "duration": "?duration", "workflow": "?name", "event": "source"}  # fmt: skip
        return _normalize(frame, fmt="GitLab pipelines", label="record", columns=columns, records_read=n, extra=skipped)
    if fmt == "csv":
        return _read_csv(content)
    raise CIImportError([Problem("--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")])


def _read_csv(content: bytes) -> Runs:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CIImportError([Problem("", f"is not UTF-8 text (byte {exc.start})")]) from None
    header = _csv_header(text.split("\n", 1)[0])
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise CIImportError([Problem("", f"is not a CI runs CSV: the header lacks {', '.join(missing)}")])
    frame: pd.DataFrame | None = None
    extra: list[Skipped] = []
    if '"' not in text:  # no quoted field, so one line is one record: pandas reads it fast
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="skip", engine="c", index_col=False
        )
        body = text.split("\n", 1)[1] if "\n" in text else ""
        rows = body.count("\n") + (1 if body and not body.endswith("\n") else 0)
        if rows != len(frame) or body.count(",") != rows * (len(header) - 1):
            frame = None  # blank lines, or lines with too many fields (pandas skips) or too few (pandas pads)
        else:
            frame.columns = _unique([c.strip().lower() for c in frame.columns])
    if frame is None:  # quoted fields (a name with a comma or a line break), or lines to report: the csv module
        frame, extra = _csv_records(text, len(header))
        rows = len(frame) + len(extra)
    if rows == 0:
        raise CIImportError([Problem("", f"has a header but no runs: {NO_RUNS}")])
    frame = frame.replace("", pd.NA)
    columns = {"started": "timestamp", "finished": "timestamp", "branch": "branch", "status": "status",
               "duration": "duration_minutes", "workflow": "workflow", "event": ""}  # fmt: skip
    return _normalize(frame, fmt="csv", label="line", columns=columns, records_read=rows, extra=extra)


def _csv_records(text: str, width: int) -> tuple[pd.DataFrame, list[Skipped]]:
    """Records with the line each starts on (a quoted field may span lines); a record of the wrong width skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    extra: list[Skipped] = []
    try:
        header = next(reader, [])
        end = reader.line_num
        for row in reader:
            start, end = end + 1, reader.line_num
            if len(row) <= 1 and not "".join(row).strip():
                continue  # a blank line is not a record
            if len(row) == width:
                rows.append(row)
                lines.append(start - 2)
            else:
                extra.append(Skipped(f"line {start}", f"has {len(row)} fields, the header has {width}", start - 2))
    except csv.Error as exc:
        raise CIImportError([Problem("", f"is not a readable CSV: line {reader.line_num}: {exc}")]) from None
    names = _unique([c.strip().lower() for c in header])
    return pd.DataFrame(rows, columns=names, index=lines, dtype=str), extra


def _unique(names: list[str]) -> list[str]:
    """Column names made unique as pandas does (a repeated name gets .1, .2...); the first one is the one read."""
    out: list[str] = []
    for name in names:
        unique, n = name, 0
        while unique in out:
            n += 1
            unique = f"{name}.{n}"
        out.append(unique)
    return out


# ---------------------------------------------------------------- deriving


@dataclass(frozen=True)
class Baseline:
    """The figures a CI history supports, with the evidence for each."""

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
    red_streaks: int
    unresolved_red_streaks: int
    deploys_per_month: float | None
    notes: list[str] = field(default_factory=list)

    def values(self) -> dict[str, float]:
        """Scenario fields this baseline sets, by dotted path, as written to a scenario (ten significant digits)."""
        out = {
            "merges.merges_per_month": self.merges_per_month,
            "merges.success_rate_before": self.success_rate_before,
            "builds.builds_per_month": self.builds_per_month,
        }
        if self.build_minutes_before is not None:
            out["builds.build_minutes_before"] = self.build_minutes_before
        if self.deploys_per_month is not None:
            out["incidents.deploys_per_month_before"] = self.deploys_per_month
        return {path: _measured(value) for path, value in out.items()}

    def evidence(self) -> list[str]:
        """What each figure rests on, in sentences a CFO can check."""
        c = self.counts
        window = f"{self.window_start:%Y-%m-%d %H:%M} to {self.window_end:%Y-%m-%d %H:%M} UTC"
        lines = [
            f"Source: {self.source} ({self.format}); {self.records_read:,} records read, "
            f"{self.malformed_count:,} malformed and skipped.",
            f"Window: {window} ({self.window_days:.1f} days = {self.window_days / DAYS_PER_MONTH:.2f} months); "
            f"{c['in_window']:,} runs in it, {c['outside_window']:,} outside it not counted.",
            f"Branch {self.branch!r}: {c['on_branch']:,} runs; {c['push']:,} triggered by a push"
            + (
                f", {c['not_push']:,} by other events (pull requests, schedules...) not counted."
                if c["not_push"]
                else "."
            ),
        ]
        if self.other_workflows:
            others = ", ".join(f"{name or '(unnamed)'} ({n:,})" for name, n in self.other_workflows.items())
            lines.append(f"Build workflow: {self.ci_workflow!r}; runs of other workflows on the branch not counted, "
                         f"so a merge is not counted twice: {others}.")  # fmt: skip
        lines += [
            f"Merges per month: {c['merges']:,} push runs / {self.window_days / DAYS_PER_MONTH:.2f} months = "
            f"{self.merges_per_month:,.1f}.",
            f"Success rate: {c['succeeded']:,} succeeded / {c['succeeded'] + c['failed']:,} completed = "
            f"{self.success_rate_before:.1%}; {c['cancelled']:,} cancelled, {c['skipped']:,} skipped and "
            f"{c['not_completed']:,} not completed are reported, not counted.",
        ]
        if self.build_minutes_before is not None:
            lines.append(
                f"Build minutes: median of {c['with_duration']:,} completed runs = {self.build_minutes_before:.1f}."
            )
        else:
            lines.append("Build minutes: no run has a duration, so build_minutes_before is not set.")
        lines.append(f"Builds per month (all branches, all workflows but deploys): {c['all_builds']:,} runs = "
                     f"{self.builds_per_month:,.1f}.")  # fmt: skip
        if self.red_to_green_hours_median is not None:
            lines.append(
                f"Red to green on {self.branch!r}: median {self.red_to_green_hours_median:.1f} h over "
                f"{_n(self.red_streaks - self.unresolved_red_streaks, 'red streak')}"
                + (
                    f" ({self.unresolved_red_streaks} still red at the end, not counted)."
                    if self.unresolved_red_streaks
                    else "."
                )
                + " This is the branch's recovery time, not production MTTR; it is reported, not applied."
            )
        else:
            lines.append(f"Red to green on {self.branch!r}: no failure followed by a success in the window.")
        if self.deploys_per_month is not None:
            lines.append(
                f"Deploys per month: {c['deploys']:,} successful deploy-workflow runs = {self.deploys_per_month:,.1f}."
            )
        lines += self.notes
        for s in self.malformed:
            lines.append(f"Skipped {s.where}: {s.reason}.")
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
            "deploys_per_month": self.deploys_per_month,
            "values": self.values(),
            "evidence": self.evidence(),
        }


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _when(text: str | None, option: str) -> pd.Timestamp | None:
    if text is None:
        return None
    stamp = pd.to_datetime(pd.Series([text]), utc=True, errors="coerce", format="ISO8601").iloc[0]
    if pd.isna(stamp):
        raise CIImportError([Problem(option, f"must be a date or ISO 8601 timestamp, got {text!r}")])
    return pd.Timestamp(stamp)


def _matches(names: pd.Series, pattern: str) -> pd.Series:
    """Workflow names matching a shell-style pattern, or containing it, ignoring case."""
    lower, wanted = names.str.lower(), pattern.lower()
    return lower.str.match(fnmatch.translate(wanted), na=False) | lower.str.contains(wanted, regex=False, na=False)


@dataclass(frozen=True)
class Options:
    """Which runs count: the branch merges land on, the window, and the deploy and build workflow patterns."""

    branch: str = "main"
    since: str | None = None
    until: str | None = None
    deploy_workflow: str | None = None
    workflow: str | None = None


def derive(runs: Runs, options: Options = Options(), source: str = "") -> Baseline:
    """The baseline over a window: push runs per month on the branch, success rate, median build, deploys."""
    branch, since, until = options.branch, options.since, options.until
    deploy_workflow, workflow = options.deploy_workflow, options.workflow
    t = runs.table
    start, end = _when(since, "--since"), _when(until, "--until")
    if start is not None and end is not None and end <= start:
        raise CIImportError([Problem("--until", f"must be after --since ({since}), got {until!r}")])
    in_window = pd.Series(True, index=t.index)
    if start is not None:
        in_window &= t["started"] >= start
    if end is not None:
        in_window &= t["started"] < end
    w = t[in_window]
    if w.empty:
        raise CIImportError(
            [
                Problem(
                    "",
                    "has no runs in the window" + (f" {since or '...'} to {until or '...'}" if since or until else ""),
                )
            ]
        )
    window_start = start if start is not None else w["started"].min()
    window_end = end if end is not None else w["started"].max()
    days = (window_end - window_start).total_seconds() / 86_400
    if days < 1:
        raise CIImportError([Problem("", f"spans {days * 24:.1f} hours; a baseline needs a window of at least a day")])
    months = days / DAYS_PER_MONTH

    is_deploy = _matches(w["workflow"], deploy_workflow) if deploy_workflow else pd.Series(False, index=w.index)
    builds = w[~is_deploy]
    on_branch = builds[builds["branch"] == branch]
    if on_branch.empty:
        seen = ", ".join(w["branch"].value_counts().index[:5].astype(str))
        raise CIImportError([Problem("--branch", f"no runs on {branch!r} in the window; branches seen: {seen}")])
    push = on_branch[on_branch["event"].str.lower().eq("push")]
    notes = []
    if push.empty:
        raise CIImportError([Problem("", f"has no push-triggered runs on {branch!r} in the window")])
    per_workflow = push["workflow"].value_counts()
    if workflow:
        chosen = push[_matches(push["workflow"], workflow)]
        if chosen.empty:
            raise CIImportError(
                [
                    Problem(
                        "--workflow", f"matches no push run on {branch!r}; workflows: {', '.join(per_workflow.index)}"
                    )
                ]
            )
        ci_name = workflow
    else:
        ci_name = str(per_workflow.index[0])
        chosen = push[push["workflow"] == ci_name]
        if len(per_workflow) > 1:
            notes.append(f"The build workflow was taken to be the one with most push runs ({ci_name!r}); "
                         "name another with --workflow.")  # fmt: skip
    chosen_names = set(chosen["workflow"].unique())
    others = {str(k): int(v) for k, v in per_workflow.items() if k not in chosen_names}
    outcome = chosen["outcome"]
    succeeded, failed = int((outcome == "success").sum()), int((outcome == "failure").sum())
    if succeeded + failed == 0:
        raise CIImportError(
            [Problem("", f"has no completed (succeeded or failed) push runs on {branch!r} in the window")]
        )
    completed = chosen[outcome.isin(["success", "failure"])]
    durations = completed["duration_minutes"].dropna()
    streaks, unresolved, median_hours = _red_to_green(completed)
    all_builds = builds[builds["outcome"].isin(["success", "failure"])]
    deploys = None
    deploy_count = 0
    if deploy_workflow:
        deploy_count = int((w[is_deploy]["outcome"] == "success").sum())
        deploys = deploy_count / months
        if deploy_count == 0:
            notes.append(f"No successful run of a workflow matching {deploy_workflow!r}: deploys per month is 0.")
    counts = {
        "in_window": len(w),
        "outside_window": len(t) - len(w),
        "on_branch": len(on_branch),
        "push": len(push),
        "not_push": len(on_branch) - len(push),
        "merges": len(chosen),
        "succeeded": succeeded,
        "failed": failed,
        "cancelled": int((outcome == "cancelled").sum()),
        "skipped": int((outcome == "skipped").sum()),
        "not_completed": int((outcome == "not_completed").sum()),
        "with_duration": len(durations),
        "all_builds": len(all_builds),
        "deploys": deploy_count,
    }
    return Baseline(
        source=source,
        format=runs.format,
        branch=branch,
        window_start=pd.Timestamp(window_start),
        window_end=pd.Timestamp(window_end),
        window_days=days,
        records_read=runs.records_read,
        malformed=runs.malformed,
        malformed_count=runs.malformed_count,
        counts=counts,
        other_workflows=others,
        ci_workflow=ci_name,
        merges_per_month=len(chosen) / months,
        success_rate_before=succeeded / (succeeded + failed),
        build_minutes_before=float(durations.median()) if len(durations) else None,
        builds_per_month=len(all_builds) / months,
        red_to_green_hours_median=median_hours,
        red_streaks=streaks,
        unresolved_red_streaks=unresolved,
        deploys_per_month=deploys,
        notes=notes,
    )


def _red_to_green(completed: pd.DataFrame) -> tuple[int, int, float | None]:
    """Red streaks on the branch (a failure after a success or at the start) and the hours each took to turn green."""
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


def import_ci(content: bytes, options: Options = Options(), *, source: str = "", fmt: str | None = None) -> Baseline:
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


# ---------------------------------------------------------------- into a scenario


def _measured(value: float) -> float:
    """A measured figure as a scenario holds it: ten significant digits, whole numbers without a fraction."""
    rounded = float(f"{value:.10g}")
    return int(rounded) if rounded.is_integer() and abs(rounded) < 1e15 else rounded


def _plain(text: str, limit: int) -> str:
    """Text from a file name or an export, fit for a scenario's name or description: no control characters, and
    at most `limit` characters."""
    clean = "".join("?" if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def starter_scenario(baseline: Baseline) -> dict[str, Any]:
    """A new scenario around a measured baseline; the non-measured inputs are starting assumptions, said so."""
    values = baseline.values()
    before = values["merges.success_rate_before"]
    prefix = "Baseline from CI history ("
    data: dict[str, Any] = {
        "schema_version": 1,
        "name": f"{prefix}{_plain(baseline.branch, MAX_NAME_CHARS - len(prefix) - 1)})",
        "description": (
            f"Measured from {_plain(baseline.source, 1_000) or 'a CI export'} over {baseline.window_days:.0f} days: "
            "merges per month, success rate before, build minutes before, builds per month"
            + (", deploys per month" if baseline.deploys_per_month is not None else "")
            + ". Starting assumptions to replace with your own: the loaded rate, fix hours, the targets after "
            "the investment, the blocked fraction and the investments."
        ),
        "team": {"loaded_hourly_rate": 150},
        "merges": {
            "merges_per_month": values["merges.merges_per_month"],
            "success_rate_before": before,
            "success_rate_after": max(before, 0.94),
            "fix_hours": {"low": 2, "likely": 3, "high": 4},
        },
    }
    if "builds.build_minutes_before" in values:
        minutes = values["builds.build_minutes_before"]
        data["builds"] = {
            "builds_per_month": values["builds.builds_per_month"],
            "build_minutes_before": minutes,
            "build_minutes_after": min(minutes, 10),
            "blocked_fraction": 0.2,
        }
    return data


def _shown(old: Any) -> str:
    if old is None:
        return "(not set)"
    if isinstance(old, Mapping):
        return repr(old["likely"]) if "likely" in old else f"{old.get('low')!r} to {old.get('high')!r}"
    return repr(old)


def apply_baseline(data: Mapping[str, Any], baseline: Baseline) -> tuple[dict[str, Any], list[str], list[str]]:
    """Scenario data with only the baseline fields replaced; what changed, and what was left and why.

    A range the file gave for a measured field (`builds_per_month = { low = 900, likely = 1200, high = 1600 }`)
    becomes the measured number: the measurement replaces the estimate, and the change says so.
    """
    out = copy.deepcopy(dict(data))
    changed, left = [], []
    for path, value in baseline.values().items():
        section, name = path.split(".")
        table = out.get(section)
        if section not in out:
            left.append(f"{path}: not set, the scenario has no [{section}] section")
            continue
        if not isinstance(table, MutableMapping):
            left.append(f"{path}: not set, {section} in the scenario is not a [{section}] section")
            continue
        old = table.get(name)
        table[name] = value
        note = " (was a range, now measured)" if isinstance(old, Mapping) else ""
        changed.append(f"{path}: {_shown(old)} -> {value:.6g}{note}")
    return out, changed, left


def no_improvement(scenario: Scenario, measured: Iterable[str]) -> list[str]:
    """Warnings, in a CFO's words, for each measured "before" that is already as good as the plan's "after"."""
    paths = set(measured)
    warnings = []
    m, b, i = scenario.merges, scenario.builds, scenario.incidents
    if "merges.success_rate_before" in paths:
        before, after = likely(m.success_rate_before), likely(m.success_rate_after)
        if before >= after:
            warnings.append(
                f"merges.success_rate_before: the CI history shows {before:.1%} of merges passing today, already at "
                f"or above the {after:.1%} the plan expects after the investment (merges.success_rate_after). The "
                "plan shows no saving from fewer failed merges; that benefit is zero or negative until the target "
                "is revised."
            )
    if b is not None and "builds.build_minutes_before" in paths:
        before, after = likely(b.build_minutes_before), likely(b.build_minutes_after)
        if before <= after:
            warnings.append(
                f"builds.build_minutes_before: the CI history shows builds taking {before:,.1f} minutes today, "
                f"already as short as or shorter than the {after:,.1f} minutes the plan expects after the "
                "investment (builds.build_minutes_after). The plan shows no time saved waiting for builds; that "
                "benefit is zero or negative until the target is revised."
            )
    if i is not None and "incidents.deploys_per_month_before" in paths:
        before, after = likely(i.deploys_per_month_before), likely(i.deploys_per_month_after)
        if before >= after:
            warnings.append(
                f"incidents.deploys_per_month_before: the CI history shows {before:,.1f} deploys a month today, "
                f"already at or above the {after:,.1f} the plan expects after the investment "
                "(incidents.deploys_per_month_after). The plan shows no gain in how often the team ships; revise "
                "the target."
            )
    return warnings


@dataclass(frozen=True)
class Written:
    """A scenario file's new text, the scenario it validates to, and what the baseline did to it."""

    text: str
    scenario: Scenario
    changes: list[str]
    left: list[str]
    warnings: list[str]


def update_scenario(content: bytes, baseline: Baseline, source: str = "") -> Written:
    """The user's scenario file with only the baseline values replaced; comments, key order and layout kept.

    Edited with tomlkit. The new text must read back (with the standard library) to exactly the file's data with
    the measured values in, and that data must validate; otherwise ScenarioError, naming `source`, and nothing is
    to be written.
    """
    data = parse_toml(content, source)
    expected, changes, left = apply_baseline(data, baseline)
    scenario = scenario_from_dict(expected, source)
    measured = [path for path in baseline.values() if isinstance(data.get(path.split(".")[0]), Mapping)]
    try:
        doc = tomlkit.parse(content.decode("utf-8"))
        for path in measured:
            section, name = path.split(".")
            table = doc.get(section)
            if not isinstance(table, MutableMapping):
                raise ScenarioError([Problem(section, "cannot be edited in place")], source)
            table[name] = baseline.values()[path]
        text = tomlkit.dumps(doc)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise ScenarioError([Problem("", f"cannot be edited in place: {exc}")], source) from None
    if parse_toml(text, source) != expected:
        raise ScenarioError([Problem("", "cannot be edited in place without changing more than the baseline")], source)
    return Written(text, scenario, changes, left, no_improvement(scenario, measured))
