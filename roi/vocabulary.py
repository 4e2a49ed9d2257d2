"""The project's words, each written once: the format version, the benefit streams and spend areas with their labels,
the input sections in page order, and every combination of areas. Everything else reads them from here."""

from __future__ import annotations

import itertools

SCHEMA_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
STREAMS = ("merges", "builds", "incidents", "lead_time")
STREAM_LABELS = {
    "merges": "Failed merges",
    "builds": "Build waiting",
    "incidents": "Incidents",
    "lead_time": "Lead time",
}
AREAS = ("ci_cd", "testing", "deployment", "observability")
AREA_LABELS = {
    "ci_cd": "CI/CD pipeline",
    "testing": "Automated testing",
    "deployment": "Deployment automation",
    "observability": "Observability",
}
#: Who delivers what when no area's `delivers` names a stream: from what each area of the founding case does.
DEFAULT_ATTRIBUTION: dict[str, dict[str, float]] = {
    "merges": {"ci_cd": 1 / 2, "testing": 1 / 2, "deployment": 0.0, "observability": 0.0},
    "builds": {"ci_cd": 1.0, "testing": 0.0, "deployment": 0.0, "observability": 0.0},
    "incidents": {"ci_cd": 0.0, "testing": 1 / 3, "deployment": 1 / 3, "observability": 1 / 3},
    "lead_time": {"ci_cd": 1 / 2, "testing": 0.0, "deployment": 1 / 2, "observability": 0.0},
}
#: The input sections of a scenario, in the order a file and the page show them (the areas' investments, finance,
#: uncertainty and lines follow).
SECTIONS = ("team", "ai_tools", "merges", "builds", "incidents", "lead_time", "growth")
#: Stream sections a case may leave out.
OPTIONAL_SECTIONS = ("builds", "incidents", "lead_time")
#: Sections whose numbers may be three-point ranges (docs/method.md).
RANGED_SECTIONS = (*SECTIONS, "investments")
#: Every non-empty set of areas, in a fixed order: one area, then pairs, threes and all four, each in AREAS order.
COMBINATIONS: tuple[tuple[str, ...], ...] = tuple(
    combo for size in range(1, len(AREAS) + 1) for combo in itertools.combinations(AREAS, size)
)
