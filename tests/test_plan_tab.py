"""The Plan tab and the downloads through AppTest: budgets reach the memo, slides and workbook; a plan that spends
nothing says so and cannot be applied; the spend planner honours the Fund toggles; NPV with continuing value."""

from __future__ import annotations

import functools
import io
import zipfile
from typing import Any

import pytest

from roi import evaluate, plan
from roi.explore import plan_spend
from roi.scenario import AREAS, likely, load_scenario, with_values
from tests.conftest import FORUM
from tests.test_app import plain, start
from ui import format as short
from ui import state


@pytest.fixture
def recorded(monkeypatch) -> list[functools.partial[Any]]:
    """The download builders the Share tab hands its buttons, as the page made them."""
    import ui.views.share

    made: list[functools.partial[Any]] = []

    def record(func: Any, *args: Any) -> functools.partial[Any]:
        made.append(functools.partial(func, *args))
        return made[-1]

    monkeypatch.setattr(ui.views.share, "partial", record)
    return made


def test_the_downloads_carry_the_plan_tabs_budgets_and_phasing(recorded):
    at = start()
    at.session_state[state.budget_key(1)] = 300_000.0
    at.session_state[state.VIEW] = "Share and download"
    at.run()
    assert not at.exception
    by_kind = {p.args[1]: p for p in recorded}
    assert by_kind[".html"].args[2] == (300_000.0,) == by_kind[".pptx"].args[2] == by_kind["xlsx"].args[2]
    phasing = plan.best_phasing(load_scenario(FORUM), [300_000.0])
    memo = by_kind[".html"]().decode()
    decision = memo.split("Decision requested.")[1].split("</p>")[0]
    assert "phased to fit $300,000 in plan year 1" in decision
    for area, start_month in phasing.start_months.items():
        if start_month is not None:
            assert f"month {start_month}" in decision, area
    with zipfile.ZipFile(io.BytesIO(by_kind["xlsx"]())) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert "Phasing under the yearly budgets" in strings and "Budget, plan year 1 (USD)" in strings


def test_without_budgets_the_downloads_carry_none(recorded):
    at = start()
    at.session_state[state.VIEW] = "Share and download"
    at.run()
    assert all(p.args[2:3] in ((), ((),)) for p in recorded if p.args[1] != "csv")  # budgets, then draws and seed
    assert "phased to fit" not in {p.args[1]: p for p in recorded}[".html"]().decode()


def test_a_phasing_that_funds_nothing_says_so_puts_the_stretch_first_and_cannot_be_applied():
    at = start()
    at.session_state[state.VIEW] = "Plan"
    at.run()
    for year in (1, 2, 3):  # $95K a year: testing ($100K) is just over, nothing that pays fits
        at.number_input(key=state.budget_key(year)).set_value(95_000.0)
    at.run()
    assert not at.exception
    phasing = plan.best_phasing(load_scenario(FORUM), [95_000.0] * 3)
    assert all(s is None for s in phasing.start_months.values()) and phasing.stretch is not None
    warning = next(w.value for w in at.warning if "fund nothing" in w.value)
    assert "funds no area and spends nothing" in plain(warning)
    assert at.button(key=state.PLAN_APPLY).disabled
    # the plan just over the cap comes before the plan that spends nothing
    blocks = [e for e in at.main if getattr(e, "type", "") in ("alert",) or e.__class__.__name__ in ("Info", "Warning")]
    texts = [plain(getattr(e, "value", "")) for e in blocks]
    stretch_at = next(i for i, t in enumerate(texts) if "Just over the cap" in t)
    nothing_at = next(i for i, t in enumerate(texts) if "fund nothing" in t)
    assert stretch_at < nothing_at


def test_the_plan_tab_shows_npv_with_continuing_value_beside_npv():
    at = start()
    at.number_input(key="w:finance.continuing_months").set_value(24).run()
    at.session_state[state.VIEW] = "Plan"
    at.run()
    scenario = load_scenario(FORUM, ["schema_version=3", "finance.continuing_months=24"])
    s = evaluate(scenario).summary
    areas, combos = at.dataframe[0].value, at.dataframe[1].value
    column = "NPV with 24 more months"
    assert list(areas.columns).index(column) == list(areas.columns).index("NPV alone") + 1
    assert list(areas[column]) == [short.money(s.areas[a].npv_with_continuing_value_usd) for a in AREAS]
    assert list(combos.columns)[:3] == ["Areas funded", "NPV", column]
    best = plan.combinations(scenario)[0]
    assert combos.iloc[0][column] == short.money(best.npv_with_continuing_value_usd)


def test_the_spend_planner_gives_nothing_to_areas_left_out():
    scenario = with_values(load_scenario(FORUM), {"investments.deployment.include": False})
    planned = plan_spend(scenario, 2.0)
    assert planned is not None
    assert planned.by_area_usd["deployment"] == 0
    assert sum(planned.by_area_usd.values()) == pytest.approx(400_000)
    assert not planned.scenario.investments.deployment.include
    inv = planned.scenario.investments
    spent = sum(likely(getattr(inv, a).one_time) for a in AREAS if getattr(inv, a).include)
    assert spent == pytest.approx(400_000)
    none = with_values(scenario, {f"investments.{a}.include": False for a in AREAS})
    assert plan_spend(none, 2.0) is None


def test_the_spend_planner_on_the_page_honours_the_fund_toggles():
    at = start()
    at.toggle(key="w:investments.observability.include").set_value(False)
    at.session_state[state.VIEW] = "Plan"
    at.run()
    table = next(d.value for d in at.dataframe if list(d.value.columns) == ["Area", "Budget"]).set_index("Area")
    assert table.loc["Observability", "Budget"] == "nothing (left out)"
