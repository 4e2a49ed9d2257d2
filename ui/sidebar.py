"""The sidebar: where the case comes from, then every input of the scenario format, grouped by section.

Each widget's label, help, limits, step and format come from the field registry (`roi.scenario.FIELDS`).
"""

from __future__ import annotations

import streamlit as st

from roi import formatting as fmt
from roi.errors import RoiError
from roi.model import Summary
from roi.scenario import (
    FIELDS,
    RANGES_ARE,
    FieldSpec,
    dump_scenario,
    field_label,
    is_optional,
    loads_scenario,
    section_label,
)
from ui import cache, cases, hints, lines, state
from ui.state import PERSIST, spec
from ui.text import literal

MAX_UPLOAD_MB = 1  # a scenario file: a few KB; the widget refuses more (server.maxUploadSize must allow 20, for CI)
MAX_UPLOAD_BYTES = 1_000_000
MAX_CI_UPLOAD_BYTES = cases.MAX_CI_UPLOAD_BYTES  # a CI history: 20 MB
RANGES_ARE_WORDS = {"min_max": "the least and most it can be", "p10_p90": "a 1-in-10 low and a 1-in-10 high"}


def limits(field: FieldSpec) -> tuple[float, float]:
    """The widget's min and max: the registry's bounds; an open bound is one step inside it."""
    b = field.bounds
    step = 1.0 if field.whole else field.step
    low = b.ge if b.ge is not None else (b.gt + step if b.gt is not None else 0.0)
    high = b.le if b.le is not None else (b.lt - step if b.lt is not None else 1e15)
    return low, high


UNITS = {"USD": "$", "USD/h": "$ an hour", "USD/yr": "$ a year", "share/yr": "% a year", "share": "%"}


def label(path: str, part: str | None = None) -> str:
    field = spec(path)
    if part:
        return part.capitalize() + (" (%)" if state.in_percent(path) else "")
    unit = "%" if state.in_percent(path) and not field.unit.endswith("/yr") else UNITS.get(field.unit, field.unit)
    return f"{field.label} ({unit})" if unit else field.label


#: A percent's step in its number field and slider: a tenth of a percent.
PERCENT_STEP = 0.1


# ------------------------------------------------------------------ callbacks (run before the widgets are drawn)


def _remember_edits() -> None:
    """Before a switch or an upload replaces the case: keep unsaved edits recoverable."""
    ss = st.session_state
    if ss[state.GOOD_TOML] != ss[state.BASE_TOML]:
        ss[state.UNDO] = (
            ss[state.GOOD_TOML],
            ss[state.BASE_TOML],
            ss[state.BASE_LABEL],
            ss[state.BASE_FILE],
            ss.get(state.PRESET),
        )
    else:
        ss.pop(state.UNDO, None)


def _picked() -> None:
    ss = st.session_state
    option = ss[state.PICKER]
    if option == ss[state.PICKED]:
        return
    ss[state.PICKED] = option
    ss[CI_NOTES] = []
    if option != cases.FROM_CI:  # a CI history loads once uploaded
        _remember_edits()
        cases.load_option(option)


CI_START = "start:ci_upload"
CI_START_ID = "start:ci_upload_id"
CI_START_BRANCH = "start:ci_branch"
CI_NOTES = "start:ci_notes"


def _ci_uploaded() -> None:
    ss = st.session_state
    upload = ss.get(CI_START)
    if upload is None or upload.file_id == ss.get(CI_START_ID):
        return
    ss[CI_START_ID] = upload.file_id
    _remember_edits()
    ss[CI_NOTES] = cases.load_ci_case(upload.getvalue(), upload.name, str(ss.get(CI_START_BRANCH) or "main").strip())


def _mine() -> None:
    """The current case becomes the base the headline's changes are measured against (and what Reset returns to)."""
    ss = st.session_state
    ss[state.BASE_TOML] = ss[state.GOOD_TOML]
    ss[state.BASELINE_IS_MINE] = True
    ss.pop(state.UNDO, None)


def _loaded_again() -> None:
    """Measure the changes against the loaded file again."""
    ss = st.session_state
    ss[state.BASE_TOML] = ss[state.LOADED_TOML]
    ss[state.BASELINE_IS_MINE] = False


