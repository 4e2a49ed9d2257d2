"""Compute a workbook's formulas in Python with the `formulas` package (PyPI), where LibreOffice is absent.

`formulas` parses and compiles every formula cell, which takes a few milliseconds a cell: the Model sheet runs on to
the longest continuing months the format allows (240 rows past the horizon) so that a reader can lengthen them, and
compiling all of it takes minutes. The months past the case's own horizon and continuing months are therefore set to
the values the workbook caches for them (zero flows, which LibreOffice's full recalculation in CI checks); every other
formula, on every sheet, is computed here.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl


def _value(cell: Any) -> Any:
    """A computed cell as a plain Python value: an empty result as None, numpy scalars as floats or bools."""
    value = cell.value[0][0] if hasattr(cell, "value") else cell
    if str(value) == "empty":
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


@dataclass
class Computed:
    """One workbook compiled by `formulas`: `calculate` computes it, optionally with named inputs changed."""

    path: Path
    model: Any
    names: dict[str, tuple[str, str]]  # single-cell defined name -> (sheet, cell)
    cells: dict[tuple[str, str], tuple[str, Any]]  # each formula computed, by (SHEET, cell): formula, cached value

    def _key(self, sheet: str, cell: str) -> str:
        return f"'[{self.path.name}]{sheet.upper()}'!{cell}"

    def calculate(self, changes: dict[str, Any] | None = None) -> dict[tuple[str, str], Any]:
        """Every computed cell by (sheet, cell); `changes` sets named input cells first."""
        inputs = {self._key(*self.names[name]): value for name, value in (changes or {}).items()}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            solution = self.model.calculate(inputs=inputs)
        out = {}
        for key, cell in solution.items():
            book_sheet, _, ref = key.rpartition("!")
            sheet = book_sheet.split("]", 1)[-1].rstrip("'")
            if sheet and ":" not in ref:
                out[(sheet, ref)] = _value(cell)
        return out

    def named(self, solution: dict[tuple[str, str], Any]) -> dict[str, Any]:
        """The value of every single-cell defined name in a solution of `calculate`."""
        return {name: solution[(sheet.upper(), ref)] for name, (sheet, ref) in self.names.items()}


def compile_workbook(src: Path, workdir: Path, months: int) -> Computed:
    """Compile the workbook `src` with `formulas`, its Model sheet's formulas computed for months 0 to `months`."""
    book = openpyxl.load_workbook(src)
    cached = openpyxl.load_workbook(src, data_only=True)
    cells = {}
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                value = cached[ws.title][cell.coordinate].value
                if ws.title == "Model" and cell.row > months + 2:  # header, then month 0 in row 2
                    cell.value = value
                else:
                    cells[(ws.title.upper(), cell.coordinate)] = (cell.value, value)
    names = {}
    for name, defined in book.defined_names.items():
        for sheet, ref in defined.destinations:
            if ":" not in ref:
                names[name] = (sheet, ref.replace("$", ""))
    path = workdir / "computed.xlsx"
    book.save(path)
    import formulas  # imported here: it loads for a while, and only these tests need it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = formulas.ExcelModel().loads(str(path)).finish()
    return Computed(path, model, names, cells)


def same(a: Any, b: Any) -> bool:
    """Equal values, numbers to 1e-9 relative (1e-6 absolute); an empty text and an empty cell are the same."""
    if a in (None, "") and b in (None, ""):
        return True
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return bool(a == b)
