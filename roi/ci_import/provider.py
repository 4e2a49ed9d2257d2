"""What a provider is, the export's bytes as every provider sees them, and the JSON reading they share.

A provider module (one per export format) defines a `Provider`: a predicate saying whether an export is
unmistakably its own, and a reader turning it into `Runs`. The bytes come wrapped in a `Content`, which parses
JSON once, with the standard library, however many providers look at it; nothing is ever evaluated.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import pandas as pd

from roi.ci_import.runs import NO_RUNS, Runs, Skipped
from roi.errors import CIImportError, Problem

BOM = b"\xef\xbb\xbf"
_UNPARSED = object()


class Content:
    """An export's bytes, and what detection and the readers look at, each worked out once."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._data: Any = _UNPARSED

    @cached_property
    def is_json(self) -> bool:
        """Whether it opens (after a byte-order mark and white space) as a JSON array or object would."""
        return self.raw.removeprefix(BOM).lstrip()[:1] in (b"[", b"{")

    def json(self, claim: str = "") -> Any:
        """The parsed JSON; CIImportError, naming the `claim`ed format, when it is not JSON.

        NaN and Infinity literals stay text, so a run carrying one is reported, not averaged.
        """
        if self._data is _UNPARSED:
            label = f" {claim}" if claim else ""
            try:
                self._data = json.loads(self.raw.decode("utf-8-sig"), parse_constant=str)
            except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError, or an integer of over 4,300 digits
                raise CIImportError([Problem("", f"is not valid{label} JSON: {exc}")]) from None
            except RecursionError:
                raise CIImportError([Problem("", f"is not valid{label} JSON: nested too deeply")]) from None
        return self._data

    @cached_property
    def first_record(self) -> Mapping[str, Any] | None:
        """The first JSON object in a JSON array, for telling the formats apart by their field names."""
        data = self.json() if self.is_json else None
        return next((r for r in data if isinstance(r, Mapping)), None) if isinstance(data, list) else None


def _always(content: Content) -> bool:
    return True


@dataclass(frozen=True)
class Provider:
    """One export format: how to recognise it and how to read it."""

    name: str  # e.g. "github-rest"
    format: str  # the --format it answers to; two providers may share one (GitHub's REST API and gh)
    title: str  # how it is named in messages and the evidence: "GitHub Actions"
    described: str  # how an error lists it among the known exports: "GitHub Actions JSON"
    is_json: bool
    detects: Callable[[Content], bool]  # the export is unmistakably this format (the registry asks in its order)
    read: Callable[[Content], Runs]
    claims: Callable[[Content], bool] = _always  # told the format, this provider of it is the one to read it


def record(index: int) -> str:
    """A JSON record named by its index in the export's list."""
    return f"record [{index}]"


def json_records(data: Any, key: str | None, kind: str) -> tuple[pd.DataFrame, list[Skipped], int]:
    """The list of runs (at `key`, or the whole document) as a table indexed by position; what is not a JSON
    object skipped; how many records were read."""
    records = data.get(key) if key and isinstance(data, Mapping) else data
    if not isinstance(records, list):
        raise CIImportError([Problem("", f"does not look like a {kind} export: expected a list of runs")])
    if not records:
        where = f"has an empty {key} list" if key else "is an empty JSON list"
        raise CIImportError([Problem("", f"{where}: {NO_RUNS}")])
    good = [r if isinstance(r, Mapping) else None for r in records]
    skipped = [Skipped(record(i), "not a JSON object", i) for i, r in enumerate(good) if r is None]
    if len(skipped) == len(records):
        raise CIImportError([Problem("", f"has no usable runs: none of its {len(records):,} records is a JSON object")])
    frame = pd.DataFrame([r if r is not None else {} for r in good])
    frame = frame[[r is not None for r in good]] if skipped else frame
    return frame, skipped, len(records)
