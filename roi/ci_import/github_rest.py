"""GitHub Actions through the REST API: `GET /repos/{owner}/{repo}/actions/runs`, an object whose `workflow_runs`
list holds the runs.

A run's `status` says whether it has completed and its `conclusion` (null until then) how; its duration is the
time from `run_started_at` to `updated_at`.
"""

from __future__ import annotations

from collections.abc import Mapping

from roi.ci_import.provider import Content, Provider, json_records, record
from roi.ci_import.runs import Columns, Runs, normalize

TITLE = "GitHub Actions"
COLUMNS = Columns(
    started="run_started_at",
    finished="updated_at",
    branch="head_branch",
    status="?conclusion",
    completed="status",
    workflow="name",
    event="event",
)


def detects(content: Content) -> bool:
    """An object with a `workflow_runs` list."""
    return content.is_json and isinstance(data := content.json(), Mapping) and "workflow_runs" in data


def claims(content: Content) -> bool:
    """Told the export is GitHub's: the REST API answers with an object (`gh run list` with a list)."""
    return isinstance(content.json("GitHub"), Mapping)


def read(content: Content) -> Runs:
    frame, skipped, n = json_records(content.json("GitHub"), "workflow_runs", "GitHub REST")
    return normalize(frame, COLUMNS, title=TITLE, where=record, records_read=n, skipped=skipped)


PROVIDER = Provider(
    name="github-rest",
    format="github",
    title=TITLE,
    described="GitHub Actions JSON",
    is_json=True,
    detects=detects,
    read=read,
    claims=claims,
)
