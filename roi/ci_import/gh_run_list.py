"""GitHub Actions through the gh CLI: `gh run list --json
databaseId,conclusion,status,createdAt,updatedAt,headBranch,event,workflowName`, a list of runs.

A run's `status` says whether it has completed and its `conclusion` ("" until then) how; its duration is the
time from `createdAt` to `updatedAt`.
"""

from __future__ import annotations

from roi.ci_import.provider import Content, Provider, json_records, record
from roi.ci_import.runs import Columns, Runs, normalize

TITLE = "GitHub Actions"
FIELDS = frozenset({"databaseId", "headBranch", "workflowName"})  # any of them says gh, not GitLab
COLUMNS = Columns(
    started="createdAt",
    finished="updatedAt",
    branch="headBranch",
    status="?conclusion",
    completed="status",
    workflow="workflowName",
    event="event",
)


def detects(content: Content) -> bool:
    """A list whose first object has a field only gh's runs have."""
    first = content.first_record if content.is_json else None
    return first is not None and bool(FIELDS & set(first))


def read(content: Content) -> Runs:
    frame, skipped, n = json_records(content.json("GitHub"), None, "GitHub gh run list")
    return normalize(frame, COLUMNS, title=TITLE, where=record, records_read=n, skipped=skipped)


PROVIDER = Provider(
    name="github-gh",
    format="github",
    title=TITLE,
    described="GitHub Actions JSON",
    is_json=True,
    detects=detects,
    read=read,
)
