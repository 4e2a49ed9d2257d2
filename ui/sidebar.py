"""The sidebar: where the case comes from, then every input of the scenario format, grouped by section.

Each widget's label, help, limits, step and format come from the field registry (`roi.scenario.FIELDS`).
"""

from __future__ import annotations

import streamlit as st

from roi.errors import RoiError
from roi.scenario import (
    FIELDS,
    RANGES_ARE,
    FieldSpec,
    dump_scenario,
    field_label,
    loads_scenario,
    section_label,
)
from ui import cache, state
from ui.state import spec
from ui.text import literal

MAX_UPLOAD_BYTES = 1_000_000  # matches server.maxUploadSize = 1 (MB) in .streamlit/config.toml
RANGES_ARE_WORDS = {"min_max": "the least and most it can be", "p10_p90": "a 1-in-10 low and a 1-in-10 high"}


def limits(field: FieldSpec) -> tuple[float, float]:
    """The widget's min and max: the registry's bounds; an open bound is one step inside it."""
    b = field.bounds
    step = 1.0 if field.whole else field.step
    low = b.ge if b.ge is not None else (b.gt + step if b.gt is not None else 0.0)
    high = b.le if b.le is not None else (b.lt - step if b.lt is not None else 1e15)
    return low, high


def label(path: str, part: str | None = None) -> str:
    field = spec(path)
    if part:
        return part.capitalize()
    unit = field.unit if field.unit and field.kind not in ("share", "rate") else ""
    if field.kind in ("share", "rate"):
        unit = "0 to 1" if field.bounds.highest == 1 else unit
    return f"{field.label} ({unit})" if unit else field.label


# ------------------------------------------------------------------ callbacks (run before the widgets are drawn)


def _remember_edits() -> None:
    """Before a switch or an upload replaces the case: keep unsaved edits recoverable."""
    ss = st.session_state
    if ss[state.GOOD_TOML] != ss[state.BASE_TOML]:
        ss[state.UNDO] = (ss[state.GOOD_TOML], ss[state.BASE_TOML], ss[state.BASE_LABEL], ss[state.BASE_FILE])
    else:
        ss.pop(state.UNDO, None)


def _picked() -> None:
    ss = st.session_state
    stem = ss[state.PICKER]
    if stem == ss[state.PICKED]:
        return
    _remember_edits()
    ss[state.PICKED] = stem
    state.load(cache.file_scenario(stem), f"scenarios/{stem}.toml", stem)


def _uploaded() -> None:
    ss = st.session_state
    upload = ss.get(state.UPLOAD)
    ss[state.UPLOAD_ERROR] = []
    if upload is None or upload.file_id == ss.get(state.UPLOAD_ID):
        return
    ss[state.UPLOAD_ID] = upload.file_id
    content = upload.getvalue()
    if len(content) > MAX_UPLOAD_BYTES:
        ss[state.UPLOAD_ERROR] = [f"{upload.name}: larger than 1 MB ({len(content):,} bytes)"]
        return
    try:
        scenario = loads_scenario(content, source=upload.name)
    except RoiError as exc:
        ss[state.UPLOAD_ERROR] = exc.lines()
        return
    _remember_edits()
    state.load(scenario, f"upload: {upload.name}", None)


def _reset() -> None:
    ss = st.session_state
    state.put_in_widgets(loads_scenario(ss[state.BASE_TOML]))
    ss[state.WARNINGS] = []
    ss.pop(state.UNDO, None)


def _undo() -> None:
    ss = st.session_state
    undo = ss.pop(state.UNDO, None)
    if undo is None:
        return
    edits, base_toml, base_label, base_file = undo
    state.load(loads_scenario(base_toml), base_label, base_file)
    if base_file is not None:
        ss[state.PICKED] = ss[state.PICKER] = base_file
    ss[state.GOOD_TOML] = dump_scenario(loads_scenario(edits))
    state.put_in_widgets(loads_scenario(edits))


# ------------------------------------------------------------------ widgets


