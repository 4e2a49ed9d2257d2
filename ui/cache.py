"""The page's cached calls into `roi`, each keyed by the scenario's TOML text (hashable, and the whole case)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from roi import charts, plan, uncertainty
from roi import ci_import as ci
from roi.documents import document_for
from roi.exports import MEMOS, SLIDES, monthly_csv, workbook_xlsx
from roi.model import Result, evaluate
from roi.scenario import Scenario, loads_scenario

SCENARIO_DIR = Path(__file__).resolve().parent.parent / "scenarios"


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


@st.cache_data(max_entries=16, show_spinner=False)
def download_bytes(toml_text: str, kind: str) -> bytes:
    """A download built when clicked: csv, xlsx, or a memo or slides suffix (.html, .pdf, .pptx)."""
    result = evaluated(toml_text)
    if kind == "csv":
        return monthly_csv(result)
    if kind == "xlsx":
        return workbook_xlsx(result)
    builder = {**MEMOS, **SLIDES}[kind]
    return builder(document_for(result))


@st.cache_data(max_entries=8, show_spinner="Reading the CI history...")
def ci_baseline(content: bytes, name: str, branch: str, since: str, until: str, deploy: str) -> ci.Baseline:
    return ci.import_ci(content, ci.Options(branch, since or None, until or None, deploy or None), source=name)


@st.cache_data(show_spinner=False)
def scenario_files() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SCENARIO_DIR.glob("*.toml"))}


@st.cache_data(show_spinner=False)
def file_scenario(stem: str) -> Scenario:
    return loads_scenario(scenario_files()[stem], source=f"scenarios/{stem}.toml")
