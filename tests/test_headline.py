"""The headline's figures and how each is computed, with the case's own inputs (roi.explore, pure)."""

from __future__ import annotations

import math
import re

import pytest

from roi import evaluate, explore
from roi import formatting as fmt
from roi.figures import FIGURES, summary_text
from roi.scenario import load_scenario
from tests.conftest import FORUM, ROOT

REALISTIC = ROOT / "scenarios" / "forum-post-realistic.toml"
V3 = ("schema_version=3",)


def result(path=FORUM, *overrides: str):
    return evaluate(load_scenario(path, list(overrides)))


def numbers(text: str) -> list[float]:
    """The amounts in a formula, in order: $29,389 -> 29389, 0.797 % -> 0.797."""
    return [float(x.replace(",", "")) for x in re.findall(r"-?\d[\d,]*\.?\d*", text.replace("$", ""))]


def test_payback_formula_uses_the_case_months_and_adds_up():
    r = result()
    text = explore.how_computed("payback_months", r)
    assert "Payback = 11 + $29,389 / $38,237 = 11.77 months." in text
    last, left, flow, value = numbers(text.split("\n\n")[1])[:4]
    assert math.isclose(last + left / flow, r.summary.payback_months, abs_tol=0.01)
    assert math.isclose(value, r.summary.payback_months, abs_tol=0.005)


@pytest.mark.parametrize("key", ["payback_months", "discounted_payback_months", "cash_payback_months"])
@pytest.mark.parametrize("path", [FORUM, REALISTIC])
def test_every_payback_formula_gives_the_figure(key, path):
    r = result(path)
    value = getattr(r.summary, key)
    text = explore.how_computed(key, r)
    if value is None:
        assert "no payback within it" in text
    elif value == 0:
        assert "nothing to pay back" in text
    else:
        last, left, flow, _ = numbers(text.split("\n\n")[1])[:4]
        assert math.isclose(last + left / flow, value, abs_tol=0.01) and f"{value:.2f} months" in text


def test_npv_formula_names_the_monthly_rate_and_the_present_values():
    r = result()
    text = explore.how_computed("npv_usd", r)
    assert "(1 + 10.0 %)^(1/12) - 1 = 0.797 %" in text
    s = r.summary
    assert f"{fmt.money(s.pv_benefits_usd)} of benefits - {fmt.money(s.pv_costs_usd)} of costs" in text
    assert math.isclose(s.pv_benefits_usd - s.pv_costs_usd, s.npv_usd, abs_tol=0.5)
    assert text.endswith(f"= {fmt.money(s.npv_usd)}.")


@pytest.mark.parametrize("path", [FORUM, REALISTIC])
def test_npv_is_benefits_less_costs_in_present_value(path):
    s = result(path).summary
    assert math.isclose(s.pv_benefits_usd - s.pv_costs_usd, s.npv_usd, abs_tol=0.5)


def test_irr_roi_ratio_staff_and_hours_formulas():
    r = result()
    s = r.summary
    irr = explore.how_computed("irr_annual", r)
    monthly = (1 + s.irr_annual) ** (1 / 12) - 1
    assert f"(1 + {monthly * 100:.3f} %)^12 - 1 = {fmt.pct(s.irr_annual)}" in irr
    assert "NPV is positive for any hurdle rate below 150.6 %" in irr
    assert explore.how_computed("roi", r) == "ROI = NPV / present value of costs = $742,489 / $450,000 = 165.0 %."
    assert "= 2.25 : 1" in explore.how_computed("delivery_to_ai_ratio", r)
    assert "8 x 520 h x $150 = $624,000" in explore.how_computed("staff_cost_usd", r)
    hours = explore.how_computed("engineer_hours_freed_per_month", r)
    assert "$38,237 / $150 an hour = 254.9 h" in hours and "254.9 h / (520 h a quarter / 3) = 1.47" in hours
    assert "Share of the team" not in hours
    year_one = explore.how_computed("first_year_cost_usd", r)
    assert year_one == "Every cost in months 0 to 12: one-time $450,000 = $450,000."


def test_share_of_team_and_continuing_value_are_said_when_the_case_has_them():
    r = result(FORUM, *V3, "team.engineers=60", "finance.continuing_months=24")
    s = r.summary
    assert "/ 60 engineers = " + fmt.pct(s.share_of_team_freed) in explore.how_computed(
        "engineer_hours_freed_per_month", r
    )
    text = explore.how_computed("npv_with_continuing_value_usd", r)
    assert f"{fmt.money(s.npv_usd)} + {fmt.money(s.continuing_value_usd)} = " in text
    kpis = explore.cash_and_time_kpis(s, s, 700_000.0, 10_000, brief=True)
    labels = [k.label for k in kpis]
    assert labels == [
        "Cash NPV (money out and back)",
        "Engineer hours freed / month",
        "NPV with 24 more months",
        "Expected NPV (mean)",
    ]
    assert kpis[1].value == f"{s.engineer_hours_freed_per_month:,.0f} h"
    assert kpis[1].caption == f"{s.engineers_freed:,.1f} engineers' worth, {fmt.pct(s.share_of_team_freed)} of the team"
    assert kpis[2].value == fmt.brief_money(s.npv_with_continuing_value_usd)
    assert kpis[3].value == "$700K" and kpis[3].caption == f"Likely case {fmt.brief_money(s.npv_usd)}"