def _uploaded() -> None:
    ss = st.session_state
    upload = ss.get(state.UPLOAD)
    ss[state.UPLOAD_ERROR] = []
    if upload is None or upload.file_id == ss.get(state.UPLOAD_ID):
        return
    ss[state.UPLOAD_ID] = upload.file_id
    content = upload.getvalue()
    if len(content) > MAX_UPLOAD_BYTES:
        ss[state.UPLOAD_ERROR] = [f"{upload.name}: larger than {MAX_UPLOAD_MB} MB ({len(content):,} bytes)"]
        return
    try:
        scenario = loads_scenario(content, source=upload.name)
    except RoiError as exc:
        ss[state.UPLOAD_ERROR] = exc.lines()
        return
    _remember_edits()
    state.load(scenario, f"upload: {upload.name}", None, preset=False)


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
    edits, base_toml, base_label, base_file, preset = undo
    state.load(loads_scenario(base_toml), base_label, base_file)
    ss[state.PRESET] = preset
    if base_file is not None:
        ss[state.PICKED] = base_file
    ss[state.GOOD_TOML] = dump_scenario(loads_scenario(edits))
    state.put_in_widgets(loads_scenario(edits))


# ------------------------------------------------------------------ widgets


def _tidy_amount(key: str) -> None:
    """A typed amount that reads as a number is shown with thousands separators once entered ("1200" -> "1,200")."""
    ss = st.session_state
    x = state.parse_amount(ss[key])
    if isinstance(x, float):
        ss[key] = state.amount_text(x)


def amount_input(path: str, part: str | None = None) -> None:
    """Money, a count or a head count, typed as text: "1,200", "$300,000", "300k". Text that is no number is said under
    the field, and the last valid case is kept."""
    field = spec(path)
    key = state.widget_key(path, part)
    hint = "blank: not set" if is_optional(path) else "a number, e.g. 1,200 or 300k"
    st.text_input(
        label(path, part),
        key=key,
        help=field.help,
        placeholder=hint,
        on_change=_tidy_amount,
        args=(key,),
        persist_state=PERSIST,
    )
    if isinstance(state.parse_amount(st.session_state[key]), str):
        st.error(f"{field.label}: {literal(str(st.session_state[key]))} is not a number; the last valid case is kept.")


def number_input(path: str, part: str | None = None) -> None:
    field = spec(path)
    low, high = limits(field)
    key = state.widget_key(path, part)
    if state.as_text(path):
        amount_input(path, part)
    elif state.in_percent(path):
        st.number_input(
            label(path, part),
            state.to_percent(low),
            state.to_percent(high),
            key=key,
            step=PERCENT_STEP,
            format="%g",
            help=field.help,
            persist_state=PERSIST,
        )
    elif field.whole:
        st.number_input(
            label(path, part),
            int(low),
            int(high),
            key=key,
            step=1,
            help=field.help,
            format="%d",
            persist_state=PERSIST,
        )
    else:
        st.number_input(
            label(path, part),
            float(low),
            float(high),
            key=key,
            step=field.step,
            format=field.number_format,
            help=field.help,
            persist_state=PERSIST,
        )


def _slid(path: str) -> None:
    """The slider moved: its percent becomes the input's (the number field follows)."""
    ss = st.session_state
    ss[state.widget_key(path)] = ss[state.slider_key(path)]


def percent_slider(path: str) -> None:
    """A slider beside a percent's number field, for exploring by dragging; it shows what the field holds."""
    ss = st.session_state
    low, high = (state.to_percent(x) for x in limits(spec(path)))
    key, held = state.slider_key(path), ss[state.widget_key(path)]
    shown = min(max(float(held if held is not None else low), low), high)
    if ss.get(key) != shown:
        ss[key] = shown  # only when the field changed: a value assigned is a value sent to the browser
    st.slider(
        f"{spec(path).label}: drag to explore",
        low,
        high,
        key=key,
        step=PERCENT_STEP,
        format="%.1f %%",
        on_change=_slid,
        args=(path,),
        label_visibility="collapsed",
    )


def field_input(path: str) -> None:
    field = spec(path)
    key = state.widget_key(path)
    low, high = limits(field)
    if field.kind == "flag":
        st.toggle(field.label, key=key, help=field.help, persist_state=PERSIST)
    elif path == "finance.horizon_months":
        st.slider(label(path), int(low), int(high), key=key, help=field.help, persist_state=PERSIST)
    else:
        number_input(path)
        if state.in_percent(path) and low >= 0 and high <= 1:
            percent_slider(path)


