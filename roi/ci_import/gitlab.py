"""GitLab pipelines: `GET /projects/:id/pipelines`, a list of pipelines.

A pipeline's `status` says how it ended (or that it has not yet); its `duration`, in seconds, is given when
GitLab knows it, and otherwise taken as the time from `created_at` to `updated_at`. `source` is what triggered
it (push, merge_request_event, schedule...).
"""

from __future__ import annotations

from roi.ci_import.provider import Content, Provider, json_records, record
from roi.ci_import.runs import Columns, Runs, normalize

TITLE = "GitLab pipelines"
FIELDS = frozenset({"ref", "status"})  # both, in the first object
COLUMNS = Columns(
    started="created_at",
    finished="updated_at",
    branch="ref",
    status="status",
    duration="?duration",
    workflow="?name",
    event="source",
    minutes_per_unit=1 / 60,
)


def detects(content: Content) -> bool:
    """A list whose first object has `ref` and `status` (asked after gh, whose runs have a status too)."""
    first = content.first_record if content.is_json else None
    return first is not None and set(first) >= FIELDS


def read(content: Content) -> Runs:
    frame, skipped, n = json_records(content.json("GitLab"), None, TITLE)
    return normalize(frame, COLUMNS, title=TITLE, where=record, records_read=n, skipped=skipped)


PROVIDER = Provider(
    name="gitlab",
    format="gitlab",
    title=TITLE,
    described="GitLab pipelines JSON",
    is_json=True,
    detects=detects,
    read=read,
)
