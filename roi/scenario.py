"""The scenario file, format v3 (docs/method.md): pydantic models, loading, overrides and lossless TOML output.

Every field carries its `FieldSpec` (roi/fields.py): its validator and its description at once. `FIELDS` collects
them by dotted path for everything that names, bounds or shows an input.
"""

from __future__ import annotations

import copy
import difflib
import functools
import itertools
import json
import math
import tomllib
import types
import typing
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from roi import files
from roi.errors import Problem, ScenarioError
from roi.fields import (
    MAX_HOURLY_USD,
    MAX_HOURS,
    MAX_MONTHS,
    MAX_PEOPLE,
    MAX_PER_MONTH,
    MAX_USD,
    Bounds,
    FieldSpec,
    Range,
    Value,
    WholeValue,
    describe,
    fail,
    format_number,
    likely,
    number,
    round_half_up,
    three_point,
)
from roi.vocabulary import (
    AREA_LABELS,
    AREAS,
    DEFAULT_ATTRIBUTION,
    OPTIONAL_SECTIONS,
    RANGED_SECTIONS,
    READABLE_VERSIONS,
    SCHEMA_VERSION,
    SECTIONS,
    STREAM_LABELS,
    STREAMS,
)

__all__ = [
    "AREAS",
    "AREA_LABELS",
    "DEFAULT_ATTRIBUTION",
    "OPTIONAL_SECTIONS",
    "RANGED_SECTIONS",
    "READABLE_VERSIONS",
    "SCHEMA_VERSION",
    "SECTIONS",
    "STREAMS",
    "STREAM_LABELS",
    "Bounds",
    "FieldSpec",
    "Range",
    "format_number",
    "likely",
    "round_half_up",
    "three_point",
]

SHARE_TOLERANCE = 1e-6
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 20_000
#: Keys a schema_version = 1 file may not use, by dotted path ("*" any area).
RANGES_ARE = ("min_max", "p10_p90")
V2_KEYS = (
    "uncertainty",
    "team.engineer_time_recapture",
    "finance.cost_risk_adjustment",
    "investments.*.start_month",
    "investments.*.build_months",
    "investments.*.include",
    "investments.*.delivers",
)
#: Keys a schema_version 1 or 2 file may not use (ranged shares and a ranged discount rate are checked apart).
V3_KEYS = ("team.engineers", "finance.continuing_months", "lines")


def _flag(spec: FieldSpec, value: Any) -> bool:
    if not isinstance(value, bool):
        raise fail(f"must be true or false, got {describe(value)}")
    return value


def _text(max_chars: int, required: bool) -> Any:
    def check(spec: FieldSpec, value: Any) -> str:
        if not isinstance(value, str):
            raise fail(f"must be text in quotes, got {describe(value)}")
        if required and not value.strip():
            raise fail("must not be empty")
        if len(value) > max_chars:
            raise fail(f"must be at most {max_chars} characters, got {len(value)}")
        allowed = "" if required else "\t\n\r"
        bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs") and c not in allowed), None)
        if bad is not None:
            raise fail(f"must not contain control characters, found U+{ord(bad):04X}")
        return value

    return check


def _schema_version(spec: FieldSpec, value: Any) -> int:
    if isinstance(value, bool) or value not in READABLE_VERSIONS:
        raise fail(f"must be 1, 2 or 3 (this tool reads format v1 to v3 and writes v3), got {describe(value)}")
    return SCHEMA_VERSION  # a v1 or v2 file means what a v3 file without the newer keys means


def _spec(
    label: str,
    unit: str,
    kind: Any,
    help: str,
    *,
    ge: float | None = 0.0,
    le: float | None = None,
    gt: float | None = None,
    lt: float | None = None,
    ranged: bool = True,
    whole: bool = False,
) -> FieldSpec:
    return FieldSpec(label, unit, kind, help, Bounds(ge=ge, le=le, gt=gt, lt=lt), ranged, whole)


def _share(label: str, help: str, *, ranged: bool = True) -> FieldSpec:
    return _spec(label, "share", "share", help, le=1.0, ranged=ranged)


def _flag_spec(label: str, help: str) -> FieldSpec:
    return FieldSpec(label, "", "flag", help, check=_flag)


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Team(Section):
    loaded_hourly_rate: Annotated[
        Value,
        _spec(
            "Loaded cost of an engineer-hour",
            "USD/h",
            "money",
            "Salary, benefits, payroll taxes and overhead of one engineer-hour.",
            le=MAX_HOURLY_USD,
        ),
    ]
    hours_per_engineer_quarter: Annotated[
        Value,
        _spec(
            "Working hours in an engineer-quarter", "h", "hours", "40 hours a week for 13 weeks is 520.", le=13 * 7 * 24
        ),
    ] = 520.0
    engineer_time_recapture: Annotated[
        Value,
        _share(
            "Share of freed engineer time that becomes value",
            "Freed hours are capacity, not cash: the share of them that turns into work worth the loaded rate "
            "(1 counts every hour; finance teams often accept 0.5 to 0.8).",
        ),
    ] = 1.0
    engineers: Annotated[
        float | None,
        _spec(
            "Engineers on the team",
            "people",
            "people",
            "Head count, to say how many engineers' worth of time the plan frees (optional).",
            ge=None,
            gt=0.0,
            le=MAX_PEOPLE,
            ranged=False,
            whole=True,
        ),
    ] = None


