"""Two to four scenarios side by side: files, the current edit, and pinned variants of it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi import charts, explore
from roi.figures import FIGURES
from roi.model import Result
from roi.scenario import dump_scenario, loads_scenario, with_values
from ui import cache, state
from ui.state import PageState
from ui.text import literal
from ui.views.common import chart

LOADED = "as loaded: "


def loaded_name() -> str:
    """The loaded file, as the Compare tab names it: "as loaded: scenarios/forum-post.toml"."""
    return LOADED + str(st.session_state.get(state.BASE_LABEL) or "the loaded file")


def pin(toml_text: str, name: str, with_staff_variants: bool) -> None:
    """Button callback: keep the current edit (or its with- and without-staff variants) for comparison."""
    ss = st.session_state
    pinned: dict[str, str] = dict(ss.get(state.PINNED, {}))
    scenario = loads_scenario(toml_text)
    if with_staff_variants:
        for counted, words in ((True, "with staff"), (False, "without staff")):
            variant = with_values(scenario, {"finance.include_staff_cost": counted})
            pinned[f"pinned: {name}, {words}"] = dump_scenario(variant)
    else:
        pinned[f"pinned: {name}"] = toml_text
    ss[state.PINNED] = pinned
    chosen = [
        c
        for c in ss.get(state.COMPARE, [])
        if c in pinned or c in cache.scenario_files() or c.startswith(("current", LOADED))
    ]
    new = [p for p in pinned if p not in chosen]
    ss[state.COMPARE] = (chosen + new)[:4]


def view(page: PageState) -> None:
    st.subheader("Compare scenarios")
    current = f"current edit: {page.scenario.name}"
    pinned: dict[str, str] = st.session_state.get(state.PINNED, {})
    loaded = loaded_name()
    options = [current, loaded, *pinned, *page.files]
    if state.COMPARE in st.session_state:
        st.session_state[state.COMPARE] = [c for c in st.session_state[state.COMPARE] if c in options]
    c1, c2 = st.columns(2)
    c1.button(
        "Pin the current edit",
        key=state.PIN,
        on_click=pin,
        args=(page.toml_text, page.scenario.name, False),
        icon=":material/push_pin:",
    )
    c2.button(
        "Pin it with and without staff cost",
        key=state.PIN_STAFF,
        on_click=pin,
        args=(page.toml_text, page.scenario.name, True),
        icon=":material/group:",
    )
    st.caption("The current edit opens beside the case as loaded; add files or pinned variants to compare more.")
    picked = st.multiselect(
        "Two to four scenarios",
        options,
        default=[current, loaded],
        max_selections=4,
        key=state.COMPARE,
    )
    if len(picked) < 2:
        st.info("Pick at least two scenarios.")
        return
    texts = {
        name: page.toml_text
        if name == current
        else page.base_toml
        if name == loaded
        else pinned.get(name) or cache.scenario_files()[name]
        for name in picked
    }
    if current in picked and loaded in picked and page.toml_text == page.base_toml:
        st.info(
            "No input differs from the loaded file yet: its column and the current edit's are the same until you "
            "change an input in the sidebar."
        )
    results: dict[str, Result] = {name: cache.evaluated(text) for name, text in texts.items()}
    horizons = {r.summary.horizon_months for r in results.values()}
    if len(horizons) > 1:
        st.warning(
            "The horizons differ ("
            + ", ".join(f"{literal(n)}: {r.summary.horizon_months} months" for n, r in results.items())
            + "), so NPV, IRR and ROI count different spans of time and do not compare like for like."
        )
    rows = explore.compare_table({n: r.summary for n, r in results.items()})
    staff = FIGURES["include_staff_cost"]
    if all(row["figure"] != staff.label for row in rows):
        rows.append(
            {"figure": staff.label, **{n: staff.show(r.summary.include_staff_cost) for n, r in results.items()}}
        )
    table = pd.DataFrame(rows).rename(columns={"figure": "Figure"})
    st.dataframe(table, hide_index=True, height=35 * (len(table) + 1) + 3)
    chart(charts.compare_chart(results))
