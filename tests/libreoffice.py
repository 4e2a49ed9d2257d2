"""Recalculate workbooks with headless LibreOffice (profile set to recalculate on load) and read them back."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import openpyxl

from tests.conftest import require_program

RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


def _convert(
    paths: list[Path], workdir: Path, target: str, folder: str, suffix: str, recalculating: bool = True
) -> list[Path]:
    """Open each workbook in LibreOffice and convert it to `target`: recalculating every formula on load, or with
    LibreOffice's default settings (which show the values cached in the file)."""
    soffice = require_program("soffice", "libreoffice")
    profile = workdir / ("lo-profile" if recalculating else "lo-profile-default")
    (profile / "user").mkdir(parents=True, exist_ok=True)
    if recalculating:
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS)
    out = workdir / folder
    out.mkdir(exist_ok=True)
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", target, "--outdir", str(out), *map(str, paths)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    results = [out / p.with_suffix(suffix).name for p in paths]
    missing = [p for p in results if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}: {done.stdout} {done.stderr}"
    return results


def recalculate(paths: list[Path], workdir: Path) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate every formula, save as .xlsx; return the new paths."""
    return _convert(paths, workdir, "xlsx:Calc MS Excel 2007 XML", "recalculated", ".xlsx")


def print_to_pdf(paths: list[Path], workdir: Path, recalculating: bool = True) -> list[Path]:
    """Print each workbook to PDF as LibreOffice does on paper (print areas, page setup), recalculated on opening
    or (recalculating=False) as LibreOffice's default settings open it, with the values cached in the file."""
    folder = "printed" if recalculating else "printed-as-cached"
    return _convert(paths, workdir, "pdf", folder, ".pdf", recalculating)


def named_values(path: Path, prefix: str = "") -> dict[str, Any]:
    """The value of every single-cell defined name (starting with prefix) in a workbook's cached values."""
    wb = openpyxl.load_workbook(path, data_only=True)
    values = {}
    for name, defined in wb.defined_names.items():
        if not name.startswith(prefix):
            continue
        for sheet, ref in defined.destinations:
            values[name] = wb[sheet][ref.replace("$", "")].value
    return values


def strip_cached_values(src: Path, dst: Path, changes: dict[str, Any] | None = None) -> None:
    """Re-save through openpyxl, which drops every cached formula value, optionally changing named input cells."""
    wb = openpyxl.load_workbook(src)
    for name, value in (changes or {}).items():
        sheet, ref = next(iter(wb.defined_names[name].destinations))
        wb[sheet][ref.replace("$", "")].value = value
    wb.save(dst)
