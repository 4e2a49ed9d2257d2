"""A new user's walk-through in a real browser: a blank case, their own numbers typed, a $300K year-1 budget on the
Plan tab, the memo (PDF) and the slides (PPTX) downloaded; the documents hold the user's case and no preset's words.

A picture of every step is kept in ROI_WALK_SHOTS (default /tmp/walk/) for a person to look at; the walk's wall time,
from the page's load to the memo downloaded, is printed (run with -s to see it).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from roi import evaluate, load_scenario
from roi.documents import _better_combination
from roi.formatting import JOIN, NBSP
from roi.plan import best_phasing, combinations
from roi.scenario import AREA_LABELS, with_values
from tests.conftest import ROOT
from tests.test_browser import LAPTOP, download, kpi, open_page
from ui import format as short

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("ROI_WALK_SHOTS") or "/tmp/walk")
NAME = "Acme platform case"
BUDGET = 300_000
#: (sidebar section, field label, what the user types, the case's path, the value it means), in the order typed.
TYPED = [
    ("Team", "Engineers on the team", "60", "team.engineers", 60),
    ("Team", "Loaded cost of an engineer-hour", "150", "team.loaded_hourly_rate", 150),
    ("AI tools", "AI coding tools spend per year", "150,000", "ai_tools.annual_spend", 150_000),
    ("Failed merges", "Merges to main per month", "400", "merges.merges_per_month", 400),
    ("Failed merges", "Main-branch success rate today", "82", "merges.success_rate_before", 0.82),
    ("Failed merges", "Main-branch success rate after", "95", "merges.success_rate_after", 0.95),
    ("Failed merges", "Hours to fix one failed merge", "3", "merges.fix_hours", 3),
    ("Invest: CI/CD pipeline", "One-time cost", "$180,000", "investments.ci_cd.one_time", 180_000),
    ("Invest: Automated testing", "One-time cost", "120k", "investments.testing.one_time", 120_000),
]
LEFT_OUT = ("Invest: Deployment automation", "Invest: Observability")  # their Fund toggle switched off
#: Words of the presets and worked examples that a new case must never carry.
PRESET_WORDS = ("Forum post", "forum-post", "70.8", "291 merges", "CircleCI", "DORA", "Series B", "Enterprise",
                "SalesLoft", "New case (blank)", "blank template", "$450,000", "$200,000")  # fmt: skip
#: Widgets whose label is typed into: text fields (money, counts) and number fields (percents, hours).
FIELD = "[data-testid=stTextInput] input, [data-testid=stNumberInput] input"


def expected_case():
    """The case the user means, built from the blank template by the model, not by the page."""
    values = {path: value for *_, path, value in TYPED}
    values |= {"name": NAME, "investments.deployment.include": False, "investments.observability.include": False}
    return with_values(load_scenario(ROOT / "profiles" / "blank.toml"), values)


def plain(text: str) -> str:
    """Extracted text as a reader sees it: one space between words, no word joiners or no-break spaces."""
    return " ".join(text.replace(JOIN, "").replace(NBSP, " ").split())


def pdf_text(content: bytes) -> str:
    return plain(" ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages))


def pptx_text(content: bytes) -> str:
    parts = []
    for slide in Presentation(BytesIO(content)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return plain(" ".join(parts))


def number(text: str) -> float:
    """A typed or shown amount as a number: "$180,000", "120k", "3.00"."""
    text = text.replace(",", "").replace("$", "").strip()
    return float(text[:-1]) * 1000 if text.endswith("k") else float(text)


class Walk:
    """The page, a numbered picture after every step, and the clicks and typing a person does.

    The sidebar moves while it settles (a section's table draws its cells after the run), so a click can land where an
    element was a moment before: every click here is confirmed by what it changes on the page, and made again when it
    changed nothing.
    """

    def __init__(self, page) -> None:
        self.page = page
        self.side = page.get_by_test_id("stSidebar")
        self.step = 0
        SHOTS.mkdir(parents=True, exist_ok=True)

    def shot(self, what: str) -> Path:
        self.step += 1
        path = SHOTS / f"{self.step:02d}-{what}.png"
        self.page.screenshot(path=str(path))
        return path

    def click_until(self, target, done: Callable[[], bool], what: str, reruns: bool = True) -> None:
        """Click `target` until `done()` holds (at most three clicks); then wait for the rerun it started."""
        runs = self.page.runs
        before = runs.requests
        for _ in range(3):
            target.click()
            try:
                runs.wait(done, what, timeout=5)
                break
            except AssertionError:
                if not target.is_visible():  # the click was taken (a list closed, say): its effect is on its way
                    runs.wait(done, what)
                    break
        assert done(), what
        if reruns:
            runs.wait(lambda: runs.requests > before, f"{what}: no rerun")
            runs.wait_settled()

    def section(self, title: str):
        """A sidebar section, opened (a rerun: only an open section draws its widgets)."""
        box = self.side.get_by_test_id("stExpander").filter(has_text=title).first
        details = box.locator("details").first
        if details.get_attribute("open") is None:
            summary = self.side.get_by_text(title, exact=True)
            self.click_until(summary, lambda: details.get_attribute("open") is not None, f"open {title}")
        box.locator(f"{FIELD}, [data-testid=stCheckbox]").first.wait_for()
        return box

    def focus(self, entry, what: str) -> None:
        """Click into a field until it has the keyboard."""
        has_keys = "e => e === document.activeElement"
        self.click_until(entry, lambda: entry.evaluate(has_keys), f"focus {what}", reruns=False)

    def type_into(self, box, label: str, typed: str) -> None:
        """Click the field, select what it holds, type as a person does, Tab away: the page reruns once."""
        field = box.locator("[data-testid=stTextInput], [data-testid=stNumberInput]").filter(has_text=label)
        entry = field.locator("input").first
        with self.page.runs.rerun():
            self.focus(entry, label)
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(typed, delay=40)
            self.page.keyboard.press("Tab")
        assert number(entry.input_value()) == number(typed), f"{label}: shows {entry.input_value()!r}"

    def leave_out(self, title: str) -> None:
        """Switch an area's Fund toggle off."""
        switch = self.section(title).get_by_test_id("stCheckbox").filter(has_text="Fund this area")
        self.click_until(switch.get_by_text("Fund this area"), lambda: not switch.locator("input").is_checked(), title)

    def tab(self, name: str) -> None:
        tab = self.page.get_by_role("tab", name=name)
        self.click_until(tab, lambda: tab.get_attribute("aria-selected") == "true", f"tab {name}")


def test_a_new_user_walks_from_a_blank_case_to_the_memo_and_the_slides(browser, server):
    expected = expected_case()
    result = evaluate(expected)
    phasing = best_phasing(expected, [float(BUDGET)])
    better = _better_combination(result.summary, combinations(expected))
    for old in SHOTS.glob("*.png"):
        old.unlink()

    # 1. The page opens on the worked example `make run` shows.
    started = time.monotonic()
    page = open_page(browser, server, LAPTOP)
    loaded = time.monotonic()
    walk = Walk(page)
    walk.shot("page-opened")

    # 2. "Start from": a new case from the blank template.
    picker = walk.side.get_by_test_id("stSelectbox").filter(has_text="Start from")
    option = page.get_by_role("option", name=re.compile(r"^New case \(blank\)"))
    walk.click_until(picker, option.is_visible, "open Start from", reruns=False)
    walk.shot("start-from-open")
    loaded_from = walk.side.get_by_text("profiles/blank.toml", exact=True)
    walk.click_until(option, loaded_from.is_visible, "pick the blank case")
    assert kpi(page, "NPV") == "$0"
    walk.shot("blank-case")

    # 3. The case's name, in its section.
    name = walk.side.get_by_role("textbox", name="Name", exact=True)
    opener = walk.side.get_by_text("Name and description", exact=True)
    walk.click_until(opener, name.is_visible, "open Name and description", reruns=False)
    with page.runs.rerun():
        walk.focus(name, "Name")
        page.keyboard.press("Control+A")
        page.keyboard.type(NAME, delay=40)
        page.keyboard.press("Tab")
    assert name.input_value() == NAME
    walk.shot("name-typed")

    # 4. Their numbers, section by section, each section opened as it is needed.
    for i, (title, label, typed, _, _) in enumerate(TYPED):
        walk.type_into(walk.section(title), label, typed)
        if i + 1 == len(TYPED) or TYPED[i + 1][0] != title:  # the section's last field: its picture
            walk.shot(re.sub(r"\W+", "-", title.lower()).strip("-") + "-typed")
    for title in LEFT_OUT:  # not funded: its Fund toggle off
        walk.leave_out(title)
        walk.shot(re.sub(r"\W+", "-", title.lower()).strip("-") + "-left-out")
    assert page.get_by_test_id("stException").count() == 0
    assert kpi(page, "NPV") == short.money(result.summary.npv_usd), "the headline is not the user's case"
    assert kpi(page, "Payback") == short.months(result.summary.payback_months)

    # 5. The Plan tab: a $300,000 budget for plan year 1, and the phasing it finds.
    walk.tab("Plan")
    walk.shot("plan-tab")
    year_one = page.get_by_test_id("stMain").get_by_test_id("stNumberInput").filter(has_text="Year 1 budget")
    year_one.scroll_into_view_if_needed()
    walk.shot("plan-budget-field")
    with page.runs.rerun():
        walk.focus(year_one.locator("input"), "Year 1 budget")
        page.keyboard.type(str(BUDGET), delay=40)
        page.keyboard.press("Tab")
    found = page.get_by_text("The best plan within these caps has NPV", exact=False)
    found.wait_for()
    assert short.money(phasing.npv_usd) in found.inner_text()
    found.scroll_into_view_if_needed()
    walk.shot("plan-phasing-found")

    # 6. Share and download: the memo as PDF, then the slides.
    walk.tab("Share and download")
    walk.shot("share-and-download")
    memo_name, memo = download(page, "One-page memo (PDF)", timeout=60_000)
    memo_at = time.monotonic()
    deck_name, deck = download(page, "Board slides (PPTX)", timeout=60_000)
    walk.shot("downloaded")
    (SHOTS / memo_name).write_bytes(memo)  # kept beside the pictures, to read
    (SHOTS / deck_name).write_bytes(deck)
    page.close()
    print(
        f"\nwalk-through: page loaded in {loaded - started:.1f} s; from the page's load to the memo downloaded "
        f"{memo_at - loaded:.1f} s ({memo_at - started:.1f} s from the first request); screenshots in {SHOTS}"
    )

    # 7. The documents: the user's case, the phasing, the better combination where there is one, no preset's text.
    assert memo_name == "Acme-platform-case-memo.pdf" and memo.startswith(b"%PDF")
    assert deck_name == "Acme-platform-case-slides.pptx" and deck[:2] == b"PK"
    memo_text, deck_text = pdf_text(memo), pptx_text(deck)
    s = result.summary
    funded = [AREA_LABELS[a] for a, m in phasing.start_months.items() if m is not None]
    # the decision line runs to the next heading (no staff sentence: the case has no engineer-quarters)
    decision = re.search(r"Decision requested\.? (.*?) The ask ", memo_text)
    assert decision, memo_text[:600]
    for text, what in ((memo_text, "memo"), (deck_text, "slides")):
        for figure in (
            NAME,
            "400 merges a month to main; success rate 82.0 % today and 95.0 % after",
            "3 hours to fix each failed merge at $150 an hour",
            "$180,000",
            "$120,000",
            "$300,000 in plan year 1",  # the budget, as the phasing's cap
            f"NPV ${phasing.npv_usd:,.0f}",
            f"{s.payback_months:.2f} months",
            "2.00 : 1",  # $300,000 of delivery against $150,000 a year of AI tools
            "Deployment automation and Observability are not funded",
        ):
            assert figure in text, f"{what}: {figure!r} missing"
        for words in PRESET_WORDS:
            assert words not in text, f"{what}: a preset's text {words!r}"
    assert f"{s.share_of_team_freed * 100:.1f} % of the team" in memo_text  # the 60 engineers, where shown
    assert "Recommended phasing within $300,000 in plan year 1" in memo_text
    assert f"phased to fit $300,000 in plan year 1; later years uncapped: {' and '.join(funded)} start" in (
        decision.group(1)
    )
    if better is not None and better.npv_usd > phasing.npv_usd:  # a combination that beats the phased plan is named
        assert " and ".join(AREA_LABELS[a] for a in better.areas) in decision.group(1)
    else:  # none does: the decision funds the phasing's areas, nothing else is offered instead
        assert "rather than the whole plan" not in memo_text
