"""A baseline from CI history: hand-computed figures per format, bad records, errors, and --into."""

from __future__ import annotations

import json
import pickle
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import CIImportError, ci_import, load_scenario, loads_scenario
from roi.ci_import import MAX_RUN_DAYS, MAX_RUN_MINUTES, Options, detect_format, import_ci
from roi.cli import app
from tests.conftest import FORUM, ROOT

CI = ROOT / "tests" / "fixtures" / "ci"
MONTH = 30.44


def load(name: str, **options):
    path = CI / name
    return import_ci(path.read_bytes(), Options(**options), source=str(path))


def test_detects_each_format():
    assert detect_format((CI / "gh-run-list.json").read_bytes()) == "github"
    assert detect_format((CI / "github-rest-runs.json").read_bytes()) == "github"
    assert detect_format((CI / "gitlab-pipelines.json").read_bytes()) == "gitlab"
    assert detect_format((CI / "runs.csv").read_bytes()) == "csv"


def test_gh_run_list_by_hand():
    b = load("gh-run-list.json", since="2026-10-01", until="2026-10-31", deploy_workflow="Deploy*")
    months = 30 / MONTH  # the window is 30 days
    # CI push runs on main in the window: 101-109 (9); Lint (116) is another workflow; 110 is a pull request;
    # 111 is another branch; 112/113 are deploys; 114 is before the window; 115 has no valid start time.
    assert b.counts["merges"] == 9
    assert b.merges_per_month == pytest.approx(9 / months)
    # succeeded 101, 103, 106, 108; failed 102, 104 and 105 (timed out); 107 cancelled; 109 in progress
    assert (b.counts["succeeded"], b.counts["failed"], b.counts["cancelled"], b.counts["not_completed"]) == (4, 3, 1, 1)
    assert b.success_rate_before == pytest.approx(4 / 7)
    # durations 30, 40 (102 crosses +02:00, still 40), 20, 50, 10, 25, 35 -> median 30
    assert b.build_minutes_before == pytest.approx(30)
    # completed non-deploy runs on any branch: the 7 above + 110 (PR) + 111 (feature/x) + 116 (Lint) = 10
    assert b.builds_per_month == pytest.approx(10 / months)
    # red streaks: 102 done 10-02 08:40Z -> 103 done 10-03 08:20Z = 23.67 h; 104 done 10-05 08:50Z -> 106 done
    # 10-06 08:25Z = 23.58 h; median 23.625 h
    assert b.red_to_green_hours_median == pytest.approx(23.625)
    assert b.deploys_per_month == pytest.approx(1 / months)  # 112 succeeded, 113 failed
    assert b.other_workflows == {"Lint": 1}
    assert b.malformed_count == 1 and b.malformed[0].where == "record [14]"
    assert b.counts["outside_window"] == 1


def test_github_rest_api_by_hand():
    b = load("github-rest-runs.json")
    months = 30.5 / MONTH  # window from the first start (01-01 00:00) to the last (01-31 12:00)
    assert b.counts["merges"] == 5  # the skipped run is a merge too
    assert b.merges_per_month == pytest.approx(5 / months)
    assert b.success_rate_before == pytest.approx(3 / 4)
    assert b.counts["skipped"] == 1
    assert b.build_minutes_before == pytest.approx(15.5)  # mean of 12, 20, 14, 16
    assert b.build_minutes_median == pytest.approx(15)
    assert b.red_to_green_hours_median == pytest.approx(7 * 24 - 6 / 60)  # 01-08 00:20 -> 01-15 00:14
    assert [s.reason for s in b.malformed] == ["start time missing or not an ISO 8601 timestamp"]


def test_gitlab_pipelines_by_hand():
    b = load("gitlab-pipelines.json", since="2026-03-01", until="2026-03-31")
    months = 30 / MONTH
    assert b.counts["merges"] == 5  # pipelines 1, 2, 3, 4, 6: pushes to main
    assert b.success_rate_before == pytest.approx(2 / 3)
    # duration 1500 s, 45 min elapsed (+01:00), 1800 s: mean (25 + 45 + 30) / 3, median 30
    assert b.build_minutes_before == pytest.approx(100 / 3)
    assert b.build_minutes_median == pytest.approx(30)
    assert b.builds_per_month == pytest.approx(5 / months)  # 1, 2, 3, 5 (merge request), 7 (develop)
    assert b.red_to_green_hours_median == pytest.approx(6 * 24 + 45 / 60)  # 03-05 09:45Z -> 03-11 10:30Z
    assert [(s.where, s.reason) for s in b.malformed] == [
        ("record [7]", "status not one this tool knows"),
        ("record [8]", "not a JSON object"),
    ]


