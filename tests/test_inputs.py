"""The model's value keys (roi/inputs.py): each names a field of the registry, and a wrong name fails mypy."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from mypy import api

from roi import inputs as vk
from roi.model import cash_flows, likely_values
from roi.scenario import FIELDS, load_scenario
from roi.vocabulary import AREAS, STREAMS

ROOT = Path(__file__).resolve().parent.parent
FORUM = ROOT / "scenarios" / "forum-post.toml"


def is_value_key(path: str) -> bool:
    """A field of the registry, a line's monthly amount, or the plan's flag for its lines."""
    parts = path.split(".")
    line = len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and parts[2] == "per_month"
    return path in FIELDS or line or path == vk.LINES_PLAN


def test_each_key_is_the_dotted_path_of_its_field():
    assert vk.FIX_HOURS == "merges.fix_hours"
    assert vk.BUILDS_PER_MONTH == "builds.builds_per_month"
    assert vk.risk_adjustment("lead_time") == "lead_time.risk_adjustment"
    assert vk.include("observability") == "investments.observability.include"
    assert vk.delivers("testing", "incidents") == "investments.testing.delivers.incidents"
    assert vk.line_per_month(2) == "lines.2.per_month"
    constants = [v for name, v in vars(vk).items() if name.isupper() and isinstance(v, str) and v != vk.LINES_PLAN]
    assert len(constants) == 30
    functions = [f(a) for f in (vk.include, vk.start_month, vk.build_months, vk.one_time) for a in AREAS]
    shares = [vk.delivers(a, s) for a in AREAS for s in STREAMS]
    assert all(k in FIELDS for k in [*constants, *functions, *shares])


def test_a_path_that_is_not_a_field_is_refused_when_the_key_is_made():
    with pytest.raises(KeyError, match=r"merges\.fix_hour: no such field"):
        vk.key(lambda s: s.merges.fix_hour)
    with pytest.raises(KeyError, match="security"):
        vk.include("security")
    with pytest.raises(KeyError):
        vk.line_per_month(-1)


def test_the_flows_read_only_value_keys_and_likely_values_gives_each():
    scenario = load_scenario(FORUM)
    values = likely_values(scenario)
    assert all(is_value_key(path) for path in values)
    read: set[str] = set()

    class Watched(dict):  # type: ignore[type-arg]
        def __getitem__(self, path: str):  # type: ignore[no-untyped-def]
            read.add(path)
            return super().__getitem__(path)

    cash_flows(scenario, Watched(values))
    assert read and all(is_value_key(path) for path in read)
    assert vk.include("ci_cd") in read and vk.FIX_HOURS in read


def test_a_renamed_field_or_a_literal_key_fails_the_type_check(tmp_path):
    """mypy sees the attribute chain of every key: a field read by a wrong name, or a dotted string given where the
    engine reads a value key, is a type error (mypy uses the project's cache, so this takes seconds after `make
    lint`)."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        textwrap.dedent(
            """
            from collections.abc import Callable

            from roi import inputs as vk

            RENAMED = vk.key(lambda s: s.team.loaded_rate)
            ANY_AREA = vk._area_key("ci_cd", lambda i: i.one_time_usd)
            def read(v: Callable[[vk.ValueKey], float]) -> float:
                return v("merges.fix_hours")
            """
        )
    )
    cache = str(ROOT / ".mypy_cache")
    out, _, status = api.run(["--strict", "--cache-dir", cache, "--no-error-summary", str(probe)])
    assert status == 1, out
    assert '"Team" has no attribute "loaded_rate"' in out, out
    assert '"Investment" has no attribute "one_time_usd"' in out, out
    assert 'Argument 1 has incompatible type "str"; expected "ValueKey"' in out, out
