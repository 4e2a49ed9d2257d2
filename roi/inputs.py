"""The model's value keys: the names under which the flows, the Monte Carlo and the planner pass a case's numbers.

A case's numbers travel as a mapping from dotted keys ("investments.ci_cd.delivers.merges") to one value or an array
of draws (or of candidate plans). Each key is written here once, by reading the field it names off the scenario:
`key(lambda s: s.team.loaded_hourly_rate)` is "team.loaded_hourly_rate". mypy checks that attribute chain against the
pydantic models, so a renamed field fails the type check here; at import each key is checked against the registry.
The engine's readers take a `ValueKey`, so a string literal passed to them fails the type check too.

>>> FIX_HOURS
'merges.fix_hours'
>>> include("testing")
'investments.testing.include'
>>> delivers("ci_cd", "lead_time")
'investments.ci_cd.delivers.lead_time'
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NewType, TypeVar, cast

from roi.scenario import FIELDS, Delivers, Investment, Scenario, StreamSection
from roi.vocabulary import AREAS, STREAMS

ValueKey = NewType("ValueKey", str)
_T = TypeVar("_T")


class _Reading:
    """Stands in for a scenario and records the attributes read from it."""

    def __init__(self, names: tuple[str, ...] = ()) -> None:
        self._names = names

    def __getattr__(self, name: str) -> _Reading:
        return _Reading((*self._names, name))


def key(read: Callable[[Scenario], object]) -> ValueKey:
    """The dotted key of the scenario field `read` reads; a field the registry does not hold is a KeyError."""
    reading = read(cast(Scenario, _Reading()))
    dotted = ".".join(cast(_Reading, reading)._names)
    if dotted not in FIELDS:
        raise KeyError(f"{dotted}: no such field of a scenario")
    return ValueKey(dotted)


def _in(section: Callable[[Scenario], _T | None], read: Callable[[_T], object]) -> ValueKey:
    """The key of a field of a section a case may leave out (merges when lines stand in, builds, incidents, lead
    time): it names the field either way."""
    return key(lambda s: read(cast(_T, section(s))))


# The team, the AI tools and the finance section.
LOADED_HOURLY_RATE = key(lambda s: s.team.loaded_hourly_rate)
HOURS_PER_ENGINEER_QUARTER = key(lambda s: s.team.hours_per_engineer_quarter)
ENGINEER_TIME_RECAPTURE = key(lambda s: s.team.engineer_time_recapture)
AI_ANNUAL_SPEND = key(lambda s: s.ai_tools.annual_spend)
GROWTH_PER_YEAR = key(lambda s: s.growth.volume_growth_per_year)
RAMP_MONTHS = key(lambda s: s.finance.ramp_months)
ANNUAL_DISCOUNT_RATE = key(lambda s: s.finance.annual_discount_rate)
COST_RISK_ADJUSTMENT = key(lambda s: s.finance.cost_risk_adjustment)
INCLUDE_STAFF_COST = key(lambda s: s.finance.include_staff_cost)
HORIZON_MONTHS = key(lambda s: s.finance.horizon_months)

# The four streams' inputs.
MERGES_PER_MONTH = _in(lambda s: s.merges, lambda x: x.merges_per_month)
SUCCESS_RATE_BEFORE = _in(lambda s: s.merges, lambda x: x.success_rate_before)
SUCCESS_RATE_AFTER = _in(lambda s: s.merges, lambda x: x.success_rate_after)
FIX_HOURS = _in(lambda s: s.merges, lambda x: x.fix_hours)
BUILDS_PER_MONTH = _in(lambda s: s.builds, lambda x: x.builds_per_month)
BUILD_MINUTES_BEFORE = _in(lambda s: s.builds, lambda x: x.build_minutes_before)
BUILD_MINUTES_AFTER = _in(lambda s: s.builds, lambda x: x.build_minutes_after)
BLOCKED_FRACTION = _in(lambda s: s.builds, lambda x: x.blocked_fraction)
DEPLOYS_BEFORE = _in(lambda s: s.incidents, lambda x: x.deploys_per_month_before)
DEPLOYS_AFTER = _in(lambda s: s.incidents, lambda x: x.deploys_per_month_after)
CHANGE_FAILURE_RATE_BEFORE = _in(lambda s: s.incidents, lambda x: x.change_failure_rate_before)
CHANGE_FAILURE_RATE_AFTER = _in(lambda s: s.incidents, lambda x: x.change_failure_rate_after)
MTTR_HOURS_BEFORE = _in(lambda s: s.incidents, lambda x: x.mttr_hours_before)
MTTR_HOURS_AFTER = _in(lambda s: s.incidents, lambda x: x.mttr_hours_after)
RESPONDERS_PER_INCIDENT = _in(lambda s: s.incidents, lambda x: x.responders_per_incident)
DOWNTIME_COST_PER_HOUR = _in(lambda s: s.incidents, lambda x: x.downtime_cost_per_hour)
CHANGES_PER_MONTH = _in(lambda s: s.lead_time, lambda x: x.changes_per_month)
LEAD_TIME_DAYS_BEFORE = _in(lambda s: s.lead_time, lambda x: x.lead_time_days_before)
LEAD_TIME_DAYS_AFTER = _in(lambda s: s.lead_time, lambda x: x.lead_time_days_after)
COST_OF_DELAY_PER_CHANGE_DAY = _in(lambda s: s.lead_time, lambda x: x.cost_of_delay_per_change_day)

# Each area's investment, read through the area's own field of `investments`.
_AREA: dict[str, Callable[[Scenario], Investment]] = {
    "ci_cd": lambda s: s.investments.ci_cd,
    "testing": lambda s: s.investments.testing,
    "deployment": lambda s: s.investments.deployment,
    "observability": lambda s: s.investments.observability,
}
_SHARE: dict[str, Callable[[Delivers], object]] = {
    "merges": lambda d: d.merges,
    "builds": lambda d: d.builds,
    "incidents": lambda d: d.incidents,
    "lead_time": lambda d: d.lead_time,
}
_STREAM: dict[str, Callable[[Scenario], StreamSection | None]] = {
    "merges": lambda s: s.merges,
    "builds": lambda s: s.builds,
    "incidents": lambda s: s.incidents,
    "lead_time": lambda s: s.lead_time,
}
if tuple(_AREA) != AREAS or tuple(_SHARE) != STREAMS or tuple(_STREAM) != STREAMS:
    raise RuntimeError("roi.inputs: the areas and streams must be those of roi.vocabulary, in its order")


@functools.cache
def risk_adjustment(stream: str) -> ValueKey:
    """The share of the stream's benefit written off for risk."""
    return _in(_STREAM[stream], lambda x: x.risk_adjustment)