def test_csv_by_hand():
    b = load("runs.csv", deploy_workflow="deploy*")
    months = 30 / MONTH  # 05-01 08:00Z to 05-31 08:00Z
    assert b.counts["merges"] == 5
    assert b.success_rate_before == pytest.approx(3 / 4)  # success, passed, success; failed
    assert b.build_minutes_before == pytest.approx(16.375)  # mean of 12.5, 20, 15, 18
    assert b.build_minutes_median == pytest.approx(16.5)
    assert b.red_to_green_hours_median == pytest.approx(19)  # 05-02 13:00Z (-05:00) -> 05-03 08:00Z
    assert b.deploys_per_month == pytest.approx(1 / months)
    assert [(s.where, s.reason) for s in b.malformed] == [
        ("line 6", "start time missing or not an ISO 8601 timestamp"),
        ("line 7", "duration_minutes is not a number"),
        ("line 8", "status not one this tool knows"),
        ("line 9", "has 6 fields, the header has 5"),
    ]
    assert "Skipped line 9: has 6 fields, the header has 5." in b.evidence()


runs = st.lists(
    st.tuples(st.integers(0, 60 * 24 * 90), st.sampled_from(["success", "failed", "cancelled", "skipped"])),
    min_size=2,
    max_size=200,
)


@given(runs=runs)
@settings(max_examples=60, deadline=None)
def test_success_rate_equals_the_counts_it_reports(runs):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lines = ["timestamp,branch,status,duration_minutes,workflow"]
    lines += [f"{(start + timedelta(minutes=m)).isoformat()},main,{s},5,ci" for m, s in runs]
    content = "\n".join(lines).encode()
    minutes = [m for m, _ in runs]
    completed = [s for _, s in runs if s in ("success", "failed")]
    if max(minutes) - min(minutes) < 24 * 60 or not completed:
        with pytest.raises(CIImportError):
            import_ci(content)
        return
    b = import_ci(content)
    c = b.counts
    assert c["succeeded"] == completed.count("success") and c["failed"] == completed.count("failed")
    assert b.success_rate_before == c["succeeded"] / (c["succeeded"] + c["failed"])
    assert c["merges"] == len(runs) == c["succeeded"] + c["failed"] + c["cancelled"] + c["skipped"]


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", {}, "is empty"),
        (b"hello world\n", {}, "is not a known CI export"),
        (b'{"foo": 1}', {}, "neither a GitHub Actions nor a GitLab"),
        (b"[]", {}, "empty JSON list"),
        (b"[1, 2", {"fmt": "github"}, "is not valid GitHub JSON"),
        ((CI / "gitlab-pipelines.json").read_bytes(), {"fmt": "github"}, "does not look like a GitHub Actions export"),
        ((CI / "runs.csv").read_bytes(), {"fmt": "gitlab"}, "is not valid GitLab JSON"),
        ((CI / "gh-run-list.json").read_bytes(), {"fmt": "csv"}, "is not a CI runs CSV"),
        ((CI / "runs.csv").read_bytes(), {"since": "2027-01-01"}, "has no runs in the window"),
        ((CI / "runs.csv").read_bytes(), {"since": "soon"}, "--since: must be a date"),
        ((CI / "runs.csv").read_bytes(), {"since": "2026-06-01", "until": "2026-05-01"}, "--until: must be after"),
        ((CI / "runs.csv").read_bytes(), {"branch": "trunk"}, "--branch: no runs on 'trunk'"),
        (
            b"timestamp,branch,status,duration_minutes,workflow\nx,main,success,1,ci\n",
            {},
            "all 1 records are malformed",
        ),
        (
            b"timestamp,branch,status,duration_minutes,workflow\n2026-01-01T00:00Z,main,success,1,ci\n",
            {},
            "a baseline needs a window of at least a day",
        ),
    ],
)
def test_bad_exports_are_clear_errors(content, options, message):
    fmt = options.pop("fmt", None)
    with pytest.raises(CIImportError) as info:
        import_ci(content, Options(**options), source="runs.x", fmt=fmt)
    assert any(message in line for line in info.value.lines()), info.value.lines()
    assert all(line.startswith("runs.x: ") or line.startswith("--") or "runs.x" in line for line in info.value.lines())


