"""The scenario file, format v1 (docs/method.md): pydantic models, loading, overrides and lossless TOML output."""

from __future__ import annotations

import copy
import difflib
import json
import math
import tomllib
import types
import typing
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from roi.errors import Problem, ScenarioError

SCHEMA_VERSION = 1
STREAMS = ("merges", "builds", "incidents", "lead_time")
AREAS = ("ci_cd", "testing", "deployment", "observability")
AREA_LABELS = {
    "ci_cd": "CI/CD pipeline",
    "testing": "Automated testing",
    "deployment": "Deployment automation",
    "observability": "Observability",
}
#: Sections whose numbers may be three-point ranges (docs/method.md).
OPTIONAL_SECTIONS = ("builds", "incidents", "lead_time")
RANGED_SECTIONS = ("team", "ai_tools", "merges", "builds", "incidents", "lead_time", "growth", "investments")
MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 20_000


def format_number(x: float) -> str:
    """A number as people and TOML both read it: whole numbers without a decimal point."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("roi", "{detail}", {"detail": message})


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, (int, float)):
        return format_number(value) if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


@dataclass(frozen=True)
class Bounds:
    """The closed or open interval a number must lie in."""

    ge: float | None = None
    le: float | None = None
    gt: float | None = None
    lt: float | None = None

    def violation(self, x: float) -> str | None:
        got = format_number(x)
        if self.ge is not None and x < self.ge:
            return f"must be >= {format_number(self.ge)}, got {got}"
        if self.gt is not None and x <= self.gt:
            return f"must be > {format_number(self.gt)}, got {got}"
        if self.le is not None and x > self.le:
            return f"must be <= {format_number(self.le)}, got {got}"
        if self.lt is not None and x >= self.lt:
            return f"must be < {format_number(self.lt)}, got {got}"
        return None


def _number(value: Any, bounds: Bounds, what: str = "") -> float:
    prefix = f"{what} " if what else ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(f"{prefix}must be a number, got {_describe(value)}")
    x = float(value)
    if not math.isfinite(x):
        raise _fail(f"{prefix}must be a finite number, got {_describe(value)}")
    problem = bounds.violation(x)
    if problem:
        raise _fail(prefix + problem)
    return x


class Range(BaseModel):
    """A three-point estimate; deterministic results use `likely`, Monte Carlo samples Beta-PERT."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    low: float
    likely: float
    high: float

    @property
    def mean(self) -> float:
        """Mean of the Beta-PERT(lambda=4) distribution on this range."""
        return (self.low + 4 * self.likely + self.high) / 6


Value = float | Range


def likely(value: Value) -> float:
    """The deterministic value of an input: `likely` for a range, the number itself otherwise."""
    return value.likely if isinstance(value, Range) else float(value)


def _range(value: Mapping[str, Any], bounds: Bounds) -> Range:
    unknown = sorted(set(value) - {"low", "likely", "high"})
    if unknown:
        raise _fail(f"unknown key {unknown[0]!r} in a range; a range has low, likely (optional) and high")
    missing = [k for k in ("low", "high") if k not in value]
    if missing:
        raise _fail(f"a range needs low and high; {missing[0]} is missing")
    low = _number(value["low"], bounds, "low")
    high = _number(value["high"], bounds, "high")
    likely = _number(value["likely"], bounds, "likely") if "likely" in value else (low + high) / 2
    if not low <= likely <= high:
        raise _fail(
            "must have low <= likely <= high, got "
            f"low={format_number(low)}, likely={format_number(likely)}, high={format_number(high)}"
        )
    return Range(low=low, likely=likely, high=high)


@dataclass(frozen=True)
class NumberRule:
    """How a numeric field is validated: its bounds, and whether it may be a three-point range."""

    bounds: Bounds
    ranged: bool

    def __call__(self, value: Any) -> Any:
        if isinstance(value, Range):
            value = value.model_dump()
        if isinstance(value, Mapping):
            if not self.ranged:
                raise _fail("must be a single number; ranges are allowed only in the model's input sections")
            return _range(value, self.bounds)
        return _number(value, self.bounds)


def _value(bounds: Bounds, ranged: bool) -> NumberRule:
    return NumberRule(bounds, ranged)