def section_inputs(section: str, problems: list[str]) -> None:
    ss = st.session_state
    if section in state.SWITCHED_SECTIONS:
        st.toggle(
            f"Count the {section_label(section).lower()} stream",
            key=state.section_on_key(section),
            help="A case made of lines of its own alone may leave out every stream.",
            persist_state=PERSIST,
        )
        if not ss[state.section_on_key(section)]:
            return
        unset = hints.unset_fields(ss, section)
        if unset:
            st.info(f"Counted at $0 until you set: {', '.join(unset)}.")
    paths = state.section_fields(section)
    rangeable = [p.rsplit(".", 1)[1] for p in paths if spec(p).ranged]
    if rangeable:
        by_name = {p.rsplit(".", 1)[1]: p for p in paths}
        st.multiselect(
            "Three-point ranges for",
            rangeable,
            key=state.ranged_key(section),
            format_func=lambda name: spec(by_name[name]).label,
            help="Make a number a range (low / likely / high): the Uncertainty tab draws from it; every other "
            "figure uses the likely value.",
            on_change=state.sync_range_mode,
            args=(section,),
            persist_state=PERSIST,
        )
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
        key=state.attribution_key(int(ss[state.ATTRIBUTION_VERSION]), area),
        hide_index=True,
        disabled=["Stream"],
        column_config=config,
        on_change=state.keep_attribution_edits,
        args=(area,),
    )
    for line in problems:
        st.error(f"Not applied, the last valid shares are kept: {literal(line)}")


def lines_editor(problems: list[str]) -> None:
    """Benefit and cost lines the four streams do not cover (TEI style): add, edit and remove rows."""
    ss = st.session_state
    st.caption(
        "Benefits or costs of your own, in cash or engineer time: USD a month (from month 1, or from the area's "
        "go-live), or USD by plan year (Initial at month 0, then Year 1, 2, ...). Add a row at the bottom."
    )
    c = lines.LINE_COLUMNS
    config = {
        c["name"]: st.column_config.TextColumn(max_chars=200, required=True),
        c["type"]: st.column_config.SelectboxColumn(options=["benefit", "cost"], required=True),
        c["nature"]: st.column_config.SelectboxColumn(options=["cash", "time"], required=True),
        c["area"]: st.column_config.SelectboxColumn(options=list(lines.AREA_CHOICES)),
        c["per_month"]: st.column_config.NumberColumn(min_value=0.0, max_value=1e10, step=100.0, format="%,.0f"),
        c["by_year"]: st.column_config.TextColumn(max_chars=600),
        c["risk_adjustment"]: st.column_config.NumberColumn(min_value=0.0, max_value=500.0, step=1.0, format="%.0f %%"),
    }
    st.data_editor(
        lines.lines_frame(ss.get(state.LINES_BASE, [])),
        key=state.lines_key(int(ss.get(state.LINES_VERSION, 0))),
        hide_index=True,
        num_rows="dynamic",
        column_config=config,
    )
    for line in problems:
        st.error(f"Not applied, the last valid lines are kept: {literal(line)}")


def uncertainty_inputs() -> None:
    ss = st.session_state
    field = spec("uncertainty.ranges_are")
    st.radio(
        field.label,
        RANGES_ARE,
        key=state.RANGES_ARE,
        help=field.help,
        format_func=lambda r: RANGES_ARE_WORDS.get(r, r),
        persist_state=PERSIST,
    )
    groups = ss[state.CORRELATED]
    if groups:
        st.caption("Inputs that move together (kept as loaded; edit them in the file):")
        for group in groups:
            names = ", ".join(field_label(p) if p in FIELDS else p for p in group["inputs"])
            st.text(f"{names}: rank correlation {group['rank_correlation']}")


def time_freed(summary: Summary) -> str:
    """The engineer time the plan frees, in hours a month and engineers' worth (of the team, when its size is set)."""
    hours, engineers = summary.engineer_hours_freed_per_month, summary.engineers_freed
    text = f"{hours:,.0f} engineer-hours a month at full benefit: {engineers:,.1f} engineers' worth"
    if summary.share_of_team_freed is not None:
        return f"{text}, {fmt.pct(summary.share_of_team_freed)} of the team"
    return f"{text} (set {field_label('team.engineers')} under Team for the share of the team)"


