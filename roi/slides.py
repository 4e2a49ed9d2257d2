"""Five board slides (16:9 PowerPoint) from the memo's `Document`: the ask, the answer and its odds, cash and
payback, which areas pay back, assumptions and risks.

`build_deck(document) -> bytes` is pure. Every text is a plain run (the scenario's name is user text and stays
text); body type is never under 14 pt. Nothing overflows its box: each box's type size is chosen by wrapping its
text with Helvetica's metrics (Arial's, and Liberation Sans's, are the same) widened for the broadest font a
renderer may put in Arial's place, and a list too long for its box at 14 pt is cut with a line saying how many
items the memo has beyond it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt
from reportlab.pdfbase.pdfmetrics import stringWidth

from roi import formatting as fmt
from roi.documents import Document, Table

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.6
TOP = 1.45  # where a slide's content starts, below its title
BOTTOM = 6.8  # where it ends, above the footer
FONT = "Arial"
MIN_PT = 14.0
LINE = 1.2  # line height per point of type
PARA_GAP = 0.35  # space after a paragraph, per point of type
INSET = 0.06  # a text box's inner margin, inches
CELL_INSET = 0.08  # a table cell's left and right margin, inches
CELL_PAD_PT = 5.0  # a table cell's top plus bottom margin, points


def colour(hex_rgb: str) -> RGBColor:
    """A colour from its hex digits."""
    made: RGBColor = RGBColor.from_string(hex_rgb)  # type: ignore[no-untyped-call]
    return made


INK = colour("1A1A1A")
MUTED = colour("555555")
ACCENT = colour("1F3F66")
WARN = colour("8A4B00")
PANEL = colour("EEF3FA")
WHITE = colour("FFFFFF")


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box: its text, bold or not, its colour, and a bullet or not."""

    text: str
    bold: bool = False
    colour: RGBColor = INK
    bullet: bool = False
    scale: float = 1.0  # relative to the box's type size


# ---------------------------------------------------------------- measuring