def _whole(lo: int, hi: int) -> Callable[[Any], int]:
    def validate(value: Any) -> int:
        x = _number(value, Bounds(ge=lo, le=hi))
        if not x.is_integer():
            raise _fail(f"must be a whole number of months, got {format_number(x)}")
        return int(x)

    return validate


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _fail(f"must be true or false, got {_describe(value)}")
    return value


def _text(max_chars: int, required: bool) -> Callable[[Any], str]:
    def validate(value: Any) -> str:
        if not isinstance(value, str):
            raise _fail(f"must be text in quotes, got {_describe(value)}")
        if required and not value.strip():
            raise _fail("must not be empty")
        if len(value) > max_chars:
            raise _fail(f"must be at most {max_chars} characters, got {len(value)}")
        allowed = "" if required else "\t\n\r"
        bad = next((c for c in value if unicodedata.category(c) in ("Cc", "Cs") and c not in allowed), None)
        if bad is not None:
            raise _fail(f"must not contain control characters, found U+{ord(bad):04X}")
        return value

    return validate


def _schema_version(value: Any) -> int:
    if isinstance(value, bool) or value != SCHEMA_VERSION:
        raise _fail(f"must be {SCHEMA_VERSION} (this tool reads format v{SCHEMA_VERSION}), got {_describe(value)}")
    return SCHEMA_VERSION


# Number types of the ranged sections; the validator fixes both the bounds and the message. Every amount has a
# sane upper bound as well, so that every figure computed from the inputs stays finite.
def upto(le: float) -> BeforeValidator:
    """The validator of an amount: a number (or range) from 0 to `le`."""
    return BeforeValidator(_value(Bounds(ge=0, le=le), ranged=True))


MAX_USD = 1e10  # $10 billion: more than any delivery budget, AI spend or yearly cost line
MAX_HOURLY_USD = 10_000.0
MAX_PER_MONTH = 10_000_000.0  # merges, builds, deploys, changes per month
MAX_HOURS = 8_760.0  # a year of hours
MAX_PEOPLE = 100_000.0
Share = Annotated[Value, BeforeValidator(_value(Bounds(ge=0, le=1), ranged=True))]
RiskShare = Annotated[Value, BeforeValidator(_value(Bounds(ge=0, lt=1), ranged=True))]
GrowthRate = Annotated[Value, BeforeValidator(_value(Bounds(gt=-1, le=10), ranged=True))]
Months = Annotated[int, BeforeValidator(_whole(1, 240))]
DiscountRate = Annotated[float, BeforeValidator(_value(Bounds(ge=0, le=1), ranged=False))]
RampMonths = Annotated[float, BeforeValidator(_value(Bounds(ge=0, le=240), ranged=False))]
Flag = Annotated[bool, BeforeValidator(_flag)]


def _doc(unit: str, text: str, default: Any = ...) -> Any:
    """A field with its unit and meaning: the one place the app, the workbook and the docs read them."""
    return Field(default, description=text, json_schema_extra={"unit": unit})


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Team(Section):
    loaded_hourly_rate: Annotated[Value, upto(MAX_HOURLY_USD)] = _doc("USD/h", "fully loaded cost of one engineer-hour")
    hours_per_engineer_quarter: Annotated[Value, upto(2_184)] = _doc(
        "h", "working hours in one engineer-quarter (40 h x 13 weeks)", 520.0
    )


class AiTools(Section):
    annual_spend: Annotated[Value, upto(MAX_USD)] = _doc(
        "USD/yr", "spend on AI coding tools; used for the spend ratio only", 0.0
    )


class Merges(Section):
    merges_per_month: Annotated[Value, upto(MAX_PER_MONTH)] = _doc("merges/mo", "merges to the main branch per month")
    success_rate_before: Share = _doc("share", "share of merges to main that pass today")
    success_rate_after: Share = _doc("share", "share that pass after the investment")
    fix_hours: Annotated[Value, upto(MAX_HOURS)] = _doc("h", "hours to diagnose, fix and re-test one failed merge")
    risk_adjustment: RiskShare = _doc("share", "share of this benefit written off (Forrester TEI style)", 0.0)


