"""The Plan sheet's last block: the yearly budgets and the best phasing found within them (values, not formulas)."""

from __future__ import annotations

from typing import Any

from roi import formatting as text
from roi.model import Result
from roi.plan import Phasing
from roi.scenario import AREA_LABELS, AREAS

#: A budget this large is no cap (as roi.documents.NO_CAP_USD).
_NO_CAP_USD = 1e15


def _write_phasing(ws: Any, fmt: dict[str, Any], phasing: Phasing, result: Result, top: int) -> int:
    """The yearly budgets and the best phasing found within them (values from the search, not live formulas); the
    last row written."""
    from roi.plan import stretch_note

    ws.write_string(
        top, 0, "Phasing under the yearly budgets (as found by the search; values, not formulas)", fmt["bold"]
    )
    r = top + 1
    for year, cap in enumerate(phasing.budgets_usd, start=1):
        ws.write_string(r, 0, f"Budget, plan year {year} (USD)")
        if cap >= _NO_CAP_USD:
            ws.write_string(r, 1, "no cap")
        else:
            ws.write_number(r, 1, cap, fmt["usd"])
        r += 1
    ws.write_string(r, 0, "Later plan years")
    ws.write_string(r, 1, "no cap")
    r += 1
    for a in AREAS:
        start = phasing.start_months[a]
        ws.write_string(r, 0, f"{AREA_LABELS[a]}: starts")
        ws.write_string(r, 1, "not funded" if start is None else f"month {start}")
        r += 1
    ws.write_string(r, 0, "NPV of this phasing (USD)")
    ws.write_number(r, 1, phasing.npv_usd, fmt["usd"])
    r += 1
    if result.summary.continuing_months:
        ws.write_string(r, 0, f"NPV with the {result.summary.continuing_months} months after the horizon (USD)")
        ws.write_number(r, 1, phasing.npv_with_continuing_value_usd, fmt["usd"])
        r += 1
    ws.write_string(r, 0, "Payback of this phasing")
    funded = any(s is not None for s in phasing.start_months.values())
    payback = phasing.payback_months
    if payback is None or not funded:
        ws.write_string(r, 1, text.NOT_REACHED if funded else "no area funded")
    else:
        ws.write_number(r, 1, payback, fmt["months"])
    r += 1
    for year, cost in enumerate(phasing.cost_by_year_usd, start=1):
        ws.write_string(r, 0, f"Cost in plan year {year} (USD)")
        ws.write_number(r, 1, cost, fmt["usd"])
        r += 1
    note = stretch_note(phasing)
    if note is not None:
        ws.write_string(r, 0, note, fmt["note"])
        r += 1
    return r - 1