#: How much wider than Arial a line may come out: where neither Arial nor Liberation Sans is installed, LibreOffice
#: draws Arial as DejaVu Sans, up to 17 % wider (26 % in bold). Every box is measured for the wider font.
WIDER, WIDER_BOLD = 1.18, 1.27


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of one line of text in Arial (Helvetica's metrics), allowing for a wider substitute font."""
    text = text.replace(fmt.JOIN, "")
    if bold:
        return float(stringWidth(text, "Helvetica-Bold", size)) * WIDER_BOLD
    return float(stringWidth(text, "Helvetica", size)) * WIDER


def _words(text: str) -> list[str]:
    """Text cut where a line may break: after each space, and after a hyphen inside a word (not one before a
    word joiner)."""
    space = rf"[^\S{fmt.NBSP}]"  # a no-break space is part of the word
    char = rf"(?:[^\s-]|{fmt.NBSP}|-(?={fmt.JOIN}))"
    return re.findall(rf"{char}*-+(?!{fmt.JOIN})|{char}+{space}*|{space}+", text)


def wrap(text: str, size: float, width_pt: float, bold: bool = False) -> list[str]:
    """Greedy word wrap, as a text box wraps (at spaces and hyphens); a word wider than the line breaks."""
    lines: list[str] = []
    line = ""
    for word in _words(text):
        candidate = line + word
        if text_width(candidate.rstrip(), size, bold) <= width_pt or not line.strip():
            line = candidate
            continue
        lines.append(line.rstrip())
        line = word
    lines.append(line.rstrip())
    out = []
    for line in lines:  # a single word wider than the line breaks where it must
        while text_width(line, size, bold) > width_pt and len(line) > 1:
            cut = len(line)
            while cut > 1 and text_width(line[:cut], size, bold) > width_pt:
                cut -= 1
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _para_text(p: Para) -> str:
    return fmt.keep_together(f"\u2022 {p.text}" if p.bullet else p.text)


def text_height(paras: Sequence[Para], size: float, width_in: float) -> float:
    """Height in points the paragraphs take in a box `width_in` wide at `size` points."""
    width_pt = (width_in - 2 * INSET) * 72
    total = 0.0
    for i, p in enumerate(paras):
        s = size * p.scale
        gap = s * PARA_GAP if i < len(paras) - 1 else 0.0  # the space after the last paragraph takes no room
        total += len(wrap(_para_text(p), s, width_pt, p.bold)) * s * LINE + gap
    return total + 2 * INSET * 72


def fit_size(paras: Sequence[Para], width_in: float, height_in: float, largest: float) -> float | None:
    """The largest type size (in half points, from `largest` down to 14) at which the paragraphs fit, or None."""
    size = largest
    while size >= MIN_PT:
        if text_height(paras, size, width_in) <= height_in * 72 and all(size * p.scale >= MIN_PT for p in paras):
            return size
        size -= 0.5
    return None


def fit_list(
    head: Sequence[Para], items: Sequence[Para], width_in: float, height_in: float, largest: float
) -> tuple[list[Para], float]:
    """Paragraphs that fit the box: all of them at the largest size that fits, or as many items as fit at 14 pt
    followed by a line saying how many more the memo has."""
    paras = [*head, *items]
    size = fit_size(paras, width_in, height_in, largest)
    if size is not None:
        return paras, size
    for keep in range(len(items) - 1, -1, -1):
        more = len(items) - keep
        cut = [*head, *items[:keep], Para(f"\u2026 and {more} more in the memo.", colour=MUTED)]
        if fit_size(cut, width_in, height_in, MIN_PT) is not None:
            return cut, MIN_PT
    return list(head[:1]), MIN_PT


# ---------------------------------------------------------------- drawing


def _box(slide: Any, left: float, top: float, width: float, height: float) -> Any:
    shape = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = shape.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for side in ("margin_left", "margin_right", "margin_top", "margin_bottom"):
        setattr(frame, side, Inches(INSET))
    return shape


def _run(paragraph: Any, text: str, size: float, bold: bool = False, colour: RGBColor = INK) -> None:
    run = paragraph.add_run()
    run.text = text  # a plain run: whatever the text holds stays text
    font = run.font
    font.name, font.size, font.bold = FONT, Pt(size), bold
    font.color.rgb = colour


def text_box(
    slide: Any,
    paras: Sequence[Para],
    left: float,
    top: float,
    width: float,
    height: float,
    size: float,
    align: Any = PP_ALIGN.LEFT,
) -> Any:
    """A text box holding the paragraphs at `size` points (each scaled by its own factor)."""
    shape = _box(slide, left, top, width, height)
    frame = shape.text_frame
    for i, p in enumerate(paras):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        s = size * p.scale
        paragraph.line_spacing = Pt(s * LINE)
        paragraph.space_after = Pt(s * PARA_GAP)
        _run(paragraph, _para_text(p), s, p.bold, p.colour)
    return shape


def fitted_box(
    slide: Any, paras: Sequence[Para], left: float, top: float, width: float, height: float, largest: float
) -> float:
    """A text box, as tall as its text, whose type is as large as fits in `height` (at most `largest`); returns the
    box's height, inches."""
    size = fit_size(paras, width, height, largest)
    if size is None:
        kept, size = fit_list(paras[:1], paras[1:], width, height, largest)
    else:
        kept = list(paras)
    used = min(height, text_height(kept, size, width) / 72)
    text_box(slide, kept, left, top, width, used, size)
    return used


def table_layout(
    table: Table, width_in: float, height_in: float, largest: float
) -> tuple[float, list[float], list[int]]:
    """The largest type size (down to 14 pt) at which the table fits its box with no figure wrapping (a header may
    wrap at spaces), its column widths (inches) and the lines each row takes (the header first)."""
    size = largest
    while size >= MIN_PT:
        cells = [max(text_width(r[i], size) for r in table.rows) for i in range(len(table.header))]
        for whole_headers in (True, False):
            heads = [text_width(h, size, True) if whole_headers else _longest_word(h, size) for h in table.header]
            cols = [max(c, h) / 72 + 2 * CELL_INSET for c, h in zip(cells, heads, strict=True)]
            if sum(cols) <= width_in:
                cols = _widen(cols, [text_width(h, size, True) / 72 + 2 * CELL_INSET for h in table.header], width_in)
                lines = _row_lines(table, size, cols)
                if _table_height(lines, size) <= height_in * 72:
                    return size, cols, lines
        size -= 0.5
    # Too wide even at 14 pt: the label column wraps (its rows grow) and the figures keep their widths.
    cells = [max(text_width(r[i], MIN_PT) for r in table.rows) for i in range(1, len(table.header))]
    figures = [
        max(c, _longest_word(h, MIN_PT)) / 72 + 2 * CELL_INSET for c, h in zip(cells, table.header[1:], strict=True)
    ]
    cols = [max(1.0, width_in - sum(figures)), *figures]
    return MIN_PT, cols, _row_lines(table, MIN_PT, cols)


def _widen(cols: list[float], whole: list[float], width_in: float) -> list[float]:
    """Columns grown to fill the width: first so that wrapped headers fit on one line, then evenly."""
    spare = width_in - sum(cols)
    out = list(cols)
    for i, want in enumerate(whole):
        grow = min(max(0.0, want - out[i]), spare)
        out[i] += grow
        spare -= grow
    return [c + spare / len(out) for c in out]


def _longest_word(text: str, size: float) -> float:
    return max((text_width(w.strip(), size, True) for w in _words(text)), default=0.0)


def _row_lines(table: Table, size: float, cols: Sequence[float]) -> list[int]:
    """Lines each row takes (the header first) when cells wrap within the column widths."""
    out = []
    for r, row in enumerate([table.header, *table.rows]):
        out.append(
            max(len(wrap(t, size, (c - 2 * CELL_INSET) * 72 + 0.5, r == 0)) for t, c in zip(row, cols, strict=True))
        )
    return out


def _table_height(lines: Sequence[int], size: float) -> float:
    """Height in points of table rows taking these many lines."""
    return sum(n * size * LINE + CELL_PAD_PT for n in lines)


def table_shape(
    slide: Any, table: Table, left: float, top: float, width: float, height: float, largest: float = 18.0
) -> float:
    """A table, type as large as fits (no figure wraps); returns its height in inches."""
    size, widths, lines = table_layout(table, width, height, largest)
    heights = [(n * size * LINE + CELL_PAD_PT) / 72 for n in lines]
    rows = len(table.rows) + 1
    total = sum(heights)
    shape = slide.shapes.add_table(rows, len(widths), Inches(left), Inches(top), Inches(sum(widths)), Inches(total))
    grid = shape.table
    for i, w in enumerate(widths):
        grid.columns[i].width = Emu(int(Inches(w)))
    for r in range(rows):
        grid.rows[r].height = Emu(int(Inches(heights[r])))
        cells = table.header if r == 0 else table.rows[r - 1]
        for c, text in enumerate(cells):
            cell = grid.cell(r, c)
            cell.margin_left = cell.margin_right = Inches(CELL_INSET)
            cell.margin_top = cell.margin_bottom = Pt(CELL_PAD_PT / 2)
            cell.vertical_anchor = MSO_ANCHOR.BOTTOM if r == 0 else MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            paragraph = frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.LEFT if c == 0 else PP_ALIGN.RIGHT
            paragraph.line_spacing = Pt(size * LINE)
            _run(paragraph, text, size, bold=r == 0, colour=WHITE if r == 0 else INK)
    return total


def _slide(deck: Any, doc: Document, number: int, title: str) -> Any:
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    width = SLIDE_W - 2 * MARGIN
    text_box(slide, [Para(title, bold=True, colour=ACCENT)], MARGIN, 0.4, width, 0.85, 30)
    footer = f"{doc.scenario_name} \u00b7 prepared on {doc.prepared}"
    page = f"{number} / {SLIDES}"
    room = (width - 1.0 - 2 * INSET) * 72
    if text_width(footer, MIN_PT) > room:  # a long name is cut here; slide 1 shows it whole
        while footer and text_width(footer + " \u2026", MIN_PT) > room:
            footer = footer[:-1]
        footer = footer.rstrip() + " \u2026"
    text_box(slide, [Para(footer, colour=MUTED)], MARGIN, 6.95, width - 1.0, 0.45, MIN_PT)
    text_box(slide, [Para(page, colour=MUTED)], SLIDE_W - MARGIN - 1.0, 6.95, 1.0, 0.45, MIN_PT, PP_ALIGN.RIGHT)
    return slide


def _panel(slide: Any, left: float, top: float, width: float, height: float) -> None:
    from pptx.enum.shapes import MSO_SHAPE

    shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(left), Inches(top), Inches(width), Inches(height))
    shape.fill.solid()
    shape.fill.fore_color.rgb = PANEL
    shape.line.fill.background()
    shape.shadow.inherit = False


