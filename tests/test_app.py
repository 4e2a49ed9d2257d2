"""The Streamlit page through streamlit.testing.v1.AppTest: inputs drive results, uploads, links, compare, planner."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


def start(params: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric[:6]}


@pytest.fixture(scope="module")
def baseline() -> dict[str, str]:
    return kpis(start())


def test_opens_on_the_forum_post_case(baseline):
    assert baseline["Payback"] == "11.77 mo"
    assert baseline["NPV"] == "$742,489"
    assert baseline["Delivery : AI"] == "2.25 : 1"


# (widget kind, key, new value, a KPI that must change). Sections not counted in the forum post are switched on first.
EDITS = [
    ("number_input", "w:team.loaded_hourly_rate", 200.0, "Payback"),
    ("number_input", "w:ai_tools.annual_spend", 100_000.0, "Delivery : AI"),
    ("number_input", "w:merges.merges_per_month", 400.0, "Payback"),
    ("slider", "w:merges.success_rate_before", 0.8, "Payback"),
    ("slider", "w:merges.success_rate_after", 0.9, "Payback"),
    ("number_input", "w:merges.fix_hours:likely", 4.0, "Payback"),
    ("slider", "w:merges.risk_adjustment", 0.2, "Payback"),
    ("number_input", "w:growth.volume_growth_per_year", 0.5, "NPV"),
    ("number_input", "w:investments.ci_cd.one_time", 300_000.0, "Payback"),
    ("number_input", "w:investments.testing.annual_recurring", 60_000.0, "NPV"),
    ("number_input", "w:investments.deployment.one_time", 0.0, "Payback"),
    ("number_input", "w:investments.observability.one_time", 500_000.0, "Delivery : AI"),
    ("slider", "w:finance.horizon_months", 60, "NPV"),
    ("slider", "w:finance.annual_discount_rate", 0.2, "NPV"),
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
    at.number_input(key=key).set_value(value)
    for name, v in fields.items():
        widget = f"w:{section}.{name}"
        (at.slider(key=widget) if "rate" in name or "fraction" in name else at.number_input(key=widget)).set_value(v)
    at.run()
    assert not at.exception
    assert kpis(at)["Payback"] != baseline["Payback"]


def test_ranges_are_edited_as_ranges_and_bad_ones_keep_the_last_valid_case(baseline):
    at = start()
    at.number_input(key="w:merges.fix_hours:low").set_value(5.0).run()  # low above likely and high
    errors = [e.value for e in at.main.error]
    assert any("merges.fix_hours: must have low <= likely <= high" in e for e in errors), errors
    assert kpis(at) == baseline  # the previous, valid case is still shown
    assert at.number_input(key="w:merges.fix_hours:low").value == 5.0  # what was typed is not lost
    at.number_input(key="w:merges.fix_hours:low").set_value(1.0).run()
    assert not at.main.error


def test_a_scalar_can_become_a_range():
    at = start()
    at.multiselect(key="ranged:team").set_value(["loaded_hourly_rate"]).run()
    at.number_input(key="w:team.loaded_hourly_rate:low").set_value(120.0)
    at.number_input(key="w:team.loaded_hourly_rate:high").set_value(180.0).run()
    assert not at.exception and not at.main.error
    assert at.query_params["team.loaded_hourly_rate"] == "{ low = 120, likely = 150, high = 180 }"


def test_hidden_inputs_keep_their_values():
    at = start()
    at.toggle(key="on:builds").set_value(True).run()
    at.number_input(key="w:builds.builds_per_month").set_value(1234.0).run()
    at.toggle(key="on:builds").set_value(False).run()
    at.toggle(key="on:builds").set_value(True).run()
    assert at.number_input(key="w:builds.builds_per_month").value == 1234.0


def test_picker_loads_every_scenario_file():
    at = start()
    assert set(at.selectbox(key="picker").options) == {p.stem for p in (ROOT / "scenarios").glob("*.toml")}
    at.selectbox(key="picker").set_value("series-b").run()
    assert kpis(at)["Payback"] == "14.41 mo"
    assert at.query_params["scenario"] == "series-b"


def test_upload_good_and_bad_files(baseline):
    at = start()
    at.file_uploader(key="upload").upload("bad.toml", b"schema_version = 3\nname = 'x'\n", "application/toml").run()
    errors = [e.value for e in at.sidebar.error]
    assert any("bad.toml: schema_version: must be 1 or 2" in e for e in errors), errors
    assert kpis(at) == baseline  # the previous scenario is kept
    at.file_uploader(key="upload").upload("not.toml", b"\xff\xfe", "application/toml").run()
    assert any("not.toml: is not UTF-8 text" in e.value for e in at.sidebar.error)
    content = (ROOT / "scenarios" / "series-b.toml").read_bytes()
    at.file_uploader(key="upload").upload("series.toml", content, "application/toml").run()
    assert not at.sidebar.error
    assert kpis(at)["Payback"] == "14.41 mo"


def test_reset_returns_to_the_loaded_file(baseline):
    at = start()
    at.number_input(key="w:merges.fix_hours:likely").set_value(4.0).run()
    assert kpis(at) != baseline
    at.button[0].click().run()
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
    warnings = [w.value for w in at.warning]
    assert any("finance.horizon_months" in w and "must be >= 1" in w for w in warnings), warnings
    assert any("merges.nope" in w and "unknown key" in w for w in warnings), warnings
    assert kpis(at)["Payback"] == "8.83 mo"  # fix hours 4 still applied
    unknown = start({"scenario": "no-such-file"})
    assert any("scenario='no-such-file'" in w.value for w in unknown.warning)


def test_uncertainty_view():
    at = start()
    at.session_state["view"] = "Uncertainty"
    at.run()
    labels = [m.label for m in at.metric]
    assert "P(payback <= 12 mo)" in labels and "P(NPV > 0)" in labels
    headers = [s.value for s in at.subheader]
    assert "What moves NPV most (tornado)" in headers and "Which number to measure next" in headers
    at.number_input(key="w:merges.fix_hours:low").set_value(3.0)
    at.number_input(key="w:merges.fix_hours:high").set_value(3.0).run()
    at.multiselect(key="ranged:merges").set_value([]).run()
    assert any("No input has a three-point range" in i.value for i in at.info)


def test_spend_planner():
    at = start()
    at.session_state["view"] = "Spend planner"
    at.run()
    at.slider(key="plan:ratio").set_value(3.0).run()
    assert {m.label: m.value for m in at.metric}["Delivery budget"] == "$600,000"  # 3 x $200,000


def test_compare_two_to_four_scenarios():
    at = start()
    at.session_state["view"] = "Compare"
    at.run()
    at.multiselect(key="compare").set_value(["series-b", "enterprise", "forum-post"]).run()
    table = at.dataframe[0].value
    assert list(table.columns) == ["figure", "series-b", "enterprise", "forum-post"]
    assert table.set_index("figure").loc["Payback", "series-b"] == "14.41 months"
    at.multiselect(key="compare").set_value(["series-b"]).run()
    assert any("at least two" in i.value for i in at.info)


def test_share_view_offers_the_downloads():
    at = start()
    at.session_state["view"] = "Share and download"
    at.run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Scenario (TOML)", "Monthly cash flow (CSV)", "CFO workbook (XLSX)", "One-page memo (HTML)"]


def test_ci_baseline_upload_evidence_and_apply():
    at = start()
    at.session_state["view"] = "CI baseline"
    at.run()
    content = (ROOT / "tests" / "fixtures" / "ci" / "runs.csv").read_bytes()
    at.file_uploader(key="ci_upload").upload("runs.csv", content, "text/csv").run()
    measured = at.dataframe[0].value.set_index("field")["measured"]
    assert measured["merges.success_rate_before"] == "0.75"
    assert any("Success rate: 3 succeeded / 4 completed = 75.0%" in m.value for m in at.markdown)
    at.button(key="ci:apply").click().run()
    assert at.slider(key="w:merges.success_rate_before").value == 0.75
    assert any("merges.success_rate_before: 0.708 -> 0.75" in s.value for s in at.success)
    assert any("no [builds] section" in w.value for w in at.warning)
    at.file_uploader(key="ci_upload").upload("x.csv", b"nonsense", "text/csv").run()
    assert any("x.csv: is not a known CI export" in e.value for e in at.error)


def test_switching_between_number_and_range_keeps_the_edited_value():
    at = start()
    at.number_input(key="w:team.loaded_hourly_rate").set_value(175.0).run()
    at.multiselect(key="ranged:team").set_value(["loaded_hourly_rate"]).run()
    parts = [at.number_input(key=f"w:team.loaded_hourly_rate:{p}").value for p in ("low", "likely", "high")]
    assert parts == [175.0, 175.0, 175.0]
    at.number_input(key="w:team.loaded_hourly_rate:likely").set_value(180.0).run()
    at.multiselect(key="ranged:team").set_value([]).run()
    assert at.number_input(key="w:team.loaded_hourly_rate").value == 180.0


@pytest.mark.parametrize(("horizon", "offered"), [(36, [12, 18]), (15, [12]), (6, [3, 6]), (1, [1])])
def test_payback_targets_stay_within_the_horizon(horizon, offered):
    at = start({"scenario": "forum-post", "finance.horizon_months": str(horizon)})
    at.session_state["view"] = "Uncertainty"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.slider(key="w:finance.horizon_months").value == horizon
    assert [int(o) for o in at.radio(key="mc:target").options] == offered
    assert any(f"payback = {offered[0]} months" in s.value for s in at.subheader)


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
