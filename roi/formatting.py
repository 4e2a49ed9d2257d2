"""How figures read to people, in one place for the CLI, the memo and the app."""

from __future__ import annotations


def money(x: float | None) -> str:
    """$1,234,567; negative as -$1,234."""
    if x is None:
        return "n/a"
    return f"-${-x:,.0f}" if x < 0 else f"${x:,.0f}"


def months(x: float | None) -> str:
    return "not within the horizon" if x is None else f"{x:.2f} months"


def pct(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.1%}"


def ratio(x: float | None) -> str:
    return "n/a (no AI spend)" if x is None else f"{x:.2f} : 1"


def level(x: float | None) -> str:
    """A solved input value, or the honest answer that none exists."""
    return "no such value in range" if x is None else f"{x:,.4g}"