class AiTools(Section):
    annual_spend: Annotated[
        Value,
        _spec(
            "AI coding tools spend per year",
            "USD/yr",
            "money",
            "What the company spends on AI coding tools; used for the delivery-to-AI spend ratio only.",
            le=MAX_USD,
        ),
    ] = 0.0


class StreamSection(Section):
    """A benefit stream's section: each owns the share of its benefit written off for risk."""

    risk_adjustment: Annotated[
        Value,
        _spec(
            "Share of this benefit written off for risk",
            "share",
            "share",
            "Forrester TEI style: a gain is multiplied by (1 - r), a loss by (1 + r), so risk never improves a case.",
            lt=1.0,
        ),
    ] = 0.0


class Merges(StreamSection):
    merges_per_month: Annotated[
        Value,
        _spec(
            "Merges to main per month",
            "merges/mo",
            "count",
            "Pull requests merged to the main branch a month.",
            le=MAX_PER_MONTH,
        ),
    ]
    success_rate_before: Annotated[
        Value, _share("Main-branch success rate today", "Share of merges to main whose build passes today.")
    ]
    success_rate_after: Annotated[
        Value, _share("Main-branch success rate after", "Share of merges to main that pass once the plan is live.")
    ]
    fix_hours: Annotated[
        Value,
        _spec(
            "Hours to fix one failed merge",
            "h",
            "hours",
            "Hours to diagnose, fix and re-test one failed merge.",
            le=MAX_HOURS,
        ),
    ]


class Builds(StreamSection):
    builds_per_month: Annotated[
        Value, _spec("CI builds per month", "builds/mo", "count", "Builds run by CI a month.", le=MAX_PER_MONTH)
    ]
    build_minutes_before: Annotated[
        Value,
        _spec(
            "Build time today",
            "min",
            "minutes",
            "Average minutes from push to a build result today.",
            le=60 * MAX_HOURS,
        ),
    ]
    build_minutes_after: Annotated[
        Value,
        _spec("Build time after", "min", "minutes", "Average build minutes once the plan is live.", le=60 * MAX_HOURS),
    ]
    blocked_fraction: Annotated[
        Value,
        _share(
            "Share of build time an engineer waits idle",
            "Of each build's minutes, the share an engineer really waits instead of working on something else.",
        ),
    ]


class Incidents(StreamSection):
    deploys_per_month_before: Annotated[
        Value,
        _spec(
            "Production deploys per month today",
            "deploys/mo",
            "count",
            "Deploys to production a month today.",
            le=MAX_PER_MONTH,
        ),
    ]
    deploys_per_month_after: Annotated[
        Value,
        _spec(
            "Production deploys per month after",
            "deploys/mo",
            "count",
            "Deploys a month once the plan is live.",
            le=MAX_PER_MONTH,
        ),
    ]
    change_failure_rate_before: Annotated[
        Value, _share("Deploys that cause an incident today", "DORA's change failure rate today.")
    ]
    change_failure_rate_after: Annotated[
        Value, _share("Deploys that cause an incident after", "DORA's change failure rate once the plan is live.")
    ]
    mttr_hours_before: Annotated[
        Value,
        _spec(
            "Hours to recover from an incident today", "h", "hours", "DORA's mean time to recovery today.", le=MAX_HOURS
        ),
    ]
    mttr_hours_after: Annotated[
        Value,
        _spec(
            "Hours to recover from an incident after",
            "h",
            "hours",
            "Mean time to recovery once the plan is live.",
            le=MAX_HOURS,
        ),
    ]
    responders_per_incident: Annotated[
        Value,
        _spec(
            "Engineers pulled into each incident",
            "people",
            "people",
            "Engineers who stop their work per incident.",
            le=MAX_PEOPLE,
        ),
    ]
    downtime_cost_per_hour: Annotated[
        Value,
        _spec(
            "Business cost of one hour of outage",
            "USD/h",
            "money",
            "Revenue lost, penalties and customer impact of one hour of incident.",
            le=MAX_USD,
        ),
    ]


class LeadTime(StreamSection):
    changes_per_month: Annotated[
        Value,
        _spec(
            "Changes shipped per month",
            "changes/mo",
            "count",
            "Changes that reach production a month.",
            le=MAX_PER_MONTH,
        ),
    ]
    lead_time_days_before: Annotated[
        Value, _spec("Lead time today", "days", "days", "Days from commit to production today.", le=3_650)
    ]
    lead_time_days_after: Annotated[
        Value,
        _spec("Lead time after", "days", "days", "Days from commit to production once the plan is live.", le=3_650),
    ]
    cost_of_delay_per_change_day: Annotated[
        Value,
        _spec(
            "Value a change forgoes per day of waiting",
            "USD",
            "money",
            "What one change is worth per day it reaches customers sooner.",
            le=MAX_USD,
        ),
    ]


class Growth(Section):
    volume_growth_per_year: Annotated[
        Value,
        _spec(
            "Growth of work volume per year",
            "share/yr",
            "share",
            "How fast merges, builds, deploys and changes grow; scales every stream.",
            ge=None,
            gt=-1.0,
            le=10.0,
        ),
    ] = 0.0


