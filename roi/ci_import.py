"""A baseline from the team's own CI history: merges per month, main-branch success rate, build minutes, deploys.

Reads GitHub Actions (`gh run list --json ...` or the REST API's `/actions/runs`), GitLab (`/projects/:id/pipelines`)
or a CSV with the header `timestamp,branch,status,duration_minutes,workflow`, normalizes every run into one
pandas table, and derives the figures vectorized. Every malformed record is reported by its index or line and
skipped; every figure comes with its evidence (window, runs used and excluded, and why). JSON is parsed with
the standard library, CSV with pandas; nothing is evaluated.
"""

from __future__ import annotations

import fnmatch
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from roi.errors import CIImportError, Problem

FORMATS = ("github", "gitlab", "csv")
DAYS_PER_MONTH = 30.44
CSV_COLUMNS = ("timestamp", "branch", "status", "duration_minutes", "workflow")
MAX_REPORTED = 20  # malformed records listed one by one; the rest are counted

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
    head = content.lstrip()[:1]
    if head in (b"[", b"{"):
        data = _json(content, "")
        if isinstance(data, Mapping) and "workflow_runs" in data:
            return "github"
        if isinstance(data, list):
            first = next((r for r in data if isinstance(r, Mapping)), None)
            if first is None and not data:
                raise CIImportError([Problem("", "is an empty JSON list: no runs to import")])
            if first is not None and ({"databaseId", "headBranch", "workflowName"} & set(first)):
                return "github"
            if first is not None and {"ref", "status"} <= set(first):
                return "gitlab"
        raise CIImportError([Problem("", "is JSON but neither a GitHub Actions nor a GitLab pipelines export")])
    first_line = content.split(b"\n", 1)[0].decode("utf-8", "replace").strip().lower()
    if {c.strip() for c in first_line.split(",")} >= set(CSV_COLUMNS):
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


def _json(content: bytes, fmt: str) -> Any:
    try:
        return json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        claim = f" {fmt}" if fmt else ""
        raise CIImportError([Problem("", f"is not valid{claim} JSON: {exc}")]) from None


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
        return (
            frame[src] if src in frame.columns else pd.Series([pd.NA] * len(frame), index=frame.index, dtype="object")
        )

    started = _timestamps(col("started"))
    finished = started if columns["finished"] == columns["started"] else _timestamps(col("finished"))
    raw_status = col("status").astype("string").str.strip().str.lower()
    outcome = raw_status.map(OUTCOMES)
    if "completed" in columns:  # GitHub: status says whether it finished, conclusion how
        done = col("completed").astype("string").str.lower().eq("completed").fillna(False)
        outcome = outcome.where(done, "not_completed")
    gitlab = fmt.startswith("GitLab")
    duration = pd.to_numeric(col("duration"), errors="coerce") * (1 / 60 if gitlab else 1.0)  # GitLab: seconds
    if fmt != "csv":
        elapsed = (finished - started).dt.total_seconds() / 60
        duration = duration.fillna(elapsed) if gitlab else elapsed
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
    problems = [
        (table["started"].isna(), "start time missing or not an ISO 8601 timestamp"),
        (table["branch"].isna() | table["branch"].eq(""), "branch missing"),
        (raw_status.isna(), "status missing"),
        (table["outcome"].isna() & raw_status.notna(), "status not one this tool knows"),
        (table["duration_minutes"].lt(0), "negative duration"),
    ]
    if fmt == "csv":
        text = col("duration").astype("string").str.strip()
        problems.append(
            (text.notna() & text.ne("") & table["duration_minutes"].isna(), "duration_minutes is not a number")
        )
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


def _where(record: int, fmt: str) -> str:
    return str(record + 2) if fmt == "csv" else f"[{record}]"  # CSV: the header is line 1; JSON: the array index