def _figure_tile(
    slide: Any, label: str, value: str, note: str, left: float, top: float, width: float, height: float
) -> None:
    """One big figure: its label above, the figure as large as fits, a note below."""
    _panel(slide, left, top, width, height)
    inner = width - 0.2
    text_box(slide, [Para(label, colour=MUTED)], left + 0.1, top + 0.06, inner, 0.39, 16)
    note_h = text_height([Para(note)], MIN_PT, inner) / 72 if note else 0.0
    room = height - 0.46 - note_h - 0.04  # between the label and the note
    size = max(MIN_PT, min(28.0, room * 72 / LINE - 2 * INSET * 72))  # a long note never makes the type negative
    while size > 18 and text_width(value, size, True) > (inner - 2 * INSET) * 72:
        size -= 1
    text_box(slide, [Para(value, bold=True, colour=ACCENT)], left + 0.1, top + 0.46, inner, room, size)
    if note:
        text_box(slide, [Para(note, colour=MUTED)], left + 0.1, top + height - note_h - 0.02, inner, note_h, MIN_PT)


# ---------------------------------------------------------------- the five slides


def _ask(deck: Any, doc: Document) -> None:
    slide = _slide(deck, doc, 1, "The ask")
    width = SLIDE_W - 2 * MARGIN
    name = [Para(doc.scenario_name, bold=True), Para(f"Prepared on {doc.prepared}", colour=MUTED)]
    used = fitted_box(slide, name, MARGIN, TOP - 0.15, width, 1.6, 20)  # a 200-character name takes 3 lines
    top = TOP - 0.15 + used + 0.1
    decision = [Para("Decision requested", bold=True, colour=ACCENT), Para(doc.decision)]
    size = fit_size(decision, width - 0.2, 1.75, 20) or MIN_PT
    height = text_height(decision, size, width - 0.2) / 72 + 0.1
    _panel(slide, MARGIN, top, width, height)
    text_box(slide, decision, MARGIN + 0.1, top + 0.05, width - 0.2, height, size)
    top += height + 0.2
    left_w = 7.3
    table_shape(slide, doc.spend, MARGIN, top, left_w, BOTTOM - top, 18)
    right, right_w = MARGIN + left_w + 0.4, width - left_w - 0.4
    years = _years(doc.cash_by_year, "Plan year")
    blank = ("",) * (len(years.header) - 2)
    years = Table(years.header, (*years.rows, ("Peak funding", doc.peak_funding_amount, *blank)))
    table_shape(slide, years, right, top, right_w, BOTTOM - top, 18)


