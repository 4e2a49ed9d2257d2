"""Every session-state key of the page, defined once, and the two-way map between the widgets and a scenario.

The sidebar's widgets hold the case being edited; `put_in_widgets` sets them from a scenario and
`data_from_widgets` reads them back into raw scenario data (validated by the caller). Every input of the
format-v2 registry (`roi.scenario.FIELDS`) round-trips: a file loaded and not touched gives back an equal
scenario. What the sidebar does not edit (the correlated groups of [uncertainty]) is carried through as loaded.

How a widget holds its input: a share or a rate in percent (82 is 82 %), money and counts as text with thousands
separators ("1,200", "$300,000" typed as 300000 or 300k), every other number as a number. The conversions round
(a percent to 4 decimals, a share to 6), so 82 is 0.82 in the file and the link, never 0.8200000000000001.

Nothing typed is lost: the sidebar's widgets keep their values while they are not drawn (`persist_state`), and
no run assigns a widget's key except to load a case, so a rerun never sends a drawn widget a value over what the
user is typing into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd
import streamlit as st

from roi.model import Result
from roi.scenario import (
    AREAS,
    FIELDS,
    MAX_NAME_CHARS,
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
from roi.vocabulary import SECTIONS as INPUT_SECTIONS
from ui import lines

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
WORDS_OPEN = "open:words"  # the name and description's section, drawn only when open
UNCERTAINTY_OPEN = "open:uncertainty"  # the uncertainty settings' section, drawn only when open
CI_UPLOAD = "ci_upload"
CI_BRANCH = "ci:branch"
CI_SINCE = "ci:since"
CI_UNTIL = "ci:until"
CI_DEPLOY = "ci:deploy"
CI_APPLY = "ci:apply"
CI_APPLIED = "ci_applied"
MC_PREFIX = "mc:"  # the Uncertainty tab's settings, which the headline and the downloads read too
MC_DRAWS = f"{MC_PREFIX}draws"
MC_SEED = f"{MC_PREFIX}seed"
MC_TARGET = f"{MC_PREFIX}target"
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
#: A widget's `persist_state`: its value is kept while it is not drawn (a closed section, a range mode, another tab).
PERSIST: Literal["session"] = "session"
#: Widgets of other views whose values are kept by assigning them on every run (the sidebar's and the Uncertainty
#: tab's persist instead: assigning a widget that has a default makes streamlit warn of a value set twice).
KEPT_PREFIXES = (BUDGET_PREFIX,)
PERCENT_LOADED = "percent_loaded"  # {widget key: the share as loaded}: a percent not touched gives it back exactly
BLANK_LABEL = "profiles/blank.toml"  # the blank template, as the sidebar names the case loaded from it
PRESET = "preset"  # (name, description, TOML) of the preset the case started from; None for a file of the user's
BASELINE_IS_MINE = "baseline_is_mine"  # "Use this as my baseline" made the current case the base of the changes
MINE = "mine"  # the button
LOADED_TOML = "loaded_toml"  # the case as loaded (what Reset returns to while a baseline of one's own is set)


def widget_key(path: str, part: str | None = None) -> str:
    """The key of the widget of an input, or of one part (low, likely, high) of its range."""
    return f"w:{path}" + (f":{part}" if part else "")


def slider_key(path: str) -> str:
    """The key of a percent's slider: it follows the number field, and moves it when dragged."""
    return f"slide:{path}"


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
SECTIONS = (*INPUT_SECTIONS, *(f"investments.{a}" for a in AREAS), "finance")


def section_fields(section: str) -> list[str]:
    """The dotted paths of a section's own inputs, in file order (an area's shares are edited as a table)."""
    return [p for p in FIELDS if p.rsplit(".", 1)[0] == section]


def spec(path: str) -> FieldSpec:
    return FIELDS[path]


def _number(path: str, x: float) -> float | int:
    return int(x) if spec(path).whole else float(x)


PERCENT_KINDS = ("share", "rate")
TEXT_KINDS = ("money", "count", "people")
PERCENT_DECIMALS = 4  # of a percent: 70.8125 %; a share keeps 6 decimals


