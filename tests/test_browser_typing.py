"""Typing in a real browser: fast keys into several sidebar fields, and every one of them reaches the link, the
headline and the memo exactly as typed (a rerun never sends a field a value over what is being typed into it)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from roi import evaluate
from roi.scenario import load_scenario, with_values
from tests.conftest import FORUM
from tests.test_browser import LAPTOP, download, kpi, open_downloads, open_page
from ui import format as short

pytestmark = pytest.mark.browser

#: (widget test id, label it has, what is typed, the link's parameter, the value the link must hold)
TYPED = [
    ("stTextInput", "Merges to main per month", "1,400", "merges.merges_per_month", "1400"),
    ("stNumberInput", "Main-branch success rate today", "82", "merges.success_rate_before", "0.82"),
    ("stNumberInput", "Main-branch success rate after", "95", "merges.success_rate_after", "0.95"),
    ("stNumberInput", "Discount rate per year", "12", "finance.annual_discount_rate", "0.12"),
]
#: A quick typist's pace: the rerun each Tab starts comes back while the next field is being typed into.
KEY_DELAY_MS = 120


def field(page, test_id: str, label: str):
    return page.get_by_test_id("stSidebar").get_by_test_id(test_id).filter(has_text=label).locator("input").first


def test_fast_typing_reaches_the_link_the_headline_and_the_memo(browser, server):
    page = open_page(browser, f"{server}/?scenario=forum-post", LAPTOP)
    for test_id, label, typed, _, _ in TYPED:  # no waits between the fields: each Tab reruns the page
        box = field(page, test_id, label)
        box.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(typed, delay=KEY_DELAY_MS)
        page.keyboard.press("Tab")

    def linked() -> dict[str, str]:
        query = parse_qs(urlsplit(page.url).query)
        return {param: query.get(param, ["(absent)"])[0] for *_, param, _ in TYPED}

    expected = {param: value for *_, param, value in TYPED}
    page.runs.wait(lambda: page.runs.settled and linked() == expected, "the link never held what was typed")
    page.runs.wait_settled()
    assert linked() == expected
    for test_id, label, typed, _, _ in TYPED:  # and the fields still show it
        assert field(page, test_id, label).input_value() == typed, label

    case = with_values(load_scenario(FORUM), {p: float(v) for p, v in expected.items()})
    summary = evaluate(case).summary
    assert kpi(page, "NPV") == short.money(summary.npv_usd)
    assert kpi(page, "Payback") == short.months(summary.payback_months)

    open_downloads(page)
    _, memo = download(page, "One-page memo (HTML)")
    text = " ".join(re.sub(r"<[^>]+>", " ", memo.decode("utf-8")).split())
    assert "1,400 merges a month to main; success rate 82.0 % today and 95.0 % after" in text
    assert "discounted at 12.0 % a year" in text
    page.close()
