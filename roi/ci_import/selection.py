"""Which runs a baseline rests on: those in the window, then the branch's push runs of the build workflow (one
per merge), every other build, and the deploys; each choice with the sentence that states it."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

import pandas as pd

from roi.ci_import.runs import Runs
from roi.errors import CIImportError, Problem

DAYS_PER_MONTH = 30.44
DONE = ["success", "failure"]  # a completed run: it either passed or failed


@dataclass(frozen=True)
class Options:
    """Which runs count: the branch merges land on, the window, and the deploy and build workflow patterns."""

    branch: str = "main"
    since: str | None = None
    until: str | None = None
    deploy_workflow: str | None = None
    workflow: str | None = None


DEFAULTS = Options()


@dataclass(frozen=True)
class Window:
    """The stretch of time a baseline covers, and how many runs started in it and outside it."""

    start: pd.Timestamp
    end: pd.Timestamp
    days: float
    runs_in: int
    runs_outside: int

    @property
    def months(self) -> float:
        return self.days / DAYS_PER_MONTH

    def counts(self) -> dict[str, int]:
        return {"in_window": self.runs_in, "outside_window": self.runs_outside}

    def evidence(self) -> list[str]:
        span = f"{self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M} UTC"
        return [
            f"Window: {span} ({self.days:.1f} days = {self.months:.2f} months); {self.runs_in:,} runs in it, "
            f"{self.runs_outside:,} outside it not counted."
        ]


@dataclass(frozen=True)
class Scope:
    """Which runs in the window are merges: the branch's runs triggered by a push, of the build workflow."""

    branch: str
    on_branch: int
    push: int
    ci_workflow: str
    other_workflows: dict[str, int]  # push runs on the branch of other workflows, not counted, by name
    notes: tuple[str, ...]

    def counts(self) -> dict[str, int]:
        return {"on_branch": self.on_branch, "push": self.push, "not_push": self.on_branch - self.push}

    def evidence(self) -> list[str]:
        not_push = self.on_branch - self.push
        lines = [
            f"Branch {self.branch!r}: {self.on_branch:,} runs; {self.push:,} triggered by a push"
            + (f", {not_push:,} by other events (pull requests, schedules...) not counted." if not_push else ".")
        ]
        if self.other_workflows:
            others = ", ".join(f"{name or '(unnamed)'} ({n:,})" for name, n in self.other_workflows.items())
            lines.append(
                f"Build workflow: {self.ci_workflow!r}; runs of other workflows on the branch not counted, "
                f"so a merge is not counted twice: {others}."
            )
        return lines


@dataclass(frozen=True)
class Selected:
    """The runs each figure is derived from: tables, used while deriving and not kept in a Baseline."""

    window: Window
    scope: Scope
    merges: pd.DataFrame  # the branch's push runs of the build workflow: one per merge
    completed: pd.DataFrame  # those of them that succeeded or failed
    builds: pd.DataFrame  # every run in the window but the deploys, on any branch
    deploys: pd.DataFrame | None  # runs of the deploy workflow; None when no pattern names it
    deploy_workflow: str | None


def select(runs: Runs, options: Options) -> Selected:
    """The window's runs and the branch's merges among them; CIImportError when they cannot make a baseline."""
    window, w = _window(runs.table, options.since, options.until)
    is_deploy = matches(w["workflow"], options.deploy_workflow) if options.deploy_workflow else None
    builds = w[~is_deploy] if is_deploy is not None else w
    branch = options.branch
    on_branch = builds[builds["branch"] == branch]
    if on_branch.empty:
        seen = ", ".join(w["branch"].value_counts().index[:5].astype(str))
        raise CIImportError([Problem("--branch", f"no runs on {branch!r} in the window; branches seen: {seen}")])
    push = on_branch[on_branch["event"].str.lower().eq("push")]
    if push.empty:
        raise CIImportError([Problem("", f"has no push-triggered runs on {branch!r} in the window")])
    per_workflow = push["workflow"].value_counts()
    notes = []
    if options.workflow:
        merges = push[matches(push["workflow"], options.workflow)]
        if merges.empty:
            names = ", ".join(per_workflow.index)
            raise CIImportError([Problem("--workflow", f"matches no push run on {branch!r}; workflows: {names}")])
        ci_name = options.workflow
    else:
        ci_name = str(per_workflow.index[0])
        merges = push[push["workflow"] == ci_name]
        if len(per_workflow) > 1:
            notes.append(
                f"The build workflow was taken to be the one with most push runs ({ci_name!r}); "
                "name another with --workflow."
            )
    chosen = set(merges["workflow"].unique())
    others = {str(k): int(v) for k, v in per_workflow.items() if k not in chosen}
    scope = Scope(branch, len(on_branch), len(push), ci_name, others, tuple(notes))
    completed = merges[merges["outcome"].isin(DONE)]
    deploys = w[is_deploy] if is_deploy is not None else None
    return Selected(window, scope, merges, completed, builds, deploys, options.deploy_workflow)


def _window(t: pd.DataFrame, since: str | None, until: str | None) -> tuple[Window, pd.DataFrame]:
    """The runs that started in [since, until), and the window: from the first start to the last when not given."""
    start, end = when(since, "--since"), when(until, "--until")
    if start is not None and end is not None and end <= start:
        raise CIImportError([Problem("--until", f"must be after --since ({since}), got {until!r}")])
    w = t
    if start is not None:
        w = w[w["started"] >= start]
    if end is not None:
        w = w[w["started"] < end]
    if w.empty:
        bounds = f" {since or '...'} to {until or '...'}" if since or until else ""
        raise CIImportError([Problem("", f"has no runs in the window{bounds}")])
    window_start = start if start is not None else w["started"].min()
    window_end = end if end is not None else w["started"].max()
    days = (window_end - window_start).total_seconds() / 86_400
    if days < 1:
        raise CIImportError([Problem("", f"spans {days * 24:.1f} hours; a baseline needs a window of at least a day")])
    return Window(pd.Timestamp(window_start), pd.Timestamp(window_end), days, len(w), len(t) - len(w)), w


def when(text: str | None, option: str) -> pd.Timestamp | None:
    """A date or ISO 8601 timestamp the user gave, in UTC; CIImportError naming the option when it is neither."""
    if text is None:
        return None
    stamp = pd.to_datetime(pd.Series([text]), utc=True, errors="coerce", format="ISO8601").iloc[0]
    if pd.isna(stamp):
        raise CIImportError([Problem(option, f"must be a date or ISO 8601 timestamp, got {text!r}")])
    return pd.Timestamp(stamp)


def matches(names: pd.Series, pattern: str) -> pd.Series:
    """Workflow names matching a shell-style pattern, or containing it, ignoring case."""
    lower, wanted = names.str.lower(), pattern.lower()
    return lower.str.match(fnmatch.translate(wanted), na=False) | lower.str.contains(wanted, regex=False, na=False)
