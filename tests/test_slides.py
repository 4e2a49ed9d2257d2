"""The five board slides: content, type sizes, nothing outside its box, user text as plain runs, LibreOffice."""

from __future__ import annotations

import os
import subprocess
from dataclasses import replace
from datetime import date
from io import BytesIO
from typing import Any

import pytest
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from roi import evaluate, load_scenario
from roi.cli import app
from roi.documents import Document, document_for
from roi.formatting import JOIN, NBSP
from roi.scenario import with_values
from roi.slides import INSET, LINE, MIN_PT, PARA_GAP, build_deck, wrap
from tests.conftest import FORUM, ROOT, SCENARIOS, require_program

DAY = date(2026, 3, 7)
CRAFTED = "<script>alert(1)</script> [x](http://evil) =1+2 **URGENT**"
EMU_PER_PT = 12_700


@pytest.fixture(scope="module")
def forum() -> Document:
    return document_for(evaluate(load_scenario(FORUM)), [300_000], prepared_on=DAY)


def deck(doc: Document) -> Any:
    return Presentation(BytesIO(build_deck(doc)))


def slide_text(slide: Any) -> str:
    parts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            parts.append(shape.text_frame.text.replace(JOIN, "").replace(NBSP, " "))  # as a reader sees it
        if shape.has_table:
            parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return " ".join(" ".join(parts).split())


def runs(slide: Any) -> list[Any]:
    out = []
    for shape in slide.shapes:
        frames = [shape.text_frame] if shape.has_text_frame else []
        if shape.has_table:
            frames += [cell.text_frame for row in shape.table.rows for cell in row.cells]
        out += [run for frame in frames for p in frame.paragraphs for run in p.runs]
    return out


def text_height_pt(shape: Any) -> float:
    """The height a text box's paragraphs take, wrapped as the deck wraps them (wider-font metrics)."""
    width = (shape.width / EMU_PER_PT) - 2 * INSET * 72
    total = 2 * INSET * 72
    paragraphs = shape.text_frame.paragraphs
    for i, p in enumerate(paragraphs):
        for run in p.runs:
            size = run.font.size.pt
            gap = size * PARA_GAP if i < len(paragraphs) - 1 else 0.0
            total += len(wrap(run.text, size, width, bool(run.font.bold))) * size * LINE + gap
    return total


def check_layout(presentation: Any) -> None:
    """16:9; every shape on its slide, no two text shapes overlapping, every text within its box, type >= 14 pt."""
    w, h = presentation.slide_width, presentation.slide_height
    assert abs(w / h - 16 / 9) < 0.01
    for number, slide in enumerate(presentation.slides, start=1):
        boxes = []
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= w and shape.top + shape.height <= h, (number, shape.name)
            if shape.has_text_frame and shape.text_frame.text.strip():
                assert text_height_pt(shape) <= shape.height / EMU_PER_PT + 0.5, (number, shape.text_frame.text)
            if shape.has_text_frame or shape.has_table or shape.shape_type == 13:  # 13: picture
                if shape.has_text_frame and not shape.text_frame.text.strip():
                    continue
                boxes.append(shape)
        for run in runs(slide):
            assert run.font.size is not None and run.font.size.pt >= MIN_PT, (number, run.text, run.font.size)
        for i, a in enumerate(boxes):  # text in a panel sits on the panel; no two content boxes overlap
            for b in boxes[i + 1 :]:
                apart = (a.left + a.width <= b.left or b.left + b.width <= a.left
                         or a.top + a.height <= b.top + Emu(2) or b.top + b.height <= a.top + Emu(2))  # fmt: skip
                assert apart, (number, a.name, b.name, slide_text(slide)[:80])


def test_five_slides_with_the_founding_case(forum):
    presentation = deck(forum)
    slides = list(presentation.slides)
    assert len(slides) == 6  # five, then the TEI appendix
    texts = [slide_text(s) for s in slides]
    assert texts[0].startswith("The ask") and "Decision requested" in texts[0]
    assert "Approve $250,000 of delivery investment, phased to fit $300,000 in plan year 1" in texts[0]
    assert "CI/CD pipeline $150,000 2 $0" in texts[0] and "Year 1 (months 0–12) $450,000" in texts[0]
    assert "Peak funding $450,000" in texts[0]
    assert "11.77 months" in texts[1] and "$742,489" in texts[1] and "2.25 : 1" in texts[1]
    assert "Pays back within the 36-month horizon 100.0 %" in texts[1] and "P50 (median)" in texts[1]
    assert "Peak funding $450,000" in texts[2]
    assert any(shape.shape_type == 13 for shape in slides[2].shapes)  # the payback chart
    assert "CI/CD pipeline month 0 $150,000 $446,245 7.85 months 100.0 % month 0" in texts[3]
    assert "Deployment automation month 0 $80,000 -$80,000 not within 36 months 0.0 % not funded" in texts[3]
    assert "Recommended phasing within $300,000 in plan year 1" in texts[3] and "NPV $942,489" in texts[3]
    assert "The assumptions that matter" in texts[4] and "Staff time is not counted" in texts[4]
    assert "Hours to fix one failed merge, 2 h to 4 h" in texts[4]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_slide_keeps_its_text_in_its_boxes(path):
    doc = document_for(evaluate(load_scenario(path)), [1_000_000], draws=500, prepared_on=DAY)
    check_layout(deck(doc))


