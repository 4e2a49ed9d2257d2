"""`KEY=VALUE` overrides of raw scenario data (the command line's --set) and what-if copies of a scenario with some
inputs replaced, validated like a file.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from roi import files
from roi.errors import Problem, ScenarioError
from roi.fields import Range
from roi.scenario.schema import Scenario, scenario_from_dict


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
        deep = f"{key}: the value is nested more than {files.MAX_DEPTH} levels deep or too long to read"
        raise ScenarioError([Problem("--set", deep)])
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
