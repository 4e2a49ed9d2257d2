"""Scenario format v1: loading, lossless writing, overrides, and a corpus of bad files."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from roi import ScenarioError, dump_scenario, load_scenario, loads_scenario
from roi.cli import app
from roi.scenario import (
    Range,
    apply_overrides,
    field_bounds,
    field_info,
    read_scenario_data,
    scenario_from_dict,
    with_values,
)
from tests.conftest import FORUM, SCENARIOS
from tests.strategies import scenario_data

GOOD = FORUM.read_text()


@given(data=scenario_data())
@settings(max_examples=80, deadline=None)
def test_load_dump_load_is_lossless(data):
    scenario = scenario_from_dict(data)
    again = loads_scenario(dump_scenario(scenario))
    assert again == scenario
    assert loads_scenario(dump_scenario(again)) == again


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_shipped_scenarios_round_trip(path):
    scenario = load_scenario(path)
    assert loads_scenario(dump_scenario(scenario).encode()) == scenario


def test_likely_defaults_to_the_midpoint():
    scenario = load_scenario(FORUM, ["merges.fix_hours={ low = 2, high = 5 }"])
    assert scenario.merges.fix_hours == Range(low=2, likely=3.5, high=5)


def test_dump_keeps_text_as_text():
    scenario = with_values(load_scenario(FORUM), {"name": '=HYPERLINK("x") "quoted" \\ é', "description": "a\nb\tc"})
    assert loads_scenario(dump_scenario(scenario)) == scenario


def test_overrides_take_toml_values_and_fall_back_to_text():
    data = apply_overrides(
        read_scenario_data(FORUM),
        ["merges.fix_hours={low=1, high=3}", "name=My case", "finance.include_staff_cost=true", "builds.x=1"],
    )
    assert data["merges"]["fix_hours"] == {"low": 1, "high": 3}
    assert data["name"] == "My case"
    assert data["finance"]["include_staff_cost"] is True
    assert data["builds"] == {"x": 1}


def test_override_cannot_smuggle_extra_keys():
    data = apply_overrides(read_scenario_data(FORUM), ["merges.fix_hours=1\nname = 'x'"])
    assert data["merges"]["fix_hours"] == "1\nname = 'x'"
    with pytest.raises(ScenarioError, match=r"merges\.fix_hours: must be a number"):
        scenario_from_dict(data)


def test_field_info_reads_units_from_the_model():
    assert field_info("merges.fix_hours") == ("h", "Hours to diagnose, fix and re-test one failed merge.")
    assert field_info("investments.ci_cd.one_time")[0] == "USD"
    with pytest.raises(KeyError):
        field_info("merges.nope")


def _replace(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (kind of bad file, content, what the one-line message must say: the field and the rule)
BAD_FILES = [
    (
        "absurd merges per month",
        _replace("merges_per_month = 291", "merges_per_month = 1e300"),
        "merges.merges_per_month: must be <= 10000000, got 1e+300",
    ),
    (
        "absurd loaded rate in a range",
        _replace("loaded_hourly_rate = 150", "loaded_hourly_rate = { low = 100, high = 1e20 }"),
        "team.loaded_hourly_rate: high must be <= 10000, got 1e+20",
    ),
    (
        "absurd one-time cost",
        _replace("one_time = 150_000", "one_time = 1e11"),
        "investments.ci_cd.one_time: must be <= 10000000000, got 100000000000",
    ),
    ("unknown top-level key", "colour = 1\n" + GOOD, "colour: unknown key"),
    ("misspelt key", _replace("fix_hours =", "fix_hour ="), "merges.fix_hour: unknown key; did you mean 'fix_hours'?"),
    (
        "rate above 1",
        _replace("success_rate_before = 0.708", "success_rate_before = 1.7"),
        "merges.success_rate_before: must be <= 1, got 1.7",
    ),
    (
        "negative rate",
        _replace("success_rate_after = 1.0", "success_rate_after = -0.1"),
        "merges.success_rate_after: must be >= 0, got -0.1",
    ),
    (
        "low above high",
        _replace("{ low = 2, likely = 3, high = 4 }", "{ low = 4, high = 2 }"),
        "merges.fix_hours: must have low <= likely <= high",
    ),
    ("likely outside", _replace("likely = 3", "likely = 9"), "merges.fix_hours: must have low <= likely <= high"),
    (
        "range without high",
        _replace("{ low = 2, likely = 3, high = 4 }", "{ low = 2 }"),
        "merges.fix_hours: a range needs low and high",
    ),
    (
        "range with unknown key",
        _replace("{ low = 2, likely = 3, high = 4 }", "{ lo = 2, high = 4 }"),
        "merges.fix_hours: unknown key 'lo' in a range",
    ),
    (
        "missing [merges]",
        GOOD.split("[merges]")[0] + "[finance]\nhorizon_months = 12\n",
        "merges: is required but missing",
    ),
    ("missing field", _replace("merges_per_month = 291", ""), "merges.merges_per_month: is required but missing"),
    ("wrong schema_version", _replace("schema_version = 1", "schema_version = 4"), "schema_version: must be 1, 2 or 3"),
    ("no schema_version", _replace("schema_version = 1", ""), "schema_version: is required but missing"),
    (
        "string for number",
        _replace("merges_per_month = 291", 'merges_per_month = "291"'),
        "merges.merges_per_month: must be a number, got the text '291'",
    ),
    (
        "boolean for number",
        _replace("merges_per_month = 291", "merges_per_month = true"),
        "merges.merges_per_month: must be a number, got true",
    ),
    (
        "nan",
        _replace("merges_per_month = 291", "merges_per_month = nan"),
        "merges.merges_per_month: must be a finite number, got nan",
    ),
    (
        "inf",
        _replace("one_time = 150_000", "one_time = inf"),
        "investments.ci_cd.one_time: must be a finite number, got inf",
    ),
    ("nan inside a range", _replace("likely = 3", "likely = nan"), "merges.fix_hours: likely must be a finite number"),
    (
        "negative money",
        _replace("one_time = 80_000", "one_time = -80_000"),
        "investments.deployment.one_time: must be >= 0, got -80000",
    ),
    ("horizon 0", _replace("horizon_months = 36", "horizon_months = 0"), "finance.horizon_months: must be >= 1, got 0"),
    ("horizon 241", _replace("horizon_months = 36", "horizon_months = 241"), "finance.horizon_months: must be <= 240"),
    (
        "fractional horizon",
        _replace("horizon_months = 36", "horizon_months = 36.5"),
        "finance.horizon_months: must be a whole number",
    ),
    (
        "range where none is allowed",
        _replace("horizon_months = 36", "horizon_months = { low = 12, high = 36 }"),
        "finance.horizon_months: must be a single number",
    ),
    (
        "a format-v3 range in a v1 file",
        _replace("annual_discount_rate = 0.10", "annual_discount_rate = { low = 0, high = 1 }"),
        "finance.annual_discount_rate needs schema_version = 3 (this file says 1)",
    ),
    (
        "text for a flag",
        _replace("include_staff_cost = false", 'include_staff_cost = "no"'),
        "finance.include_staff_cost: must be true or false",
    ),
    (
        "risk of 100 %",
        _replace("fix_hours = {", "risk_adjustment = 1\nfix_hours = {"),
        "merges.risk_adjustment: must be < 1, got 1",
    ),
    ("unknown investment area", GOOD + "\n[investments.ai]\none_time = 5\n", "investments.ai: unknown key"),
    (
        "section given as a number",
        "ai_tools = 5\n" + _replace("[ai_tools]\nannual_spend = 200_000", ""),
        "ai_tools: must be a table",
    ),
    ("name not text", _replace('name = "Forum post: 70.8% main-branch success"', "name = 5"), "name: must be text"),
    (
        "empty name",
        _replace('name = "Forum post: 70.8% main-branch success"', 'name = "  "'),
        "name: must not be empty",
    ),
    (
        "control character in name",
        _replace('name = "Forum post: 70.8% main-branch success"', 'name = "a\\u0006b"'),
        "name: must not contain control characters, found U+0006",
    ),
    ("empty file", "", "is empty"),
    ("not TOML", "this is not [toml\n", "is not valid TOML"),
    ("JSON instead of TOML", '{"schema_version": 1}', "is not valid TOML"),
    (
        "duplicate key",
        _replace("merges_per_month = 291", "merges_per_month = 291\nmerges_per_month = 292"),
        "is not valid TOML",
    ),
]


@pytest.mark.parametrize(("kind", "content", "expected"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
@pytest.mark.parametrize("command", ["validate", "summary"])
def test_bad_files_exit_2_naming_the_field(tmp_path, runner, kind, content, expected, command):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    result = runner.invoke(app, [command, str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}: {expected}" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_bad_bytes(tmp_path, runner):
    path = tmp_path / "binary.toml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}: is not UTF-8 text" in result.output


def test_every_problem_gets_its_own_line(tmp_path, runner):
    path = tmp_path / "two.toml"
    path.write_text(
        _replace("success_rate_before = 0.708", "success_rate_before = 2").replace("one_time = 80_000", "one_time = -1")
    )
    lines = runner.invoke(app, ["validate", str(path)]).output.strip().splitlines()
    assert lines == [
        f"{path}: merges.success_rate_before: must be <= 1, got 2",
        f"{path}: investments.deployment.one_time: must be >= 0, got -1",
    ]


def test_loads_from_bytes_names_the_upload():
    with pytest.raises(ScenarioError) as info:
        loads_scenario(b"schema_version = 4", source="upload.toml")
    assert (
        "upload.toml: schema_version: must be 1, 2 or 3 (this tool reads format v1 to v3 and writes v3), got 4"
        in info.value.lines()
    )


def test_every_amount_has_an_upper_bound():
    # So that every figure stays finite: no numeric input of the model is unbounded above.
    for path in load_scenario(FORUM).numeric_inputs():
        bounds = field_bounds(path)
        assert bounds.le is not None or bounds.lt is not None, path
