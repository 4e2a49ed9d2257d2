"""A measured baseline into a scenario: a new one around it, the baseline fields of the inputs replaced, or the
user's scenario file edited in place with tomlkit (comments, key order and layout kept), with a warning for each
measured "before" that leaves the plan no improvement. User text (a branch, a file name) goes into a scenario's
name and description as plain text only; nothing is evaluated.
"""

from __future__ import annotations

import copy
import unicodedata
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

import tomlkit
import tomlkit.exceptions

from roi import formatting as fmt
from roi import inputs as vk
from roi.ci_import.baseline import Baseline
from roi.errors import Problem, ScenarioError
from roi.scenario import FIELDS, MAX_NAME_CHARS, Scenario, field_label, likely, parse_toml, scenario_from_dict


def _plain(text: str, limit: int) -> str:
    """Text from a file name or an export, fit for a scenario's name or description: no control characters, and
    at most `limit` characters."""
    clean = "".join("?" if unicodedata.category(c) in ("Cc", "Cs") else c for c in text)
    return clean if len(clean) <= limit else clean[: limit - 3] + "..."


def starter_scenario(baseline: Baseline, *, rounded: bool = False) -> dict[str, Any]:
    """A new scenario around a measured baseline; the non-measured inputs are starting assumptions, said so. Rounded
    as a reader writes the figures (`Baseline.rounded_values`) when asked."""
    values = baseline.rounded_values() if rounded else baseline.values()
    before = values[vk.SUCCESS_RATE_BEFORE]
    prefix = "Baseline from CI history ("
    data: dict[str, Any] = {
        "schema_version": 1,
        "name": f"{prefix}{_plain(baseline.branch, MAX_NAME_CHARS - len(prefix) - 1)})",
        "description": (
            f"Measured from {_plain(baseline.source, 1_000) or 'a CI export'} over {baseline.window_days:.0f} days: "
            "merges per month, success rate before, build minutes before, builds per month"
            + (", deploys per month" if baseline.deploys_per_month is not None else "")
            + ". Starting assumptions to replace with your own: the loaded rate, fix hours, the targets after "
            "the investment, the blocked fraction and the investments."
        ),
        "team": {"loaded_hourly_rate": 150},
        "merges": {
            "merges_per_month": values[vk.MERGES_PER_MONTH],
            "success_rate_before": before,
            "success_rate_after": max(before, 0.94),
            "fix_hours": {"low": 2, "likely": 3, "high": 4},
        },
    }
    if vk.BUILD_MINUTES_BEFORE in values:
        minutes = values[vk.BUILD_MINUTES_BEFORE]
        data["builds"] = {
            "builds_per_month": values[vk.BUILDS_PER_MONTH],
            "build_minutes_before": minutes,
            "build_minutes_after": min(minutes, 10),
            "blocked_fraction": 0.2,
        }
    return data


def _shown(old: Any) -> str:
    if old is None:
        return "(not set)"
    if isinstance(old, Mapping):
        return repr(old["likely"]) if "likely" in old else f"{old.get('low')!r} to {old.get('high')!r}"
    return repr(old)


#: Each measured "before" and the plan's "after" beside it: a CI history measures today, never the plan's target.
AFTER_OF: dict[str, str] = {
    vk.SUCCESS_RATE_BEFORE: vk.SUCCESS_RATE_AFTER,
    vk.BUILD_MINUTES_BEFORE: vk.BUILD_MINUTES_AFTER,
    vk.DEPLOYS_BEFORE: vk.DEPLOYS_AFTER,
}
#: What a new case around a CI history assumes beside the measured figures: each is the user's to replace.
ASSUMED = (vk.LOADED_HOURLY_RATE, vk.FIX_HOURS, *AFTER_OF.values(), vk.BLOCKED_FRACTION)


def _at(data: Mapping[str, Any], path: str) -> Any:
    section, name = path.split(".")
    table = data.get(section)
    return table.get(name) if isinstance(table, Mapping) else None


def _value_words(path: str, value: Any) -> str:
    if isinstance(value, Mapping):
        return " to ".join(FIELDS[path].show(float(value[p])) for p in ("low", "high") if p in value)
    return FIELDS[path].show(float(value))


def after_left_alone(data: Mapping[str, Any], measured: Iterable[str]) -> list[str]:
    """For each measured "before", the "after" the import left as it was, in words (it is the plan's target)."""
    out = []
    for before in measured:
        after = AFTER_OF.get(before)
        value = _at(data, after) if after else None
        if after and value is not None:
            out.append(
                f"{field_label(after)} left at {_value_words(after, value)}: the CI history measures today, not the "
                "plan's target; set it yourself"
            )
    return out


def assumed_after(data: Mapping[str, Any]) -> list[str]:
    """What a new case around a CI history assumes rather than measures, in words: each is the user's to set."""
    return [
        f"{field_label(path)}: {_value_words(path, value)} is a starting assumption, not measured; set your own"
        for path in ASSUMED
        if (value := _at(data, path)) is not None
    ]


