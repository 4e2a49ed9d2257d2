"""The Streamlit page through streamlit.testing.v1.AppTest: inputs drive results, uploads, links, compare, planner."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from roi import documents, evaluate, plan, uncertainty
from roi.documents import build_document, findings_for
from roi.exports import MEMOS
from roi.scenario import FIELDS, dump_scenario, load_scenario, loads_scenario
from tests.conftest import ROOT, SCENARIOS
from ui import cache, lines, state
from ui import format as short
from ui.sidebar import limits

APP = str(ROOT / "app.py")


def plain(markdown: str) -> str:
    """What a reader sees of escaped Markdown: the characters without their backslashes (and word joiners)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def start(params: dict[str, str] | None = None, *, open_sections: bool = True) -> AppTest:
    """The page on a first visit; with every sidebar section open (as a user who opened them), unless asked not to."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if open_sections:
        for key in (*map(state.section_open_key, state.SECTIONS), state.WORDS_OPEN, state.UNCERTAINTY_OPEN):
            at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@dataclass
class Tile:
    """A headline tile as the page's HTML shows it."""

    row: str
    label: str
    value: str = ""
    delta: str = ""  # with its arrow, "" when unchanged
    tone: str = ""  # the change's colour: "good" (green), "bad" (red), "none"
    direction: str = ""  # the arrow: "up", "down", "none"
    caption: str = ""
    help: str = ""
    how: str = ""  # the "Formula" disclosure's text


class _Tiles(HTMLParser):
    PARTS = ("roi-value", "roi-delta", "roi-caption", "roi-how")

    def __init__(self) -> None:
        super().__init__()
        self.tiles: list[Tile] = []
        self.row = ""
        self.stack: list[str] = []  # the class of every open element

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        cls = a.get("class", "")
        self.stack.append(cls)
        if cls == "roi-row":
            self.row = a["data-row"]
        elif cls == "roi-tile":
            self.tiles.append(Tile(self.row, a["data-label"]))
        elif cls == "roi-help":
            self.tiles[-1].help = a["title"]
        elif cls == "roi-delta":
            self.tiles[-1].tone, self.tiles[-1].direction = a["data-tone"], a["data-direction"]

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        part = next((c for c in reversed(self.stack) if c in self.PARTS), None)
        if part and self.tiles:
            name = part.removeprefix("roi-")
            setattr(self.tiles[-1], name, getattr(self.tiles[-1], name) + data)


def headline(at: AppTest) -> dict[str, Tile]:
    """Every headline tile by label (the ask, the answer, cash apart from engineer time)."""
    parser = _Tiles()
    for element in at.main.html:
        parser.feed(element.value)
    return {t.label: t for t in parser.tiles}


def kpis(at: AppTest) -> dict[str, str]:
    """The ask's and the answer's tiles by label; the delivery-to-AI tile under one name, with or without staff."""
    tiles = {t.label: t.value for t in headline(at).values() if t.row in ("ask", "answer")}
    assert len(tiles) == 9, tiles
    return {k.replace(" (with staff)", ""): v for k, v in tiles.items()}


@pytest.fixture(scope="module")
def baseline() -> dict[str, str]:
    return kpis(start())


def test_opens_on_the_forum_post_case(baseline):
    assert baseline["Payback"] == "11.8 mo"
    assert baseline["NPV"] == "$742K"
    assert baseline["Delivery : AI"] == "2.25 : 1"
    assert baseline["Investment (one-time + staff)"] == "$450K"
    assert baseline["Staff time, not counted"] == "$624K"


# (widget kind, key, new value, a KPI that must change). Sections not counted in the forum post are switched on first.
# Money and counts are typed as text, shares and rates in percent (issue 19).
EDITS = [
    ("text_input", "w:team.loaded_hourly_rate", "200", "Payback"),
    ("text_input", "w:ai_tools.annual_spend", "100,000", "Delivery : AI"),
    ("text_input", "w:merges.merges_per_month", "400", "Payback"),
    ("number_input", "w:merges.success_rate_before", 80.0, "Payback"),
    ("number_input", "w:merges.success_rate_after", 90.0, "Payback"),
    ("number_input", "w:merges.fix_hours:likely", 4.0, "Payback"),
    ("number_input", "w:merges.risk_adjustment", 20.0, "Payback"),
    ("number_input", "w:growth.volume_growth_per_year", 50.0, "NPV"),
    ("text_input", "w:investments.ci_cd.one_time", "300,000", "Payback"),
    ("text_input", "w:investments.testing.annual_recurring", "60,000", "NPV"),
    ("text_input", "w:investments.deployment.one_time", "0", "Payback"),
    ("text_input", "w:investments.observability.one_time", "500,000", "Delivery : AI"),
    ("slider", "w:finance.horizon_months", 60, "NPV"),
    ("number_input", "w:finance.annual_discount_rate", 20.0, "NPV"),
    ("number_input", "w:finance.ramp_months", 6.0, "Payback"),
    ("toggle", "w:finance.include_staff_cost", True, "Payback"),
]


@pytest.mark.parametrize(("kind", "key", "value", "kpi"), EDITS, ids=[e[1] for e in EDITS])
def test_every_input_drives_the_results(baseline, kind, key, value, kpi):
    at = start()
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception
    assert kpis(at)[kpi] != baseline[kpi]
    assert key.split(":")[1].split(".")[0] in "".join(at.query_params)  # the link records the change


@pytest.mark.parametrize(
    ("section", "key", "value"),
    [
        ("builds", "w:builds.builds_per_month", 1000.0),
        ("incidents", "w:incidents.deploys_per_month_before", 20.0),
        ("lead_time", "w:lead_time.changes_per_month", 291.0),
    ],
)
def test_optional_streams_switch_on_and_drive_results(baseline, section, key, value):
    at = start()
    at.toggle(key=f"on:{section}").set_value(True).run()
    fields = {
        "builds": {"build_minutes_before": 47.0, "build_minutes_after": 10.0, "blocked_fraction": 0.5},
        "incidents": {"change_failure_rate_before": 0.15, "mttr_hours_before": 6.0, "downtime_cost_per_hour": 5000.0},
        "lead_time": {"lead_time_days_before": 5.0, "lead_time_days_after": 1.0, "cost_of_delay_per_change_day": 40.0},
    }[section]
    at.text_input(key=key).set_value(f"{value:g}")
    for name, v in fields.items():
        widget = f"w:{section}.{name}"
        if "rate" in name or "fraction" in name:
            at.number_input(key=widget).set_value(v * 100)  # in percent
        elif "cost" in name:
            at.text_input(key=widget).set_value(f"{v:,.0f}")  # money, as text
        else:
            at.number_input(key=widget).set_value(v)
    at.run()
    assert not at.exception
    assert kpis(at)["Payback"] != baseline["Payback"]