def source() -> None:
    """Where the case comes from: a new case, a worked example, an upload; the baseline of the changes, Reset, Undo."""
    ss = st.session_state
    st.header("Scenario")
    # Told to the browser on every run: streamlit sends a value set in session state only with the run that sets it,
    # and a first run cut short by a click (a tab opened while the page loads) left the picker showing its first option.
    ss[state.PICKER] = ss[state.PICKED]
    st.selectbox(
        "Start from",
        cases.options(),
        key=state.PICKER,
        on_change=_picked,
        format_func=cases.title,
        help="A new case (blank, a profile whose figures cite their source, or your CI history), or a "
        "worked example from scenarios/.",
    )
    for line in cache.scenario_file_problems():
        st.warning(f"Not offered: {literal(line)}")
    if ss[state.PICKED] == cases.FROM_CI:
        st.text_input("Branch merges land on", "main", key=CI_START_BRANCH)
        st.file_uploader(
            f"CI history (GitHub Actions or GitLab JSON, or CSV; at most {cases.MAX_CI_UPLOAD_MB} MB)",
            type=["json", "csv"],
            key=CI_START,
            on_change=_ci_uploaded,
            max_upload_size=cases.MAX_CI_UPLOAD_MB,
        )
    for line in ss.get(CI_NOTES, []):
        (st.error if line.startswith("Not loaded") else st.info)(literal(line))
    st.file_uploader(
        f"Or upload a scenario (TOML, at most {MAX_UPLOAD_MB} MB)",
        type=["toml"],
        key=state.UPLOAD,
        on_change=_uploaded,
        max_upload_size=MAX_UPLOAD_MB,
    )
    for line in ss.get(state.UPLOAD_ERROR, []):
        st.error(f"Upload not loaded, the previous scenario is kept. {literal(line)}")
    st.caption("Loaded:")
    st.text(ss[state.BASE_LABEL])
    summary = cache.evaluated(ss[state.GOOD_TOML]).summary
    st.markdown(f"**Time the plan frees:** {literal(time_freed(summary))}.")
    mine = bool(ss.get(state.BASELINE_IS_MINE))
    st.button(
        "Use this as my baseline",
        icon=":material/flag:",
        key=state.MINE,
        on_click=_mine,
        help="The headline's changes are then measured against the case as it is now, not the loaded file; "
        "Reset returns to it.",
    )
    if mine:
        st.caption("The headline's changes are measured against your baseline.")
        st.button("Measure against the loaded file again", key="loaded_again", on_click=_loaded_again)
    st.button(
        "Reset to my baseline" if mine else "Reset to the loaded file",
        icon=":material/restart_alt:",
        key=state.RESET,
        on_click=_reset,
    )
    if state.UNDO in ss:
        st.button(
            "Undo: back to your edits",
            icon=":material/undo:",
            key=state.UNDO_BUTTON,
            on_click=_undo,
            help="Your unsaved edits were replaced by the new file: this brings them back.",
        )


def inputs(problems: list[str]) -> None:
    """Every input, by section; a stream's shares that do not sum to 1 are said beside the areas' shares."""
    ss = st.session_state
    delivers = [p for p in problems if "delivers" in p]
    # Only an open section draws its widgets (their values are kept while it is closed): fewer elements for the
    # browser to draw on a load and to redraw on every edit.
    box = st.expander("Name and description", key=state.WORDS_OPEN, on_change="rerun")
    if box.open is not False:
        with box:
            st.text_input(
                spec("name").label, key=state.NAME, max_chars=200, help=spec("name").help, persist_state=PERSIST
            )
            st.text_area(
                spec("description").label,
                key=state.DESCRIPTION,
                max_chars=20_000,
                help=spec("description").help,
                persist_state=PERSIST,
            )
    for section in state.SECTIONS:
        title = section_label(section)
        if section.startswith("investments."):
            title = f"Invest: {title}"
        open_it = bool(delivers) and section.startswith("investments.")
        key = state.section_open_key(section)
        if open_it and not ss.get(key):
            ss[key] = True  # shares that do not sum to 1 are said, and edited, in the areas' sections
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
    box = st.expander("Uncertainty settings", key=state.UNCERTAINTY_OPEN, on_change="rerun")
    if box.open is not False:
        with box:
            uncertainty_inputs()
