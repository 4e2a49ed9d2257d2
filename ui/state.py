"""Every session-state key of the page, defined once, and the two-way map between the widgets and a scenario.

The sidebar's widgets hold the case being edited; `put_in_widgets` sets them from a scenario and
`data_from_widgets` reads them back into raw scenario data (validated by the caller). Every input of the
format-v2 registry (`roi.scenario.FIELDS`) round-trips: a file loaded and not touched gives back an equal
scenario. What the sidebar does not edit (the correlated groups of [uncertainty]) is carried through as loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from roi.model import Result
from roi.scenario import (
    AREA_LABELS,
    AREAS,
    FIELDS,
    OPTIONAL_SECTIONS,
    SCHEMA_VERSION,
    STREAM_LABELS,
    STREAMS,
    FieldSpec,
    Range,
    Scenario,
    dump_scenario,
    is_optional,
)

# ------------------------------------------------------------------ keys (the only place a key is spelled)

BASE_TOML = "base_toml"  # the loaded file, as TOML: what "Reset" returns to and deltas compare with
BASE_LABEL = "base_label"
BASE_FILE = "base_file"  # the stem of the loaded scenario file, None for an upload
GOOD_TOML = "good_toml"  # the last valid case the widgets held
PICKED = "picked"
PICKER = "picker"
UPLOAD = "upload"
UPLOAD_ID = "upload_id"
UPLOAD_ERROR = "upload_error"
WARNINGS = "warnings"  # from the command line and the URL; cleared by Reset
UNDO = "undo"  # (toml, base toml, base label, base file) of edits replaced by a switch or an upload
VIEW = "view"  # the open tab
MONTHLY_OPEN = "open:monthly_table"  # the Cash flow tab's monthly table, drawn only when open
ATTRIBUTION_BASE = "attribution_base"  # shares in force when the widgets were last set, by area and stream
ATTRIBUTION_VERSION = "attribution_version"  # bumped on every load, so the editor starts afresh
ATTRIBUTION_KEPT = "attribution_kept"  # shares edited in a table, by area: kept while its section is closed
DELIVERS_NAMED = "delivers_named"  # each area's `delivers` as the file names them
CORRELATED = "correlated"  # [[uncertainty.correlated]] groups as loaded, carried through
LINES_BASE = "lines_base"  # the [[lines]] as loaded: what the lines editor starts from
LINES_VERSION = "lines_version"  # bumped on every load, so the lines editor starts afresh
LINES_OPEN = "open:lines"  # the lines editor's section, drawn only when open
CI_UPLOAD = "ci_upload"
CI_BRANCH = "ci:branch"
CI_SINCE = "ci:since"
CI_UNTIL = "ci:until"
CI_DEPLOY = "ci:deploy"
CI_APPLY = "ci:apply"
CI_APPLIED = "ci_applied"
MC_DRAWS = "mc:draws"
MC_SEED = "mc:seed"
MC_TARGET = "mc:target"
PLAN_RATIO = "plan:ratio"
PLAN_APPLY = "plan:apply"
PLAN_APPLIED = "plan:applied"
COMPARE = "compare"
PINNED = "pinned"  # variants of the current edit pinned for comparison: name -> TOML
PIN = "compare:pin"
PIN_STAFF = "compare:pin_staff"
RESET = "reset"
UNDO_BUTTON = "undo_button"
DL_TOML = "dl:toml"
DL_CSV = "dl:csv"
DL_XLSX = "dl:xlsx"
DL_MEMO = "dl:memo"
DL_PDF = "dl:pdf"
DL_SLIDES = "dl:slides"
DL_DRAWS = "dl:draws"
NAME = "w:name"
DESCRIPTION = "w:description"
RANGES_ARE = "w:uncertainty.ranges_are"
BUDGET_PREFIX = "plan:budget:"
WIDGET_PREFIXES = ("w:", "on:", "ranged:", BUDGET_PREFIX)  # widget values kept while the widget is not drawn


def widget_key(path: str, part: str | None = None) -> str:
    """The key of the widget of an input, or of one part (low, likely, high) of its range."""
    return f"w:{path}" + (f":{part}" if part else "")


def section_on_key(section: str) -> str:
    return f"on:{section}"


def section_open_key(section: str) -> str:
    """The key of a sidebar section's expander: only an open section draws its widgets."""
    return f"open:{section}"


OPEN_AT_FIRST = ("merges", "finance")  # the sections open on a first visit


def ranged_key(section: str) -> str:
    return f"ranged:{section}"


def ranged_before_key(section: str) -> str:
    return f"ranged_before:{section}"


def budget_key(year: int) -> str:
    return f"{BUDGET_PREFIX}{year}"


def attribution_key(version: int, area: str) -> str:
    """The key of an area's shares editor; a new version on every load, so the editor starts afresh."""
    return f"attribution:{version}:{area}"


