"""One description of every input: the label a CFO reads, unit, kind, bounds, whether it may be a range, help.

A `FieldSpec` sits in each scenario field's annotation (`Annotated[Value, FieldSpec(...)]`) and is at once the
field's validator and its description. `roi.scenario.FIELDS` collects them by dotted path; validation, the app's
widgets, the workbook's Inputs sheet and names, the documents' labels and the method document's table all read
them from there, so no bound, label or unit is written twice. An input's value is a number or a three-point `Range`
(`likely` reads either); the range model lives here, beside the validator that builds it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

Kind = Literal["money", "share", "rate", "count", "hours", "minutes", "days", "months", "people", "flag", "text"]

MAX_USD = 1e10  # $10 billion: more than any delivery budget, AI spend or yearly cost line
MAX_HOURLY_USD = 10_000.0
MAX_PER_MONTH = 10_000_000.0  # merges, builds, deploys, changes per month
MAX_HOURS = 8_760.0  # a year of hours
MAX_PEOPLE = 100_000.0
MAX_MONTHS = 240


def format_number(x: float) -> str:
    """A number as people and TOML both read it: whole numbers without a decimal point."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def fail(message: str) -> PydanticCustomError:
    """A validation error whose message is exactly `message` (the field is named by the caller)."""
    return PydanticCustomError("roi", "{detail}", {"detail": message})


def describe(value: Any) -> str:
    """A value as a message names it."""
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

    @property
    def lowest(self) -> float | None:
        return self.ge if self.ge is not None else self.gt

    @property
    def highest(self) -> float | None:
        return self.le if self.le is not None else self.lt

    def words(self) -> str:
        """The interval as a reader writes it: "0 to 1", "0 to under 1", "over -1 to 10"."""
        low = "" if self.lowest is None else ("over " if self.ge is None else "") + format_number(self.lowest)
        high = "" if self.highest is None else ("under " if self.le is None else "") + format_number(self.highest)
        return f"{low} to {high}".strip()


def number(value: Any, bounds: Bounds, what: str = "") -> float:
    """A finite number within bounds, or a validation error saying which rule it breaks."""
    prefix = f"{what} " if what else ""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(f"{prefix}must be a number, got {describe(value)}")
    x = float(value)
    if not math.isfinite(x):
        raise fail(f"{prefix}must be a finite number, got {describe(value)}")
    problem = bounds.violation(x)
    if problem:
        raise fail(prefix + problem)
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
WholeValue = int | Range


def likely(value: Value) -> float:
    """The deterministic value of an input: `likely` for a range, the number itself otherwise."""
    return value.likely if isinstance(value, Range) else float(value)


def three_point(value: Mapping[str, Any], bounds: Bounds, whole: bool = False) -> Range:
    """A validated three-point range (low, likely defaulting to the midpoint, high), each within bounds."""
    unknown = sorted(set(value) - {"low", "likely", "high"})
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} in a range; a range has low, likely (optional) and high")
    missing = [k for k in ("low", "high") if k not in value]
    if missing:
        raise fail(f"a range needs low and high; {missing[0]} is missing")
    low = number(value["low"], bounds, "low")
    high = number(value["high"], bounds, "high")
    mid = (low + high) / 2
    likely = number(value["likely"], bounds, "likely") if "likely" in value else (round_half_up(mid) if whole else mid)
    if whole and not all(float(x).is_integer() for x in (low, likely, high)):
        raise fail("low, likely and high must be whole numbers")
    if not low <= likely <= high:
        raise fail(
            "must have low <= likely <= high, got "
            f"low={format_number(low)}, likely={format_number(likely)}, high={format_number(high)}"
        )
    return Range(low=low, likely=likely, high=high)


def round_half_up(x: float) -> float:
    """A whole number of months from a midpoint or a draw: halves go up (2.5 -> 3), the one rule everywhere."""
    return float(math.floor(x + 0.5))


#: How each kind of input is stepped and shown in the app (step, printf format for number inputs).
WIDGET = {
    "money": (1000.0, "%.0f"),
    "share": (0.001, "%.3f"),
    "rate": (0.005, "%.3f"),
    "count": (1.0, "%.1f"),
    "hours": (0.25, "%.2f"),
    "minutes": (1.0, "%.1f"),
    "days": (0.5, "%.1f"),
    "months": (1.0, "%.0f"),
    "people": (1.0, "%.1f"),
    "flag": (1.0, "%.0f"),
    "text": (1.0, "%.0f"),
}


@dataclass(frozen=True)
class FieldSpec:
    """One input of the scenario format: how a reader names it and what values it takes.

    `check` turns a raw value into the field's value or raises; the default one accepts a number within the
    bounds, or a three-point range when `ranged`. `label` is short, read within its section ("Hours to fix one
    failed merge"); `help` says what it means and where it comes from.
    """

    label: str
    unit: str
    kind: Kind
    help: str
    bounds: Bounds = field(default_factory=Bounds)
    ranged: bool = False
    whole: bool = False
    check: Callable[[FieldSpec, Any], Any] | None = field(default=None, compare=False)

    def validate(self, value: Any) -> Any:
        if self.check is not None:
            return self.check(self, value)
        if isinstance(value, Range):
            value = value.model_dump()
        if isinstance(value, Mapping):
            if not self.ranged:
                raise fail("must be a single number; this input cannot be a range")
            return three_point(value, self.bounds, self.whole)
        x = number(value, self.bounds)
        if self.whole and not x.is_integer():
            raise fail(f"must be a whole number, got {format_number(x)}")
        return int(x) if self.whole else x

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_before_validator_function(self.validate, handler(source))

    @property
    def step(self) -> float:
        return WIDGET[self.kind][0]

    @property
    def number_format(self) -> str:
        return WIDGET[self.kind][1]

    def show(self, x: float | None) -> str:
        """A value of this field as a reader reads it: $150, 70.8 %, 3 h, 6 months."""
        if x is None:
            return "n/a"
        if self.kind == "money":
            per = self.unit.removeprefix("USD")
            return f"${x:,.0f}{per}"
        if self.kind in ("share", "rate"):
            return f"{x * 100:.1f} %" + (" a year" if self.unit.endswith("/yr") else "")
        if self.kind == "flag":
            return "yes" if x else "no"
        return f"{x:,.4g} {self.unit}".strip()


def in_name(path: str) -> str:
    """The workbook's defined name of an input: in_<section>_<field>, dots to underscores."""
    return "in_" + path.replace(".", "_")
