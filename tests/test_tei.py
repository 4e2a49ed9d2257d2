"""The model reproduces a published Forrester Total Economic Impact (TEI) study to the dollar.

Study: Forrester Consulting, "The Total Economic Impact Of SalesLoft", a TEI study commissioned by
SalesLoft. Every number below is from its Financial Summary, "Cash Flow Table (Risk-Adjusted)"
(page 19 of the study; stored copy at
https://pravda.ufcontent.com/i/1285868-the-total-economic-impact-of-salesloft-final-3-1/20).
That table was the only one of the study available, so the scenario's two lines are its two rows,
total benefits and total costs, both risk-adjusted by Forrester (risk_adjustment 0 in the file).
The study rounds every amount to the whole dollar and its ROI to the whole percent.
"""

from __future__ import annotations

import pytest

import roi
from tests.conftest import ROOT

TEI = ROOT / "scenarios" / "tei-salesloft.toml"

# Cash Flow Table (Risk-Adjusted), rows "Total benefits" and "Total costs": Initial, Year 1, 2, 3.
BENEFITS_BY_YEAR = [0, 1_606_511, 3_061_331, 4_229_760]
COSTS_BY_YEAR = [53_150, 666_715, 636_772, 647_783]
# Same table, column "Total" (undiscounted) and column "Present value".
TOTAL_BENEFITS, PV_BENEFITS = 8_897_602, 7_168_371
TOTAL_COSTS, PV_COSTS = 2_004_420, 1_672_201
# Same table, row "Net benefits": Initial, Year 1, 2, 3, then its Total and its Present value (the NPV).
NET_BY_YEAR = [-53_150, 939_796, 2_424_560, 3_581_976]
TOTAL_NET, NPV = 6_893_182, 5_496_170
# Same table, "ROI": 329 % (whole percent).
ROI = 3.29

# One dollar per published figure summed: each published figure is rounded to the dollar.
ABS = 1.0


@pytest.fixture(scope="module")
def result():
    return roi.evaluate(roi.load_scenario(TEI))


def test_the_scenario_holds_the_published_table():
    s = roi.load_scenario(TEI)
    by_name = {line.type: line for line in s.lines}
    assert list(by_name["benefit"].by_year) == BENEFITS_BY_YEAR
    assert list(by_name["cost"].by_year) == COSTS_BY_YEAR
    assert all(line.risk_adjustment == 0 for line in s.lines)  # the study's amounts are already risk-adjusted
    # the study's own arithmetic: its rows add up to its totals and its net row
    assert sum(BENEFITS_BY_YEAR) == TOTAL_BENEFITS
    assert sum(COSTS_BY_YEAR) == TOTAL_COSTS
    # each published row is rounded on its own, so the net row may differ from benefits less costs by
    # a dollar: it does in Years 2 and 3 (2,424,560 against 2,424,559; 3,581,976 against 3,581,977)
    net = [b - c for b, c in zip(BENEFITS_BY_YEAR, COSTS_BY_YEAR, strict=True)]
    assert net == pytest.approx(NET_BY_YEAR, abs=2 * ABS)
    assert sum(NET_BY_YEAR) == TOTAL_NET == TOTAL_BENEFITS - TOTAL_COSTS


def test_present_values_npv_and_roi_match_the_study(result):
    s = result.summary
    assert s.pv_benefits_usd == pytest.approx(PV_BENEFITS, abs=ABS)
    assert s.pv_costs_usd == pytest.approx(PV_COSTS, abs=ABS)
    assert s.npv_usd == pytest.approx(NPV, abs=2 * ABS)  # the difference of two rounded figures
    assert s.npv_usd == pytest.approx(PV_BENEFITS - PV_COSTS, abs=2 * ABS)
    assert s.roi == pytest.approx(ROI, abs=0.005)  # published to the whole percent
    assert round(100 * s.roi) == 329


def test_each_line_present_value_matches_the_study(result):
    pv = {line["type"]: line["pv_usd"] for line in result.summary.lines}
    assert pv["benefit"] == pytest.approx(PV_BENEFITS, abs=ABS)  # "Total benefits", column "Present value"
    assert pv["cost"] == pytest.approx(-PV_COSTS, abs=ABS)  # "Total costs", column "Present value"


def test_flows_summed_by_tei_year_are_the_study_cash_flows(result):
    """TEI's Initial is month 0 and its Year n the months 12 n - 11 .. 12 n (here all at month 12 n)."""
    m = result.monthly[result.monthly["within_horizon"].astype(bool)]
    assert int(m["month"].max()) == 36
    initial = m.loc[m["month"] == 0, "net_flow_usd"].sum()
    years = [m.loc[(m["month"] > 12 * (n - 1)) & (m["month"] <= 12 * n), "net_flow_usd"].sum() for n in (1, 2, 3)]
    assert [initial, *years] == pytest.approx(NET_BY_YEAR, abs=2 * ABS)  # net row: two rounded figures
    benefits = [m.loc[m["month"] == 12 * n, "line_1_usd"].sum() for n in range(4)]
    costs = [-m.loc[m["month"] == 12 * n, "line_2_usd"].sum() for n in range(4)]
    assert benefits == BENEFITS_BY_YEAR
    assert costs == COSTS_BY_YEAR
    # nothing falls between the TEI year ends
    assert (m.loc[m["month"] % 12 != 0, "net_flow_usd"] == 0).all()


def test_tei_discounting_is_the_monthly_rate_compounded(result):
    """The monthly rate (1.1)^(1/12) - 1 compounds to 10 % a year, so month 12 n is discounted by 1.1^n."""
    m = result.monthly.set_index("month")
    for n in range(4):
        assert m.loc[12 * n, "discount_factor"] == pytest.approx(1.1**-n, rel=1e-12)
