"""The workbook on paper and on screen: A4 print setup, page headers and footers, widths and number formats."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xlsxwriter.worksheet import Worksheet


class _Worksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter is untyped for mypy here
    """xlsxwriter's worksheet without its rewriting of newer Excel function names (XLOOKUP -> _xlfn.XLOOKUP...).

    Our formulas use only functions that Excel and LibreOffice both compute, none of which needs it, and the
    rewriting (some thirty regular expressions run over every formula) was most of the export's time. Only speed
    depends on this: should xlsxwriter stop calling the method, formulas are written as before.
    """

    def _prepare_formula(self, formula: str, *args: Any, **kwargs: Any) -> str:
        return formula.removeprefix("=")


def _shown_width(values: list[Any], style: str) -> int:
    """Characters the widest of a column's values takes in its number format (so the column never shows ###)."""
    numbers = [abs(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]
    biggest = max(numbers, default=0.0)
    if style == "usd":
        digits = len(f"{round(biggest):,}")
    elif style == "months":
        digits = len(f"{biggest:.2f}")
    elif style == "count":
        digits = len(f"{round(biggest)}")
    else:
        digits = len(f"{biggest:.3f}")
    return digits + 1  # the minus sign


FOOTER_NAME_CHARS = 60  # a scenario name longer than this is cut short in the page footer


def header_footer_text(text: str, limit: int = FOOTER_NAME_CHARS) -> str:
    """User text for a page header or footer: on one line, cut to `limit` characters, every '&' doubled.

    '&' starts a code in header and footer strings (&P page, &N pages, &F file, &"font"...), so a scenario named
    "R&D &P" must print as such, not as a page number.
    """
    line = " ".join(text.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return line.replace("&", "&&")


@dataclass(frozen=True)
class PrintSetup:
    """How one sheet prints on A4: the cells printed, the orientation, the header rows repeated on every page."""

    last_row: int
    last_col: int
    landscape: bool = False
    repeat_rows: tuple[int, int] | None = None
    note: str = ""  # printed at the top right of every page, e.g. what the print area leaves out


def _print_setup(ws: Any, title: str, scenario_name: str, setup: PrintSetup) -> None:
    """A4, fit to the page width (as many pages down as needed), the scenario and page number in the footer."""
    ws.set_paper(9)  # A4
    if setup.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.fit_to_pages(1, 0)
    ws.print_area(0, 0, setup.last_row, setup.last_col)
    if setup.repeat_rows is not None:
        ws.repeat_rows(*setup.repeat_rows)
    header = f"&L&B{title}&B"
    if setup.note:
        header += f"&R&I{setup.note.replace('&', '&&')}&I"
    ws.set_header(header)
    ws.set_footer(f"&L{header_footer_text(scenario_name)}&RPage &P of &N")


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column `width` characters wide (a little pessimistic: words wrap whole)."""
    per_line = max(1, int(width * 1.15))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _widths(ws: Any, widths: list[int]) -> None:
    for column, width in enumerate(widths):
        ws.set_column(column, column, width)


#: TRUE or FALSE for a truth value (TRUE for any number but 0), whether or not the formulas were recalculated.
_BOOLEAN = '"TRUE";"TRUE";"FALSE"'


def _no_minus_zero(pattern: str, half: str, red: bool = False) -> str:
    """A number format that never shows -0: a number that rounds to zero in `pattern` (|x| under `half` of its last
    digit) shows a plain zero, whatever its sign. A zero section alone is not enough: -0.0001 is negative and
    shows "-0" in the negative section. A conditional section shows no minus sign of its own, so the negative one
    writes it."""
    zero = pattern.replace("#,##", "").replace("#", "")
    return f'[>={half}]{pattern};{"[Red]" if red else ""}[<=-{half}]-{pattern};"{zero}"'


def _formats(wb: Any) -> dict[str, Any]:
    add = wb.add_format
    input_style = {
        "bg_color": "#FFF2CC",
        "font_color": "#1F3A93",
        "border": 1,
        "border_color": "#BFBFBF",
        "valign": "top",
    }
    return {
        "title": add({"bold": True, "font_size": 14}),
        "bold": add({"bold": True}),
        "header": add({"bold": True, "bottom": 1, "bg_color": "#D9E1F2", "text_wrap": True, "valign": "top"}),
        # A formula's truth value. LibreOffice shows a cached TRUE as 1 (1.000 in a number format) until it
        # recalculates, so these cells say TRUE or FALSE in so many words, in any application.
        "flag": add({"align": "center", "num_format": _BOOLEAN}),
        "bold_flag": add({"bold": True, "num_format": _BOOLEAN}),
        "note": add({"text_wrap": True, "valign": "top"}),
        "bold_top": add({"bold": True, "valign": "top"}),
        "muted_note": add({"font_color": "#7F7F7F", "italic": True}),
        "sci": add({"num_format": "0.000E+00"}),
        "input": add({**input_style, "num_format": "#,##0.####"}),
        "input_pct": add({**input_style, "num_format": "0.0##%"}),
        "input_flag": add({**input_style, "num_format": _BOOLEAN}),
        "muted": add({"font_color": "#7F7F7F", "num_format": "#,##0.####", "valign": "top"}),
        "muted_pct": add({"font_color": "#7F7F7F", "num_format": "0.0##%", "valign": "top"}),
        "top": add({"valign": "top"}),
        # text right of a right-aligned number: one character's gap, so "150" and "USD/h" never read "150USD/h"
        "beside_number": add({"valign": "top", "align": "left", "indent": 1}),
        "note_beside_number": add({"text_wrap": True, "valign": "top", "align": "left", "indent": 1}),
        # right-aligned, so "not within the horizon" lines up with the numbers around it
        "usd": add({"num_format": _no_minus_zero("#,##0", "0.5", red=True), "align": "right"}),
        "months": add({"num_format": _no_minus_zero("0.00", "0.005"), "align": "right"}),
        "pct": add({"num_format": _no_minus_zero("0.0%", "0.0005"), "align": "right"}),
        "ratio": add({"num_format": '0.00" : 1"'}),
        "factor": add({"num_format": "0.000"}),
        "one_decimal": add({"num_format": _no_minus_zero("0.0", "0.05")}),
        "count": add({"num_format": "0"}),
        "rate": add({"num_format": "0.0000%"}),
    }
