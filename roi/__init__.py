"""Delivery ROI calculator: the business case for CI/CD, testing, deployment and observability spend."""

from roi.errors import CIImportError, Problem, RoiError, ScenarioError
from roi.model import Result, Summary, evaluate
from roi.scenario import Range, Scenario, dump_scenario, load_scenario, loads_scenario

__all__ = [
    "CIImportError",
    "Problem",
    "Range",
    "Result",
    "RoiError",
    "Scenario",
    "ScenarioError",
    "Summary",
    "dump_scenario",
    "evaluate",
    "load_scenario",
    "loads_scenario",
]
__version__ = "0.1.0"