_DELIVERS_HELP = (
    "Share of this stream's improvement the area brings; a stream's named shares sum to 1 over the four areas, "
    "and a stream no area names follows the default attribution."
)


class Delivers(Section):
    """Which share of each stream's improvement an area brings (a stream not named here: 0 or the default)."""

    merges: Annotated[Value | None, _share("Share of the failed-merge improvement", _DELIVERS_HELP)] = None
    builds: Annotated[Value | None, _share("Share of the build-time improvement", _DELIVERS_HELP)] = None
    incidents: Annotated[Value | None, _share("Share of the incident improvement", _DELIVERS_HELP)] = None
    lead_time: Annotated[Value | None, _share("Share of the lead-time improvement", _DELIVERS_HELP)] = None

    def named(self) -> dict[str, float]:
        """The shares the file names, at their likely values."""
        return {s: likely(v) for s, v in self.named_values().items()}

    def named_values(self) -> dict[str, Value]:
        """The shares the file names, as written (a number or a range)."""
        return {s: v for s in STREAMS if (v := getattr(self, s)) is not None}


class Investment(Section):
    one_time: Annotated[
        Value,
        _spec(
            "One-time cost",
            "USD",
            "money",
            "Infrastructure, tools and licences bought when the work starts.",
            le=MAX_USD,
        ),
    ] = 0.0
    annual_recurring: Annotated[
        Value,
        _spec(
            "Recurring cost per year",
            "USD/yr",
            "money",
            "Paid monthly from the month after the work starts.",
            le=MAX_USD,
        ),
    ] = 0.0
    engineer_quarters: Annotated[
        Value,
        _spec(
            "Engineer-quarters of work",
            "eng-qtrs",
            "count",
            "Staff time to build it, priced at the loaded rate and spread over the build months.",
            le=MAX_PEOPLE,
        ),
    ] = 0.0
    start_month: Annotated[
        int,
        _spec(
            "Start month",
            "months",
            "months",
            "Whole months after the decision date when work starts.",
            le=MAX_MONTHS,
            ranged=False,
            whole=True,
        ),
    ] = 0
    build_months: Annotated[
        WholeValue,
        _spec(
            "Months to go live",
            "months",
            "months",
            "Whole months of work until it goes live and benefits start.",
            le=MAX_MONTHS,
            whole=True,
        ),
    ] = 0
    include: Annotated[
        bool, _flag_spec("Fund this area", "false keeps the numbers but leaves the area out of the plan.")
    ] = True
    delivers: Delivers = Field(default_factory=Delivers)


class Investments(Section):
    ci_cd: Investment = Field(default_factory=Investment, description="CI/CD pipeline modernization")
    testing: Investment = Field(default_factory=Investment, description="automated testing infrastructure")
    deployment: Investment = Field(default_factory=Investment, description="deployment automation and rollback")
    observability: Investment = Field(default_factory=Investment, description="observability and monitoring")

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> Investments:
        for stream in STREAMS:
            named = {a: getattr(self, a).delivers.named().get(stream) for a in AREAS}
            if all(v is None for v in named.values()):
                continue
            shares = {a: v or 0.0 for a, v in named.items()}
            total = sum(shares.values())
            if abs(total - 1) > SHARE_TOLERANCE:
                listed = ", ".join(f"{a} {format_number(v)}" for a, v in shares.items() if v)
                raise fail(
                    f"delivers.{stream}: the four areas' shares of {stream} must sum to 1, got "
                    f"{format_number(round(total, 9))} ({listed or 'all 0'})"
                )
        return self


class Finance(Section):
    horizon_months: Annotated[
        int,
        _spec(
            "Horizon",
            "months",
            "months",
            "Months of cash flow counted after the decision date (1 to 240).",
            ge=1,
            le=MAX_MONTHS,
            ranged=False,
            whole=True,
        ),
    ] = 36
    annual_discount_rate: Annotated[
        Value,
        _spec(
            "Discount rate per year",
            "share/yr",
            "rate",
            "The cost of capital, or the hurdle rate the plan must beat; Forrester TEI uses 10 %.",
            le=1.0,
        ),
    ] = 0.10
    continuing_months: Annotated[
        int,
        _spec(
            "Months the plan keeps running after the horizon",
            "months",
            "months",
            "Benefits and recurring costs run on this many months past the horizon; their present value is the "
            "continuing value, shown beside the horizon's NPV (0 to 240).",
            le=MAX_MONTHS,
            ranged=False,
            whole=True,
        ),
    ] = 0
    ramp_months: Annotated[
        Value,
        _spec(
            "Months to full benefit",
            "months",
            "months",
            "Each area's benefit grows linearly to full over this many months from its go-live.",
            le=MAX_MONTHS,
        ),
    ] = 0.0
    include_staff_cost: Annotated[
        bool, _flag_spec("Count staff cost", "Price the engineer-quarters into the plan at the loaded rate.")
    ] = True
    cost_risk_adjustment: Annotated[
        float,
        _spec(
            "Cost risk added to every cost",
            "share",
            "share",
            "TEI's cost risk: every cost is multiplied by (1 + this); 0.1 adds 10 %.",
            le=5.0,
            ranged=False,
        ),
    ] = 0.0


