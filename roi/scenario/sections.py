"""The input sections of a scenario file as pydantic models, each field's `FieldSpec` in its annotation: the team,
AI tools, the four benefit streams, growth, the areas' investments and finance; and the order of a model's fields.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from roi.fields import (
    MAX_HOURLY_USD,
    MAX_HOURS,
    MAX_MONTHS,
    MAX_PEOPLE,
    MAX_PER_MONTH,
    MAX_USD,
    Bounds,
    FieldSpec,
    Value,
    WholeValue,
    describe,
    fail,
    format_number,
    likely,
)
from roi.vocabulary import AREAS, STREAMS

SHARE_TOLERANCE = 1e-6


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


@functools.cache
def field_names(model: type[BaseModel]) -> list[str]:
    """A model's fields in file order: a stream's own fields first, its risk adjustment (from the base) last."""
    names = list(model.model_fields)
    inherited = [n for n in names if n in StreamSection.model_fields] if issubclass(model, StreamSection) else []
    return [n for n in names if n not in inherited] + inherited