def test_a_plan_that_spends_nothing_never_pays_back_in_0_months():
    off = [f"investments.{a}.include=false" for a in ("ci_cd", "testing", "deployment", "observability")]
    r = result(FORUM, *V3, *off)
    s = r.summary
    assert s.nothing_within_horizon
    shown = {k.label: k for k in explore.kpis(s, s, brief=True)}
    assert shown["Payback"].value == summary_text("payback_months", s, brief=True) == "none"
    assert shown["Payback"].caption == "Nothing is spent or earned within the horizon"
    assert "0 months" not in explore.how_computed("payback_months", r).replace("never 0 months", "")


def test_irr_tile_says_the_hurdle_rate():
    s = result().summary
    irr = next(k for k in explore.kpis(s, s, brief=True) if k.label == "IRR (annual)")
    assert irr.caption == "NPV is positive for any hurdle rate below 150.6 %"


# ------------------------------------------------------------------ the page's tiles: one builder, read by the page

ASK = {
    "upfront_investment_usd": "Investment (one-time + staff)",
    "first_year_cost_usd": "Cost in year 1",
    "staff_cost_usd": "Staff time, not counted",
    "delivery_to_ai_ratio": "Delivery : AI",
}


@pytest.mark.parametrize("path", [FORUM, REALISTIC])
def test_every_tile_reads_its_own_figure_and_says_how(path):
    r = result(path)
    then = result(path, "merges.merges_per_month=100").summary  # every figure moves
    s = r.summary
    ask = explore.ask_kpis(s, then, result=r)
    ratio = explore.ratio_key(s)
    keys = [*list(ASK)[:3], ratio]
    for kpi, key in zip(ask, keys, strict=True):
        figure = FIGURES[key]
        assert kpi.value == figure.show(getattr(s, key), brief=True), key
        assert kpi.delta == figure.change(getattr(s, key), getattr(then, key), brief=True), key
        assert kpi.lower_is_better == figure.lower_is_better and kpi.how == explore.how_computed(key, r), key
    counted = "counted" if s.include_staff_cost else "not counted"
    assert ask[2].label == f"Staff time, {counted}" and ask[2].caption == "Existing engineers' time, not new cash"
    answer = explore.answer_kpis(s, then, result=r)
    assert [k.label for k in answer] == [FIGURES[key].label for key in explore.KPI_KEYS]
    for kpi, key in zip(answer, explore.KPI_KEYS, strict=True):
        assert kpi.value == explore.kpis(s, then, brief=True)[explore.KPI_KEYS.index(key)].value
        assert kpi.how == explore.how_computed(key, r), key
    cash = explore.cash_and_time_kpis(s, then, 1.0, 10, brief=True, result=r, seed=3)
    assert cash[0].value == fmt.brief_money(s.cash_npv_usd) and cash[0].how == explore.how_computed("cash_npv_usd", r)
    assert cash[-1].how == explore.expected_npv_computed(1.0, 10, 3, s)


def test_a_change_is_good_news_when_it_goes_the_figures_better_way():
    cost = explore.Kpi("Cost in year 1", "$500K", "+$50K", lower_is_better=True)
    npv = explore.Kpi("NPV", "$742K", "+$50K")
    assert (cost.direction, cost.good_news) == ("up", False)  # a dearer plan: red
    assert (npv.direction, npv.good_news) == ("up", True)
    assert explore.Kpi("Payback", "11 mo", "-1.0 mo", lower_is_better=True).good_news is True
    assert explore.Kpi("ROI", "n/a", "was 10.0 %").good_news is None  # to or from n/a: no arrow, no colour
    assert explore.Kpi("NPV", "$1", None).direction is None


def test_a_tile_is_html_with_every_text_escaped():
    from ui.headline import rows_html, tile_html

    hostile = '<b>x</b> "q" & <script>alert(1)</script>'
    kpi = explore.Kpi(hostile, hostile, "+" + hostile, False, hostile, hostile, f"{hostile}\n\n{hostile}")
    body = tile_html(kpi)
    assert "<b>" not in body and "<script>" not in body and '"q"' not in body
    assert body.count("&lt;b&gt;x&lt;/b&gt; &quot;q&quot; &amp; &lt;script&gt;") == 11  # every place it is shown
    page = rows_html([("ask", hostile, hostile, [kpi])])
    assert "<b>" not in page and "<script>" not in page