def _area_key(area: str, read: Callable[[Investment], object]) -> ValueKey:
    return key(lambda s: read(_AREA[area](s)))


@functools.cache  # built once per area or stream: the flows ask for each key on every run
def include(area: str) -> ValueKey:
    """1 when the plan funds the area, else 0 (an array of 0s and 1s across candidate plans)."""
    return _area_key(area, lambda i: i.include)


@functools.cache
def start_month(area: str) -> ValueKey:
    return _area_key(area, lambda i: i.start_month)


@functools.cache
def build_months(area: str) -> ValueKey:
    return _area_key(area, lambda i: i.build_months)


@functools.cache
def one_time(area: str) -> ValueKey:
    return _area_key(area, lambda i: i.one_time)


@functools.cache
def annual_recurring(area: str) -> ValueKey:
    return _area_key(area, lambda i: i.annual_recurring)


@functools.cache
def engineer_quarters(area: str) -> ValueKey:
    return _area_key(area, lambda i: i.engineer_quarters)


@functools.cache
def delivers(area: str, stream: str) -> ValueKey:
    """The share of the stream's improvement the area delivers (named, or the default attribution)."""
    return _area_key(area, lambda i: _SHARE[stream](i.delivers))


@functools.cache
def line_per_month(index: int) -> ValueKey:
    """The monthly amount of the case's own line `index` (0-based), when given per month."""
    if index < 0:
        raise KeyError(f"lines.{index}: a line's index is 0 or more")
    return ValueKey(f"lines.{index}.per_month")


#: Not a field: 1 where the plan's own lines count (the plan's row), 0 in the rows of each area alone.
LINES_PLAN = ValueKey("lines.plan")