def _ranges_are(spec: FieldSpec, value: Any) -> str:
    if value not in RANGES_ARE:
        raise fail(f"must be one of {', '.join(repr(r) for r in RANGES_ARE)}, got {describe(value)}")
    return str(value)


def _inputs(spec: FieldSpec, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"must be a list of dotted input paths in quotes, got {describe(value)}")
    if len(value) < 2:
        raise fail(f"must name at least two inputs, got {len(value)}")
    if len(set(value)) != len(value):
        raise fail("names an input twice")
    return list(value)


class Correlated(Section):
    """A group of ranged inputs that move together: Spearman's rho between every pair of them."""

    inputs: Annotated[
        list[str],
        FieldSpec("Inputs that move together", "", "text", "Dotted paths of ranged inputs.", check=_inputs),
    ]
    rank_correlation: Annotated[
        float,
        _spec(
            "Rank correlation",
            "",
            "rate",
            "Spearman's rho between every pair of the group's inputs; negative when one rises as the other falls.",
            ge=None,
            gt=-1.0,
            lt=1.0,
            ranged=False,
        ),
    ]


class Uncertainty(Section):
    """How the Monte Carlo reads the ranges: what low and high mean, and which inputs move together."""

    ranges_are: Annotated[
        str,
        FieldSpec(
            "What a range's low and high are",
            "",
            "text",
            '"min_max": the least and most it can be; "p10_p90": a 1-in-10 low and a 1-in-10 high.',
            check=_ranges_are,
        ),
    ] = "min_max"
    correlated: list[Correlated] = Field(default_factory=list)


LINE_TYPES = ("benefit", "cost")
LINE_NATURES = ("cash", "time")
MAX_LINES = 100
#: A by_year table: Initial, then Year 1 .. Year 40 (the longest horizon and continuing months, 480 months).
MAX_LINE_YEARS = 41


def _one_of(choices: tuple[str, ...]) -> Any:
    def check(spec: FieldSpec, value: Any) -> str:
        if value not in choices:
            raise fail(f"must be one of {', '.join(repr(c) for c in choices)}, got {describe(value)}")
        return str(value)

    return check


def _area_name(spec: FieldSpec, value: Any) -> str:
    if value not in AREAS:
        hint = difflib.get_close_matches(str(value), AREAS, n=1)
        raise fail(
            f"must be one of {', '.join(repr(a) for a in AREAS)}, got {describe(value)}"
            + (f" (did you mean {hint[0]!r}?)" if hint else "")
        )
    return str(value)


_LINE_AMOUNT = Bounds(ge=0.0, le=MAX_USD)


def _by_year(spec: FieldSpec, value: Any) -> list[float]:
    if not isinstance(value, list):
        raise fail(f"must be a list of amounts in USD, [Initial, Year 1, Year 2, ...], got {describe(value)}")
    if not 1 <= len(value) <= MAX_LINE_YEARS:
        raise fail(f"must have 1 to {MAX_LINE_YEARS} entries (Initial, then Year 1 ...), got {len(value)}")
    return [number(x, _LINE_AMOUNT, f"entry {i}") for i, x in enumerate(value)]


class Line(Section):
    """A benefit or cost line of the user's own (TEI style): cash or engineer time, per month or by plan year."""

    name: Annotated[
        str, FieldSpec("Line", "", "text", "What the line is, in plain words.", check=_text(MAX_NAME_CHARS, True))
    ]
    type: Annotated[str, FieldSpec("Benefit or cost", "", "text", '"benefit" or "cost".', check=_one_of(LINE_TYPES))]
    nature: Annotated[
        str,
        FieldSpec(
            "Cash or engineer time",
            "",
            "text",
            '"cash": money paid or saved; "time": engineer time valued at the loaded rate.',
            check=_one_of(LINE_NATURES),
        ),
    ] = "cash"
    area: Annotated[
        str | None,
        FieldSpec(
            "Area",
            "",
            "text",
            "The area the line belongs to: it counts only when that area is funded, and a per-month line starts "
            "after the area goes live, with its ramp. Without an area, the line belongs to the plan as a whole.",
            check=_area_name,
        ),
    ] = None
    per_month: Annotated[
        Value | None,
        _spec("Amount per month", "USD/mo", "money", "USD a month from month 1 (or from go-live).", le=MAX_USD),
    ] = None
    by_year: Annotated[
        list[float] | None,
        FieldSpec(
            "Amount by plan year",
            "USD",
            "money",
            "[Initial, Year 1, Year 2, ...]: Initial at month 0, Year n at month 12 n (the TEI convention).",
            check=_by_year,
        ),
    ] = None
    risk_adjustment: Annotated[
        float,
        _spec(
            "Risk adjustment",
            "share",
            "share",
            "A benefit is multiplied by (1 - r), 0 <= r < 1; a cost by (1 + r), 0 <= r <= 5.",
            le=5.0,
            ranged=False,
        ),
    ] = 0.0

    @model_validator(mode="after")
    def _one_schedule_and_a_fitting_risk(self) -> Line:
        if (self.per_month is None) == (self.by_year is None):
            raise fail("give either per_month (USD a month) or by_year ([Initial, Year 1, ...]), not both or neither")
        if self.type == "benefit" and self.risk_adjustment >= 1:
            raise fail(f"risk_adjustment: a benefit's must be < 1, got {format_number(self.risk_adjustment)}")
        return self

    @property
    def is_benefit(self) -> bool:
        return self.type == "benefit"