def test_cli_writes_a_new_scenario(runner, tmp_path):
    out = tmp_path / "baseline.toml"
    result = runner.invoke(app, ["import-ci", str(CI / "runs.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Success rate: 3 succeeded / 4 completed = 75.0 %" in result.output
    scenario = load_scenario(out)
    assert scenario.merges.success_rate_before == pytest.approx(0.75)
    assert scenario.builds is not None and scenario.builds.build_minutes_before == pytest.approx(16.375)


def test_cli_updates_only_the_baseline_fields(runner, tmp_path):
    target = tmp_path / "case.toml"
    target.write_text((ROOT / "scenarios" / "forum-post-realistic.toml").read_text())
    before = load_scenario(target)
    args = [
        "import-ci",
        str(CI / "gh-run-list.json"),
        "--into",
        str(target),
        "--since",
        "2026-10-01",
        "--until",
        "2026-10-31",
    ]
    result = runner.invoke(app, [*args, "--deploy-workflow", "Deploy*", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    after = load_scenario(target)
    assert after.merges.success_rate_before == pytest.approx(4 / 7)
    assert after.builds is not None and after.builds.build_minutes_before == pytest.approx(30)
    assert after.incidents is not None and after.incidents.deploys_per_month_before == pytest.approx(30.44 / 30)
    assert after.merges.fix_hours == before.merges.fix_hours and after.finance == before.finance
    assert after.investments == before.investments and after.name == before.name
    assert any(c.startswith("merges.success_rate_before: 0.708 -> 0.571429") for c in data["changes"])


def test_cli_into_a_scenario_without_builds_says_so(runner, tmp_path):
    target = tmp_path / "case.toml"
    target.write_text(FORUM.read_text())
    result = runner.invoke(app, ["import-ci", str(CI / "runs.csv"), "--into", str(target)])
    assert result.exit_code == 0, result.output
    assert "builds.build_minutes_before: not set, the scenario has no [builds] section" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import-ci", "no/such.csv"], "no/such.csv: cannot be read"),
        (["import-ci", str(CI / "runs.csv"), "--format", "jenkins"], "--format: must be one of github, gitlab, csv"),
        (["import-ci", str(CI / "runs.csv"), "--branch", "trunk"], "--branch: no runs on 'trunk'"),
        (["import-ci", str(CI / "runs.csv"), "--into", "no/such.toml"], "no/such.toml: cannot be read"),
    ],
)
def test_cli_bad_input_exits_2(runner, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output


def test_blank_lines_are_not_records():
    content = (
        b"timestamp,branch,status,duration_minutes,workflow\n2026-05-01T08:00:00Z,main,success,12.5,ci\n\n"
        b"2026-05-03T08:00:00Z,main,failed,15,ci\n   \n2026-05-04T08:00:00Z,main,success,15,ci"
    )
    b = import_ci(content)
    assert b.records_read == 3 and b.malformed_count == 0
    assert b.success_rate_before == pytest.approx(2 / 3)


def test_cli_unwritable_output_exits_2(runner, tmp_path):
    result = runner.invoke(app, ["import-ci", str(CI / "runs.csv"), "-o", str(tmp_path / "no-dir" / "x.toml")])
    assert result.exit_code == 2
    assert "x.toml: cannot write" in result.output


# ---------------------------------------------------------------- figures a CFO can trust


def test_non_finite_or_absurd_durations_are_malformed_and_never_averaged():
    b = load("runs-bad-durations.csv")
    bound = f"duration over {MAX_RUN_DAYS} days (MAX_RUN_MINUTES), not a plausible run"
    assert [(s.where, s.reason) for s in b.malformed] == [
        ("line 4", "duration_minutes is not a finite number"),  # Infinity
        ("line 5", "duration_minutes is not a finite number"),  # NaN
        ("line 6", "duration_minutes is not a finite number"),  # -inf
        ("line 7", "duration_minutes is not a finite number"),  # 1e400 overflows to infinity
        ("line 8", "negative duration"),
        ("line 9", bound),  # 10,081 minutes: a minute over a week
    ]
    assert MAX_RUN_MINUTES == 7 * 24 * 60
    assert b.counts["merges"] == 4 and b.success_rate_before == pytest.approx(3 / 4)
    assert b.build_minutes_before == pytest.approx(20)  # 10, 20, 30, 20: only the sane ones
    assert f"Skipped line 9: {bound}." in b.evidence()


def test_non_finite_or_absurd_json_durations_are_malformed():
    b = load("gitlab-bad-durations.json")
    assert [(s.where, s.reason) for s in b.malformed] == [
        ("record [2]", "duration is not a finite number"),  # 1e400
        ("record [3]", "duration is not a finite number"),  # NaN
        ("record [4]", "duration is not a finite number"),  # Infinity
        ("record [5]", "duration is not a finite number"),  # an integer of 401 digits
        ("record [6]", f"duration over {MAX_RUN_DAYS} days (MAX_RUN_MINUTES), not a plausible run"),  # 10 days
    ]
    assert b.build_minutes_before == pytest.approx(20)  # 20, 30 and 10 (no duration: 10 minutes elapsed)
    assert b.success_rate_before == pytest.approx(2 / 3)
    runs = [
        {"databaseId": 1, "workflowName": "CI", "headBranch": "main", "event": "push", "status": "completed",
         "conclusion": "success", "createdAt": "2026-10-01T09:00:00Z", "updatedAt": "2026-10-01T09:30:00Z"},
        {"databaseId": 2, "workflowName": "CI", "headBranch": "main", "event": "push", "status": "completed",
         "conclusion": "failure", "createdAt": "2026-10-02T09:00:00Z", "updatedAt": "2026-10-10T09:00:00Z"},
        {"databaseId": 3, "workflowName": "CI", "headBranch": "main", "event": "push", "status": "completed",
         "conclusion": "failure", "createdAt": "2026-10-05T09:00:00Z", "updatedAt": "2026-10-05T09:20:00Z"},
    ]  # fmt: skip
    b = import_ci(json.dumps(runs).encode())
    assert [(s.where, s.reason) for s in b.malformed] == [
        ("record [1]", f"duration over {MAX_RUN_DAYS} days (MAX_RUN_MINUTES), not a plausible run")
    ]
    assert b.build_minutes_before == pytest.approx(25)


@pytest.mark.parametrize("name", ["github-rest-in-progress.json", "gh-run-list-in-progress.json"])
def test_runs_in_progress_are_not_completed_not_malformed(name):
    # conclusion is null (REST) or "" (gh run list) until a run completes; status says queued, in progress...
    b = load(name)
    assert b.malformed_count == 0 and b.malformed == []
    assert b.counts["merges"] == 6 and b.counts["not_completed"] == 3
    assert (b.counts["succeeded"], b.counts["failed"]) == (2, 1)
    assert b.success_rate_before == pytest.approx(2 / 3)
    assert b.build_minutes_before == pytest.approx(20)  # 10, 20, 30: completed runs only
    assert any("3 not completed are reported, not counted" in line for line in b.evidence())


def test_a_conclusion_missing_on_a_completed_run_is_still_malformed():
    runs = json.loads((CI / "github-rest-runs.json").read_text())
    runs["workflow_runs"][0]["conclusion"] = None
    b = import_ci(json.dumps(runs).encode())
    assert [(s.where, s.reason) for s in b.malformed] == [
        ("record [0]", "conclusion missing on a completed run"),
        ("record [5]", "start time missing or not an ISO 8601 timestamp"),
    ]


def test_quoted_multi_line_csv_fields_are_read_and_lines_counted_right():
    b = load("runs-multiline.csv")
    build = "Build, test\nand lint"
    assert b.records_read == 8
    assert b.ci_workflow == build and b.other_workflows == {"ci": 1}
    assert b.counts["merges"] == 4  # lines 2, 4, 8 and 13
    assert (b.counts["succeeded"], b.counts["failed"]) == (3, 1)
    assert b.build_minutes_before == pytest.approx(21.25)  # mean of 10, 20, 30, 25
    assert b.build_minutes_median == pytest.approx(22.5)
    assert b.builds_per_month == pytest.approx(5 / (30 / MONTH))  # and ci on line 15
    assert [(s.where, s.reason) for s in b.malformed] == [
        ("line 6", "start time missing or not an ISO 8601 timestamp"),
        ("line 10", "has 6 fields, the header has 5"),
        ("line 11", "status not one this tool knows"),
    ]


def test_csv_rows_with_too_few_fields_are_reported_by_line():
    content = (
        b"timestamp,branch,status,duration_minutes,workflow\n2026-05-01T08:00:00Z,main,success,10,ci\n"
        b"2026-05-02T08:00:00Z,main,failed\n2026-05-03T08:00:00Z,main,failed,12,ci\n"
    )
    b = import_ci(content)
    assert [(s.where, s.reason) for s in b.malformed] == [("line 3", "has 3 fields, the header has 5")]
    assert b.records_read == 3


@pytest.mark.parametrize(
    ("content", "args"),
    [
        (b"", []),
        (b"  \n", ["--format", "csv"]),
        (b"[]", []),
        (b"[]", ["--format", "github"]),
        (b"[]", ["--format", "gitlab"]),
        (b'{"total_count": 0, "workflow_runs": []}', []),
        (b"timestamp,branch,status,duration_minutes,workflow\n", []),
        (b"\xef\xbb\xbftimestamp,branch,status,duration_minutes,workflow\r\n\r\n", []),
        (b'"timestamp","branch","status","duration_minutes","workflow"', []),
    ],
)
def test_cli_empty_exports_are_one_plain_line(runner, tmp_path, content, args):
    runs = tmp_path / "runs.export"
    runs.write_bytes(content)
    result = runner.invoke(app, ["import-ci", str(runs), *args])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{runs}: ") and lines[0].endswith("no runs to import"), lines


def test_cli_output_never_a_traceback_when_the_scenario_is_invalid(runner, tmp_path, monkeypatch):
    def broken(baseline):
        return {"schema_version": 1, "name": "x", "team": {"loaded_hourly_rate": -1}, "merges": {}}

    monkeypatch.setattr(ci_import, "starter_scenario", broken)
    out = tmp_path / "baseline.toml"
    result = runner.invoke(app, ["import-ci", str(CI / "runs.csv"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.output.splitlines()
    assert line.startswith(f"{out}: not written: the scenario made from the CI history is not valid: ")
    assert "team.loaded_hourly_rate: must be >= 0, got -1; merges.merges_per_month: is required" in line
    assert not out.exists()


def test_cli_output_from_a_long_branch_and_an_odd_file_name(runner, tmp_path):
    branch = "release/" + "x" * 250  # git allows it; a scenario name is at most 200 characters
    runs = tmp_path / "runs\x1b[31m.csv"  # a control character is legal in a file name
    rows = ["timestamp,branch,status,duration_minutes,workflow", f"2026-05-01T08:00:00Z,{branch},success,10,ci",
            f"2026-05-03T08:00:00Z,{branch},failed,20,ci"]  # fmt: skip
    runs.write_text("\n".join(rows))
    out = tmp_path / "baseline.toml"
    result = runner.invoke(app, ["import-ci", str(runs), "--branch", branch, "-o", str(out)])
    assert result.exit_code == 0, result.output
    scenario = load_scenario(out)
    assert len(scenario.name) <= 200 and scenario.name.startswith("Baseline from CI history (release/xxx")
    assert "\x1b" not in scenario.description and "runs?[31m.csv" in scenario.description


@pytest.mark.parametrize("name", ["no-dir/x.toml", "runs.csv/x.toml", "."])
def test_cli_output_that_cannot_be_written_exits_2(runner, tmp_path, name):
    (tmp_path / "runs.csv").write_bytes((CI / "runs.csv").read_bytes())
    out = tmp_path / name
    result = runner.invoke(app, ["import-ci", str(tmp_path / "runs.csv"), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    [line] = result.output.splitlines()
    assert line.startswith(f"{out}: cannot write: ")


USERS_CASE = """\
# Our case for the board. Do not reorder: finance reads it top to bottom.
schema_version = 1
name = "Platform team case"   # shown on the memo
description = "Numbers from Q3."

[merges]
# success_rate_before was measured by hand in September
success_rate_after = 0.94
merges_per_month   = 120     # from the merge queue
fix_hours = { low = 2, likely = 3, high = 4 }
success_rate_before = 0.70

[team]
loaded_hourly_rate = 150

[builds]
build_minutes_after = 10
builds_per_month = { low = 300, likely = 400, high = 600 }  # a guess
blocked_fraction = 0.2
build_minutes_before = 40

[finance]
horizon_months = 36
"""


def test_cli_into_keeps_the_users_file_but_the_baseline_values(runner, tmp_path):
    target = tmp_path / "case.toml"
    target.write_text(USERS_CASE)
    result = runner.invoke(app, ["import-ci", str(CI / "runs.csv"), "--into", str(target), "--json"])
    assert result.exit_code == 0, result.output
    # runs.csv over 30 days: 5 merges, 3 of 4 passed, 6 builds, mean build 16.375 minutes
    expected = (
        USERS_CASE.replace("merges_per_month   = 120     #", "merges_per_month   = 5.073333333     #")
        .replace("success_rate_before = 0.70", "success_rate_before = 0.75")
        .replace("builds_per_month = { low = 300, likely = 400, high = 600 }  #", "builds_per_month = 6.088  #")
        .replace("build_minutes_before = 40", "build_minutes_before = 16.375")
    )
    assert target.read_text() == expected
    data = json.loads(result.output)
    assert "builds.builds_per_month: 400 -> 6.088 (was a range, now measured)" in data["changes"]
    # the fixture is a small sample: said, not hidden
    assert data["warnings"] == [
        "only 5 runs on 'main' in the window, fewer than 50: the success rate and build time rest on few runs"
    ]
    scenario = load_scenario(target)
    assert scenario.merges.fix_hours == loads_scenario(USERS_CASE).merges.fix_hours


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("schema_version = 1\n", 'schema_version = 1\nbuilds = "fast"\n'), "builds: must be a table"),
        (("success_rate_after = 0.94", "success_rate_after = 1.5"), "merges.success_rate_after: must be <= 1"),
    ],
)
def test_cli_into_that_would_not_validate_leaves_the_file_untouched(runner, tmp_path, edit, message):
    target = tmp_path / "case.toml"
    case = USERS_CASE[: USERS_CASE.index("[builds]")] + USERS_CASE[USERS_CASE.index("[finance]") :]
    original = case.replace(*edit).encode()
    target.write_bytes(original)
    result = runner.invoke(app, ["import-ci", str(CI / "runs.csv"), "--into", str(target)])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert message in result.output and f"{target}: not written" in result.output
    assert target.read_bytes() == original


def test_cli_into_warns_when_the_measurement_leaves_no_planned_improvement(runner, tmp_path):
    target = tmp_path / "case.toml"
    case = (
        USERS_CASE.replace("success_rate_after = 0.94", "success_rate_after = 0.75")  # measured: 0.75
        .replace("build_minutes_after = 10", "build_minutes_after = 20")  # measured: 16.375
        .replace("[finance]", "[incidents]\n" + INCIDENTS + "\n[finance]")
    )
    target.write_text(case)
    args = ["import-ci", str(CI / "runs.csv"), "--into", str(target), "--deploy-workflow", "deploy*"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.output)["warnings"]
    assert [w.split(":")[0] for w in warnings] == [
        "only 5 runs on 'main' in the window, fewer than 50",
        "merges.success_rate_before",
        "builds.build_minutes_before",
        "incidents.deploys_per_month_before",
    ]
    assert "75.0 % of merges passing today, already at or above the 75.0 % the plan expects after" in warnings[1]
    assert "(merges.success_rate_after)" in warnings[1] and "zero or negative" in warnings[1]
    assert "16.4 minutes today, already as short as or shorter than the 20.0 minutes" in warnings[2]
    assert "1.0 deploys a month today, already at or above the 1.0" in warnings[3]
    target.write_text(case)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sum(line.startswith("warning: ") for line in result.output.splitlines()) == 4


INCIDENTS = """\
deploys_per_month_before = 20
deploys_per_month_after = 1   # measured: 1.0147
change_failure_rate_before = 0.15
change_failure_rate_after = 0.10
mttr_hours_before = 6
mttr_hours_after = 2
responders_per_incident = 3
downtime_cost_per_hour = 1000
"""


# ---------------------------------------------------------------- the package's parts


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("gh-run-list.json", "github-gh"),
        ("github-rest-runs.json", "github-rest"),
        ("gitlab-pipelines.json", "gitlab"),
        ("runs.csv", "csv"),
        ("runs-multiline.csv", "csv"),
    ],
)
def test_the_registry_names_the_provider_of_each_export(name, provider):
    assert ci_import.detect(ci_import.Content((CI / name).read_bytes())).name == provider
    assert ci_import.FORMATS == ("github", "gitlab", "csv")


def test_each_figure_carries_its_own_evidence():
    b = load("gh-run-list.json", since="2026-10-01", until="2026-10-31", deploy_workflow="Deploy*")
    names = ["merges_per_month", "success_rate_before", "build_minutes_before", "builds_per_month"]
    assert list(b.figures) == [*names, "red_to_green_hours_median", "deploys_per_month"]
    for figure in b.figures.values():
        assert figure.value == getattr(b, figure.name) and figure.window == b.window
        assert figure.evidence in b.evidence()
    success = b.figures["success_rate_before"]
    assert success.used == 7 and success.excluded == {"cancelled": 1, "skipped": 0, "not completed": 1}
    assert b.figures["deploys_per_month"].excluded == {"did not succeed": 1}  # 113 failed
    assert b.figures["merges_per_month"].excluded == {"not triggered by a push": 1, "of another workflow": 1}


def test_a_baseline_keeps_no_tables_so_it_caches_small():
    b = load("runs.csv")
    assert pickle.loads(pickle.dumps(b)).evidence() == b.evidence()
    assert len(pickle.dumps(b)) < 10_000


def test_a_format_is_a_provider_in_the_registry(monkeypatch):
    from roi.ci_import import formats, provider

    columns = ci_import.Columns(started="at", finished="at", branch="branch", status="result", workflow="job")

    def read(content):
        frame, skipped, n = provider.json_records(content.json("Example"), "builds", "Example")
        return ci_import.normalize(
            frame, columns, title="Sample CI", where=provider.record, records_read=n, skipped=skipped
        )

    example = ci_import.Provider(
        name="example",
        format="example",
        title="Sample CI",
        described="Sample CI JSON",
        is_json=True,
        detects=lambda content: content.is_json and "builds" in content.json(),
        read=read,
    )
    monkeypatch.setattr(formats, "PROVIDERS", (*formats.PROVIDERS, example))
    builds = [{"at": f"2026-02-0{d}T10:00:00Z", "branch": "main", "result": r, "job": "ci"} for d, r in
              [(1, "passed"), (2, "failed"), (3, "passed")]]  # fmt: skip
    b = import_ci(json.dumps({"builds": builds}).encode(), source="example.json")
    assert b.format == "Sample CI" and b.success_rate_before == pytest.approx(2 / 3)
    with pytest.raises(CIImportError, match="neither a GitHub Actions nor a GitLab pipelines nor a Sample CI export"):
        import_ci(b'{"jobs": []}')


def test_a_short_window_or_few_runs_is_warned_of(runner):
    # runs.csv: 5 merges over 30 days. A 10-day window extrapolates 3 runs to a month: both warnings, in the JSON
    # and as "warning:" lines.
    args = ["import-ci", str(CI / "runs.csv"), "--since", "2026-05-01", "--until", "2026-05-11"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    assert data["window_days"] == pytest.approx(10)
    assert data["warnings"][0].startswith("the window is 10.0 days, under four weeks: merges, builds and deploys")
    assert data["warnings"][1].startswith("only ")
    assert "fewer than 50" in data["warnings"][1]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert sum(line.startswith("warning: the window is 10.0 days") for line in result.output.splitlines()) == 1


def test_the_mean_build_time_is_priced_and_the_median_reported(runner):
    # runs.csv: completed merge builds of 12.5, 20, 15 and 18 minutes: mean 16.375, median 16.5
    data = json.loads(runner.invoke(app, ["import-ci", str(CI / "runs.csv"), "--json"]).output)
    assert data["build_minutes_before"] == pytest.approx(16.375)
    assert data["build_minutes_median"] == pytest.approx(16.5)
    assert data["values"]["builds.build_minutes_before"] == pytest.approx(16.375)
    assert any("mean of 4 completed runs = 16.4 (median 16.5)" in line for line in data["evidence"])
