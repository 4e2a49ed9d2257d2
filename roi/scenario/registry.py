"""An input looked up by its dotted path in the registry (`FIELDS`): whether it may be left out, its bounds, unit,
help and spec, and the label a reader knows it by.
"""

from __future__ import annotations

from roi.fields import Bounds, FieldSpec
from roi.scenario.schema import FIELDS, Line, section_model, spec_of
from roi.vocabulary import AREA_LABELS, STREAM_LABELS


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