PARTS = ("low", "likely", "high")
#: Sections a toggle switches on and off: the optional streams, and failed merges (which only a case of lines alone
#: may leave out).
SWITCHED_SECTIONS = ("merges", *OPTIONAL_SECTIONS)
SECTIONS = (
    "team",
    "ai_tools",
    "merges",
    "builds",
    "incidents",
    "lead_time",
    "growth",
    *(f"investments.{a}" for a in AREAS),
    "finance",
)


def section_fields(section: str) -> list[str]:
    """The dotted paths of a section's own inputs, in file order (an area's shares are edited as a table)."""
    return [p for p in FIELDS if p.rsplit(".", 1)[0] == section]


def spec(path: str) -> FieldSpec:
    return FIELDS[path]


def _number(path: str, x: float) -> float | int:
    return int(x) if spec(path).whole else float(x)


State = Any  # the session state, or a plain dict in a test


def put_in_widgets(scenario: Scenario) -> None:
    """Set every input widget's state from a scenario (before the widgets are drawn)."""
    ss = st.session_state
    ss[NAME] = scenario.name
    ss[DESCRIPTION] = scenario.description
    for section in SECTIONS:
        if section in SWITCHED_SECTIONS:
            ss[section_on_key(section)] = getattr(scenario, section) is not None
        ranged = []
        for path in section_fields(section):
            value = value_at(scenario, path)
            if spec(path).kind == "flag":
                ss[widget_key(path)] = bool(value)
                continue
            if value is None:  # an optional input the case leaves out: a blank field
                ss[widget_key(path)] = None
                continue
            if not isinstance(value, Range):
                ss[widget_key(path)] = _number(path, float(value))
                continue
            # A range's parts have widgets of their own; a number's parts are made when it becomes a range
            # (sync_range_mode). Fewer keys: streamlit reads the whole session state for every widget it draws.
            ranged.append(path.rsplit(".", 1)[1])
            ss[widget_key(path)] = _number(path, value.likely)
            for part, x in zip(PARTS, (value.low, value.likely, value.high), strict=True):
                ss[widget_key(path, part)] = _number(path, x)
        ss[ranged_key(section)] = ranged
        ss[ranged_before_key(section)] = list(ranged)
    ss[ATTRIBUTION_BASE] = scenario.attribution()
    ss[DELIVERS_NAMED] = {
        a: {
            k: v.model_dump() if isinstance(v, Range) else v
            for k, v in getattr(scenario.investments, a).delivers.named_values().items()
        }
        for a in AREAS
    }
    ss[LINES_BASE] = [line.model_dump(exclude_none=True) for line in scenario.lines]
    ss[LINES_VERSION] = int(ss.get(LINES_VERSION, 0)) + 1
    ss[ATTRIBUTION_VERSION] = int(ss.get(ATTRIBUTION_VERSION, 0)) + 1
    ss[ATTRIBUTION_KEPT] = {}
    ss[RANGES_ARE] = scenario.uncertainty.ranges_are
    ss[CORRELATED] = [g.model_dump() for g in scenario.uncertainty.correlated]


def value_at(scenario: Scenario, path: str) -> Any:
    """The value of an input; 0 in a section the scenario leaves out (filled in when it is switched on)."""
    node: Any = scenario
    for part in path.split("."):
        node = getattr(node, part)
        if node is None:
            return None if is_optional(path) else 0.0
    return node


SHARE_COLUMN = "Share (%)"


def attribution_frame(shares: dict[str, float]) -> pd.DataFrame:
    """An area's shares of each stream's improvement, in percent: one row per stream."""
    return pd.DataFrame(
        {"Stream": [STREAM_LABELS[s] for s in STREAMS], SHARE_COLUMN: [shares[s] * 100 for s in STREAMS]}
    )


def shares_shown(ss: State, area: str) -> dict[str, float]:
    """The shares an area's table starts from: those in force when loaded, with the ones edited since."""
    base: dict[str, float] = ss[ATTRIBUTION_BASE][area]
    return {**base, **ss.get(ATTRIBUTION_KEPT, {}).get(area, {})}


def keep_attribution_edits(area: str) -> None:
    """The table's on_change: fold its edits into the kept shares, which outlive the table when its section closes."""
    ss = st.session_state
    kept = dict(ss.get(ATTRIBUTION_KEPT, {}))
    kept[area] = {**kept.get(area, {}), **_table_edits(ss, area)}
    ss[ATTRIBUTION_KEPT] = kept


def attribution_edits(ss: State, area: str) -> dict[str, float]:
    """The shares the user changed for an area: those kept from its table, then any the table holds now."""
    return {**ss.get(ATTRIBUTION_KEPT, {}).get(area, {}), **_table_edits(ss, area)}