class Scenario(Section):
    """One business case: the inputs of the model in docs/method.md, validated."""

    schema_version: Annotated[
        int, FieldSpec("Format version", "", "count", "1, 2 or 3; the tool writes 3.", check=_schema_version)
    ]
    name: Annotated[
        str,
        FieldSpec("Name", "", "text", "The case's title, shown on every output.", check=_text(MAX_NAME_CHARS, True)),
    ]
    description: Annotated[
        str,
        FieldSpec(
            "Description",
            "",
            "text",
            "Free text: the assumptions behind the numbers.",
            check=_text(MAX_DESCRIPTION_CHARS, False),
        ),
    ] = ""
    team: Team
    ai_tools: AiTools = Field(default_factory=AiTools)
    merges: Merges | None = None  # required unless the case has lines of its own
    builds: Builds | None = None
    incidents: Incidents | None = None
    lead_time: LeadTime | None = None
    growth: Growth = Field(default_factory=Growth)
    investments: Investments = Field(default_factory=Investments)
    finance: Finance = Field(default_factory=Finance)
    uncertainty: Uncertainty = Field(default_factory=Uncertainty)
    lines: list[Line] = Field(default_factory=list, max_length=MAX_LINES)

    @model_validator(mode="after")
    def _merges_unless_lines(self) -> Scenario:
        if self.merges is None and not self.lines:
            raise fail("merges: is required but missing (only a case made of [[lines]] alone may leave it out)")
        return self

    @model_validator(mode="after")
    def _groups_name_ranges_and_agree(self) -> Scenario:
        ranged = self.ranged_inputs()
        for i, group in enumerate(self.uncertainty.correlated, start=1):
            for path in group.inputs:
                if path not in ranged:
                    hint = difflib.get_close_matches(path, list(ranged), n=1)
                    why = "is not a range in this scenario" if path in FIELDS else "is no input"
                    raise fail(
                        f"uncertainty.correlated group {i}: {path!r} {why}; a group correlates ranged inputs"
                        + (f" (did you mean {hint[0]!r}?)" if hint else "")
                    )
        problem = correlation_problem(self.uncertainty.correlated)
        if problem:
            raise fail(problem)
        return self

    @model_validator(mode="before")
    @classmethod
    def _older_files_have_no_newer_keys(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        version = data.get("schema_version")
        if isinstance(version, bool) or version not in (1, 2):
            return data
        for needed, is_newer in ((2, _is_v2_key), (3, _is_v3_key)):
            if version >= needed:
                continue
            used = [path for path, value in _leaves(data) if is_newer(path, value) and not isinstance(value, Mapping)]
            used = used or [path for path, value in _leaves(data) if is_newer(path, value)]
            if used:
                what = "it" if len(used) == 1 else f"the {len(used)} format-v{needed} keys"
                raise fail(
                    f"{used[0]} needs schema_version = {needed} (this file says {version}); "
                    f"set schema_version = {needed} to use {what}"
                )
        return data

    def numeric_inputs(self) -> dict[str, Value]:
        """Every number the model reads per draw, by dotted path (a missing optional section has none)."""
        found = {
            path: value
            for path, value in _walk(self)
            if "." in path and isinstance(value, (int, float, Range)) and not isinstance(value, bool)
        }
        found["finance.ramp_months"] = self.finance.ramp_months
        found["finance.annual_discount_rate"] = self.finance.annual_discount_rate
        for area in AREAS:
            for stream, share in getattr(self.investments, area).delivers.named_values().items():
                if isinstance(share, Range):
                    found[f"investments.{area}.delivers.{stream}"] = share
        for i, line in enumerate(self.lines):
            if line.per_month is not None:
                found[f"lines.{i}.per_month"] = line.per_month
        return found

    def ranged_inputs(self) -> dict[str, Range]:
        """The inputs given as three-point ranges, by dotted path."""
        return {p: v for p, v in self.numeric_inputs().items() if isinstance(v, Range)}

    def attribution(self) -> dict[str, dict[str, float]]:
        """Share of each stream's improvement each area delivers: named shares, else the default, by area."""
        out = {a: {} for a in AREAS}  # type: dict[str, dict[str, float]]
        for stream in STREAMS:
            named = {a: getattr(self.investments, a).delivers.named().get(stream) for a in AREAS}
            use_default = all(v is None for v in named.values())
            for a in AREAS:
                out[a][stream] = DEFAULT_ATTRIBUTION[stream][a] if use_default else (named[a] or 0.0)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Plain data as a TOML file holds it (ranges as tables, absent sections left out)."""
        return self.model_dump(exclude_none=True)


def spearman_to_pearson(rho: float) -> float:
    """The normal-scores (Pearson) correlation whose ranks have Spearman's rho: 2 sin(pi rho / 6)."""
    return 2 * math.sin(math.pi * rho / 6)


def correlation_matrix(groups: list[Correlated]) -> tuple[list[str], list[list[float]]]:
    """The inputs in any group and the Pearson correlation of their normal scores (0 across groups)."""
    paths = list(dict.fromkeys(p for g in groups for p in g.inputs))
    index = {p: i for i, p in enumerate(paths)}
    matrix = [[1.0 if i == j else 0.0 for j in range(len(paths))] for i in range(len(paths))]
    for group in groups:
        r = spearman_to_pearson(group.rank_correlation)
        for a, b in itertools.combinations(group.inputs, 2):
            matrix[index[a]][index[b]] = matrix[index[b]][index[a]] = r
    return paths, matrix


def correlation_problem(groups: list[Correlated]) -> str | None:
    """Why a set of correlated groups cannot hold together, naming the group, or None when it can."""
    seen: dict[frozenset[str], tuple[int, float]] = {}
    for i, group in enumerate(groups, start=1):
        for a, b in itertools.combinations(group.inputs, 2):
            pair = frozenset((a, b))
            if pair in seen and seen[pair][1] != group.rank_correlation:
                j = seen[pair][0]
                return (
                    f"uncertainty.correlated group {i}: {a} and {b} are already correlated "
                    f"{format_number(seen[pair][1])} in group {j}, not {format_number(group.rank_correlation)}"
                )
            seen[pair] = (i, group.rank_correlation)
    if not groups:
        return None
    _, matrix = correlation_matrix(groups)
    for i, group in enumerate(groups, start=1):
        _, own = correlation_matrix([group])
        if not _positive_definite(own):
            n = len(group.inputs)
            floor = 6 / math.pi * math.asin(-1 / (n - 1) / 2)
            return (
                f"uncertainty.correlated group {i}: {n} inputs cannot all have rank correlation "
                f"{format_number(group.rank_correlation)} with each other: with {n} inputs it must be above "
                f"{floor:.3f}, or the correlations contradict one another"
            )
    if not _positive_definite(matrix):
        return (
            f"uncertainty.correlated group {len(groups)}: the groups' correlations contradict one another where "
            "they share inputs (the correlation matrix is not positive definite)"
        )
    return None


def _positive_definite(matrix: list[list[float]]) -> bool:
    """Cholesky in plain Python (the matrices are small): False when a pivot is not positive."""
    n = len(matrix)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = matrix[i][j] - sum(low[i][k] * low[j][k] for k in range(j))
            if i == j:
                if total <= 1e-12:
                    return False
                low[i][i] = math.sqrt(total)
            else:
                low[i][j] = total / low[j][j]
    return True


def _is_v3_key(path: str, value: Any) -> bool:
    """A format-v3 key: one of V3_KEYS, or a share or the discount rate given as a range."""
    parts = path.split(".")
    if any(path == key or path.startswith(key + ".") for key in V3_KEYS):
        return True
    ranged = isinstance(value, Mapping)
    if ranged and path == "finance.annual_discount_rate":
        return True
    return ranged and len(parts) == 4 and parts[0] == "investments" and parts[2] == "delivers"


def _is_v2_key(path: str, value: Any = None) -> bool:
    parts = path.split(".")
    for key in V2_KEYS:
        pattern = key.split(".")
        if len(parts) >= len(pattern) and all(p in ("*", q) for p, q in zip(pattern, parts, strict=False)):
            return True
    return False


def _leaves(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        yield path, value
        if isinstance(value, Mapping):
            yield from _leaves(value, path + ".")


@functools.cache
def field_names(model: type[BaseModel]) -> list[str]:
    """A model's fields in file order: a stream's own fields first, its risk adjustment (from the base) last."""
    names = list(model.model_fields)
    inherited = [n for n in names if n in StreamSection.model_fields] if issubclass(model, StreamSection) else []
    return [n for n in names if n not in inherited] + inherited


def _walk(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name in field_names(type(model)):
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, Range):
            yield path, value
        elif isinstance(value, BaseModel):
            if (prefix or name in RANGED_SECTIONS) and not isinstance(value, Delivers):
                yield from _walk(value, path + ".")
        else:
            yield path, value


def section_model(path: Iterable[str]) -> type[BaseModel] | None:
    """The model class that holds the table at a dotted path, or None if the path is no table."""
    model: type[BaseModel] = Scenario
    for part in path:
        if str(part).isdigit():  # an item of a list of tables ([[lines]])
            continue
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        inner = _model_in(field.annotation)
        if inner is None:
            return None
        model = inner
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    origin = typing.get_origin(annotation)
    candidates = typing.get_args(annotation) if origin in (Union, types.UnionType, list) else (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate is not Range:
            return candidate
    return None


def spec_of(model: type[BaseModel], name: str) -> FieldSpec | None:
    """The FieldSpec in a model field's annotation, or None for a table."""
    return next((m for m in model.model_fields[name].metadata if isinstance(m, FieldSpec)), None)


def _collect(model: type[BaseModel], prefix: str) -> Iterator[tuple[str, FieldSpec]]:
    for name in field_names(model):
        spec = spec_of(model, name)
        if spec is not None:
            yield prefix + name, spec
            continue
        annotation = model.model_fields[name].annotation
        if typing.get_origin(annotation) is list:  # lists of tables ([[lines]], correlated groups): not inputs here
            continue
        inner = section_model([name]) if model is Scenario else _model_in(annotation)
        if inner is not None:
            yield from _collect(inner, f"{prefix}{name}.")


#: Every input of the scenario format by dotted path, in file order: the one description everything reads.
FIELDS: dict[str, FieldSpec] = dict(_collect(Scenario, ""))


def is_optional(path: str) -> bool:
    """Whether an input may be left out (its default is None, as `team.engineers`): a blank, not a 0."""
    *section, name = path.split(".")
    model = section_model(section)
    return model is not None and name in model.model_fields and model.model_fields[name].default is None


def field_bounds(path: str) -> Bounds:
    """The bounds of the numeric field at a dotted path."""
    return input_spec(path).bounds


def field_info(path: str) -> tuple[str, str]:
    """(unit, help) of the field at a dotted path."""
    spec = input_spec(path)
    return spec.unit, spec.help


def input_spec(path: str) -> FieldSpec:
    """The FieldSpec of an input a draw can vary: a field of the registry, or of a line ("lines.0.per_month")."""
    parts = path.split(".")
    if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit():
        spec = spec_of(Line, parts[2])
        if spec is not None:
            return spec
    return FIELDS[path]


def section_label(section: str) -> str:
    """How a reader names a section or an area: "Failed merges", "CI/CD pipeline", "Finance"."""
    if section.startswith("investments."):
        return AREA_LABELS[section.split(".")[1]]
    return {**STREAM_LABELS, "team": "Team", "ai_tools": "AI tools", "growth": "Growth", "finance": "Finance"}.get(
        section, section
    )


def field_label(path: str) -> str:
    """The label of a field with its section where it needs one: "CI/CD pipeline: One-time cost"."""
    parts = path.split(".")
    if parts[0] == "lines":
        return f"Line {int(parts[1]) + 1}: {input_spec(path).label}"
    if parts[0] == "investments" and len(parts) >= 3:
        return f"{AREA_LABELS[parts[1]]}: {FIELDS[path].label}"
    if parts[-1] == "risk_adjustment":
        return f"{section_label(parts[0])}: {FIELDS[path].label}"
    return FIELDS[path].label


# ---------------------------------------------------------------- loading


def _problem(error: Mapping[str, Any]) -> Problem:
    loc = tuple(str(part) for part in error["loc"])
    field = ".".join(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        model = section_model(loc[:-1])
        allowed = list(model.model_fields) if model else []
        hint = difflib.get_close_matches(loc[-1], allowed, n=1)
        suggestion = f"; did you mean {hint[0]!r}?" if hint else (f"; allowed: {', '.join(allowed)}" if allowed else "")
        return Problem(field, f"unknown key{suggestion}")
    if kind == "missing":
        return Problem(field, "is required but missing")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return Problem(field, f"must be a table (a [section]), got {describe(error.get('input'))}")
    return Problem(field, str(error["msg"]))


def scenario_from_dict(data: Mapping[str, Any], source: str = "") -> Scenario:
    """Validate plain data (a parsed TOML file) into a Scenario, or raise ScenarioError naming every problem."""
    try:
        return Scenario.model_validate(dict(data))
    except ValidationError as exc:
        raise ScenarioError([_problem(e) for e in exc.errors()], source) from None


def parse_toml(content: bytes | str, source: str = "") -> dict[str, Any]:
    """Parse TOML text with the standard library's safe parser; errors name the file."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ScenarioError([Problem("", f"is not UTF-8 text (byte {exc.start})")], source) from None
    content = content.removeprefix("\ufeff")  # a byte-order mark, as some editors save UTF-8
    if not content.strip():
        raise ScenarioError(
            [Problem("", "is empty; a scenario needs at least schema_version, name, [team] and [merges]")], source
        )
    try:
        data = tomllib.loads(content)
    except RecursionError:
        data = None  # nested deeper than the parser goes: said below, as any file too deep
    except ValueError as exc:  # TOMLDecodeError, or a parser limit (an integer of more than 4,300 digits)
        why = str(exc).split(";")[0]  # a limit's advice is for programmers
        raise ScenarioError([Problem("", f"is not valid TOML: {why}")], source) from None
    if data is None or files.too_deep(data):
        raise ScenarioError([Problem("", f"is nested more than {files.MAX_DEPTH} levels deep")], source)
    return data


def read_scenario_data(path: str | Path) -> dict[str, Any]:
    """The raw data of a scenario file, before validation."""
    source = str(path)
    try:
        content = Path(path).read_bytes()
    except FileNotFoundError:
        raise ScenarioError([Problem("", "cannot be read: no such file")], source) from None
    except IsADirectoryError:
        raise ScenarioError([Problem("", "cannot be read: it is a folder")], source) from None
    except OSError as exc:
        raise ScenarioError([Problem("", f"cannot be read: {exc.strerror}")], source) from None
    return parse_toml(content, source)


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> Scenario:
    """Load and validate a scenario file, applying `KEY=VALUE` overrides first."""
    data = apply_overrides(read_scenario_data(path), overrides, str(path))
    return scenario_from_dict(data, str(path))


def loads_scenario(content: bytes | str, source: str = "<upload>") -> Scenario:
    """Validate a scenario from the bytes or text of a TOML file (an upload)."""
    return scenario_from_dict(parse_toml(content, source), source)


# ---------------------------------------------------------------- overrides


def parse_override(item: str) -> tuple[str, Any]:
    """Split `KEY=VALUE`; VALUE is read as a TOML value, or as plain text when it is not one."""
    key, sep, raw = item.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ScenarioError([Problem("--set", f"expected KEY=VALUE, got {item!r}")])
    parts = key.split(".")
    if any(not p.strip() for p in parts):
        raise ScenarioError([Problem("--set", f"{key!r} is not a dotted path like merges.fix_hours")])
    try:
        parsed = tomllib.loads(f"value = {raw.strip()}")
    except tomllib.TOMLDecodeError:
        return key, raw.strip()
    except (RecursionError, ValueError):  # nested deeper than the parser goes, or a parser limit
        parsed = None
    if parsed is None or files.too_deep(parsed):
        raise ScenarioError([Problem("--set", f"{key}: the value is nested more than {files.MAX_DEPTH} levels deep or "
                                     "too long to read")])  # fmt: skip
    if set(parsed) != {"value"}:
        return key, raw.strip()
    return key, parsed["value"]


def set_path(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted path in nested dicts, creating tables on the way; a number indexes a list of tables from 0
    (`lines.0.per_month`); a scalar in the way, or an index past the list's end, is an error."""
    node: Any = data
    parts = key.split(".")
    for i, part in enumerate(parts[:-1]):
        where = ".".join(parts[: i + 1])
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise ScenarioError([Problem(where, f"no such entry: the list has {len(node)}, counted from 0")])
            child = node[int(part)]
        else:
            child = node.setdefault(part, {})
        if not isinstance(child, (dict, list)):
            raise ScenarioError([Problem(where, f"is a single value, so {key} cannot be set")])
        node = child
    if isinstance(node, list):
        raise ScenarioError([Problem(key, "is an entry of a list: set one of its keys, as lines.0.per_month")])
    node[parts[-1]] = value


def apply_overrides(data: Mapping[str, Any], overrides: Iterable[str], source: str = "") -> dict[str, Any]:
    """A copy of raw scenario data with `KEY=VALUE` overrides applied (validated later, like the file)."""
    out = copy.deepcopy(dict(data))
    for item in overrides:
        key, value = parse_override(item)
        try:
            set_path(out, key, value)
        except ScenarioError as exc:
            raise ScenarioError(exc.problems, source) from None
    return out


def with_values(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """A new scenario with the fields at the given dotted paths replaced, validated like a file.

    An input pinned to a single value leaves its correlated groups (a group left with fewer than two inputs
    goes): a what-if at one value of an input has nothing to correlate it with.
    """
    data = scenario.to_dict()
    for key, value in values.items():
        set_path(data, key, value.model_dump() if isinstance(value, Range) else value)
    pinned = {k for k, v in values.items() if not isinstance(v, (Range, Mapping))}
    groups = data.get("uncertainty", {}).get("correlated", [])
    if pinned and groups:
        kept = [{**g, "inputs": [p for p in g["inputs"] if p not in pinned]} for g in groups]
        data["uncertainty"]["correlated"] = [g for g in kept if len(g["inputs"]) >= 2]
    return scenario_from_dict(data)


# ---------------------------------------------------------------- writing


def toml_value(value: Any) -> str:
    """A value as a TOML literal: numbers, booleans, quoted strings, inline tables for ranges."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # control characters were rejected at validation
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(lines: list[str], header: str, model: BaseModel) -> None:
    lines += ["", f"[{header}]"]
    for name in field_names(type(model)):
        value = getattr(model, name)
        spec = spec_of(type(model), name)
        if isinstance(value, Delivers):
            named = {k: v.model_dump() if isinstance(v, Range) else v for k, v in value.named_values().items()}
            if named:
                lines.append(f"delivers = {toml_value(named)}  # share of each stream's improvement this area brings")
            continue
        if value is None:  # an optional input the case does not give (team.engineers)
            continue
        comment = f"  # {spec.label}" + (f" ({spec.unit})" if spec.unit else "") if spec else ""
        shown = value.model_dump() if isinstance(value, Range) else value
        lines.append(f"{name} = {toml_value(shown)}{comment}")


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as a TOML file that loads back to an equal model (ranges are written with likely)."""
    lines = [
        f"schema_version = {SCHEMA_VERSION}",
        f"name = {toml_value(scenario.name)}",
        f"description = {toml_value(scenario.description)}",
    ]
    for name in SECTIONS:
        section = getattr(scenario, name)
        if section is not None:
            _table(lines, name, section)
    for area in AREAS:
        _table(lines, f"investments.{area}", getattr(scenario.investments, area))
    _table(lines, "finance", scenario.finance)
    lines += ["", "[uncertainty]", f"ranges_are = {toml_value(scenario.uncertainty.ranges_are)}"]
    for group in scenario.uncertainty.correlated:
        lines += ["", "[[uncertainty.correlated]]", f"inputs = {toml_value(group.inputs)}"]
        lines.append(f"rank_correlation = {toml_value(group.rank_correlation)}")
    for line in scenario.lines:
        lines += ["", "[[lines]]"]
        for name in Line.model_fields:
            value = getattr(line, name)
            if value is not None:
                lines.append(f"{name} = {toml_value(value.model_dump() if isinstance(value, Range) else value)}")
    return "\n".join(lines) + "\n"