def test_ranges_are_edited_as_ranges_and_bad_ones_keep_the_last_valid_case(baseline):
    at = start()
    at.number_input(key="w:merges.fix_hours:low").set_value(5.0).run()  # low above likely and high
    errors = [plain(e.value) for e in at.main.error]
    assert any("merges.fix_hours: must have low <= likely <= high" in e for e in errors), errors
    assert kpis(at) == baseline  # the previous, valid case is still shown
    assert at.number_input(key="w:merges.fix_hours:low").value == 5.0  # what was typed is not lost
    at.number_input(key="w:merges.fix_hours:low").set_value(1.0).run()
    assert not at.main.error


def test_a_scalar_can_become_a_range():
    at = start()
    at.multiselect(key="ranged:team").set_value(["loaded_hourly_rate"]).run()
    at.text_input(key="w:team.loaded_hourly_rate:low").set_value("120")
    at.text_input(key="w:team.loaded_hourly_rate:high").set_value("180").run()
    assert not at.exception and not at.main.error
    assert at.query_params["team.loaded_hourly_rate"] == "{ low = 120, likely = 150, high = 180 }"


def test_hidden_inputs_keep_their_values():
    at = start()
    at.toggle(key="on:builds").set_value(True).run()
    at.text_input(key="w:builds.builds_per_month").set_value("1234").run()
    at.toggle(key="on:builds").set_value(False).run()
    at.toggle(key="on:builds").set_value(True).run()
    assert at.text_input(key="w:builds.builds_per_month").value == "1,234"


def test_picker_loads_every_scenario_file():
    at = start()
    # the picker shows names (issue 19), its values are the stems, after the new cases
    offered = {o.split(" \u2014 ")[0] for o in at.selectbox(key="picker").options}
    assert {load_scenario(p).name for p in (ROOT / "scenarios").glob("*.toml")} <= offered
    at.selectbox(key="picker").set_value("series-b").run()
    assert kpis(at)["Payback"] == "14.4 mo"
    assert at.query_params["scenario"] == "series-b"


def test_upload_good_and_bad_files(baseline):
    at = start()
    at.file_uploader(key="upload").upload("bad.toml", b"schema_version = 4\nname = 'x'\n", "application/toml").run()
    errors = [plain(e.value) for e in at.sidebar.error]
    assert any("bad.toml: schema_version: must be 1, 2 or 3" in e for e in errors), errors
    assert kpis(at) == baseline  # the previous scenario is kept
    at.file_uploader(key="upload").upload("not.toml", b"\xff\xfe", "application/toml").run()
    assert any("not.toml: is not UTF-8 text" in plain(e.value) for e in at.sidebar.error)
    content = (ROOT / "scenarios" / "series-b.toml").read_bytes()
    at.file_uploader(key="upload").upload("series.toml", content, "application/toml").run()
    assert not at.sidebar.error
    assert kpis(at)["Payback"] == "14.4 mo"


def test_reset_returns_to_the_loaded_file(baseline):
    at = start()
    at.number_input(key="w:merges.fix_hours:likely").set_value(4.0).run()
    assert kpis(at) != baseline
    at.button(key=state.RESET).click().run()
    assert kpis(at) == baseline


def test_a_link_reopens_the_same_case():
    at = start()
    at.number_input(key="w:merges.fix_hours:likely").set_value(3.5).run()
    at.toggle(key="w:finance.include_staff_cost").set_value(True).run()
    at.text_input(key="w:name").set_value("Our case").run()
    shared = {k: at.query_params[k] for k in at.query_params}
    assert shared["scenario"] == "forum-post" and "finance.include_staff_cost" in shared
    again = start(shared)
    assert kpis(again) == kpis(at)
    assert not again.warning


def test_a_bad_link_parameter_warns_by_name_and_the_rest_loads():
    at = start({"scenario": "forum-post", "merges.fix_hours": "4", "finance.horizon_months": "-3", "merges.nope": "1"})
    warnings = [plain(w.value) for w in at.warning]
    assert any("finance.horizon_months" in w and "must be >= 1" in w for w in warnings), warnings
    assert any("merges.nope" in w and "unknown key" in w for w in warnings), warnings
    assert kpis(at)["Payback"] == "8.8 mo"  # fix hours 4 still applied
    unknown = start({"scenario": "no-such-file"})
    assert any("scenario='no-such-file'" in plain(w.value) for w in unknown.warning)


def test_uncertainty_view():
    at = start()
    at.session_state["view"] = "Uncertainty"
    at.run()
    labels = [m.label for m in at.main.metric if m.label.startswith("Pays back") or m.label == "NPV above zero"]
    assert labels == [
        "Pays back by month 12",
        "Pays back by month 18",
        "Pays back by month 24",
        "Pays back by month 36",
        "NPV above zero",
    ]
    headers = [s.value for s in at.subheader]
    assert "What moves NPV most" in headers and "What measuring first is worth" in headers
    assert "Cumulative flow (cash and engineer time) across the draws" in headers  # the fan chart
    assert [b.proto.label for b in at.get("download_button")] == ["Download every draw (CSV)"]
    tables = [d.value for d in at.dataframe]
    voi = next(t for t in tables if "Input" in t.columns and "Share of the NPV spread it explains" in t.columns)
    decisions = next(t for t in tables if "Area" in t.columns).set_index("Area")
    expected = evaluate(load_scenario(ROOT / "scenarios" / "forum-post.toml")).summary.areas
    # the founding case: CI/CD and testing pay in every draw, deployment and observability in none (no incidents)
    assert list(decisions["Decision now"]) == ["fund", "fund", "do not fund", "do not fund"]
    assert list(decisions["Chance it pays"]) == ["100.0 %", "100.0 %", "0.0 %", "0.0 %"]
    assert decisions.loc["Deployment automation", "Expected NPV alone"] == short.money(expected["deployment"].npv_usd)
    assert list(voi["Input"]) == ["Hours to fix one failed merge"]
    assert all(re.fullmatch(r"[\d.]+ %", x) for x in voi["Share of the NPV spread it explains"])
    figures = next(t for t in tables if "Figure" in t.columns)
    assert "payback_months" not in set(figures["Figure"]) and "Payback" in set(figures["Figure"])
    at.number_input(key="w:merges.fix_hours:low").set_value(3.0)
    at.number_input(key="w:merges.fix_hours:high").set_value(3.0).run()
    at.multiselect(key="ranged:merges").set_value([]).run()
    assert any("No input has a three-point range" in i.value for i in at.info)