def _records(data: Any, key: str | None, fmt: str) -> tuple[pd.DataFrame, list[Skipped], int]:
    records = data.get(key) if key and isinstance(data, Mapping) else data
    if not isinstance(records, list):
        raise CIImportError([Problem("", f"does not look like a {fmt} export: expected a list of runs")])
    good = [r if isinstance(r, Mapping) else None for r in records]
    skipped = [Skipped(f"record [{i}]", "not a JSON object", i) for i, r in enumerate(good) if r is None]
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
    header = [c.strip().lower() for c in text.split("\n", 1)[0].split(",")]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise CIImportError([Problem("", f"is not a CI runs CSV: the header lacks {', '.join(missing)}")])
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="skip", engine="c")
    frame.columns = [c.strip().lower() for c in frame.columns]
    extra: list[Skipped] = []
    body = text.split("\n", 1)[1] if "\n" in text else ""
    rows = body.count("\n") + (1 if body and not body.endswith("\n") else 0)
    if rows != len(frame):  # blank lines, or lines skipped for a wrong number of fields: find them (rare path)
        lines = body.splitlines()
        width = len(header)
        fits = [bool(line.strip()) and line.count(",") + 1 == width for line in lines]
        extra = [
            Skipped(f"line {i + 2}", f"has {line.count(',') + 1} fields, the header has {width}", i)
            for i, line in enumerate(lines)
            if line.strip() and not fits[i]
        ]
        frame.index = [i for i, ok in enumerate(fits) if ok][: len(frame)]
        rows = len(frame) + len(extra)
    frame = frame.replace("", pd.NA)
    columns = {"started": "timestamp", "finished": "timestamp", "branch": "branch", "status": "status",
               "duration": "duration_minutes", "workflow": "workflow", "event": ""}  # fmt: skip
    return _normalize(frame, fmt="csv", label="line", columns=columns, records_read=rows, extra=extra)


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
        """Scenario fields this baseline sets, by dotted path."""
        out = {
            "merges.merges_per_month": self.merges_per_month,
            "merges.success_rate_before": self.success_rate_before,
            "builds.builds_per_month": self.builds_per_month,
        }
        if self.build_minutes_before is not None:
            out["builds.build_minutes_before"] = self.build_minutes_before
        if self.deploys_per_month is not None:
            out["incidents.deploys_per_month_before"] = self.deploys_per_month
        return out

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
        if not content.strip():
            raise CIImportError([Problem("", "is empty")])
        runs = read_runs(content, fmt)
        if runs.table.empty:
            raise CIImportError([Problem("", f"has no usable runs: all {runs.records_read:,} records are malformed")])
        return derive(runs, options, source)
    except CIImportError as exc:
        raise CIImportError(exc.problems, exc.source or source) from None


# ---------------------------------------------------------------- into a scenario


def starter_scenario(baseline: Baseline) -> dict[str, Any]:
    """A new scenario around a measured baseline; the non-measured inputs are starting assumptions, said so."""
    before = baseline.success_rate_before
    data: dict[str, Any] = {
        "schema_version": 1,
        "name": f"Baseline from CI history ({baseline.branch})",
        "description": (
            f"Measured from {baseline.source or 'a CI export'} over {baseline.window_days:.0f} days: merges per month, "
            "success rate before, build minutes before, builds per month"
            + (", deploys per month" if baseline.deploys_per_month is not None else "")
            + ". Starting assumptions to replace with your own: the loaded rate, fix hours, the targets after "
            "the investment, the blocked fraction and the investments."
        ),
        "team": {"loaded_hourly_rate": 150},
        "merges": {
            "merges_per_month": baseline.merges_per_month,
            "success_rate_before": before,
            "success_rate_after": max(before, 0.94),
            "fix_hours": {"low": 2, "likely": 3, "high": 4},
        },
    }
    if baseline.build_minutes_before is not None:
        data["builds"] = {
            "builds_per_month": baseline.builds_per_month,
            "build_minutes_before": baseline.build_minutes_before,
            "build_minutes_after": min(baseline.build_minutes_before, 10.0),
            "blocked_fraction": 0.2,
        }
    return data


def apply_baseline(data: Mapping[str, Any], baseline: Baseline) -> tuple[dict[str, Any], list[str], list[str]]:
    """Scenario data with only the baseline fields replaced; what changed, and what was left and why."""
    out = json.loads(json.dumps(data))  # a deep copy of plain TOML data
    changed, left = [], []
    for path, value in baseline.values().items():
        section, name = path.split(".")
        if section not in out:
            left.append(f"{path}: not set, the scenario has no [{section}] section")
            continue
        old = out[section].get(name)
        out[section][name] = value
        shown = old.get("likely") if isinstance(old, Mapping) else old
        note = " (was a range, now measured)" if isinstance(old, Mapping) else ""
        changed.append(f"{path}: {shown!r} -> {value:.6g}{note}")
    return out, changed, left