def _years(table: Table, title: str) -> Table:
    """A table of plan years (a row per kind of cost) turned to one row per year, a column per kind."""
    kinds = tuple(row[0] for row in table.rows)
    return Table((title, *kinds), tuple(zip(table.header[1:], *(row[1:] for row in table.rows), strict=True)))


def _answer(deck: Any, doc: Document) -> None:
    slide = _slide(deck, doc, 2, "The answer, and how sure it is")
    width = SLIDE_W - 2 * MARGIN
    gap = 0.15
    tile_w, tile_h = (width - 2 * gap) / 3, 1.45
    for i, (label, value, note) in enumerate(doc.tiles):
        row, col = divmod(i, 3)
        _figure_tile(
            slide, label, value, note, MARGIN + col * (tile_w + gap), TOP + row * (tile_h + gap), tile_w, tile_h
        )
    top = TOP + 2 * tile_h + gap + 0.15
    room = BOTTOM - top
    odds = doc.odds
    if odds.table is None:
        fitted_box(slide, [Para("The odds", bold=True, colour=ACCENT), Para(odds.intro)], MARGIN, top, width, room, 20)
        return
    left_w = 7.0
    used = table_shape(slide, odds.table, MARGIN, top, left_w, room - 0.85, 18)
    fitted_box(slide, [Para(odds.intro, colour=MUTED)], MARGIN, top + used + 0.08, left_w, room - used - 0.08, 14)
    chances = Table(("", "Chance"), odds.chances)
    table_shape(slide, chances, MARGIN + left_w + 0.4, top, width - left_w - 0.4, room, 18)


