"""The page's cached calls into `roi`, each keyed by the scenario's TOML text (hashable, and the whole case)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from roi import charts, plan, uncertainty
from roi import ci_import as ci
from roi.documents import Findings, build_document, findings_for
from roi.errors import RoiError
from roi.exports import MEMOS, SLIDES, monthly_csv, workbook_xlsx
from roi.model import Result, evaluate
from roi.scenario import Scenario, loads_scenario

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"
DEFAULT_FILE = "forum-post"


@st.cache_data(max_entries=256, show_spinner=False)
def evaluated(toml_text: str) -> Result:
    return evaluate(loads_scenario(toml_text))


@st.cache_data(max_entries=32, show_spinner="Simulating...")
def simulated(toml_text: str, draws: int, seed: int) -> uncertainty.Simulation:
    return uncertainty.simulate(loads_scenario(toml_text), draws, seed)


@st.cache_data(max_entries=32, show_spinner=False)
def fan(toml_text: str, draws: int, seed: int) -> dict[str, Any]:
    return charts.fan_chart(simulated(toml_text, draws, seed)).to_dict()


@st.cache_data(max_entries=32, show_spinner=False)
def draws_csv(toml_text: str, draws: int, seed: int) -> bytes:
    return simulated(toml_text, draws, seed).draws_csv()


@st.cache_data(max_entries=32, show_spinner=False)
def value_of_information(toml_text: str, draws: int, seed: int) -> tuple[pd.DataFrame, float]:
    sim = simulated(toml_text, draws, seed)
    return uncertainty.value_of_information(sim), uncertainty.expected_value_of_perfect_information(sim)


@st.cache_data(max_entries=32, show_spinner=False)
def expected_npv(toml_text: str, draws: int, seed: int) -> float:
    """The mean NPV of the simulation, for the headline: the mean alone, not the Uncertainty tab's whole summary."""
    return float(simulated(toml_text, draws, seed).metrics.npv_usd.mean())


@st.cache_data(max_entries=32, show_spinner=False)
def odds(toml_text: str, draws: int, seed: int) -> dict[str, Any]:
    """The simulation's summary: percentiles, the odds and each area's decision (which reruns the draws once)."""
    return simulated(toml_text, draws, seed).summary()


@st.cache_data(max_entries=32, show_spinner=False)
def sensitivity(toml_text: str, target_months: float) -> tuple[pd.DataFrame, list[uncertainty.BreakEven]]:
    scenario = loads_scenario(toml_text)
    return uncertainty.tornado(scenario), uncertainty.break_even(scenario, target_months)


@st.cache_data(max_entries=32, show_spinner=False)
def combinations(toml_text: str) -> list[plan.Combination]:
    return plan.combinations(loads_scenario(toml_text))


@st.cache_data(max_entries=32, show_spinner="Searching the phasings...")
def best_phasing(toml_text: str, budgets: tuple[float, ...]) -> plan.Phasing:
    return plan.best_phasing(loads_scenario(toml_text), list(budgets))


@st.cache_data(max_entries=32, show_spinner=False)
def uncosted_benefits(toml_text: str) -> list[str]:
    return plan.uncosted_benefits(loads_scenario(toml_text))


def findings(toml_text: str, budgets: tuple[float, ...], draws: int, seed: int) -> Findings:
    """What the memo and the slides report beside the case, from the page's cached runs: the simulation summary at
    `draws` and `seed` (the odds the page shows), the combinations and, with budgets, the best phasing. The what-ifs,
    the TEI view and the tornado are run by `findings_for`."""
    phasing = best_phasing(toml_text, budgets) if budgets else None
    return findings_for(evaluated(toml_text), odds(toml_text, draws, seed), phasing, combinations(toml_text))


@st.cache_data(max_entries=16, show_spinner=False)
def download_bytes(
    toml_text: str, kind: str, budgets: tuple[float, ...] = (), draws: int = uncertainty.DEFAULT_DRAWS, seed: int = 0
) -> bytes:
    """A download built when clicked: csv, xlsx, or a memo or slides suffix (.html, .pdf, .pptx); with the Plan tab's
    yearly budgets, the memo, slides and workbook carry them and the best phasing within them. The memo and slides
    read the simulation the page has cached for `draws` and `seed` (the Uncertainty tab's), so a click reruns none."""
    result = evaluated(toml_text)
    if kind == "csv":
        return monthly_csv(result)
    if kind == "xlsx":
        return workbook_xlsx(result, best_phasing(toml_text, budgets) if budgets else None)
    builder = {**MEMOS, **SLIDES}[kind]
    return builder(build_document(result, findings(toml_text, budgets, draws, seed)))


@st.cache_data(max_entries=8, show_spinner="Reading the CI history...")
def ci_baseline(content: bytes, name: str, branch: str, since: str, until: str, deploy: str) -> ci.Baseline:
    return ci.import_ci(content, ci.Options(branch, since or None, until or None, deploy or None), source=name)


@st.cache_data(show_spinner=False)
def _scenario_folder(folder: str) -> tuple[dict[str, str], list[str]]:
    """The text of every file in the folder that is a valid scenario, by stem; and, one line each, why the others
    are not."""
    good, bad = {}, []
    for path in sorted(Path(folder).glob("*.toml")):
        source = f"scenarios/{path.name}"  # never the server's path
        try:
            content = path.read_bytes()
            loads_scenario(content, source=source)
        except OSError as exc:
            bad.append(f"{source}: cannot be read: {exc.strerror}")
        except RoiError as exc:
            more = len(exc.problems) - 1
            bad.append(exc.lines()[0] + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""))
        else:
            good[path.stem] = content.decode("utf-8")
    return good, bad


def scenario_files() -> dict[str, str]:
    """The files in scenarios/ the page offers: those that load."""
    return _scenario_folder(str(SCENARIO_DIR))[0]


def scenario_file_problems() -> list[str]:
    """Why each file in scenarios/ that is not offered does not load: one line per file."""
    return _scenario_folder(str(SCENARIO_DIR))[1]


def default_file() -> str:
    """The scenario the page opens on: the forum post, or the first file that loads if it does not."""
    files = scenario_files()
    return DEFAULT_FILE if DEFAULT_FILE in files or not files else next(iter(files))


@st.cache_data(show_spinner=False)
def file_scenario(stem: str) -> Scenario:
    return loads_scenario(scenario_files()[stem], source=f"scenarios/{stem}.toml")