class Builds(Section):
    builds_per_month: Annotated[Value, upto(MAX_PER_MONTH)] = _doc("builds/mo", "CI builds per month")
    build_minutes_before: Annotated[Value, upto(60 * MAX_HOURS)] = _doc("min", "average build time today")
    build_minutes_after: Annotated[Value, upto(60 * MAX_HOURS)] = _doc("min", "average build time after the investment")
    blocked_fraction: Share = _doc("share", "share of build time a developer is really idle")
    risk_adjustment: RiskShare = _doc("share", "share of this benefit written off", 0.0)


class Incidents(Section):
    deploys_per_month_before: Annotated[Value, upto(MAX_PER_MONTH)] = _doc(
        "deploys/mo", "production deploys per month today"
    )
    deploys_per_month_after: Annotated[Value, upto(MAX_PER_MONTH)] = _doc(
        "deploys/mo", "production deploys per month after"
    )
    change_failure_rate_before: Share = _doc("share", "share of deploys that cause an incident today")
    change_failure_rate_after: Share = _doc("share", "share of deploys that cause an incident after")
    mttr_hours_before: Annotated[Value, upto(MAX_HOURS)] = _doc("h", "mean time to recovery today")
    mttr_hours_after: Annotated[Value, upto(MAX_HOURS)] = _doc("h", "mean time to recovery after")
    responders_per_incident: Annotated[Value, upto(MAX_PEOPLE)] = _doc("people", "engineers pulled into each incident")
    downtime_cost_per_hour: Annotated[Value, upto(MAX_USD)] = _doc("USD/h", "business impact of one hour of outage")
    risk_adjustment: RiskShare = _doc("share", "share of this benefit written off", 0.0)


class LeadTime(Section):
    changes_per_month: Annotated[Value, upto(MAX_PER_MONTH)] = _doc("changes/mo", "changes shipped per month")
    lead_time_days_before: Annotated[Value, upto(3_650)] = _doc("days", "commit-to-production lead time today")
    lead_time_days_after: Annotated[Value, upto(3_650)] = _doc("days", "lead time after the investment")
    cost_of_delay_per_change_day: Annotated[Value, upto(MAX_USD)] = _doc(
        "USD", "value one change forgoes per day it waits"
    )
    risk_adjustment: RiskShare = _doc("share", "share of this benefit written off", 0.0)


class Growth(Section):
    volume_growth_per_year: GrowthRate = _doc("share/yr", "growth of work volume, scales every stream", 0.0)


class Investment(Section):
    one_time: Annotated[Value, upto(MAX_USD)] = _doc(
        "USD", "bought up front at month 0: infrastructure, tools, licences", 0.0
    )
    annual_recurring: Annotated[Value, upto(MAX_USD)] = _doc("USD/yr", "recurring cost, paid monthly from month 1", 0.0)
    engineer_quarters: Annotated[Value, upto(MAX_PEOPLE)] = _doc("eng-qtrs", "engineer-quarters of staff time", 0.0)


class Investments(Section):
    ci_cd: Investment = Field(default_factory=Investment, description="CI/CD pipeline modernization")
    testing: Investment = Field(default_factory=Investment, description="automated testing infrastructure")
    deployment: Investment = Field(default_factory=Investment, description="deployment automation and rollback")
    observability: Investment = Field(default_factory=Investment, description="observability and monitoring")


class Finance(Section):
    horizon_months: Months = _doc("months", "months of benefits counted (1..240)", 36)
    annual_discount_rate: DiscountRate = _doc("share/yr", "discount rate (Forrester TEI uses 10 %)", 0.10)
    ramp_months: RampMonths = _doc("months", "benefits grow linearly to full over this many months", 0.0)
    include_staff_cost: Flag = _doc("flag", "price engineer-quarters into the investment", True)


class Scenario(Section):
    """One business case: the inputs of the model in docs/method.md, validated."""

    schema_version: Annotated[int, BeforeValidator(_schema_version)]
    name: Annotated[str, BeforeValidator(_text(MAX_NAME_CHARS, required=True))]
    description: Annotated[str, BeforeValidator(_text(MAX_DESCRIPTION_CHARS, required=False))] = ""
    team: Team
    ai_tools: AiTools = Field(default_factory=AiTools)
    merges: Merges
    builds: Builds | None = None
    incidents: Incidents | None = None
    lead_time: LeadTime | None = None
    growth: Growth = Field(default_factory=Growth)
    investments: Investments = Field(default_factory=Investments)
    finance: Finance = Field(default_factory=Finance)

    def numeric_inputs(self) -> dict[str, Value]:
        """Every number of the ranged sections present, by dotted path (a missing optional section has none)."""
        return {path: value for path, value in _walk(self) if isinstance(value, (float, Range))}

    def ranged_inputs(self) -> dict[str, Range]:
        """The inputs given as three-point ranges, by dotted path."""
        return {p: v for p, v in self.numeric_inputs().items() if isinstance(v, Range)}

    def to_dict(self) -> dict[str, Any]:
        """Plain data as a TOML file holds it (ranges as tables, absent sections left out)."""
        return self.model_dump(exclude_none=True)


