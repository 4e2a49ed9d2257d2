"""A CSV of runs with the header `timestamp,branch,status,duration_minutes,workflow` (in any order, more columns
allowed), durations in minutes.

Read with pandas' C parser when no field is quoted and every line is one record of the header's width (a
million runs in about a second); otherwise with the csv module, record by record, so that a quoted field
spanning lines is read whole and a record of the wrong width is reported by the line it starts on.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from roi.ci_import.provider import BOM, Content, Provider
from roi.ci_import.runs import NO_RUNS, Columns, Runs, Skipped, normalize
from roi.errors import CIImportError, Problem

TITLE = "csv"
CSV_COLUMNS = ("timestamp", "branch", "status", "duration_minutes", "workflow")
COLUMNS = Columns(
    started="timestamp",
    finished="timestamp",
    branch="branch",
    status="status",
    duration="duration_minutes",
    workflow="workflow",
    elapsed_when_missing=False,
)


def detects(content: Content) -> bool:
    """Not JSON, and a first line naming every column of CSV_COLUMNS."""
    if content.is_json:
        return False
    raw = content.raw.removeprefix(BOM)
    end = raw.find(b"\n")
    first_line = (raw if end < 0 else raw[:end]).decode("utf-8", "replace").lower()
    return set(_csv_header(first_line)) >= set(CSV_COLUMNS)


def read(content: Content) -> Runs:
    try:
        text = content.raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CIImportError([Problem("", f"is not UTF-8 text (byte {exc.start})")]) from None
    first_line, _, body = text.partition("\n")
    header = _csv_header(first_line)
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise CIImportError([Problem("", f"is not a CI runs CSV: the header lacks {', '.join(missing)}")])
    frame: pd.DataFrame | None = None
    skipped: list[Skipped] = []
    if '"' not in text:  # no quoted field, so one line is one record: pandas reads it fast
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, on_bad_lines="skip", engine="c", index_col=False
        )
        rows = body.count("\n") + (1 if body and not body.endswith("\n") else 0)
        if rows != len(frame) or body.count(",") != rows * (len(header) - 1):
            frame = None  # blank lines, or lines with too many fields (pandas skips) or too few (pandas pads)
        else:
            frame.columns = _unique([c.strip().lower() for c in frame.columns])
    if frame is None:  # quoted fields (a name with a comma or a line break), or lines to report: the csv module
        frame, skipped = _csv_records(text, len(header))
        rows = len(frame) + len(skipped)
    if rows == 0:
        raise CIImportError([Problem("", f"has a header but no runs: {NO_RUNS}")])
    frame = frame.replace("", pd.NA)
    return normalize(frame, COLUMNS, title=TITLE, where=_line, records_read=rows, skipped=skipped)


def _line(row: int) -> str:
    return f"line {row + 2}"  # the header is line 1


def _csv_header(text: str) -> list[str]:
    """The column names on a CSV's first line, quoted or not, stripped and lower-case; [] when it has none."""
    first_line = text.replace("\r", "\n").split("\n", 1)[0]
    try:
        return [c.strip().lower() for c in next(csv.reader([first_line]), [])]
    except csv.Error:
        return []


def _csv_records(text: str, width: int) -> tuple[pd.DataFrame, list[Skipped]]:
    """Records with the line each starts on (a quoted field may span lines); a record of the wrong width skipped."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list[str]] = []
    lines: list[int] = []
    skipped: list[Skipped] = []
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
                skipped.append(Skipped(f"line {start}", f"has {len(row)} fields, the header has {width}", start - 2))
    except csv.Error as exc:
        raise CIImportError([Problem("", f"is not a readable CSV: line {reader.line_num}: {exc}")]) from None
    names = _unique([c.strip().lower() for c in header])
    return pd.DataFrame(rows, columns=names, index=lines, dtype=str), skipped


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


PROVIDER = Provider(
    name="csv",
    format="csv",
    title=TITLE,
    described=f"CSV with the header {','.join(CSV_COLUMNS)}",
    is_json=False,
    detects=detects,
    read=read,
)
