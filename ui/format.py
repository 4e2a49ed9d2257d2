"""Short forms of figures for the page, where a KPI tile or a table cell has little room: $739K, 19.5 mo, 70.8 %."""

from __future__ import annotations

from roi import formatting as fmt
from roi.scenario import AREA_LABELS

money = fmt.brief_money
months = fmt.brief_months
pct = fmt.pct
ratio = fmt.brief_ratio


BRIEF = {"ci_cd": "CI/CD", "testing": "Testing", "deployment": "Deployment", "observability": "Observability"}


def areas(names: tuple[str, ...] | list[str], brief: bool = False) -> str:
    """The areas in words: "CI/CD pipeline, Automated testing", or briefly "CI/CD + Testing"."""
    if brief:
        return " + ".join(BRIEF[a] for a in names)
    return ", ".join(AREA_LABELS[a] for a in names)


def start(month: int | None) -> str:
    if month is None:
        return "not funded"
    return "at once" if month == 0 else f"month {month}"