def _walk(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}{name}"
        if isinstance(value, Range):
            yield path, value
        elif isinstance(value, BaseModel):
            if prefix or name in RANGED_SECTIONS:
                yield from _walk(value, path + ".")
        else:
            yield path, value


def section_model(path: Iterable[str]) -> type[BaseModel] | None:
    """The model class that holds the table at a dotted path, or None if the path is no table."""
    model: type[BaseModel] = Scenario
    for part in path:
        field = model.model_fields.get(str(part))
        if field is None:
            return None
        inner = _model_in(field.annotation)
        if inner is None:
            return None
        model = inner
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    candidates = (
        typing.get_args(annotation) if typing.get_origin(annotation) in (Union, types.UnionType) else (annotation,)
    )
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, BaseModel) and candidate is not Range:
            return candidate
    return None


def field_bounds(path: str) -> Bounds:
    """The bounds of the numeric field at a dotted path, read from its validator."""
    *parents, name = path.split(".")
    model = section_model(parents)
    if model is None or name not in model.model_fields:
        raise KeyError(path)
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, BeforeValidator) and isinstance(meta.func, NumberRule):
            return meta.func.bounds
    raise KeyError(path)


def field_info(path: str) -> tuple[str, str]:
    """(unit, description) of the field at a dotted path, from the models."""
    *parents, name = path.split(".")
    model = section_model(parents)
    if model is None or name not in model.model_fields:
        raise KeyError(path)
    field = model.model_fields[name]
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    return str(extra.get("unit", "")), field.description or ""


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
        return Problem(field, f"must be a table (a [section]), got {_describe(error.get('input'))}")
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
    if not content.strip():
        raise ScenarioError(
            [Problem("", "is empty; a scenario needs at least schema_version, name, [team] and [merges]")], source
        )
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem("", f"is not valid TOML: {exc}")], source) from None


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
    if set(parsed) != {"value"}:
        return key, raw.strip()
    return key, parsed["value"]


def set_path(data: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted path in nested dicts, creating tables on the way; a scalar in the way is an error."""
    node = data
    parts = key.split(".")
    for i, part in enumerate(parts[:-1]):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ScenarioError([Problem(".".join(parts[: i + 1]), f"is a single value, so {key} cannot be set")])
        node = child
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
    """A new scenario with the fields at the given dotted paths replaced, validated like a file."""
    data = scenario.to_dict()
    for key, value in values.items():
        set_path(data, key, value.model_dump() if isinstance(value, Range) else value)
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
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _table(lines: list[str], header: str, model: BaseModel) -> None:
    lines += ["", f"[{header}]"]
    for name, field in type(model).model_fields.items():
        value = getattr(model, name)
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        comment = f"  # {extra.get('unit', '')}: {field.description}" if field.description else ""
        shown = value.model_dump() if isinstance(value, Range) else value
        lines.append(f"{name} = {toml_value(shown)}{comment}")


def dump_scenario(scenario: Scenario) -> str:
    """The scenario as a TOML file that loads back to an equal model (ranges are written with likely)."""
    lines = [
        f"schema_version = {scenario.schema_version}",
        f"name = {toml_value(scenario.name)}",
        f"description = {toml_value(scenario.description)}",
    ]
    for name in ("team", "ai_tools", "merges", "builds", "incidents", "lead_time", "growth"):
        section = getattr(scenario, name)
        if section is not None:
            _table(lines, name, section)
    for area in AREAS:
        _table(lines, f"investments.{area}", getattr(scenario.investments, area))
    _table(lines, "finance", scenario.finance)
    return "\n".join(lines) + "\n"