def _table_edits(ss: State, area: str) -> dict[str, float]:
    """The shares changed in an area's table as it stands: {stream: share}."""
    edits = ss.get(attribution_key(int(ss.get(ATTRIBUTION_VERSION, 0)), area))
    if not isinstance(edits, dict):
        return {}
    out = {}
    for row, cells in edits.get("edited_rows", {}).items():
        if SHARE_COLUMN in cells and 0 <= int(row) < len(STREAMS):
            value = cells[SHARE_COLUMN]
            out[STREAMS[int(row)]] = 0.0 if value is None else float(value) / 100
    return out


def delivers_from_widgets(ss: State) -> dict[str, dict[str, Any]]:
    """Each area's `delivers`: as the file named them, plus every stream whose share the user changed (for all four
    areas at once, the others' as they were in force, so the stream's shares are named together)."""
    base: dict[str, dict[str, float]] = ss[ATTRIBUTION_BASE]
    named = {a: dict(v) for a, v in ss[DELIVERS_NAMED].items()}
    edits = {area: attribution_edits(ss, area) for area in AREAS}
    touched = {stream for changed in edits.values() for stream in changed}
    for stream in touched:
        for area in AREAS:
            named[area][stream] = edits[area].get(stream, base[area][stream])
    return named


def data_from_widgets() -> dict[str, Any]:
    """The scenario as the widgets hold it, as raw data (validated by the caller)."""
    ss = st.session_state
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "name": ss[NAME], "description": ss[DESCRIPTION]}
    ranged_now: set[str] = set()
    for section in SECTIONS:
        if section in SWITCHED_SECTIONS and not ss[section_on_key(section)]:
            continue
        values: dict[str, Any] = {}
        for path in section_fields(section):
            field = path.rsplit(".", 1)[1]
            if field in ss[ranged_key(section)] and spec(path).ranged:
                values[field] = {part: ss[widget_key(path, part)] for part in PARTS}
                ranged_now.add(path)
            elif ss[widget_key(path)] is not None:  # an optional input left blank stays out of the file
                values[field] = ss[widget_key(path)]
        if section.startswith("investments."):
            area = section.split(".")[1]
            delivers = delivers_from_widgets(ss)[area]
            if delivers:
                values["delivers"] = delivers
            data.setdefault("investments", {})[area] = values
        else:
            data[section] = values
    groups = []
    for group in ss[CORRELATED]:
        inputs = [p for p in group["inputs"] if p in ranged_now]
        if len(inputs) >= 2:
            groups.append({**group, "inputs": inputs})
    data["uncertainty"] = {"ranges_are": ss[RANGES_ARE], "correlated": groups}
    lines = lines_from_widgets(ss)
    if lines:
        data["lines"] = lines
    return data


# ------------------------------------------------------------------ lines of the user's own

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


def lines_key(version: int) -> str:
    """The key of the lines editor; a new version on every load, so the editor starts afresh."""
    return f"lines:{version}"


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


def lines_from_widgets(ss: State) -> list[dict[str, Any]]:
    """The lines as loaded, with the editor's edits, additions and deletions."""
    base: list[dict[str, Any]] = list(ss.get(LINES_BASE, []))
    edits = ss.get(lines_key(int(ss.get(LINES_VERSION, 0))))
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


def sync_range_mode(section: str) -> None:
    """A number made a range starts as low = likely = high = its value; a range made a number keeps its likely."""
    ss = st.session_state
    now = set(ss[ranged_key(section)])
    before = set(ss.get(ranged_before_key(section), []))
    for field in now - before:
        path = f"{section}.{field}"
        for part in PARTS:
            ss[widget_key(path, part)] = ss[widget_key(path)]
    for field in before - now:
        path = f"{section}.{field}"
        ss[widget_key(path)] = ss[widget_key(path, "likely")]
    ss[ranged_before_key(section)] = sorted(now)


def keep_widget_state() -> None:
    """Keep the values of widgets not drawn this run (a hidden section, a range mode), so nothing typed is lost."""
    ss = st.session_state
    for key in list(ss.keys()):
        if isinstance(key, str) and key.startswith(WIDGET_PREFIXES):
            ss[key] = ss[key]


def load(scenario: Scenario, label: str, file_stem: str | None) -> None:
    """Make a scenario the loaded file: the base of deltas and Reset, and what the widgets hold."""
    ss = st.session_state
    ss[BASE_TOML] = dump_scenario(scenario)
    ss[BASE_LABEL] = label
    ss[BASE_FILE] = file_stem
    ss[GOOD_TOML] = ss[BASE_TOML]
    put_in_widgets(scenario)


@dataclass(frozen=True)
class PageState:
    """What every view reads: the case as edited (or its last valid form), its result and the loaded file's."""

    scenario: Scenario
    result: Result
    base_result: Result
    toml_text: str
    base_toml: str
    share_params: dict[str, str]
    files: tuple[str, ...]
    picked: str
