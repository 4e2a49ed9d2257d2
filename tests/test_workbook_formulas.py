"""The workbook's formulas computed in Python (the `formulas` package) in every test run, LibreOffice or not.

Every formula cell must compute to the value the workbook caches for it, which is the model's own figure; and a
changed input must recalculate to what `evaluate` gives for the same change. A formula that drifts from the model
(a growth exponent, the payback's interpolation, the monthly discount rate) fails here without LibreOffice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from roi.model import evaluate
from roi.scenario import Scenario, with_values
from tests.formula_engine import Computed, compile_workbook, same
from tests.test_workbook import assert_matches, case, summary_json, write

# The v3 case (every v3 key, growth, staggered areas, lines, staff counted) with three continuing months instead of
# 24, so that compiling it stays within seconds; it pays back within its 36 months, in cash too, so the payback
# interpolations are computed.
CHANGES = {"finance.continuing_months": 3}


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return with_values(case("v3-case"), CHANGES)


def _months(scenario: Scenario) -> int:
    return scenario.finance.horizon_months + (scenario.finance.continuing_months or 0)


@pytest.fixture(scope="module")
def workbook(scenario, tmp_path_factory) -> Path:
    return write(tmp_path_factory.mktemp("workbook"), "case.xlsx", scenario)


@pytest.fixture(scope="module")
def computed(scenario, workbook) -> Computed:
    return compile_workbook(workbook, workbook.parent, _months(scenario))


@pytest.fixture(scope="module")
def solution(computed) -> dict[tuple[str, str], Any]:
    return computed.calculate()


def test_the_case_pays_back_within_its_horizon_in_cash_too(scenario):
    s = evaluate(scenario).summary
    assert s.cash_payback_months is not None and s.discounted_payback_months is not None, "no interpolation to check"
    assert s.areas["deployment"].included and not s.areas["observability"].included


def test_every_formula_computes_to_the_value_the_workbook_caches(computed, solution):
    cells = computed.cells
    assert len(cells) > 2_000  # every sheet's formulas, not a sample
    wrong = [
        f"{sheet}!{ref}: {formula[:90]} computes {solution[(sheet, ref)]!r}, caches {want!r}"
        for (sheet, ref), (formula, want) in cells.items()
        if not same(solution[(sheet, ref)], want)
    ]
    assert not wrong, f"{len(wrong)} formulas disagree with the model, first: " + "; ".join(wrong[:5])


def test_the_named_outputs_computed_in_python_equal_the_summary(scenario, computed, solution):
    values = computed.named(solution)
    assert_matches(values, summary_json(evaluate(scenario).summary), "v3 case")
    assert values["checks_all_pass"] is True


# Inputs changed in the workbook, each recalculated in Python against the model with the same change: the rates,
# the growth and the risk are where an exponent or a rate conversion goes wrong.
EDITS = [
    {"finance.annual_discount_rate": 0.25, "growth.volume_growth_per_year": 0.4},
    {
        "merges.fix_hours": 4.5,
        "merges.success_rate_after": 0.9,
        "finance.ramp_months": 0,
        "finance.cost_risk_adjustment": 0.1,
    },
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: ",".join(e))
def test_a_changed_input_recalculates_like_the_model(scenario, computed, edit):
    names = {"in_" + path.replace(".", "_"): value for path, value in edit.items()}
    values = computed.named(computed.calculate(names))
    assert_matches(values, summary_json(evaluate(with_values(scenario, edit)).summary), f"after {edit}")
