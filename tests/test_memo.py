"""The one-page CFO memo: content, safety, self-containment, and printing to one PDF page."""

from __future__ import annotations

import re
import subprocess

import pytest

from roi import evaluate, load_scenario
from roi.cli import app
from roi.memo import memo_html, memo_markdown, variants
from roi.scenario import with_values
from tests.conftest import FORUM, SCENARIOS, require_program


def test_html_memo_has_the_ask_the_answer_and_the_chart():
    page = memo_html(evaluate(load_scenario(FORUM)))
    for text in ("The ask", "The answer", "The assumptions that matter", "How the answer changes", "<svg"):
        assert text in page
    assert "$450,000 up front" in page
    assert "11.77 months" in page and "$742,489" in page and "150.6%" in page
    assert "2.25 : 1 (within the 2:1 to 3:1 band)" in page
    assert "payback 11.8 mo" in page


def test_html_memo_is_self_contained():
    page = memo_html(evaluate(load_scenario(SCENARIOS[0])))
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", page)
    assert "<link" not in page


def test_what_ifs_count_staff_and_lower_the_target():
    scenario = load_scenario(FORUM)
    cases = {v.label: v.summary for v in variants(evaluate(scenario))}
    staffed = evaluate(with_values(scenario, {"finance.include_staff_cost": True})).summary
    assert cases["With staff cost counted"].payback_months == pytest.approx(staffed.payback_months)
    lower = evaluate(with_values(scenario, {"merges.success_rate_after": 0.95})).summary
    assert cases["Target success rate 95.0% (not 100.0%)"].npv_usd == pytest.approx(lower.npv_usd)
    assert "Target success rate 85.4% (not 100.0%)" in cases  # halfway from 70.8 %


def test_user_text_is_escaped():
    scenario = with_values(load_scenario(FORUM), {"name": "<script>alert(1)</script>", "description": "<img src=x>"})
    page = memo_html(evaluate(scenario))
    assert "<script>alert" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = memo_markdown(evaluate(with_values(scenario, {"name": "[click](http://x) | <b>"})))
    assert "[click](http://x)" not in md and "<b>" not in md


def test_markdown_memo():
    md = memo_markdown(evaluate(load_scenario(FORUM)))
    assert md.startswith("# Delivery infrastructure: the business case")
    assert "| Payback | **11.77 months** |" in md
    assert "| 36 | $926,546 |" in md  # cumulative at the horizon: 36 x 38,237.40 - 450,000


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_memo_through_the_cli(runner, tmp_path, suffix):
    out = tmp_path / f"memo{suffix}"
    result = runner.invoke(app, ["memo", str(FORUM), "-o", str(out), "--set", "merges.fix_hours=4"])
    assert result.exit_code == 0, result.output
    assert "8.83 months" in out.read_text()


def test_memo_refuses_other_formats(runner, tmp_path):
    result = runner.invoke(app, ["memo", str(FORUM), "-o", str(tmp_path / "memo.pdf")])
    assert result.exit_code == 2
    assert "--output: must end in .html or .md" in result.output


@pytest.mark.browser
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_memo_prints_to_one_pdf_page(tmp_path, path):
    chromium = require_program("chromium", "chromium-browser")
    page, pdf = tmp_path / "memo.html", tmp_path / "memo.pdf"
    page.write_text(memo_html(evaluate(load_scenario(path))))
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
             "--disable-component-update", "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
             "--no-pdf-header-footer", f"--print-to-pdf={pdf}"]  # fmt: skip
    subprocess.run([chromium, *flags, page.as_uri()], capture_output=True, timeout=120, check=False)
    pages = re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes())
    assert len(pages) == 1


SINKS_AGAIN = [
    "growth.volume_growth_per_year=-0.9",
    "merges.fix_hours=80",
    "investments.ci_cd.annual_recurring=2400000",
]


def test_memo_and_summary_say_when_the_cumulative_flow_crosses_zero_twice(runner):
    result = evaluate(load_scenario(FORUM, SINKS_AGAIN))
    assert result.summary.cumulative_zero_crossings == 2
    expected = "The cumulative cash flow crosses zero 2 times"
    assert expected in memo_html(result)
    assert expected in memo_markdown(result)
    sets = [arg for s in SINKS_AGAIN for arg in ("--set", s)]
    assert expected in runner.invoke(app, ["summary", str(FORUM), *sets]).output
    plain = evaluate(load_scenario(FORUM))
    assert "crosses zero" not in memo_html(plain) and "crosses zero" not in memo_markdown(plain)


def test_memo_states_its_method_and_cites_no_file():
    for page in (memo_html(evaluate(load_scenario(FORUM))), memo_markdown(evaluate(load_scenario(FORUM)))):
        assert "payback is the month after which the cumulative cash flow stays at or above zero" in page
        assert "docs/" not in page and "shared/" not in page
