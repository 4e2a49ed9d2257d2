"""Issue 19 (1, 2, 5) through AppTest: a start that fits the user, inputs a person can type, a real CI history."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from roi import ci_import as ci
from roi.scenario import load_scenario, loads_scenario
from tests.conftest import ROOT
from tests.test_app import headline, kpis, plain, start
from ui import cases, sidebar, state

PROFILES = sorted((ROOT / "profiles").glob("*.toml"))
RUNS = ROOT / "tests" / "fixtures" / "ci" / "runs.csv"


def deltas(at) -> list[str | None]:
    return [t.delta or None for t in headline(at).values() if t.row in ("ask", "answer")]


# ------------------------------------------------------------------ 2. inputs a person can type


def test_a_rerun_never_sends_a_drawn_field_a_value():
    """The cause of lost keystrokes: every run assigned every widget's key (to keep hidden ones), so every rerun sent
    all 39 drawn fields their value again, over what the user was typing into one. Now only loading a case does."""
    at = start()
    at.number_input(key="w:merges.fix_hours:likely").set_value(3.5).run()
    at.text_input(key="w:merges.merges_per_month").set_value("300").run()
    widgets = [*at.sidebar.number_input, *at.sidebar.slider, *at.sidebar.text_input, *at.sidebar.toggle]
    sent = [w.key for w in widgets if w.proto.set_value and w.key != "w:merges.merges_per_month"]
    assert sent == []  # (the field just entered is shown tidied: "1200" as "1,200")
    at.selectbox(key=state.PICKER).set_value("series-b").run()  # loading a case does set them
    assert any(w.proto.set_value for w in at.sidebar.text_input)


def test_a_share_is_typed_in_percent_and_saved_exactly():
    at = start()
    assert at.number_input(key="w:merges.success_rate_before").value == 70.8  # the file's 0.708, in percent
    at.number_input(key="w:merges.success_rate_before").set_value(82).run()
    assert at.query_params["merges.success_rate_before"] == "0.82"
    assert "success_rate_before = 0.82 " in at.session_state[state.GOOD_TOML]
    assert at.slider(key="slide:merges.success_rate_before").value == 82  # the slider follows the field


def test_the_slider_moves_the_field_and_the_figures():
    at = start()
    before = kpis(at)["Payback"]
    at.slider(key="slide:merges.success_rate_before").set_value(80.5).run()
    assert at.number_input(key="w:merges.success_rate_before").value == 80.5
    assert at.query_params["merges.success_rate_before"] == "0.805"
    assert kpis(at)["Payback"] != before


def test_an_untouched_share_round_trips_exactly():
    at = start({"scenario": "forum-post-realistic"})
    assert at.session_state[state.GOOD_TOML] == at.session_state[state.BASE_TOML]


def test_money_and_counts_read_with_thousands_separators_and_parse_what_people_type():
    at = start()
    assert at.text_input(key="w:ai_tools.annual_spend").value == "200,000"
    assert at.text_input(key="w:merges.merges_per_month").value == "291"  # never "291.0"
    at.text_input(key="w:ai_tools.annual_spend").set_value("150k").run()
    assert at.query_params["ai_tools.annual_spend"] == "150000"
    assert at.text_input(key="w:ai_tools.annual_spend").value == "150,000"
    at.text_input(key="w:merges.merges_per_month").set_value("1200").run()
    assert at.text_input(key="w:merges.merges_per_month").value == "1,200"
    assert at.query_params["merges.merges_per_month"] == "1200"


def test_text_that_is_no_number_is_named_inline_and_the_last_valid_case_kept():
    at = start()
    good = kpis(at)
    at.text_input(key="w:ai_tools.annual_spend").set_value("12x").run()
    errors = [plain(e.value) for e in at.sidebar.error]
    assert any(e.startswith("AI coding tools spend per year: 12x is not a number") for e in errors), errors
    assert kpis(at) == good
    assert at.text_input(key="w:ai_tools.annual_spend").value == "12x"  # what was typed is not lost


def test_a_stream_switched_on_names_the_fields_it_needs():
    at = start()
    at.toggle(key="on:builds").set_value(True).run()
    hints = [plain(i.value) for i in at.sidebar.info]
    assert any(
        h.startswith("Counted at $0 until you set: CI builds per month, Share of build time an engineer waits idle")
        for h in hints
    ), hints
    at.text_input(key="w:builds.builds_per_month").set_value("6,000")
    at.number_input(key="w:builds.build_minutes_before").set_value(47.0)
    at.number_input(key="w:builds.blocked_fraction").set_value(50).run()
    assert not any(plain(i.value).startswith("Counted at $0") for i in at.sidebar.info)


def test_use_this_as_my_baseline_measures_the_changes_against_the_case():
    at = start()
    assert deltas(at) == [None] * 9
    at.number_input(key="w:merges.fix_hours:likely").set_value(4.0).run()
    assert any(deltas(at))  # against the loaded file
    edited = kpis(at)
    at.button(key=state.MINE).click().run()
    assert deltas(at) == [None] * 9 and kpis(at) == edited  # against my case now
    at.number_input(key="w:merges.fix_hours:likely").set_value(3.5).run()
    assert any(deltas(at))
    at.button(key=state.RESET).click().run()
    assert kpis(at) == edited  # Reset returns to my baseline
    assert at.session_state[state.BASE_LABEL] == "scenarios/forum-post.toml"  # the loaded file is still named
    at.button(key="loaded_again").click().run()
    assert any(deltas(at))


# ------------------------------------------------------------------ 1. a start that fits the user


def test_the_picker_offers_new_cases_and_names_each_case():
    at = start()
    picker = at.selectbox(key=state.PICKER)
    assert picker.options[: len(PROFILES) + 1] == [
        "New case (blank) \u2014 A blank template: fill in your team (engineers, loaded cost of an hour), your merges "
        "to m\u2026",
        *[cases.title(f"new:{p.stem}") for p in PROFILES if p.stem != "blank"],
        cases.title(cases.FROM_CI),
    ]
    assert not any(re.fullmatch(r"[a-z0-9-]+", o) for o in picker.options)  # titles, not file stems
    name = load_scenario(ROOT / "scenarios" / "series-b.toml").name
    assert any(o.startswith(name + " \u2014 ") for o in picker.options)


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_every_profile_loads_and_cites_its_source_and_year(path: Path):
    scenario = load_scenario(path)
    assert scenario.team.engineers is not None
    if path.stem != "blank":
        assert re.search(r"(DORA|CircleCI).*20\d\d", scenario.description), scenario.description


def test_a_blank_case_says_what_to_fill():
    at = start()
    at.selectbox(key=state.PICKER).set_value(cases.BLANK).run()
    assert not at.exception
    assert kpis(at)["NPV"] == "$0"
    hints = [plain(i.value) for i in at.sidebar.info]
    assert any("Merges to main per month" in h and "Loaded cost of an engineer-hour" in h for h in hints), hints


def test_a_presets_description_leaves_a_case_whose_figures_changed():
    at = start()
    preset = load_scenario(ROOT / "scenarios" / "forum-post.toml")
    assert at.text_area(key=state.DESCRIPTION).value == ""  # the preset's words are not the user's
    at.number_input(key="w:merges.fix_hours:likely").set_value(4.0).run()
    held = at.session_state[state.GOOD_TOML]
    assert preset.description not in held
    assert f'name = "Own case, started from: {preset.name}"' in held
    at.text_area(key=state.DESCRIPTION).set_value("Our 60 engineers, our numbers.").run()
    assert 'description = "Our 60 engineers, our numbers."' in at.session_state[state.GOOD_TOML]
    at.number_input(key="w:merges.fix_hours:likely").set_value(3.0).run()  # back on the preset's figures
    assert 'description = "Our 60 engineers, our numbers."' in at.session_state[state.GOOD_TOML]  # still mine


def test_the_page_says_how_much_engineer_time_the_plan_frees():
    at = start()
    freed = [plain(m.value) for m in at.sidebar.markdown if "Time the plan frees" in m.value]
    assert freed and "engineer-hours a month" in freed[0] and "engineers' worth" in freed[0], freed
    at.text_input(key="w:team.engineers").set_value("60").run()
    freed = [plain(m.value) for m in at.sidebar.markdown if "Time the plan frees" in m.value]
    assert "of the team" in freed[0], freed


# ------------------------------------------------------------------ 5. a real team's CI history


def test_a_new_case_from_a_ci_history():
    at = start()
    at.selectbox(key=state.PICKER).set_value(cases.FROM_CI).run()
    uploader = at.file_uploader(key=sidebar.CI_START)
    assert "at most 20 MB" in uploader.proto.label
    uploader.upload("runs.csv", RUNS.read_bytes(), "text/csv").run()
    assert not at.exception
    assert at.session_state[state.BASE_LABEL] == "CI history: runs.csv"
    assert at.number_input(key="w:merges.success_rate_before").value == 75.0
    notes = [plain(i.value) for i in at.sidebar.info]
    assert any("Main-branch success rate after: 94.0 % is a starting assumption" in n for n in notes), notes


def test_the_ci_limits():
    assert cases.MAX_CI_UPLOAD_BYTES == 20 * 1024 * 1024
    assert sidebar.MAX_UPLOAD_BYTES == 1_000_000  # a scenario file stays small
    with pytest.raises(ValueError, match="larger than 20 MB"):
        cases.ci_case(b"x" * (cases.MAX_CI_UPLOAD_BYTES + 1), "big.csv", "main")


def test_applied_ci_values_are_rounded_and_the_after_values_left_alone_are_named():
    baseline = ci.import_ci(RUNS.read_bytes(), source="runs.csv")
    data = load_scenario(ROOT / "scenarios" / "forum-post-realistic.toml").to_dict()
    out, _, left = ci.apply_baseline(data, baseline)
    assert all(len(str(v).split(".")[-1]) <= 3 for v in baseline.rounded_values().values())
    assert out["merges"]["merges_per_month"] == round(baseline.merges_per_month)
    assert any(line.startswith("Main-branch success rate after left at 94.0 %") for line in left), left
    assert any(line.startswith("Build time after left at") for line in left), left


def test_a_filled_in_blank_case_keeps_nothing_of_the_templates_words():
    """The blank template's description is instructions for filling it in: once the figures are the user's, the case
    (and so the memo a CFO reads) carries no "started from the preset" line, only the name the user typed."""
    at = start()
    at.selectbox(key=state.PICKER).set_value(cases.BLANK).run()
    at.text_input(key=state.NAME).set_value("Acme platform case").run()
    at.text_input(key="w:merges.merges_per_month").set_value("400").run()
    held = loads_scenario(at.session_state[state.GOOD_TOML])
    assert held.name == "Acme platform case" and held.description == ""
    at.text_area(key=state.DESCRIPTION).set_value("Our numbers.").run()
    assert loads_scenario(at.session_state[state.GOOD_TOML]).description == "Our numbers."
