"""The page in a real browser: playwright driving Debian's chromium against `streamlit run` on 127.0.0.1."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator

import pandas as pd
import pytest

from roi import evaluate, loads_scenario
from roi.finance import payback_months
from tests.conftest import ROOT, require_program, streamlit_server

pytestmark = pytest.mark.browser
# The README's picture; written only when asked (ROI_UPDATE_SCREENSHOT=1), so CI never edits the tree.
SCREENSHOT = ROOT / "docs" / "screenshot.png"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    args = ["--server.headless", "true", "--server.fileWatcherType", "none"]
    with streamlit_server(tmp_path_factory.mktemp("streamlit"), args) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    executable = require_program("chromium", "chromium-browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chrome = p.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        yield chrome
        chrome.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1500, "height": 1100}, accept_downloads=True)
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_test_id("stMetricValue").first.wait_for(timeout=60_000)
    wait_idle(page)
    return page


def wait_idle(page) -> None:
    """Wait until the script run is over (the status widget says Running... while it is)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " || !document.querySelector('[data-testid=\"stStatusWidget\"]').innerText.includes('Running')",
        timeout=30_000,
    )
    page.wait_for_timeout(300)


def kpi(page, label: str) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text=label).first
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def test_page_loads_without_exception(browser, server, tmp_path):
    page = open_page(browser, server)
    assert page.get_by_test_id("stException").count() == 0
    assert kpi(page, "Payback") == "11.77 mo"
    assert kpi(page, "NPV") == "$742,489"
    shot = SCREENSHOT if os.environ.get("ROI_UPDATE_SCREENSHOT") == "1" else tmp_path / "screenshot.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    page.close()


def test_keyboard_slider_changes_payback_and_the_link_reopens_it(browser, server):
    page = open_page(browser, server)
    before = kpi(page, "Payback")
    slider = page.get_by_test_id("stSlider").filter(has_text="success rate after").get_by_role("slider")
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowLeft")
    wait_idle(page)
    page.wait_for_function(
        "(before) => [...document.querySelectorAll('[data-testid=\"stMetric\"]')]"
        ".find(m => m.innerText.startsWith('Payback'))"
        ".querySelector('[data-testid=\"stMetricValue\"]').innerText.trim() !== before",
        arg=before,
        timeout=30_000,
    )
    after = {label: kpi(page, label) for label in ("Payback", "NPV", "IRR (annual)", "ROI")}
    assert after["Payback"] != before
    assert "merges.success_rate_after" in page.url
    shared = open_page(browser, page.url)
    assert {label: kpi(shared, label) for label in after} == after
    assert shared.get_by_test_id("stException").count() == 0
    shared.close()
    page.close()


def test_downloads_contain_what_the_page_shows(browser, server, tmp_path):
    page = open_page(browser, server + "/?scenario=series-b&merges.fix_hours=3")
    shown = kpi(page, "Payback")
    page.get_by_role("tab", name="Share and download").click()
    wait_idle(page)
    contents = {}
    for label in ("Scenario (TOML)", "Monthly cash flow (CSV)"):
        with page.expect_download(timeout=30_000) as info:
            page.get_by_test_id("stDownloadButton").filter(has_text=label).get_by_role("button").click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        contents[label] = target.read_bytes()
    scenario = loads_scenario(contents["Scenario (TOML)"])
    assert scenario.merges.fix_hours == 3
    assert f"{evaluate(scenario).summary.payback_months:.2f} mo" == shown
    flows = pd.read_csv(io.BytesIO(contents["Monthly cash flow (CSV)"]))
    assert f"{float(payback_months(flows['net_flow_usd'].to_numpy())):.2f} mo" == shown
    page.close()
