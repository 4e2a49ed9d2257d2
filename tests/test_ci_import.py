"""A baseline from CI history: hand-computed figures per format, bad records, errors, and --into."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import CIImportError, load_scenario
from roi.ci_import import Options, detect_format, import_ci
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
    assert b.build_minutes_before == pytest.approx(15)  # 12, 20, 14, 16
    assert b.red_to_green_hours_median == pytest.approx(7 * 24 - 6 / 60)  # 01-08 00:20 -> 01-15 00:14
    assert [s.reason for s in b.malformed] == ["start time missing or not an ISO 8601 timestamp"]


def test_gitlab_pipelines_by_hand():
    b = load("gitlab-pipelines.json", since="2026-03-01", until="2026-03-31")
    months = 30 / MONTH
    assert b.counts["merges"] == 5  # pipelines 1, 2, 3, 4, 6: pushes to main
    assert b.success_rate_before == pytest.approx(2 / 3)
    assert b.build_minutes_before == pytest.approx(30)  # duration 1500 s, 45 min elapsed (+01:00), 1800 s
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
    assert b.build_minutes_before == pytest.approx(16.5)  # 12.5, 20, 15, 18
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
    assert "Success rate: 3 succeeded / 4 completed = 75.0%" in result.output
    scenario = load_scenario(out)
    assert scenario.merges.success_rate_before == pytest.approx(0.75)
    assert scenario.builds is not None and scenario.builds.build_minutes_before == pytest.approx(16.5)


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
