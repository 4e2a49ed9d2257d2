"""Lines of the user's own (benefit and cost lines the four streams do not cover) as the sidebar's table edits them:
a line as a row of the table, and the table's edits back into lines (validated by the caller)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from roi.scenario import AREA_LABELS, AREAS

LINE_COLUMNS = {
    "name": "Line",
    "type": "Benefit or cost",
    "nature": "Cash or engineer time",
    "area": "Area (blank: the whole plan)",
    "per_month": "USD per month",
    "by_year": "USD by plan year: Initial, Year 1, ...",
    "risk_adjustment": "Risk adjustment (%)",
}
AREA_CHOICES = {"": "", **{AREA_LABELS[a]: a for a in AREAS}}


def _line_row(line: dict[str, Any]) -> dict[str, Any]:
    """A line as the editor shows it: words for the area, a per-month range at its likely, by-year as text."""
    per_month = line.get("per_month")
    return {
        LINE_COLUMNS["name"]: line.get("name", ""),
        LINE_COLUMNS["type"]: line.get("type", "benefit"),
        LINE_COLUMNS["nature"]: line.get("nature", "cash"),
        LINE_COLUMNS["area"]: AREA_LABELS.get(line.get("area") or "", ""),
        LINE_COLUMNS["per_month"]: per_month["likely"] if isinstance(per_month, dict) else per_month,
        LINE_COLUMNS["by_year"]: ", ".join(f"{x:g}" for x in line["by_year"]) if line.get("by_year") else "",
        LINE_COLUMNS["risk_adjustment"]: 100 * float(line.get("risk_adjustment", 0.0)),
    }


def lines_frame(lines: list[dict[str, Any]]) -> pd.DataFrame:
    """The lines as the editor's table, one row per line."""
    return pd.DataFrame([_line_row(line) for line in lines], columns=list(LINE_COLUMNS.values()))


def _by_year(text: Any) -> Any:
    """The by-year cell as a list of numbers, or the text itself when it is not one (validation names it)."""
    parts = [p.strip().replace(",", "") for p in str(text).replace(";", " ").split()]
    try:
        return [float(p) for p in parts if p]
    except ValueError:
        return str(text)


def _line_from_row(row: dict[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
    """A line from an edited row: blanks left out, so validation says what a line needs."""
    c = LINE_COLUMNS
    line: dict[str, Any] = {
        "name": row.get(c["name"]) or "",
        "type": row.get(c["type"]) or "benefit",
        "nature": row.get(c["nature"]) or "cash",
    }
    area = AREA_CHOICES.get(row.get(c["area"]) or "", row.get(c["area"]))
    if area:
        line["area"] = area
    per_month = row.get(c["per_month"])
    if per_month is not None and per_month == per_month:  # not NaN
        kept = base.get("per_month") if base else None
        same = isinstance(kept, dict) and kept.get("likely") == per_month
        line["per_month"] = kept if same else per_month  # a range the user did not touch stays a range
    by_year = row.get(c["by_year"])
    if by_year not in (None, "") and by_year == by_year:
        line["by_year"] = _by_year(by_year)
    risk = row.get(c["risk_adjustment"])
    if risk is not None and risk == risk:
        line["risk_adjustment"] = float(risk) / 100
    return line


def from_edits(base: list[dict[str, Any]], edits: Any) -> list[dict[str, Any]]:
    """The lines as loaded (`base`), with the editor's edits, additions and deletions (its state, when edited)."""
    if not isinstance(edits, dict):
        return base
    rows = [dict(_line_row(line)) for line in base]
    for i, cells in edits.get("edited_rows", {}).items():
        if 0 <= int(i) < len(rows):
            rows[int(i)].update(cells)
    deleted = {int(i) for i in edits.get("deleted_rows", [])}
    out = [
        _line_from_row(row, base[i])
        if str(i) in edits.get("edited_rows", {}) or i in edits.get("edited_rows", {})
        else base[i]
        for i, row in enumerate(rows)
        if i not in deleted
    ]
    out += [_line_from_row(dict(row), None) for row in edits.get("added_rows", []) if row]
    return out