def test_a_negative_amount_keeps_its_sign_on_its_line():
    # The realistic case's risks read "NPV -$120,499 to $205,732"; a break after the "-" would show a loss as a gain.
    doc = document_for(evaluate(load_scenario(ROOT / "scenarios" / "forum-post-realistic.toml")), draws=500,
                       prepared_on=DAY)  # fmt: skip
    boxes = [s.text_frame.text for slide in deck(doc).slides for s in slide.shapes if s.has_text_frame]
    assert any(f"NPV -{JOIN}$" in text for text in boxes)
    assert not any("-$" in text for text in boxes)
    assert wrap("NPV -$120,499", 18, 110) == ["NPV -", "$120,499"]  # where a renderer breaks it
    assert wrap(f"NPV -{JOIN}$120,499", 18, 110) == ["NPV", f"-{JOIN}$120,499"]


def test_long_lists_are_cut_with_a_pointer_to_the_memo(forum):
    warning = "Deployment automation is credited with 33% of the incidents benefit but costs nothing: cost the area, " \
              "or attribute the stream to the areas that pay for it."  # fmt: skip
    long = replace(forum, scenario_name="A long name " * 16, warnings=(warning,) * 8)
    presentation = deck(long)
    check_layout(presentation)
    last = slide_text(list(presentation.slides)[4])
    assert "more in the memo." in last


def test_a_scenario_without_ranges_says_so():
    doc = document_for(evaluate(load_scenario(FORUM, ["merges.fix_hours=3"])), draws=100, prepared_on=DAY)
    presentation = deck(doc)
    check_layout(presentation)
    texts = [slide_text(s) for s in presentation.slides]
    assert "certain given the inputs" in texts[1] and "P10" not in texts[1]
    assert "no spread to report" in texts[4]


def test_user_text_is_a_plain_run():
    scenario = with_values(load_scenario(FORUM), {"name": CRAFTED})
    presentation = deck(document_for(evaluate(scenario), draws=100, prepared_on=DAY))
    first = next(iter(presentation.slides))
    assert any(run.text == CRAFTED for run in runs(first))
    for slide in presentation.slides:
        for run in runs(slide):
            assert run.hyperlink.address is None
    assert CRAFTED in slide_text(first)


def test_slides_through_the_cli(runner, tmp_path):
    out = tmp_path / "deck.pptx"
    args = ["slides", str(FORUM), "-o", str(out), "--budget", "300000", "--draws", "500", "--seed", "2"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    texts = [slide_text(s) for s in Presentation(str(out)).slides]
    assert len(texts) == 6 and "500 draws" in texts[1] and "seed 2" in texts[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "deck.key"], "--output: must end in .pptx, got 'deck.key'"),
        (["-o", "{tmp}/no/such/dir/deck.pptx"], "cannot write"),
        (["-o", "deck.pptx", "--budget", "1e99"], "--budget: must be an amount in USD"),
    ],
    ids=["suffix", "unwritable", "budget"],
)
def test_slides_refuse_bad_options_in_one_line(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = runner.invoke(app, ["slides", str(FORUM), *args, "--draws", "100"])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def to_pdf(pptx: bytes, workdir) -> bytes:
    """The deck converted by headless LibreOffice Impress."""
    soffice = require_program("soffice", "libreoffice")
    source = workdir / "deck.pptx"
    source.write_bytes(pptx)
    profile = workdir / "lo-profile"
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", "--nolockcheck",
           "--convert-to", "pdf", "--outdir", str(workdir), str(source)]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    out = workdir / "deck.pdf"
    if not out.exists() and "could not be loaded" in done.stderr:  # Calc alone is installed, not Impress
        message = "LibreOffice Impress (libreoffice-impress) is not installed"
        if os.environ.get("ROI_REQUIRE_SYSTEM") == "1":
            pytest.fail(f"{message}, and ROI_REQUIRE_SYSTEM=1 requires it")
        pytest.skip(message)
    assert out.exists(), f"LibreOffice did not write the PDF: {done.stdout} {done.stderr}"
    return out.read_bytes()


@pytest.mark.libreoffice
@pytest.mark.parametrize("path", [FORUM, ROOT / "scenarios" / "forum-post-realistic.toml"], ids=lambda p: p.stem)
def test_the_deck_opens_in_libreoffice(tmp_path, path):
    doc = document_for(evaluate(load_scenario(path)), [300_000], prepared_on=DAY)
    reader = PdfReader(BytesIO(to_pdf(build_deck(doc), tmp_path)))
    assert len(reader.pages) == 6
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    answer = {label: value for label, value, _ in doc.answer}
    for figure in (answer["Payback"], answer[f"NPV over {doc.cumulative.rows[-1][0]} months"], doc.decision[:40],
                   "Which areas pay back", "Assumptions and risks", doc.areas.rows[0][3]):  # fmt: skip
        assert figure in text, figure


@pytest.mark.parametrize("stem", ["forum-post", "forum-post-realistic"])
def test_the_ratio_tile_has_a_short_note_and_the_deck_builds(stem):
    """The ratio's full note (whose band, on which basis) took three lines of its tile and made the figure's type
    negative: no deck at all. The tile says it in one or two lines; the memo keeps the long words."""
    doc = document_for(evaluate(load_scenario(ROOT / "scenarios" / f"{stem}.toml")), [300_000], prepared_on=DAY)
    presentation = deck(doc)
    check_layout(presentation)
    label, value, note = doc.tiles[-1]
    # like with like: the ratio without staff against the band, which leaves staff out, in one short note
    assert label == "Delivery-to-AI without staff" and value == "2.25 : 1"
    assert "one CTO's 2\u20133:1" in note and len(note) <= 40, note
    assert "one CTO's opinion in the founding forum post" in " ".join(row[2] for row in doc.answer)