@pytest.mark.parametrize("name", ["forum-post", "forum-post-realistic"])
def test_the_odds_tiles_show_the_simulation_s_own_figures(name):
    """Each odds tile reads its own figure: the share of the page's draws (10,000, seed 0) paying back by its month,
    and the share with NPV above zero; the two cases' odds differ from month to month, so a tile reading another
    month's (or another figure's) share shows a different number."""
    at = start({"scenario": name})
    at.session_state["view"] = "Uncertainty"
    at.run()
    scenario = load_scenario(ROOT / "scenarios" / f"{name}.toml")
    sim = uncertainty.simulate(scenario, uncertainty.DEFAULT_DRAWS, 0)
    horizon = scenario.finance.horizon_months
    months = [t for t in uncertainty.PAYBACK_MONTHS if t < horizon] + [horizon]
    expected = {f"Pays back by month {t}": f"{sim.prob_payback_within(t) * 100:.0f} %" for t in months}
    expected["NPV above zero"] = f"{sim.summary()['prob_npv_positive'] * 100:.0f} %"
    shown = {m.label: m.value for m in at.main.metric if m.label in expected}
    assert shown == expected
    # odds that tell the tiles apart: the forum post's month 12 from the rest, the realistic case's 18, 24 and 36
    # months and its NPV from one another
    assert len(set(expected.values())) >= (2 if name == "forum-post" else 4), expected


def test_spend_planner():
    at = start()
    at.session_state["view"] = "Plan"
    at.run()
    at.slider(key="plan:ratio").set_value(3.0).run()
    assert {m.label: m.value for m in at.metric}["Delivery budget"] == "$600K"  # 3 x $200,000


def test_compare_two_to_four_scenarios():
    at = start()
    at.session_state["view"] = "Compare"
    at.run()
    at.multiselect(key="compare").set_value(["series-b", "enterprise", "forum-post"]).run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["Figure", "series-b", "enterprise", "forum-post"]
    assert table.set_index("Figure").loc["Payback", "series-b"] == "14.41 months"
    assert table.set_index("Figure").loc["Staff cost counted"].to_dict() == {
        "series-b": "yes",
        "enterprise": "yes",
        "forum-post": "no",
    }
    assert any("horizons differ" in w.value for w in at.warning)  # enterprise looks 60 months ahead
    at.multiselect(key="compare").set_value(["series-b"]).run()
    assert any("at least two" in i.value for i in at.info)


def test_share_view_offers_the_downloads():
    at = start()
    at.session_state["view"] = "Share and download"
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        "Scenario (TOML)",
        "Monthly cash flow (CSV)",
        "CFO workbook (XLSX)",
        "One-page memo (HTML)",
        "One-page memo (PDF)",
        "Board slides (PPTX)",
    ]


def test_the_simulation_settings_outlive_a_visit_to_another_tab():
    """Draws and seed chosen on the Uncertainty tab stay in force after reruns on other tabs: the headline's expected
    NPV and the downloads read them there."""
    at = start()
    at.session_state["view"] = "Uncertainty"
    at.run()
    at.select_slider(key=state.MC_DRAWS).set_value(1_000).run()
    at.number_input(key=state.MC_SEED).set_value(7).run()
    at.session_state["view"] = "Cash flow"
    at.run()
    at.run()
    assert (at.session_state[state.MC_DRAWS], at.session_state[state.MC_SEED]) == (1_000, 7)
    at.session_state["view"] = "Uncertainty"
    at.run()
    assert at.select_slider(key=state.MC_DRAWS).value == 1_000
    assert at.number_input(key=state.MC_SEED).value == 7


def test_the_picker_tells_the_browser_the_loaded_case_on_every_run():
    """The picker's value goes to the browser with every run, not only the first: a first run cut short by a click
    (a tab opened while the page loads) otherwise left the browser showing the picker's first option, a blank case,
    beside the forum post's figures."""
    at = start()
    for view in ["Plan", "Cash flow"]:
        at.session_state["view"] = view
        at.run()
        picker = at.selectbox(key=state.PICKER)
        assert picker.value == "forum-post"
        assert picker.proto.set_value and picker.proto.raw_value == picker.format_func("forum-post")


def test_switching_tabs_sets_no_widget_value_twice(monkeypatch):
    """A widget kept across tabs is never given both a default and a value assigned in session state: streamlit
    warns of that in the server's log (once per process, so the flag is reset here)."""
    from streamlit.elements.lib import policies

    warned: list[str] = []
    monkeypatch.setattr(policies, "_shown_default_value_warning", False)
    monkeypatch.setattr(policies._LOGGER, "warning", lambda message, *args, **kwargs: warned.append(message % args))
    at = start()
    for view in ["Uncertainty", "Plan", "Cash flow", "Uncertainty"]:
        at.session_state["view"] = view
        at.run()
        at.run()
    assert not at.exception
    assert warned == []


