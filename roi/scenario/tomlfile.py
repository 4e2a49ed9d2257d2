"""The scenario as a TOML file: parsing and reading it (overrides applied), validating it into a Scenario, and writing
it back as a file that loads to an equal model.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from roi import files
from roi.errors import Problem, ScenarioError
from roi.fields import Range, format_number
from roi.scenario.overrides import apply_overrides
from roi.scenario.schema import Line, Scenario, scenario_from_dict, spec_of
from roi.scenario.sections import Delivers, field_names
from roi.vocabulary import AREAS, SCHEMA_VERSION, SECTIONS


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
