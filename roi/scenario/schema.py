"""The Scenario model (a file of format v1 to v3), its [[lines]], the rules on which keys each format version may use,
validation of plain data into a Scenario, and `FIELDS`, every input collected from the models' annotations.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Annotated, Any, Union

from pydantic import BaseModel, Field, ValidationError, model_validator

from roi.errors import Problem, ScenarioError
from roi.fields import MAX_USD, Bounds, FieldSpec, Range, Value, describe, fail, format_number, number
from roi.scenario.correlation import Uncertainty, correlation_problem
from roi.scenario.sections import (
    AiTools,
    Builds,
    Delivers,
    Finance,
    Growth,
    Incidents,
    Investments,
    LeadTime,
    Merges,
    Section,
    Team,
    _spec,
    _text,
    field_names,
)
from roi.vocabulary import AREAS, DEFAULT_ATTRIBUTION, RANGED_SECTIONS, READABLE_VERSIONS, SCHEMA_VERSION, STREAMS

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 20_000
#: Keys a schema_version = 1 file may not use, by dotted path ("*" any area).
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


def _schema_version(spec: FieldSpec, value: Any) -> int:
    if isinstance(value, bool) or value not in READABLE_VERSIONS:
        raise fail(f"must be 1, 2 or 3 (this tool reads format v1 to v3 and writes v3), got {describe(value)}")
    return SCHEMA_VERSION  # a v1 or v2 file means what a v3 file without the newer keys means


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