def test_a_memo_download_reuses_the_pages_cached_simulation(monkeypatch):
    """The memo reads the simulation the page has cached for the Uncertainty tab's draws and seed: a click runs no
    Monte Carlo of its own, and the memo's odds are the ones the page shows (the memo a fresh run at those draws and
    that seed writes, byte for byte)."""
    files: dict[str, Callable[[], object]] = {}  # the download buttons' deferred files by name: calling one is a click
    register = MediaFileManager.add_deferred

    def keep(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        files[str(file_name)] = data_callable
        return register(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    runs: list[tuple[object, ...]] = []
    simulate = uncertainty.simulate

    def counted(*args, **kwargs):
        runs.append(args[1:])
        return simulate(*args, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", keep)
    monkeypatch.setattr(uncertainty, "simulate", counted)
    monkeypatch.setattr(documents, "simulate", counted)  # document_for's, which the page must not reach
    for cached in (cache.simulated, cache.odds, cache.download_bytes):
        cached.clear()
    at = start()
    at.session_state["view"] = "Uncertainty"
    at.run()
    at.select_slider(key=state.MC_DRAWS).set_value(1_000).run()
    at.number_input(key=state.MC_SEED).set_value(7).run()
    shown = {m.label: m.value for m in at.main.metric}["NPV above zero"]
    at.session_state["view"] = "Share and download"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert (1_000, 7) in runs  # the page's own simulation, cached
    before = len(runs)
    memo = next(make for name, make in files.items() if name.endswith("-memo.html"))()
    assert len(runs) == before, runs[before:]  # the click ran no simulation
    scenario = load_scenario(ROOT / "scenarios" / "forum-post.toml")
    odds = simulate(scenario, 1_000, 7).summary()
    assert shown == f"{odds['prob_npv_positive'] * 100:.0f} %"
    result = evaluate(scenario)
    expected = MEMOS[".html"](build_document(result, findings_for(result, odds, None, plan.combinations(scenario))))
    assert memo == expected
    assert b"1,000 draws" in expected and b"seed 7" in expected


def test_ci_baseline_upload_evidence_and_apply():
    at = start()
    at.session_state["view"] = "CI baseline"
    at.run()
    content = (ROOT / "tests" / "fixtures" / "ci" / "runs.csv").read_bytes()
    at.file_uploader(key="ci_upload").upload("runs.csv", content, "text/csv").run()
    measured = at.dataframe[0].value.set_index("Input")["Measured"]
    assert measured["Main-branch success rate today"] == "75.0 %"
    assert any("Success rate: 3 succeeded / 4 completed = 75.0 %" in t.value for t in at.text)
    at.button(key="ci:apply").click().run()
    assert at.number_input(key="w:merges.success_rate_before").value == 75.0  # in percent
    assert any("merges.success_rate_before: 0.708 -> 0.75" in plain(s.value) for s in at.success)
    assert any("no [builds] section" in plain(w.value) for w in at.warning)
    at.file_uploader(key="ci_upload").upload("x.csv", b"nonsense", "text/csv").run()
    assert any("x.csv: is not a known CI export" in plain(e.value) for e in at.error)


def test_switching_between_number_and_range_keeps_the_edited_value():
    at = start()
    at.text_input(key="w:team.loaded_hourly_rate").set_value("175").run()
    at.multiselect(key="ranged:team").set_value(["loaded_hourly_rate"]).run()
    parts = [at.text_input(key=f"w:team.loaded_hourly_rate:{p}").value for p in ("low", "likely", "high")]
    assert parts == ["175", "175", "175"]
    at.text_input(key="w:team.loaded_hourly_rate:likely").set_value("180").run()
    at.multiselect(key="ranged:team").set_value([]).run()
    assert at.text_input(key="w:team.loaded_hourly_rate").value == "180"


@pytest.mark.parametrize(("horizon", "offered"), [(36, [12, 18]), (15, [12]), (6, [3, 6]), (1, [1])])
def test_payback_targets_stay_within_the_horizon(horizon, offered):
    at = start({"scenario": "forum-post", "finance.horizon_months": str(horizon)})
    at.session_state["view"] = "Uncertainty"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="w:finance.horizon_months").value == horizon
    assert [int(o) for o in at.radio(key="mc:target").options] == offered
    assert any(f"payback in {offered[0]} months" in s.value for s in at.subheader)


def test_a_shorter_horizon_drops_the_targets_beyond_it():
    at = start()
    at.session_state["view"] = "Uncertainty"
    at.run()
    at.radio(key="mc:target").set_value(18).run()
    at.slider(key="w:finance.horizon_months").set_value(6).run()
    assert not at.exception, [e.value for e in at.exception]
    targets = [int(o) for o in at.radio(key="mc:target").options]
    assert targets == [3, 6] and max(targets) <= 6
    assert at.radio(key="mc:target").value in targets  # the 18 chosen before is not kept


# ------------------------------------------------------------------ format v2: every input round-trips


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_scenario_file_round_trips_through_the_widgets(path):
    at = start({"scenario": path.stem})
    loaded = load_scenario(path)
    assert at.session_state[state.GOOD_TOML] == dump_scenario(loaded)  # nothing dropped, nothing changed
    summary = evaluate(loaded).summary
    shown = kpis(at)
    assert shown["NPV"] == short.money(summary.npv_usd)
    assert shown["Payback"] == short.months(summary.payback_months)
    assert shown["Cost in year 1"] == short.money(summary.first_year_cost_usd)
    assert not at.main.error and not at.warning
    again = start()  # the same through the picker
    again.selectbox(key=state.PICKER).set_value(path.stem).run()
    assert again.session_state[state.GOOD_TOML] == dump_scenario(loaded)


def test_every_widget_has_the_registrys_limits():
    at = start({"scenario": "enterprise-phased"})  # every stream on, ranges in most sections
    for section in ("team", "ai_tools", "merges", "growth", "finance"):
        at.multiselect(key=state.ranged_key(section)).set_value([])
    at.run()
    checked = {w.key[2:].split(":")[0] for w in at.sidebar.text_input if w.key.startswith("w:") and "." in w.key}
    for widget in [*at.sidebar.number_input, *at.sidebar.slider]:
        key = widget.key or ""
        if not key.startswith("w:"):
            continue
        path = key[2:].split(":")[0]
        low, high = limits(FIELDS[path])
        if state.in_percent(path):  # shares and rates are typed in percent
            low, high = state.to_percent(low), state.to_percent(high)
        got = (widget.min, widget.max) if hasattr(widget, "min") else (widget.proto.min, widget.proto.max)
        assert got == (pytest.approx(low), pytest.approx(high)), path
        bounds = FIELDS[path].bounds
        scale = 100 if state.in_percent(path) else 1
        assert bounds.violation(got[0] / scale) is None and bounds.violation(got[1] / scale) is None, path
        checked.add(path)
    numeric = {p for p, f in FIELDS.items() if f.kind not in ("flag", "text") and "." in p and ".delivers." not in p}
    assert numeric <= checked, numeric - checked


V2_EDITS = [
    ("number_input", "w:investments.ci_cd.start_month", 6, "Payback"),
    ("number_input", "w:investments.testing.build_months", 6, "Payback"),
    ("toggle", "w:investments.testing.include", False, "Investment (one-time + staff)"),
    ("number_input", "w:team.engineer_time_recapture", 50.0, "NPV"),
    ("number_input", "w:finance.cost_risk_adjustment", 0.2, "Investment (one-time + staff)"),
]


@pytest.mark.parametrize(("kind", "key", "value", "kpi"), V2_EDITS, ids=[e[1] for e in V2_EDITS])
def test_format_v2_inputs_drive_the_results(baseline, kind, key, value, kpi):
    at = start()
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception and not at.main.error
    assert kpis(at)[kpi] != baseline[kpi]
    assert key[2:] in at.query_params  # and the link records it


def test_ramp_and_build_months_can_be_ranges():
    at = start({"scenario": "forum-post-realistic"})
    assert at.number_input(key="w:investments.ci_cd.build_months:high").value == 9
    at.multiselect(key=state.ranged_key("finance")).set_value(["ramp_months"]).run()
    at.number_input(key="w:finance.ramp_months:high").set_value(12.0).run()
    assert not at.main.error
    assert at.query_params["finance.ramp_months"] == "{ low = 6, likely = 6, high = 12 }"


def test_a_range_dropped_from_a_correlated_group_keeps_the_case_valid():
    at = start({"scenario": "forum-post-realistic"})
    at.multiselect(key=state.ranged_key("builds")).set_value(["builds_per_month", "blocked_fraction"]).run()
    assert not at.main.error
    held = at.session_state[state.GOOD_TOML]
    assert "build_minutes_after" not in held.split("[uncertainty]")[1]
    assert '"incidents.change_failure_rate_after", "incidents.mttr_hours_after"' in held


def test_ranges_are_is_editable():
    at = start({"scenario": "forum-post-realistic"})
    at.radio(key=state.RANGES_ARE).set_value("p10_p90").run()
    assert at.query_params["uncertainty.ranges_are"] == '"p10_p90"'


def test_attribution_is_written_only_once_touched():
    base = load_scenario(ROOT / "scenarios" / "forum-post.toml").attribution()
    ss = {
        state.ATTRIBUTION_BASE: base,
        state.DELIVERS_NAMED: {a: {} for a in base},
        state.ATTRIBUTION_VERSION: 3,
    }
    assert state.delivers_from_widgets(ss) == {a: {} for a in base}  # shares in force, nothing written
    ss[state.attribution_key(3, "ci_cd")] = {"edited_rows": {0: {state.SHARE_COLUMN: 70.0}}}
    ss[state.attribution_key(3, "testing")] = {"edited_rows": {0: {state.SHARE_COLUMN: 30.0}}}
    named = state.delivers_from_widgets(ss)
    assert {a: v.get("merges") for a, v in named.items()} == {
        "ci_cd": 0.7,
        "testing": 0.3,
        "deployment": 0.0,
        "observability": 0.0,
    }
    assert all(set(v) == {"merges"} for v in named.values())  # the other streams keep the default
    table = state.attribution_frame(base["ci_cd"]).set_index("Stream")[state.SHARE_COLUMN]
    assert table.to_dict() == {"Failed merges": 50.0, "Build waiting": 100.0, "Incidents": 0.0, "Lead time": 50.0}


def test_attribution_tables_show_the_shares_in_force():
    at = start({"scenario": "forum-post-realistic"})
    shares = [t.value for t in at.sidebar.dataframe if "Stream" in t.value.columns]  # not the lines editor
    tables = [t.set_index("Stream")[state.SHARE_COLUMN] for t in shares]
    assert len(tables) == 4  # one per area, in the area's section
    assert tables[1]["Incidents"] == pytest.approx(33.33333333)  # testing
    assert tables[0]["Build waiting"] == 100.0  # CI/CD


def test_shares_that_do_not_sum_to_one_are_refused_by_name(baseline):
    at = start({"scenario": "forum-post", "investments.ci_cd.delivers.merges": "0.9"})
    warnings = [plain(w.value) for w in at.warning]
    assert any("delivers.merges" in w and "must sum to 1" in w for w in warnings), warnings  # the link is refused
    assert kpis(at) == baseline


# ------------------------------------------------------------------ the plan


def test_plan_tab_areas_combinations_and_phasing():
    at = start({"scenario": "enterprise-phased"})
    at.session_state[state.VIEW] = "Plan"
    at.run()
    assert not at.exception
    areas, combos = at.dataframe[0].value, at.dataframe[1].value
    assert list(areas["Area"]) == ["CI/CD pipeline", "Automated testing", "Deployment automation", "Observability"]
    assert "Payback alone" in areas.columns and "payback_months" not in areas.columns
    assert len(combos) == 15
    assert combos.iloc[0]["NPV"].startswith("$") and combos.iloc[0]["NPV"][-1] in "KMB"
    assert all(re.fullmatch(r"-?[\d.]+ %|n/a", x) for x in combos["ROI"])
    headers = [s.value for s in at.subheader]
    assert "The schedule and its cost by month" in headers
    at.number_input(key=state.budget_key(1)).set_value(500_000.0).run()
    phasing = at.dataframe[2].value.set_index("Area")["Start"]
    assert set(phasing) <= {"at once", "not funded"} | {f"month {m}" for m in range(1, 61)}
    at.button(key=state.PLAN_APPLY).click().run()
    assert any("Applied" in s.value for s in at.success)
    for area, start_at in phasing.items():
        key = {"CI/CD pipeline": "ci_cd", "Automated testing": "testing", "Deployment automation": "deployment"}
        key |= {"Observability": "observability"}
        funded = at.toggle(key=f"w:investments.{key[area]}.include").value
        assert funded == (start_at != "not funded")
        if funded:
            month = 0 if start_at == "at once" else int(start_at.split()[1])
            assert at.number_input(key=f"w:investments.{key[area]}.start_month").value == month


def test_the_plan_tab_says_what_a_little_more_budget_buys():
    at = start({"scenario": "forum-post-realistic"})
    at.session_state[state.VIEW] = "Plan"
    at.run()
    at.number_input(key=state.budget_key(1)).set_value(300_000.0).run()
    notes = [i.value for i in at.info if "Just over the cap" in i.value]
    assert len(notes) == 1 and "CI/CD pipeline from month 0" in notes[0] and "229,001" in notes[0]
    assert "\\$6,000 over the cap" in notes[0]  # escaped: a pair of dollar signs would read as a formula


def test_uncosted_benefit_is_warned():
    free = {"investments.deployment.one_time": "0", "investments.deployment.engineer_quarters": "0"}
    at = start({"scenario": "forum-post-realistic", **free})
    at.session_state[state.VIEW] = "Plan"
    at.run()
    assert any("Deployment automation is credited" in w.value and "costs nothing" in w.value for w in at.warning)


# ------------------------------------------------------------------ what the CFO sees, and safety


def test_the_ask_and_the_ratio_count_staff_when_staff_is_counted():
    at = start()
    at.toggle(key="w:finance.include_staff_cost").set_value(True).run()
    shown = headline(at)
    assert shown["Staff time, counted"].value == "$624K"
    assert shown["Investment (one-time + staff)"].value == "$1.07M"
    ratio = shown["Delivery : AI (with staff)"]
    assert ratio.value == "5.37 : 1"  # ($450K + $624K) / $200K
    assert "Delivery-to-AI spend ratio: 2.25 : 1" in ratio.help and "with staff: 5.37 : 1" in ratio.help
    assert "Delivery-to-AI spend ratio: 2.25 : 1" in ratio.how  # the help is in the disclosure too (no hover on touch)


CRAFTED = "**URGENT** [x](http://evil) <b>bold</b>"


def test_user_text_is_never_markdown():
    at = start()
    at.text_input(key=state.NAME).set_value(CRAFTED).run()
    assert CRAFTED in [t.value for t in at.main.text]
    assert not any("URGENT" in m.value for m in at.main.markdown)


def test_url_parameters_obey_the_files_bounds_and_the_warning_clears_on_reset(baseline):
    at = start({"scenario": "forum-post", "merges.merges_per_month": "1e300", "name": '"<b>x</b> [y](z)"'})
    warnings = [plain(w.value) for w in at.warning]
    assert any("merges.merges_per_month" in w and "must be <= 10000000" in w for w in warnings), warnings
    assert "<b>x</b> [y](z)" in [t.value for t in at.main.text]
    assert kpis(at)["NPV"] == baseline["NPV"]
    at.button(key=state.RESET).click().run()
    assert not at.warning


def test_switching_scenario_over_edits_can_be_undone():
    at = start()
    at.number_input(key="w:merges.fix_hours:likely").set_value(3.5).run()
    edited = at.session_state[state.GOOD_TOML]
    at.selectbox(key=state.PICKER).set_value("series-b").run()
    assert kpis(at)["Payback"] == "14.4 mo"
    at.button(key=state.UNDO_BUTTON).click().run()
    assert at.session_state[state.GOOD_TOML] == edited
    assert at.selectbox(key=state.PICKER).value == "forum-post"
    assert not [b for b in at.button if b.key == state.UNDO_BUTTON]


def test_uploading_over_edits_can_be_undone_and_the_limit_is_stated():
    at = start()
    assert "at most 1 MB" in at.file_uploader(key=state.UPLOAD).proto.label
    at.number_input(key="w:merges.fix_hours:likely").set_value(3.5).run()
    edited = at.session_state[state.GOOD_TOML]
    content = (ROOT / "scenarios" / "series-b.toml").read_bytes()
    at.file_uploader(key=state.UPLOAD).upload("series.toml", content, "application/toml").run()
    assert kpis(at)["Payback"] == "14.4 mo"
    at.button(key=state.UNDO_BUTTON).click().run()
    assert at.session_state[state.GOOD_TOML] == edited
    big = b"# " + b"x" * 1_000_001
    at.file_uploader(key=state.UPLOAD).upload("big.toml", big, "application/toml").run()
    assert any("larger than 1 MB" in e.value for e in at.sidebar.error)


def test_compare_pins_the_current_edit_with_and_without_staff():
    at = start()
    at.session_state[state.VIEW] = "Compare"
    at.run()
    at.button(key=state.PIN_STAFF).click().run()
    table = at.dataframe[0].value.set_index("Figure")
    name = load_scenario(ROOT / "scenarios" / "forum-post.toml").name
    with_staff, without = f"pinned: {name}, with staff", f"pinned: {name}, without staff"
    assert table.loc["Staff cost counted", with_staff] == "yes"
    assert table.loc["Staff cost counted", without] == "no"
    assert table.loc["Payback", without] == table.loc["Payback", f"current edit: {name}"]


def test_budgets_survive_a_visit_to_another_tab():
    at = start()
    at.session_state[state.VIEW] = "Plan"
    at.run()
    at.number_input(key=state.budget_key(1)).set_value(300_000.0).run()
    at.session_state[state.VIEW] = "Cash flow"
    at.run()
    at.session_state[state.VIEW] = "Plan"
    at.run()
    assert at.number_input(key=state.budget_key(1)).value == 300_000.0


# ------------------------------------------------------------------ lazy sections


def test_the_name_and_the_ranges_setting_are_kept_while_their_sections_are_closed():
    at = start()
    at.text_input(key=state.NAME).set_value("Acme platform case")
    at.radio(key=state.RANGES_ARE).set_value("p10_p90").run()
    at.session_state[state.WORDS_OPEN] = at.session_state[state.UNCERTAINTY_OPEN] = False
    at.run()
    at.run()
    assert not [w for w in at.sidebar.text_input if w.key == state.NAME] and not at.sidebar.radio  # not drawn
    held = loads_scenario(at.session_state[state.GOOD_TOML])
    assert (held.name, held.uncertainty.ranges_are) == ("Acme platform case", "p10_p90")  # and still in force


def test_only_open_sections_draw_their_widgets_and_closed_ones_keep_their_values(baseline):
    at = start(open_sections=False)
    widgets = [*at.sidebar.number_input, *at.sidebar.slider, *at.sidebar.text_input]
    drawn = {w.key.split(":")[1].split(".")[0] for w in widgets if w.key.startswith(("w:", "slide:")) and "." in w.key}
    assert drawn == set(state.OPEN_AT_FIRST), drawn  # failed merges and finance, as on a first visit
    at.session_state[state.section_open_key("team")] = True
    at.run()
    at.text_input(key="w:team.loaded_hourly_rate").set_value("200").run()
    changed = kpis(at)
    assert changed["Payback"] != baseline["Payback"]
    at.session_state[state.section_open_key("team")] = False
    at.run()
    assert not [w for w in at.sidebar.text_input if w.key == "w:team.loaded_hourly_rate"]  # not drawn
    assert at.session_state["w:team.loaded_hourly_rate"] == "200"
    assert kpis(at) == changed  # and still in force
    assert at.query_params["team.loaded_hourly_rate"] == "200"


def test_kept_shares_outlive_their_table():
    # the table's on_change folds its edits into the kept shares; a closed section's table is gone, its shares not
    base = load_scenario(ROOT / "scenarios" / "forum-post.toml").attribution()
    ss = {
        state.ATTRIBUTION_BASE: base,
        state.DELIVERS_NAMED: {a: {} for a in base},
        state.ATTRIBUTION_VERSION: 1,
        state.ATTRIBUTION_KEPT: {"ci_cd": {"merges": 0.6}, "testing": {"merges": 0.4}},
    }
    named = state.delivers_from_widgets(ss)
    assert (named["ci_cd"]["merges"], named["testing"]["merges"]) == (0.6, 0.4)
    assert state.shares_shown(ss, "ci_cd")["merges"] == 0.6  # the reopened table starts from them
    ss[state.attribution_key(1, "ci_cd")] = {"edited_rows": {0: {state.SHARE_COLUMN: 55.0}}}  # a newer edit wins
    assert state.delivers_from_widgets(ss)["ci_cd"]["merges"] == 0.55


def test_the_monthly_table_is_drawn_when_opened():
    at = start()
    assert not at.main.dataframe  # the Cash flow tab, its table closed
    at.session_state[state.MONTHLY_OPEN] = True
    at.run()
    (table,) = at.main.dataframe
    assert len(table.value) == 37  # months 0 to 36


def test_the_headline_says_which_way_each_figure_moved():
    # Four hours to fix a failed merge instead of three: more benefit, so payback is shorter (a fall, shown as good)
    # and NPV, IRR and ROI are higher (a rise, shown as good); the ask does not move.
    at = start()
    at.number_input(key="w:merges.fix_hours:likely").set_value(4.0)
    at.number_input(key="w:merges.fix_hours:high").set_value(4.0).run()
    now = evaluate(load_scenario(ROOT / "scenarios" / "forum-post.toml", ["merges.fix_hours=4"])).summary
    then = evaluate(load_scenario(ROOT / "scenarios" / "forum-post.toml")).summary
    tiles = headline(at)

    def change(label: str) -> tuple[str, str]:
        return tiles[label].direction, tiles[label].tone

    assert tiles["Payback"].delta == "\u2193 -" + short.months(then.payback_months - now.payback_months)  # -2.9 mo
    assert tiles["NPV"].delta == "\u2191 +" + short.money(now.npv_usd - then.npv_usd)  # +$397K
    assert tiles["IRR (annual)"].delta.startswith("\u2191 +") and tiles["ROI"].delta.startswith("\u2191 +")
    assert {label: change(label) for label in ("Payback", "Discounted payback", "NPV", "IRR (annual)", "ROI")} == {
        "Payback": ("down", "good"),  # lower is better: a fall is good news, in green
        "Discounted payback": ("down", "good"),
        "NPV": ("up", "good"),
        "IRR (annual)": ("up", "good"),
        "ROI": ("up", "good"),
    }
    assert not tiles["Investment (one-time + staff)"].delta  # unchanged: no delta at all


def test_the_ask_says_a_dearer_plan_is_bad_news():
    # $100K more of one-time cost: the investment and year 1 rise, shown as bad news (red); payback is later.
    at = start()
    at.text_input(key="w:investments.ci_cd.one_time").set_value("300,000").run()
    tiles = headline(at)
    then = evaluate(load_scenario(ROOT / "scenarios" / "forum-post.toml")).summary
    now = evaluate(load_scenario(ROOT / "scenarios" / "forum-post.toml", ["investments.ci_cd.one_time=300000"])).summary
    for label, key in (
        ("Investment (one-time + staff)", "upfront_investment_usd"),
        ("Cost in year 1", "first_year_cost_usd"),
    ):
        up = "+" + short.money(getattr(now, key) - getattr(then, key))
        assert (tiles[label].value, tiles[label].delta) == (short.money(getattr(now, key)), "\u2191 " + up), label
        assert (tiles[label].direction, tiles[label].tone) == ("up", "bad"), label  # lower is better: a rise is red
    assert (tiles["Payback"].direction, tiles["Payback"].tone) == ("up", "bad")
    assert (tiles["NPV"].direction, tiles["NPV"].tone) == ("down", "bad")
    assert not tiles["Staff time, not counted"].delta


# ------------------------------------------------------------------ lines of your own


def test_lines_are_edited_added_and_removed_in_a_table():
    # The editor starts from the lines as loaded; a range the user did not touch stays a range.
    base = [
        {"name": "Retired build servers", "type": "benefit", "nature": "cash", "area": "ci_cd",
         "per_month": {"low": 1000.0, "likely": 2000.0, "high": 2500.0}, "risk_adjustment": 0.1},
        {"name": "Licences", "type": "cost", "nature": "cash", "by_year": [10000.0, 24000.0], "risk_adjustment": 0.0},
    ]  # fmt: skip
    ss = {state.LINES_BASE: base, state.LINES_VERSION: 2}
    assert state.lines_from_widgets(ss) == base
    frame = lines.lines_frame(base)
    c = lines.LINE_COLUMNS
    assert frame[c["area"]].tolist() == ["CI/CD pipeline", ""]
    assert frame[c["by_year"]].tolist() == ["", "10000, 24000"]
    assert frame[c["risk_adjustment"]].tolist() == [10.0, 0.0]
    ss[state.lines_key(2)] = {
        "edited_rows": {1: {c["by_year"]: "10,000 30,000 30,000"}},
        "added_rows": [{c["name"]: "Contractor", c["type"]: "cost", c["nature"]: "time", c["per_month"]: 3000.0}],
        "deleted_rows": [],
    }
    got = state.lines_from_widgets(ss)
    assert got[0] == base[0]  # untouched: its range kept
    assert got[1]["by_year"] == [10000.0, 30000.0, 30000.0]
    assert got[2] == {"name": "Contractor", "type": "cost", "nature": "time", "per_month": 3000.0}
    ss[state.lines_key(2)] = {"edited_rows": {}, "added_rows": [], "deleted_rows": [0]}
    assert state.lines_from_widgets(ss) == [base[1]]


def test_a_line_changes_the_figures_and_a_bad_one_is_named():
    at = start({"scenario": "tei-salesloft"})
    npv = kpis(at)["NPV"]
    c = lines.LINE_COLUMNS
    key = state.lines_key(int(at.session_state[state.LINES_VERSION]))
    at.session_state[key] = {"edited_rows": {1: {c["by_year"]: "60000 700000 700000 700000"}}, "added_rows": [],
                             "deleted_rows": []}  # fmt: skip
    at.run()
    assert kpis(at)["NPV"] != npv  # costs went up
    assert not at.sidebar.error
    at.session_state[key] = {"edited_rows": {1: {c["by_year"]: "lots"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    errors = [plain(e.value) for e in at.sidebar.error]
    assert any("lines.1.by_year" in e and "must be a list of amounts" in e for e in errors), errors


# ------------------------------------------------------------------ the headline's figures (format v3)


def tiles(at: AppTest) -> dict[str, str]:
    return {label: t.value for label, t in headline(at).items()}


def shown_text(at: AppTest) -> str:
    """The tiles' captions and formulas, and the page's Markdown and captions, as a reader reads them."""
    words = [f"{t.caption}\n{t.how}" for t in headline(at).values()]
    return "\n".join([*words, *(plain(m.value) for m in at.main.markdown), *(plain(c.value) for c in at.main.caption)])


def test_every_headline_figure_is_the_models_and_opens_its_formula():
    from roi import uncertainty

    at = start()
    scenario = load_scenario(ROOT / "scenarios" / "forum-post.toml")
    s = evaluate(scenario).summary
    shown = tiles(at)
    assert shown["Investment (one-time + staff)"] == short.money(s.upfront_investment_usd)
    assert shown["Cost in year 1"] == short.money(s.first_year_cost_usd)
    assert shown["Staff time, not counted"] == short.money(s.staff_cost_usd)
    assert shown["Delivery : AI"] == short.ratio(s.delivery_to_ai_ratio)
    assert shown["Payback"] == short.months(s.payback_months)
    assert shown["Discounted payback"] == short.months(s.discounted_payback_months)
    assert shown["NPV"] == short.money(s.npv_usd)
    assert shown["IRR (annual)"] == short.pct(s.irr_annual)
    assert shown["ROI"] == short.pct(s.roi)
    assert shown["Cash NPV (money out and back)"] == short.money(s.cash_npv_usd) == "-$450K"
    assert shown["Engineer hours freed / month"] == f"{s.engineer_hours_freed_per_month:,.0f} h" == "255 h"
    mean = uncertainty.simulate(scenario, 10_000, 0).summary()["mean_npv_usd"]
    assert shown["Expected NPV (mean)"] == short.money(mean)
    text = shown_text(at)
    assert f"{s.engineers_freed:,.1f} engineers' worth" in text
    assert "NPV is positive for any hurdle rate below 150.6 %" in text
    assert "Payback = 11 + $29,389 / $38,237 = 11.77 months." in text  # the payback tile's formula
    assert "(1 + 10.0 %)^(1/12) - 1 = 0.797 %" in text  # NPV's monthly rate
    assert "ROI = NPV / present value of costs = $742,489 / $450,000 = 165.0 %." in text
    assert "cash going out" not in text.lower()


def test_the_headline_shows_continuing_value_and_the_share_of_the_team():
    at = start()
    at.number_input(key="w:finance.continuing_months").set_value(24)
    at.text_input(key="w:team.engineers").set_value("60").run()
    assert not at.exception
    s = evaluate(
        load_scenario(
            ROOT / "scenarios" / "forum-post.toml",
            ["schema_version=3", "finance.continuing_months=24", "team.engineers=60"],
        )
    ).summary
    shown = tiles(at)
    assert shown["NPV with 24 more months"] == short.money(s.npv_with_continuing_value_usd)
    assert s.npv_with_continuing_value_usd > s.npv_usd
    assert f"{short.pct(s.share_of_team_freed)} of the team" in shown_text(at)


def test_a_plan_that_spends_nothing_says_so_in_the_headline():
    at = start()
    for area in ("ci_cd", "testing", "deployment", "observability"):
        at.toggle(key=f"w:investments.{area}.include").set_value(False)
    at.run()
    shown = tiles(at)
    assert shown["Payback"] == "none" and shown["Discounted payback"] == "none"
    assert "Nothing is spent or earned within the horizon" in shown_text(at)
    assert "0 months" not in " ".join(shown.values())


def test_the_page_shows_no_card_of_streamlit_s_own():
    """`make run` reads .streamlit/config.toml: no Deploy button or developer menu, and no "install Streamlit skills"
    card over the headline where an AI coding agent is installed (its `nudge_suppression_reason` is then
    "welcome_hidden")."""
    import tomllib

    from streamlit import config
    from streamlit.web import skills

    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["toolbarMode"] == "viewer"
    assert settings["logger"]["hideWelcomeMessage"] is True
    before = {name: config.get_option(name) for name in ("logger.hideWelcomeMessage", "server.headless")}
    config.set_option("logger.hideWelcomeMessage", settings["logger"]["hideWelcomeMessage"])
    config.set_option("server.headless", settings["server"]["headless"])
    try:
        assert skills.nudge_suppression_reason(str(ROOT)) == "welcome_hidden"
    finally:
        for name, value in before.items():
            config.set_option(name, value)
