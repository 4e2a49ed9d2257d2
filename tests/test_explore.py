"""Share links: the parameters that turn the loaded file into the current case, and back."""

from __future__ import annotations

import pytest

from roi import evaluate, load_scenario
from roi.explore import apply_params, share_params
from roi.scenario import with_values
from tests.conftest import FORUM, ROOT

BUILDS = {"builds_per_month": 1000, "build_minutes_before": 47, "build_minutes_after": 10, "blocked_fraction": 0.5}


def test_a_link_that_switches_a_stream_on_reopens_it():
    base = load_scenario(FORUM)  # has no [builds]
    current = with_values(base, {"builds": BUILDS, "merges.fix_hours": 4})
    reopened, warnings = apply_params(base, share_params(base, current))
    assert warnings == []
    assert reopened == current
    assert evaluate(reopened).summary.payback_months == pytest.approx(evaluate(current).summary.payback_months)


def test_a_link_that_switches_a_stream_off_reopens_it():
    base = load_scenario(ROOT / "scenarios" / "series-b.toml")
    current = with_values(base, {"incidents": None})
    params = share_params(base, current)
    assert params == {"incidents": "off"}
    assert apply_params(base, params) == (current, [])


def test_an_incomplete_new_section_falls_back_and_says_so():
    base = load_scenario(FORUM)
    reopened, warnings = apply_params(base, {"builds.builds_per_month": "1000", "merges.fix_hours": "4"})
    assert reopened.builds is None and reopened.merges.fix_hours == 4
    missing = ("build_minutes_before", "build_minutes_after", "blocked_fraction")
    detail = "; ".join(f"builds.{name}: is required but missing" for name in missing)
    assert warnings == [f"URL parameters for builds were ignored: {detail}"]


def test_a_bad_value_in_a_new_section_is_named_and_the_section_falls_back():
    base = load_scenario(FORUM)
    params = {f"builds.{k}": str(v) for k, v in BUILDS.items()} | {"builds.blocked_fraction": "7"}
    reopened, warnings = apply_params(base, params)
    assert reopened.builds is None
    assert (
        warnings[0]
        == "URL parameter builds.blocked_fraction='7' was ignored: builds.blocked_fraction: must be <= 1, got 7"
    )
    assert warnings[1].startswith("URL parameters for builds were ignored: builds.blocked_fraction: is required")