def apply_baseline(
    data: Mapping[str, Any], baseline: Baseline, *, rounded: bool = True
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Scenario data with only the baseline fields replaced; what changed, and what was left and why (the "after"
    values beside the measured ones are always left as they were, and said so).

    A range the file gave for a measured field (`builds_per_month = { low = 900, likely = 1200, high = 1600 }`)
    becomes the measured number: the measurement replaces the estimate, and the change says so. The values are
    rounded as a reader writes them unless `rounded` is False (the CLI's file edit keeps ten digits).
    """
    out = copy.deepcopy(dict(data))
    changed, left, applied = [], [], []
    values = baseline.rounded_values() if rounded else baseline.values()
    for path, value in values.items():
        section, name = path.split(".")
        table = out.get(section)
        if section not in out:
            left.append(f"{path}: not set, the scenario has no [{section}] section")
            continue
        if not isinstance(table, MutableMapping):
            left.append(f"{path}: not set, {section} in the scenario is not a [{section}] section")
            continue
        old = table.get(name)
        table[name] = value
        note = " (was a range, now measured)" if isinstance(old, Mapping) else ""
        changed.append(f"{path}: {_shown(old)} -> {value:.6g}{note}")
        applied.append(path)
    return out, changed, left + after_left_alone(out, applied)


def no_improvement(scenario: Scenario, measured: Iterable[str]) -> list[str]:
    """Warnings, in a CFO's words, for each measured "before" that is already as good as the plan's "after"."""
    paths = set(measured)
    warnings = []
    m, b, i = scenario.merges, scenario.builds, scenario.incidents
    if vk.SUCCESS_RATE_BEFORE in paths and m is not None:
        before, after = likely(m.success_rate_before), likely(m.success_rate_after)
        if before >= after:
            warnings.append(
                f"merges.success_rate_before: the CI history shows {fmt.pct(before)} of merges passing today, "
                f"already at or above the {fmt.pct(after)} the plan expects after the investment "
                "(merges.success_rate_after). The plan shows no saving from fewer failed merges; that benefit is "
                "zero or negative until the target is revised."
            )
    if b is not None and vk.BUILD_MINUTES_BEFORE in paths:
        before, after = likely(b.build_minutes_before), likely(b.build_minutes_after)
        if before <= after:
            warnings.append(
                f"builds.build_minutes_before: the CI history shows builds taking {before:,.1f} minutes today, "
                f"already as short as or shorter than the {after:,.1f} minutes the plan expects after the "
                "investment (builds.build_minutes_after). The plan shows no time saved waiting for builds; that "
                "benefit is zero or negative until the target is revised."
            )
    if i is not None and vk.DEPLOYS_BEFORE in paths:
        before, after = likely(i.deploys_per_month_before), likely(i.deploys_per_month_after)
        if before >= after:
            warnings.append(
                f"incidents.deploys_per_month_before: the CI history shows {before:,.1f} deploys a month today, "
                f"already at or above the {after:,.1f} the plan expects after the investment "
                "(incidents.deploys_per_month_after). The plan shows no gain in how often the team ships; revise "
                "the target."
            )
    return warnings


@dataclass(frozen=True)
class Written:
    """A scenario file's new text, the scenario it validates to, and what the baseline did to it."""

    text: str
    scenario: Scenario
    changes: list[str]
    left: list[str]
    warnings: list[str]


def update_scenario(content: bytes, baseline: Baseline, source: str = "") -> Written:
    """The user's scenario file with only the baseline values replaced; comments, key order and layout kept.

    Edited with tomlkit. The new text must read back (with the standard library) to exactly the file's data with
    the measured values in, and that data must validate; otherwise ScenarioError, naming `source`, and nothing is
    to be written.
    """
    data = parse_toml(content, source)
    expected, changes, left = apply_baseline(data, baseline, rounded=False)
    scenario = scenario_from_dict(expected, source)
    measured = [path for path in baseline.values() if isinstance(data.get(path.split(".")[0]), Mapping)]
    try:
        doc = tomlkit.parse(content.decode("utf-8").removeprefix("\ufeff"))  # parse_toml reads a BOM; tomlkit does not
        for path in measured:
            section, name = path.split(".")
            table = doc.get(section)
            if not isinstance(table, MutableMapping):
                raise ScenarioError([Problem(section, "cannot be edited in place")], source)
            table[name] = baseline.values()[path]
        text = tomlkit.dumps(doc)
    except tomlkit.exceptions.TOMLKitError as exc:
        raise ScenarioError([Problem("", f"cannot be edited in place: {exc}")], source) from None
    if parse_toml(text, source) != expected:
        raise ScenarioError([Problem("", "cannot be edited in place without changing more than the baseline")], source)
    return Written(text, scenario, changes, left, no_improvement(scenario, measured))