def in_percent(path: str) -> bool:
    """A share or a rate: typed and shown in percent."""
    return spec(path).kind in PERCENT_KINDS


def as_text(path: str) -> bool:
    """Money, counts and people: typed as text, shown with thousands separators."""
    return spec(path).kind in TEXT_KINDS


def amount_text(x: float | None) -> str:
    """A number as the text field shows it: "1,200", "8.7", "1,234.5"; blank for None."""
    if x is None:
        return ""
    x = float(x)
    return f"{int(x):,}" if x.is_integer() and abs(x) < 1e15 else f"{x:,}"


_SUFFIX = {"k": 1e3, "m": 1e6, "b": 1e9}


def parse_amount(text: Any) -> float | str | None:
    """Typed money or count as a number: "1,200", "$300,000", "300k", "1.5m"; None when blank; the text itself when it
    is not a number (validation then names the field)."""
    if not isinstance(text, str):
        return None if text is None else float(text)
    clean = text.strip().lower().replace(",", "").replace("_", "").replace(" ", "")
    clean = clean.removeprefix("$").removeprefix("usd")
    if not clean:
        return None
    scale = _SUFFIX.get(clean[-1], 1.0)
    if scale != 1.0:
        clean = clean[:-1]
    try:
        x = float(clean)
    except ValueError:
        return text
    return round(x * scale, 6) if scale != 1.0 else x


def to_percent(x: float) -> float:
    return round(float(x) * 100, PERCENT_DECIMALS)


def from_percent(pct: float) -> float:
    return round(float(pct) / 100, PERCENT_DECIMALS + 2)


def widget_value(path: str, x: float | None) -> Any:
    """An input's value as its widget holds it."""
    if in_percent(path):
        return None if x is None else to_percent(x)
    if as_text(path):
        return amount_text(x)
    return None if x is None else _number(path, float(x))


def input_value(ss: State, path: str, key: str) -> Any:
    """An input's value from its widget, as scenario data: a share from its percent (exactly as loaded when not
    touched), a number from its text (the text itself when it is not one)."""
    held = ss[key]
    if in_percent(path):
        if held is None:
            return None
        loaded = ss.get(PERCENT_LOADED, {}).get(key)
        return loaded if loaded is not None and to_percent(loaded) == held else from_percent(held)
    if as_text(path):
        x = parse_amount(held)
        if isinstance(x, float) and spec(path).whole and x.is_integer():
            return int(x)
        return x
    return held


State = Any  # the session state, or a plain dict in a test


def _put(ss: State, path: str, key: str, x: float) -> None:
    ss[key] = widget_value(path, x)
    if in_percent(path):
        ss[PERCENT_LOADED][key] = float(x)


def put_in_widgets(scenario: Scenario) -> None:
    """Set every input widget's state from a scenario (before the widgets are drawn)."""
    ss = st.session_state
    ss[PERCENT_LOADED] = {}
    ss[NAME], ss[DESCRIPTION] = own_words(ss, scenario)
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
                ss[widget_key(path)] = widget_value(path, None)
                continue
            if not isinstance(value, Range):
                _put(ss, path, widget_key(path), float(value))
                continue
            # A range's parts have widgets of their own; a number's parts are made when it becomes a range
            # (sync_range_mode). Fewer keys: streamlit reads the whole session state for every widget it draws.
            ranged.append(path.rsplit(".", 1)[1])
            _put(ss, path, widget_key(path), value.likely)
            for part, x in zip(PARTS, (value.low, value.likely, value.high), strict=True):
                _put(ss, path, widget_key(path, part), x)
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
    name, description = preset_words(ss)
    data: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "name": name, "description": description}
    ranged_now: set[str] = set()
    for section in SECTIONS:
        if section in SWITCHED_SECTIONS and not ss[section_on_key(section)]:
            continue
        values: dict[str, Any] = {}
        for path in section_fields(section):
            field = path.rsplit(".", 1)[1]
            if field in ss[ranged_key(section)] and spec(path).ranged:
                values[field] = {part: input_value(ss, path, widget_key(path, part)) for part in PARTS}
                ranged_now.add(path)
            elif (value := input_value(ss, path, widget_key(path))) is not None:  # a blank optional input stays out
                values[field] = value
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