def number_input(path: str, part: str | None = None) -> None:
    field = spec(path)
    low, high = limits(field)
    key = state.widget_key(path, part)
    if field.whole:
        st.number_input(
            label(path, part), int(low), int(high), key=key, step=1, help=field.help, format="%d",
        )  # fmt: skip
    else:
        st.number_input(
            label(path, part), float(low), float(high), key=key, step=field.step, format=field.number_format,
            help=field.help,
        )  # fmt: skip


def field_input(path: str) -> None:
    field = spec(path)
    key = state.widget_key(path)
    low, high = limits(field)
    if field.kind == "flag":
        st.toggle(field.label, key=key, help=field.help)
    elif path == "finance.horizon_months":
        st.slider(label(path), int(low), int(high), key=key, help=field.help)
    elif field.kind in ("share", "rate") and low >= 0 and high <= 1:
        st.slider(label(path), low, high, key=key, step=field.step, format=field.number_format, help=field.help)
    else:
        number_input(path)


def section_inputs(section: str, problems: list[str]) -> None:
    ss = st.session_state
    if section in state.SWITCHED_SECTIONS:
        st.toggle(f"Count the {section_label(section).lower()} stream", key=state.section_on_key(section),
                  help="A case made of lines of its own alone may leave out every stream.")  # fmt: skip
        if not ss[state.section_on_key(section)]:
            return
    paths = state.section_fields(section)
    rangeable = [p.rsplit(".", 1)[1] for p in paths if spec(p).ranged]
    if rangeable:
        by_name = {p.rsplit(".", 1)[1]: p for p in paths}
        st.multiselect(
            "Three-point ranges for", rangeable, key=state.ranged_key(section),
            format_func=lambda name: spec(by_name[name]).label,
            help="Make a number a range (low / likely / high): the Uncertainty tab draws from it; every other "
            "figure uses the likely value.",
            on_change=state.sync_range_mode, args=(section,),
        )  # fmt: skip
    for path in paths:
        field_name = path.rsplit(".", 1)[1]
        if field_name in ss[state.ranged_key(section)] and spec(path).ranged:
            st.markdown(f"**{label(path)}**: low / likely / high", help=spec(path).help)
            for part in state.PARTS:
                number_input(path, part)
        else:
            field_input(path)
    if section.startswith("investments."):
        attribution_editor(section.split(".")[1], problems)


def attribution_editor(area: str, problems: list[str]) -> None:
    """The area's share of each stream's improvement; written to the case only once edited."""
    ss = st.session_state
    st.markdown("**Share of each stream's improvement it brings**")
    st.caption("The shares in force; a stream's shares over the four areas sum to 100 %.")
    config = {
        state.SHARE_COLUMN: st.column_config.NumberColumn(min_value=0.0, max_value=100.0, step=0.1, format="%.1f %%")
    }
    st.data_editor(
        state.attribution_frame(state.shares_shown(ss, area)),
        key=state.attribution_key(int(ss[state.ATTRIBUTION_VERSION]), area), hide_index=True, disabled=["Stream"],
        column_config=config, on_change=state.keep_attribution_edits, args=(area,),
    )  # fmt: skip
    for line in problems:
        st.error(f"Not applied, the last valid shares are kept: {literal(line)}")


def lines_editor(problems: list[str]) -> None:
    """Benefit and cost lines the four streams do not cover (TEI style): add, edit and remove rows."""
    ss = st.session_state
    st.caption(
        "Benefits or costs of your own, in cash or engineer time: USD a month (from month 1, or from the area's "
        "go-live), or USD by plan year (Initial at month 0, then Year 1, 2, ...). Add a row at the bottom."
    )
    c = state.LINE_COLUMNS
    config = {
        c["name"]: st.column_config.TextColumn(max_chars=200, required=True),
        c["type"]: st.column_config.SelectboxColumn(options=["benefit", "cost"], required=True),
        c["nature"]: st.column_config.SelectboxColumn(options=["cash", "time"], required=True),
        c["area"]: st.column_config.SelectboxColumn(options=list(state.AREA_CHOICES)),
        c["per_month"]: st.column_config.NumberColumn(min_value=0.0, max_value=1e10, step=100.0, format="%,.0f"),
        c["by_year"]: st.column_config.TextColumn(max_chars=600),
        c["risk_adjustment"]: st.column_config.NumberColumn(min_value=0.0, max_value=500.0, step=1.0, format="%.0f %%"),
    }
    st.data_editor(
        state.lines_frame(ss.get(state.LINES_BASE, [])), key=state.lines_key(int(ss.get(state.LINES_VERSION, 0))),
        hide_index=True, num_rows="dynamic", column_config=config,
    )  # fmt: skip
    for line in problems:
        st.error(f"Not applied, the last valid lines are kept: {literal(line)}")


