"""The founding case must come out exactly: the table of the CTO's forum post, as docs/method.md works it through."""

from __future__ import annotations

import json

import pytest

from roi.cli import app
from tests.conftest import FORUM

# fix hours -> (failed merges/month, monthly waste, annual waste, simple payback), from the reference table.
# Hand check for 3 h: 291 x (1 - 0.708) = 84.972 failures; x 3 h x $150 = $38,237.40 a month;
# payback = $450,000 / $38,237.40 = 11.7686 months (benefits start in month 1, no ramp).
REFERENCE = [
    (2, 84.972, 25_491.60, 305_899.20, 17.65),
    (3, 84.972, 38_237.40, 458_848.80, 11.77),
    (4, 84.972, 50_983.20, 611_798.40, 8.83),
]


@pytest.mark.parametrize(("fix_hours", "failed", "waste", "annual", "payback"), REFERENCE)
def test_reference_table_through_the_cli(runner, fix_hours, failed, waste, annual, payback):
    out = runner.invoke(app, ["summary", str(FORUM), "--set", f"merges.fix_hours={fix_hours}", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["failed_merges_per_month"] == pytest.approx(failed, rel=1e-12)
    assert data["monthly_waste_usd"] == pytest.approx(waste, rel=1e-12)
    assert 12 * data["monthly_waste_usd"] == pytest.approx(annual, rel=1e-12)
    assert data["monthly_benefit_usd"] == pytest.approx(waste, rel=1e-12)  # success 1.0: all waste removed
    assert round(data["payback_months"], 2) == payback
    assert data["delivery_to_ai_ratio"] == pytest.approx(2.25, rel=1e-12)  # $450K / $200K
    assert data["staff_cost_usd"] == pytest.approx(624_000, rel=1e-12)  # 8 eng-qtrs x 520 h x $150
    assert data["upfront_investment_usd"] == pytest.approx(450_000, rel=1e-12)  # staff excluded, as in the post


@pytest.mark.parametrize(("fix_hours", "expected"), [(4, 21.06), (2, 42.12)])
def test_payback_with_staff_cost_counted(runner, fix_hours, expected):
    # The reference: with the $624K of staff the payback is "about 21 months (4 h) to 42 months (2 h)":
    # $1,074,000 / $50,983.20 = 21.066 and / $25,491.60 = 42.13; the 2 h case is past the 36-month horizon.
    args = ["summary", str(FORUM), "--json", "--set", f"merges.fix_hours={fix_hours}"]
    args += ["--set", "finance.include_staff_cost=true", "--set", "finance.horizon_months=60"]
    data = json.loads(runner.invoke(app, args).output)
    assert data["upfront_investment_usd"] == pytest.approx(1_074_000)
    assert data["payback_months"] == pytest.approx(1_074_000 / (84.972 * fix_hours * 150), rel=1e-12)
    assert round(data["payback_months"], 1) == round(expected, 1)