# ------------------------------------------------------------------ lines of the user's own (the table: ui/lines.py)


def lines_key(version: int) -> str:
    """The key of the lines editor; a new version on every load, so the editor starts afresh."""
    return f"lines:{version}"


def lines_from_widgets(ss: State) -> list[dict[str, Any]]:
    """The lines as loaded, with the editor's edits, additions and deletions."""
    return lines.from_edits(list(ss.get(LINES_BASE, [])), ss.get(lines_key(int(ss.get(LINES_VERSION, 0)))))


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
    """Keep the values of other views' widgets not drawn this run (the Plan tab's budgets while another tab is open).

    Only those: assigning a widget's key makes streamlit send the browser that value again, over whatever the user is
    typing into it, so the sidebar's widgets (the ones typed into while reruns arrive) persist by `persist_state`.
    """
    ss = st.session_state
    for key in list(ss.keys()):
        if isinstance(key, str) and key.startswith(KEPT_PREFIXES):
            ss[key] = ss[key]


def load(scenario: Scenario, label: str, file_stem: str | None, *, preset: bool = True) -> None:
    """Make a scenario the loaded file: the base of deltas and Reset, and what the widgets hold.

    A preset (a file of scenarios/ or profiles/, a blank template) lends the case its name and description only while
    its figures are unchanged; a file of the user's own (an upload) keeps its words as the user's.
    """
    ss = st.session_state
    ss[BASE_TOML] = ss[LOADED_TOML] = dump_scenario(scenario)
    ss[BASE_LABEL] = label
    ss[BASE_FILE] = file_stem
    ss[BASELINE_IS_MINE] = False
    ss[GOOD_TOML] = ss[BASE_TOML]
    ss[PRESET] = (scenario.name, scenario.description, ss[BASE_TOML]) if preset else None
    put_in_widgets(scenario)


# ------------------------------------------------------------------ whose words: the preset's or the user's


def edited_name(preset_name: str) -> str:
    return f"Own case, started from: {preset_name}"[:MAX_NAME_CHARS]


def edited_description(preset_name: str) -> str:
    return (
        f"Own figures, started from the preset \u201c{preset_name}\u201d; the preset's description no longer "
        "applies once its figures are changed."
    )


def own_words(ss: State, scenario: Scenario) -> tuple[str, str]:
    """What the name and description fields hold: the user's own words; blank where the case has the preset's."""
    preset = ss.get(PRESET)
    if preset is None:
        return scenario.name, scenario.description
    name, description = scenario.name, scenario.description
    own_name = "" if name in (preset[0], edited_name(preset[0])) else name
    own_description = "" if description in (preset[1], edited_description(preset[0])) else description
    return own_name, own_description


def preset_words(ss: State) -> tuple[str, str]:
    """The name and description the case is read with before `words_for` decides: the user's, else the preset's."""
    preset = ss.get(PRESET)
    name, description = str(ss[NAME]).strip(), str(ss[DESCRIPTION])
    if preset is None:
        return name or "Own case", description
    return name or preset[0], description if description.strip() else preset[1]


def words_for(ss: State, scenario: Scenario) -> Scenario:
    """The case with words that fit it: a preset's name and description while its figures are the preset's; once
    the user changed them, "Own case, started from ..." (the words the user typed always stay)."""
    preset = ss.get(PRESET)
    if preset is None:
        return scenario
    name, description = str(ss[NAME]).strip(), str(ss[DESCRIPTION]).strip()
    if name and description:
        return scenario
    as_preset = scenario.model_copy(update={"name": preset[0], "description": preset[1]})
    if dump_scenario(as_preset) == preset[2]:
        return scenario
    # The blank template's words are instructions for filling it in, nobody's case: once filled in, nothing of them
    # stays (no "started from the preset" in the memo a CFO reads).
    blank = ss.get(BASE_LABEL) == BLANK_LABEL
    return scenario.model_copy(
        update={
            "name": scenario.name if name else edited_name(preset[0]),
            "description": scenario.description if description else "" if blank else edited_description(preset[0]),
        }
    )


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