def uncertainty_inputs() -> None:
    ss = st.session_state
    field = spec("uncertainty.ranges_are")
    st.radio(
        field.label, RANGES_ARE, key=state.RANGES_ARE, help=field.help,
        format_func=lambda r: RANGES_ARE_WORDS.get(r, r),
    )  # fmt: skip
    groups = ss[state.CORRELATED]
    if groups:
        st.caption("Inputs that move together (kept as loaded; edit them in the file):")
        for group in groups:
            names = ", ".join(field_label(p) if p in FIELDS else p for p in group["inputs"])
            st.text(f"{names}: rank correlation {group['rank_correlation']}")


def source() -> None:
    """Where the case comes from: a file, an upload, Reset, Undo."""
    ss = st.session_state
    st.header("Scenario")
    st.selectbox("Start from", list(cache.scenario_files()), key=state.PICKER, on_change=_picked,
                 help="Every file in scenarios/ that is a valid scenario")  # fmt: skip
    for line in cache.scenario_file_problems():
        st.warning(f"Not offered: {literal(line)}")
    st.file_uploader(
        "Or upload a scenario (TOML, at most 1 MB)", type=["toml"], key=state.UPLOAD, on_change=_uploaded,
    )  # fmt: skip
    for line in ss.get(state.UPLOAD_ERROR, []):
        st.error(f"Upload not loaded, the previous scenario is kept. {literal(line)}")
    st.caption("Loaded:")
    st.text(ss[state.BASE_LABEL])
    st.button("Reset to the loaded file", icon=":material/restart_alt:", key=state.RESET, on_click=_reset)
    if state.UNDO in ss:
        st.button("Undo: back to your edits", icon=":material/undo:", key=state.UNDO_BUTTON, on_click=_undo,
                  help="Your unsaved edits were replaced by the new file: this brings them back.")  # fmt: skip


def inputs(problems: list[str]) -> None:
    """Every input, by section; a stream's shares that do not sum to 1 are said beside the areas' shares."""
    ss = st.session_state
    delivers = [p for p in problems if "delivers" in p]
    with st.expander("Name and description"):
        st.text_input(spec("name").label, key=state.NAME, max_chars=200, help=spec("name").help)
        st.text_area(spec("description").label, key=state.DESCRIPTION, max_chars=20_000,
                     help=spec("description").help)  # fmt: skip
    for section in state.SECTIONS:
        title = section_label(section)
        if section.startswith("investments."):
            title = f"Invest: {title}"
        open_it = bool(delivers) and section.startswith("investments.")
        key = state.section_open_key(section)
        if open_it and not ss.get(key):
            ss[key] = True  # shares that do not sum to 1 are said, and edited, in the areas' sections
        # Only an open section draws its widgets (their values are kept while it is closed): fewer elements for
        # the browser to redraw on every edit.
        box = st.expander(title, expanded=section in state.OPEN_AT_FIRST, key=key, on_change="rerun")
        if box.open is not False:
            with box:
                section_inputs(section, delivers)
    line_problems = [p for p in problems if p.startswith("inputs: lines")]
    lines_open = bool(line_problems) or bool(ss.get(state.LINES_BASE))
    box = st.expander("Lines of your own", expanded=lines_open, key=state.LINES_OPEN, on_change="rerun")
    if box.open is not False:
        with box:
            lines_editor(line_problems)
    with st.expander("Uncertainty settings"):
        uncertainty_inputs()
