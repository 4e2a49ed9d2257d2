"""Labelled vertical rules inside a plot (paybacks, percentiles): where each label goes so no text crosses a
line, the y room kept above the data for the labels' rows, and the rule and text layers that draw them."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from roi.charts.theme import named_data

#: A label beside a vertical rule, right of it or left of it as `rule_labels` decided.
LABEL_MARK: dict[str, Any] = {
    "align": alt.ExprRef(expr="datum.align"),
    "dx": alt.ExprRef(expr="datum.align == 'left' ? 5 : -5"),
    "baseline": "top",
    "fontWeight": "bold",
}
LABEL_TOP_PX = 6
LABEL_ROW_PX = 18
#: What the label layout assumes of a bold label and of the plot (generous, so real labels fit the room reserved).
LABEL_CHAR_PX = 7.5
ASSUMED_PLOT_PX = 540
MARK_COLUMNS = ["at", "text", "colour", "rule", "align", "row", "y", "top"]


def rule_labels(rows: list[dict[str, Any]], first: float, last: float, right_from: float = 0.55) -> pd.DataFrame:
    """Labelled vertical rules (`at`, `text`, `colour`) laid out inside a plot whose x runs from `first` to `last`.

    A row with `rule` False is a note: a label at `at` with no rule (at `last`, it reads from the right edge).

    Each label sits at the top of the plot beside its rule: right of it, or left of it when the rule stands right
    of `right_from` of the way across (or when the label would leave the plot). Labels take rows from the top, and
    each rule starts at its own label's row and runs down to the bottom: a label that spans another rule is put
    in a row above where that rule starts, and labels sharing a row never overlap, so no text crosses a line.
    """
    items = [_beside_rule(row, first, last, right_from) for row in rows]
    spans = _turn_facing_labels(items, first, last)
    placed = _label_rows(items, spans, _top_down(spans))
    out = [{**item, **_at_row(placed[i])} for i, item in enumerate(items)]
    return pd.DataFrame(out, columns=MARK_COLUMNS)


def _beside_rule(row: dict[str, Any], first: float, last: float, right_from: float) -> dict[str, Any]:
    """The row with its label's width and extent in x units: right of its rule, or left of it past `right_from`
    of the way across, whichever side fits when only one does."""
    span = (last - first) or 1.0
    per_px = span / ASSUMED_PLOT_PX
    at = float(row["at"])
    width = (len(str(row["text"])) * LABEL_CHAR_PX + 10) * per_px
    left_of_rule = at > first + right_from * span
    if not _fits(at, width, left_of_rule, first, last) and _fits(at, width, not left_of_rule, first, last):
        left_of_rule = not left_of_rule
    rule = bool(row.get("rule", True))
    return {**row, "at": at, "rule": rule, "width": width, **_extent(at, width, left_of_rule)}


def _turn_facing_labels(items: list[dict[str, Any]], first: float, last: float) -> list[list[int]]:
    """Two labels facing each other, each across the other's rule: turn one round where it still fits (the later
    one first), until none face or none can turn. The rules each label then spans (`_spanned`)."""
    spans = _spanned(items)
    for _ in range(len(items)):
        facing = [(i, j) for i in range(len(items)) for j in spans[i] if i in spans[j]]
        if not facing or not _turn_one(items, facing[0], first, last):
            break
        spans = _spanned(items)
    return spans


def _turn_one(items: list[dict[str, Any]], pair: tuple[int, int], first: float, last: float) -> bool:
    """Turn the later label of the pair to the other side of its rule where it fits, else the earlier one."""
    for k in pair[::-1]:
        item = items[k]
        turned = item["align"] == "left"
        if _fits(item["at"], item["width"], turned, first, last):
            item.update(_extent(item["at"], item["width"], turned))
            return True
    return False


def _top_down(spans: list[list[int]]) -> list[int]:
    """The order labels take rows in: a label after every label that spans its rule; labels still facing each
    other (no room to turn) keep their order, last."""
    n = len(spans)
    waiting = [sum(i in spans[k] for k in range(n)) for i in range(n)]
    order: list[int] = []
    ready = [i for i in range(n) if waiting[i] == 0]
    while ready:
        i = ready.pop(0)
        order.append(i)
        for j in spans[i]:
            waiting[j] -= 1
            if waiting[j] == 0:
                ready.append(j)
    return order + [i for i in range(n) if i not in order]


def _label_rows(items: list[dict[str, Any]], spans: list[list[int]], order: list[int]) -> dict[int, int]:
    """Each label's row from the top: below the rows of the labels that span its rule, in the first such row where
    it overlaps no label already there."""
    placed: dict[int, int] = {}
    for i in order:
        r = 1 + max((placed[k] for k in placed if i in spans[k]), default=-1)
        while any(
            placed[k] == r and items[k]["lo"] < items[i]["hi"] and items[i]["lo"] < items[k]["hi"] for k in placed
        ):
            r += 1
        placed[i] = r
    return placed


def _at_row(row: int) -> dict[str, Any]:
    """Where a label in `row` stands (`y`, pixels from the plot's top) and where its rule starts (`top`)."""
    y = LABEL_TOP_PX + LABEL_ROW_PX * row
    return {"row": row, "y": y, "top": y - 3}


def _extent(at: float, width: float, left_of_rule: bool) -> dict[str, Any]:
    """Where a label beside the rule at `at` reaches, in x units."""
    if left_of_rule:
        return {"align": "right", "lo": at - width, "hi": at}
    return {"align": "left", "lo": at, "hi": at + width}


def _fits(at: float, width: float, left_of_rule: bool, first: float, last: float) -> bool:
    return at - width >= first if left_of_rule else at + width <= last


def _spanned(items: list[dict[str, Any]]) -> list[list[int]]:
    """For each label, the other rules its text runs across (a rule at its own x runs beside it, not across)."""
    return [
        [
            j
            for j, other in enumerate(items)
            if j != i and other["rule"] and other["at"] != item["at"] and item["lo"] <= other["at"] <= item["hi"]
        ]
        for i, item in enumerate(items)
    ]


def room_for_labels(dataset: str, field: str, floor: float | None = None) -> Any:
    """A y scale whose domain runs over the data and lifts its top so the rule labels' rows stay clear of it.

    The rows are pixels and the data dollars or shares, so the room is a Vega expression of the plot's height:
    the same spec drawn 160 or 320 pixels high (the memo, the page) keeps its labels off the lines.
    """
    values = f"pluck(data('{dataset}'), '{field}')"
    hi = f"max(0, extent({values})[1])"
    lo = f"min(0, extent({values})[0])" if floor is None else repr(floor)
    rows = "(length(data('marks')) ? extent(pluck(data('marks'), 'row'))[1] + 1 : 0)"
    share = f"min(0.6, ({LABEL_TOP_PX + 6} + {LABEL_ROW_PX} * {rows}) / height)"
    pad = 0.04
    top = f"{hi} + ({hi} - {lo}) * ({pad} + {share} / (1 - {share}))"
    bottom = f"{lo} - ({hi} - {lo}) * {pad}" if floor is None else repr(floor)
    return alt.Scale(domainMin=alt.ExprRef(expr=bottom), domainMax=alt.ExprRef(expr=top))


def rules_and_labels(dash: list[float] | None = None) -> list[Any]:
    """Vertical rules at `at` from their label's row to the bottom, labels inside the plot, coloured by `colour`."""
    base = alt.Chart(named_data("marks"))
    rule = (
        base.transform_filter("datum.rule")
        .mark_rule(strokeWidth=1.6, strokeDash=dash or [5, 3])
        .encode(
            x=alt.X("at:Q"),
            y=alt.Y("top:Q", scale=None),
            y2=alt.value(alt.ExprRef(expr="height")),
            color=alt.Color("colour:N", scale=None),
        )
    )
    text = base.mark_text(**LABEL_MARK).encode(
        x=alt.X("at:Q"), y=alt.Y("y:Q", scale=None), text=alt.Text("text:N"), color=alt.Color("colour:N", scale=None)
    )
    return [rule, text]
