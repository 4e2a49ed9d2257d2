"""The delivery ROI calculator's page: inputs in the sidebar, answers at a glance, then the detail in tabs.

Run with `make run` (streamlit run app.py -- --scenario FILE). All computing happens in the `roi` package; the
page's parts live in `ui/` (cached calls, widget state, the sidebar, one module per tab). This file is the table
of contents: where the case comes from, the case as edited, the headline, and the tabs (only the open one runs).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import streamlit as st

from roi import explore
from roi.errors import RoiError
from roi.scenario import dump_scenario, load_scenario, loads_scenario, scenario_from_dict
from ui import cache, headline, sidebar, state
from ui.text import at_most
from ui.views import cash_flow, ci_baseline, compare, plan, share, uncertainty

PAGE_ICON = Path(__file__).resolve().parent / "ui" / "page-icon.png"
MAX_URL_WARNINGS = 5  # a link with 300 bad parameters is one mistake, not 300 warnings
TABS = {
    "Cash flow": cash_flow.view,
    "Plan": plan.view,
    "Uncertainty": uncertainty.view,
    "Compare": compare.view,
    "CI baseline": ci_baseline.view,
    "Share and download": share.view,
}


def start() -> None:
    """First run: the command line's scenario, then the URL's parameters (each checked like a file's)."""
    ss = st.session_state
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default=f"scenarios/{cache.DEFAULT_FILE}.toml")
    args, _ = parser.parse_known_args(sys.argv[1:])
    files = cache.scenario_files()
    warnings: list[str] = []
    url_warnings: list[str] = []
    stem = Path(args.scenario).stem if Path(args.scenario).stem in files else cache.default_file()
    base, label = cache.file_scenario(stem), f"scenarios/{stem}.toml"
    if Path(args.scenario).stem not in files:
        try:
            base, label = load_scenario(args.scenario), str(args.scenario)
        except RoiError as exc:
            warnings += exc.lines()
    params = dict(st.query_params)
    wanted = params.get(explore.SCENARIO_PARAM)
    if wanted is not None:
        if wanted in files:
            stem, base, label = wanted, cache.file_scenario(wanted), f"scenarios/{wanted}.toml"
        else:
            bad = any(p.startswith(f"scenarios/{wanted}.toml:") for p in cache.scenario_file_problems())
            why = "that file is not a valid scenario" if bad else "no such scenario file"
            url_warnings.append(f"URL parameter scenario={wanted!r} was ignored: {why}")
    ss[state.PICKED] = stem  # the picker shows it (sidebar.source)
    state.load(base, label, stem)
    if len(params) > (wanted is not None):
        shared, problems = explore.apply_params(cache.file_scenario(stem), params)
        url_warnings += problems
        ss[state.GOOD_TOML] = dump_scenario(shared)
        state.put_in_widgets(shared)
    ss[state.WARNINGS] = warnings + at_most(url_warnings, MAX_URL_WARNINGS, "warnings about URL parameters")


def current_case() -> tuple[str, list[str]]:
    """The case as the widgets hold it, or the last valid one with the reasons the edit is not applied."""
    ss = st.session_state
    try:
        scenario = scenario_from_dict(state.data_from_widgets(), source="inputs")
    except RoiError as exc:
        return ss[state.GOOD_TOML], exc.lines()
    ss[state.GOOD_TOML] = dump_scenario(state.words_for(ss, scenario))  # a preset's words only on its own figures
    return ss[state.GOOD_TOML], []


# The icon is a file shipped with the page: an emoji or a :material/: icon is fetched from a font server on every load.
st.set_page_config(page_title="Delivery ROI calculator", page_icon=str(PAGE_ICON), layout="wide")
if state.BASE_TOML not in st.session_state:
    start()
state.keep_widget_state()

toml_text, input_problems = current_case()
scenario = loads_scenario(toml_text)
share_from = st.session_state[state.BASE_FILE] or cache.default_file()
params = {explore.SCENARIO_PARAM: share_from, **explore.share_params(cache.file_scenario(share_from), scenario)}
if dict(st.query_params) != params:
    st.query_params.from_dict(params)

page = state.PageState(
    scenario=scenario,
    result=cache.evaluated(toml_text),
    base_result=cache.evaluated(st.session_state[state.BASE_TOML]),
    toml_text=toml_text,
    base_toml=st.session_state[state.BASE_TOML],
    share_params=params,
    files=tuple(cache.scenario_files()),
    picked=st.session_state[state.PICKED],
)

# The answer first, then the inputs: the widgets already hold this run's values, and the KPIs reach the browser
# before the sidebar's many widgets do.
headline.view(page, st.session_state.get(state.WARNINGS, []), input_problems)
with st.sidebar:
    sidebar.source()
    sidebar.inputs(input_problems)

# Only the open tab computes: tabs report which one is open, so a slider move reruns one view, not six.
for tab, view in zip(st.tabs(list(TABS), key=state.VIEW, on_change="rerun"), TABS.values(), strict=True):
    if tab.open is not False:  # None when the browser has not said yet: draw it
        with tab:
            view(page)


@st.fragment(run_every=3600)
def reconnect_reruns() -> None:
    """Nothing to draw: a timed fragment makes the browser rerun the page when it reconnects after a server restart."""


reconnect_reruns()