def _cash(deck: Any, doc: Document) -> None:
    from roi.charts import ChartSpec, to_png

    slide = _slide(deck, doc, 3, "Cash by plan year, and when it pays back")
    left_w = 4.4
    used = table_shape(slide, _years(doc.cash_by_year, "Plan year"), MARGIN, TOP, left_w, 3.0, 18)
    payback = doc.answer[0]
    notes = [Para(doc.peak_funding), Para(f"{payback[0]}: {payback[1]}.", bold=True)]
    fitted_box(slide, notes, MARGIN, TOP + used + 0.15, left_w, BOTTOM - TOP - used - 0.15, 18)
    spec = doc.chart
    png = to_png(
        ChartSpec({**spec.template, "height": CHART_PLOT_HEIGHT}, spec.datasets, spec.message), width=CHART_PX, scale=3
    )
    aspect = int.from_bytes(png[20:24], "big") / int.from_bytes(png[16:20], "big")
    box_w, box_h = SLIDE_W - 2 * MARGIN - left_w - 0.3, BOTTOM - TOP
    w = min(box_w, box_h / aspect)
    slide.shapes.add_picture(BytesIO(png), Inches(SLIDE_W - MARGIN - w), Inches(TOP), Inches(w), Inches(w * aspect))


#: The chart on slide 3: CSS pixels wide before it is scaled to its box (about 8 in), so its type reads at 14 pt.
CHART_PX = 500
CHART_PLOT_HEIGHT = 230


def _areas(deck: Any, doc: Document) -> None:
    slide = _slide(deck, doc, 4, "Which areas pay back")
    width = SLIDE_W - 2 * MARGIN
    used = fitted_box(slide, [Para(doc.areas_verdict)], MARGIN, TOP, width, 0.9, 20)
    top = TOP + used + 0.1
    top += table_shape(slide, doc.areas, MARGIN, top, width, 2.6, 18) + 0.25
    if doc.phasing is None:
        return
    p = doc.phasing
    years = "; ".join(
        f"{h.split(' (')[0].lower()} {c}"
        for h, c in zip(p.cost_by_year.header[1:], p.cost_by_year.rows[0][1:], strict=True)
    )
    paras = [
        Para(f"Recommended phasing within {p.caps}", bold=True, colour=ACCENT),
        Para(p.sentence),
        Para(f"NPV {p.npv}; payback {p.payback}. Cost by plan year: {years}."),
    ]
    fitted_box(slide, paras, MARGIN, top, width, BOTTOM - top, 18)


def _risks(deck: Any, doc: Document) -> None:
    slide = _slide(deck, doc, 5, "Assumptions and risks")
    width = SLIDE_W - 2 * MARGIN
    half = (width - 0.4) / 2
    height = BOTTOM - TOP
    head = [Para("The assumptions that matter", bold=True, colour=ACCENT)]
    items = [Para(a, bullet=True) for a in doc.assumptions] + [Para(doc.staff, bullet=True)]
    kept, size = fit_list(head, items, half, height, 18)
    text_box(slide, kept, MARGIN, TOP, half, height, size)
    risks = [Para(w, bullet=True, colour=WARN) for w in doc.warnings]
    if doc.uncertainties:
        risks += [Para("The estimates that move NPV most across their ranges:")]
        risks += [Para(u, bullet=True) for u in doc.uncertainties]
    else:
        risks += [
            Para(
                "No input is given as a range, so there is no spread to report: the figures are certain "
                "given the inputs."
            )
        ]
    kept, size = fit_list([Para("The risks", bold=True, colour=ACCENT)], risks, half, height, 18)
    text_box(slide, kept, MARGIN + half + 0.4, TOP, half, height, size)


def _tei(deck: Any, doc: Document) -> None:
    slide = _slide(deck, doc, 6, "Appendix: the case as a TEI table")
    width = SLIDE_W - 2 * MARGIN
    table, note = doc.tei_brief, doc.tei_brief_note
    total = table.header.index("Total")  # the years and the present value say enough on a slide
    table = Table(
        table.header[:total] + table.header[total + 1 :], tuple(r[:total] + r[total + 1 :] for r in table.rows)
    )
    used = table_shape(slide, table, MARGIN, TOP, width, BOTTOM - TOP - 0.6, 16)
    fitted_box(slide, [Para(note, colour=MUTED)], MARGIN, TOP + used + 0.1, width, BOTTOM - TOP - used - 0.1, 14)


#: How many slides the deck has: five, then the TEI appendix.
SLIDES = 6


def build_deck(doc: Document) -> bytes:
    """The five board slides and the TEI appendix as .pptx bytes."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_W), Inches(SLIDE_H)
    deck.core_properties.title = f"{doc.scenario_name}: delivery investment"
    deck.core_properties.author = "roi slides"
    for make in (_ask, _answer, _cash, _areas, _risks, _tei):
        make(deck, doc)
    out = BytesIO()
    deck.save(out)
    return out.getvalue()
