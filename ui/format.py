"""Short forms of figures for the page, where a KPI tile or a table cell has little room: $739K, 19.5 mo, 70.8 %."""

from __future__ import annotations

from roi.scenario import AREA_LABELS


def money(x: float | None) -> str:
    """$739K, $1.07M, -$12.3K, $950."""
    if x is None:
        return "n/a"
    sign = "-" if x < 0 else ""
    a = abs(x)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if a >= size * 0.9995:
            v = a / size
            digits = 2 if v < 10 else (1 if v < 100 else 0)
            return f"{sign}${v:.{digits}f}{suffix}"
    return f"{sign}${a:,.0f}"


def months(x: float | None) -> str:
    """19.5 mo, or "none" when it does not happen within the horizon."""
    return "none" if x is None else f"{x:.1f} mo"


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x * 100:.1f} %"


def ratio(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f} : 1"


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
