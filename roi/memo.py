"""The one-page memo for a CFO, in three formats that say the same thing: HTML, Markdown and PDF.

The content is a `roi.documents.Document`, built once from the figures; this module only lays it out. HTML is
self-contained (the chart inline SVG, the styles inline) and prints to one A4 page; the PDF is made with reportlab
(standard fonts, the chart as PNG) and is always exactly one A4 page: it shrinks its type until everything fits.
The scenario's name and description are user text: escaped in HTML and in reportlab's markup, backslash-escaped
in Markdown.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from io import BytesIO
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape as xml_escape

from roi import formatting as fmt
from roi.documents import Document, Table

if TYPE_CHECKING:
    from roi.charts import ChartSpec

#: The memo's chart, the page's own spec at the memo's size: CSS pixels wide (each format scales it to the text width,
#: so its type reads a little larger than the text) and the plot's height.
HTML_CHART_WIDTH = 900
PDF_CHART_WIDTH = 760
CHART_HEIGHT = 160


def memo_chart(doc: Document) -> ChartSpec:
    """The document's chart, shorter than on the page: a wide strip that leaves room for the rest of the memo."""
    from roi.charts import ChartSpec  # altair loads only when a memo is drawn

    spec = doc.chart
    return ChartSpec({**spec.template, "height": CHART_HEIGHT}, spec.datasets, spec.message)


_CSS = """
body{font:13px/1.4 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:#1a1a1a;max-width:900px;margin:24px auto;padding:0 16px}
h1{font-size:21px;margin:0}h2{font-size:14px;margin:12px 0 4px;border-bottom:1px solid #bbb;color:#1f3f66}
h3{font-size:13px;margin:8px 0 2px}
.meta{color:#444;margin:2px 0}.decision{border-left:4px solid #1f5fa8;background:#eef3fa;padding:5px 10px;margin:8px 0}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:0 20px}
table{border-collapse:collapse;width:100%;margin:3px 0}td,th{padding:2px 6px;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{font-weight:600;color:#444}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.answer td.n{font-weight:700}.muted{color:#555;font-size:11px}.warn{color:#8a4b00;font-weight:600}
p,ul{margin:3px 0}ul{padding-left:16px}figure{margin:2px 0}figure svg{width:100%;height:auto;display:block}
section{break-inside:avoid}section.appendix{break-before:page}@page{size:A4;margin:10mm}
@media print{body{margin:0;max-width:none;font-size:8.4px;line-height:1.24}h1{font-size:15px}h2{font-size:10px;margin:6px 0 2px}
h3{font-size:9px;margin:4px 0 1px}.decision{padding:3px 8px;margin:5px 0}.cols{gap:0 14px}td,th{padding:1px 4px}
.muted{font-size:7.6px}ul{padding-left:12px}p,ul{margin:2px 0}}
"""


# ---------------------------------------------------------------- HTML


def _html_table(table: Table, cls: str = "") -> str:
    e = html.escape
    attr = f" class={cls}" if cls else ""
    head = "".join(f"<th{' class=n' if i else ''}>{e(h)}</th>" for i, h in enumerate(table.header))
    body = "".join(
        "<tr>" + "".join(f"<td{' class=n' if i else ''}>{e(c)}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return f"<table{attr}><tr>{head}</tr>{body}</table>"


def _html_items(items: Sequence[str], cls: str = "") -> str:
    attr = f" class={cls}" if cls else ""
    return "".join(f"<li{attr}>{html.escape(i)}</li>" for i in items)


def render_html(doc: Document) -> str:
    """The memo as one self-contained HTML page that prints to one A4 page."""
    e = html.escape
    description = f"<p class=muted>{e(doc.description)}</p>" if doc.description else ""
    answer = "".join(f"<tr><td>{e(k)}</td><td class=n>{e(v)}</td></tr>" for k, v in doc.answer_rows)
    odds = f"<p class=muted>{e(doc.odds.intro)}</p>"
    if doc.odds.table is not None:
        odds += _html_table(doc.odds.table)
        odds += _html_table(Table(("", "Chance"), doc.odds.chances), "answer")
    phasing = ""
    if doc.phasing is not None:
        p = doc.phasing
        phasing = (
            f"<h3>Recommended phasing within {e(p.caps)}</h3><p>{e(p.sentence)} NPV <b>{e(p.npv)}</b>, payback "
            f"<b>{e(p.payback)}</b>.</p>{_html_table(p.cost_by_year)}"
        )
    from roi.charts import to_svg

    svg = to_svg(memo_chart(doc), width=HTML_CHART_WIDTH)
    risks = f"<ul>{_html_items(doc.warnings, 'warn')}</ul>" if doc.warnings else ""
    if doc.uncertainties:
        risks += (
            f"<h3>The estimates that move NPV most across their ranges</h3><ul>{_html_items(doc.uncertainties)}</ul>"
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(doc.scenario_name)}: delivery investment memo</title>
<style>{_CSS}</style></head><body>
<h1>{e(doc.title)}</h1>
<div class=meta><b>{e(doc.scenario_name)}</b> &middot; prepared on {e(doc.prepared)}</div>{description}
<p class=decision><b>Decision requested.</b> {e(doc.decision)}</p>
<div class=cols>
<section><h2>The ask</h2><p>{e(doc.ask)}</p>{_html_table(doc.spend)}{_html_table(doc.cash_by_year)}
<p>{e(doc.peak_funding)}</p></section>
<section><h2>The answer</h2><table class=answer>{answer}</table><p class=muted>{e(doc.answer_note)}</p>
<h3>The odds</h3>{odds}</section>
</div>
<section><h2>Cumulative flow, cash and engineer time</h2><figure>{svg}</figure></section>
<section><h2>Which areas pay back</h2><p>{e(doc.areas_verdict)}</p>{_html_table(doc.areas)}{phasing}</section>
<div class=cols>
<section><h2>The assumptions that matter</h2><ul>{_html_items(doc.assumptions)}</ul>
<h3>Staff time</h3><p>{e(doc.staff)}</p></section>
<section><h2>How the answer changes</h2>{_html_table(doc.what_ifs)}{"<h2>Risks</h2>" + risks if risks else ""}</section>
</div>
<p class=muted>{e(doc.method)} The companion workbook carries every formula live.</p>
<section class=appendix><h2>Appendix: the case as a TEI table</h2>{_html_table(doc.tei)}
<p class=muted>{e(doc.tei_note)}</p></section>
</body></html>
"""


# ---------------------------------------------------------------- Markdown


def md_text(text: str) -> str:
    """User text made inert in Markdown: no HTML, no links, no emphasis, no table breaks, one line."""
    escaped = html.escape(" ".join(text.split()), quote=False)
    for ch in "\\`*_[]()|#!~{}":
        escaped = escaped.replace(ch, "\\" + ch)
    return escaped


def _md_table(table: Table) -> list[str]:
    lines = ["| " + " | ".join(table.header) + " |", "|---" + "|---:" * (len(table.header) - 1) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in table.rows]
    return [*lines, ""]


def render_markdown(doc: Document) -> str:
    """The memo as Markdown (the chart becomes a table of the cumulative flow at quarter ends)."""
    lines = [f"# {doc.title}", "", f"**{md_text(doc.scenario_name)}** \u00b7 prepared on {doc.prepared}", ""]
    if doc.description:
        lines += [f"*{md_text(doc.description)}*", ""]
    lines += [f"**Decision requested.** {doc.decision}", "", "## The ask", "", doc.ask, ""]
    lines += [*_md_table(doc.spend), *_md_table(doc.cash_by_year), doc.peak_funding, ""]
    lines += ["## The answer", "", "| | |", "|---|---:|", *(f"| {k} | **{v}** |" for k, v in doc.answer_rows), ""]
    lines += [doc.answer_note, "", "### The odds", "", doc.odds.intro, ""]
    if doc.odds.table is not None:
        lines += [*_md_table(doc.odds.table), *_md_table(Table(("", "Chance"), doc.odds.chances))]
    lines += ["## Which areas pay back", "", doc.areas_verdict, "", *_md_table(doc.areas)]
    if doc.phasing is not None:
        p = doc.phasing
        lines += [
            f"### Recommended phasing within {p.caps}",
            "",
            f"{p.sentence} NPV **{p.npv}**, payback **{p.payback}**.",
            "",
            *_md_table(p.cost_by_year),
        ]
    lines += ["## Cumulative flow, cash and engineer time", "", *_md_table(doc.cumulative)]
    lines += ["## The assumptions that matter", "", *(f"- {a}" for a in doc.assumptions), ""]
    lines += ["### Staff time", "", doc.staff, "", "## How the answer changes", "", *_md_table(doc.what_ifs)]
    if doc.warnings or doc.uncertainties:
        lines += ["## Risks", "", *(f"- **{w}**" for w in doc.warnings)]
    if doc.uncertainties:
        lines += ["", "The estimates that move NPV most across their ranges:", ""]
        lines += [f"- {a}" for a in doc.uncertainties]
    lines += [""]
    lines += [f"*{doc.method} The companion workbook carries every formula live.*", ""]
    lines += ["## Appendix: the case as a TEI table", "", *_md_table(_md_inert(doc.tei)), doc.tei_note]
    return "\n".join(lines) + "\n"


def _md_inert(table: Table) -> Table:
    """A table whose labels may be the user's own text (a line's name): made inert, as every user text."""
    return Table(table.header, tuple((md_text(r[0]), *r[1:]) for r in table.rows))


# ---------------------------------------------------------------- PDF


class _Pdf:
    """The memo laid out with reportlab at one base font size."""

    def __init__(self, doc: Document, size: float, chart_png: bytes, chart_aspect: float) -> None:
        from reportlab.lib import colors
        from reportlab.lib.enums import TA_RIGHT
        from reportlab.lib.styles import ParagraphStyle

        self.doc, self.size = doc, size
        self.chart_png, self.chart_aspect = chart_png, chart_aspect
        self.colors = colors
        lead = size * 1.22
        self.body = ParagraphStyle("body", fontName="Helvetica", fontSize=size, leading=lead)
        self.num = ParagraphStyle("num", parent=self.body, alignment=TA_RIGHT)
        self.bold = ParagraphStyle("bold", parent=self.body, fontName="Helvetica-Bold")
        self.bold_num = ParagraphStyle("boldnum", parent=self.num, fontName="Helvetica-Bold")
        self.small = ParagraphStyle(
            "small", parent=self.body, fontSize=size * 0.9, leading=lead * 0.9, textColor=colors.HexColor("#555555")
        )
        self.warn = ParagraphStyle("warn", parent=self.bold, textColor=colors.HexColor("#8a4b00"))
        self.h1 = ParagraphStyle("h1", parent=self.bold, fontSize=size * 1.75, leading=size * 2.1)
        self.h2 = ParagraphStyle(
            "h2",
            parent=self.bold,
            fontSize=size * 1.2,
            leading=size * 1.45,
            textColor=colors.HexColor("#1f3f66"),
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.2,
        )
        self.h3 = ParagraphStyle("h3", parent=self.bold, spaceBefore=size * 0.4)
        self.decision = ParagraphStyle(
            "decision",
            parent=self.body,
            backColor=colors.HexColor("#eef3fa"),
            borderColor=colors.HexColor("#1f5fa8"),
            borderPadding=(3, 4, 3, 4),
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.6,
        )
        self.bullet = ParagraphStyle("bullet", parent=self.body, leftIndent=size, bulletIndent=0)

    def p(self, text: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(_pdf_text(text), style or self.body)

    def heading(self, text: str) -> list[Any]:
        from reportlab.platypus import HRFlowable

        line = HRFlowable(
            width="100%",
            thickness=0.5,
            color=self.colors.HexColor("#bbbbbb"),
            spaceBefore=0,
            spaceAfter=self.size * 0.25,
        )
        return [self.p(text, self.h2), line]

    def bullets(self, items: Sequence[str], style: Any = None) -> list[Any]:
        from reportlab.platypus import Paragraph

        base = style or self.body
        return [Paragraph(_pdf_text(i), self.bullet if base is self.body else base, bulletText="\u2022") for i in items]

    def table(self, table: Table, width: float, bold_figures: bool = False) -> Any:
        """A table: figure columns as wide as their widest cell (headers wrap at spaces), the label column the rest."""
        from reportlab.platypus import Table as RlTable
        from reportlab.platypus import TableStyle

        figure_style = self.bold_num if bold_figures else self.num
        rows = [[self.p(h, self.bold if i == 0 else self.bold_num) for i, h in enumerate(table.header)]]
        if not any(table.header):
            rows = []
        rows += [[self.p(c, self.body if i == 0 else figure_style) for i, c in enumerate(row)] for row in table.rows]
        t = RlTable(rows, colWidths=self.widths(table, width, figure_style.fontName))
        t.spaceBefore, t.spaceAfter = self.size * 0.2, self.size * 0.35
        grey = self.colors.HexColor("#dddddd")
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, grey),
                    ("LEFTPADDING", (0, 0), (-1, -1), PAD),
                    ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
                    ("TOPPADDING", (0, 0), (-1, -1), 0.8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                ]
            )
        )
        return t

    def widths(self, table: Table, width: float, figure_font: str) -> list[float]:
        from reportlab.pdfbase.pdfmetrics import stringWidth

        def text(s: str, font: str) -> float:
            return float(stringWidth(s, font, self.size))

        def word(s: str, font: str) -> float:
            return max((text(w, font) for w in s.split()), default=0.0)

        n = len(table.header)
        cells = [max((text(r[i], figure_font) for r in table.rows), default=0.0) for i in range(1, n)]
        need = [
            max(text(table.header[i], "Helvetica-Bold"), c) + 2 * PAD for i, c in zip(range(1, n), cells, strict=True)
        ]
        if max(text(r[0], "Helvetica") for r in table.rows) + sum(need) > width:  # headers wrap at spaces
            need = [
                max(word(table.header[i], "Helvetica-Bold"), c) + 2 * PAD
                for i, c in zip(range(1, n), cells, strict=True)
            ]
        labels = [word(table.header[0], "Helvetica-Bold"), *(text(r[0], "Helvetica") for r in table.rows)]
        whole = max(labels) + 2 * PAD
        if whole + sum(need) <= width:  # nothing wraps: the figure columns share what is left
            spare = (width - whole - sum(need)) / max(1, n - 1)
            return [whole, *(x + spare for x in need)] if n > 1 else [width]
        least = max([word(table.header[0], "Helvetica-Bold"), *(word(r[0], "Helvetica") for r in table.rows)])
        first = max(least + 2 * PAD, 0.28 * width)
        if sum(need) > width - first:  # the figures wrap too
            need = [x * (width - first) / sum(need) for x in need]
        return [width - sum(need), *need]

    def pairs(self, pairs: Sequence[tuple[str, str]], width: float) -> Any:
        return self.table(Table(("", ""), tuple(pairs)), width, bold_figures=True)

    def columns(self, left: list[Any], right: list[Any], width: float) -> Any:
        from reportlab.platypus import Table as RlTable
        from reportlab.platypus import TableStyle

        gap = 12.0
        t = RlTable([[left, right]], colWidths=[width / 2] * 2)
        t.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), gap / 2),
                    ("LEFTPADDING", (1, 0), (1, -1), gap / 2),
                    ("RIGHTPADDING", (1, 0), (1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return t

    def story(self, width: float) -> list[Any]:
        from reportlab.platypus import Image

        d = self.doc
        half = (width - 12) / 2
        head: list[Any] = [self.p(d.title, self.h1)]
        head.append(self.p(f"{d.scenario_name} \u00b7 prepared on {d.prepared}", self.bold))
        if d.description:
            head.append(self.p(d.description, self.small))
        head.append(self.p_rich("Decision requested.", d.decision, self.decision))

        ask = [*self.heading("The ask"), self.p(d.ask), self.table(d.spend, half)]
        ask += [self.table(d.cash_by_year, half), self.p(d.peak_funding)]
        answer = [*self.heading("The answer"), self.pairs(d.answer_rows, half), self.p(d.answer_note, self.small)]
        answer += [self.p("The odds", self.h3), self.p(d.odds.intro, self.small)]
        if d.odds.table is not None:
            answer += [
                self.table(d.odds.table, half),
                self.table(Table(("", "Chance"), d.odds.chances), half),
            ]

        chart = [*self.heading("Cumulative flow, cash and engineer time")]
        chart.append(Image(BytesIO(self.chart_png), width=width, height=width * self.chart_aspect))
        areas = [*self.heading("Which areas pay back"), self.p(d.areas_verdict), self.table(d.areas, width)]
        if d.phasing is not None:
            p = d.phasing
            areas += [self.p(f"Recommended phasing within {p.caps}", self.h3)]
            areas += [self.p(f"{p.sentence} NPV {p.npv}, payback {p.payback}.")]
            areas += [self.table(p.cost_by_year, width)]

        assumptions = [*self.heading("The assumptions that matter"), *self.bullets(d.assumptions)]
        assumptions += [self.p("Staff time", self.h3), self.p(d.staff)]
        risks = [*self.heading("How the answer changes"), self.table(d.what_ifs, half)]
        if d.warnings or d.uncertainties:
            risks += [*self.heading("Risks"), *self.bullets(d.warnings, self.warn)]
        if d.uncertainties:
            risks += [self.p("The estimates that move NPV most across their ranges", self.h3)]
            risks += self.bullets(d.uncertainties)
        foot = [self.p(f"{d.method} The companion workbook carries every formula live.", self.small)]
        return [
            *head,
            self.columns(ask, answer, width),
            *chart,
            *areas,
            self.columns(assumptions, risks, width),
            *foot,
        ]

    def appendix(self, width: float) -> list[Any]:
        """The TEI table, on the pages after the memo."""
        d = self.doc
        return [
            *self.heading("Appendix: the case as a TEI table"),
            self.table(d.tei, width),
            self.p(d.tei_note, self.small),
        ]

    def p_rich(self, lead: str, text: str, style: Any) -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(f"<b>{_pdf_text(lead)}</b> {_pdf_text(text)}", style)


PAD = 2.0
PDF_SIZES = (8.6, 8.2, 7.8, 7.4, 7.0, 6.6, 6.2, 5.8)


def render_pdf(doc: Document) -> bytes:
    """The memo as exactly one A4 page of PDF (standard fonts, the chart as PNG; the type shrinks to fit), then its
    appendix, the case as a TEI table, from page 2."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate
    from reportlab.platypus.doctemplate import LayoutError

    from roi.charts import to_png

    png = to_png(memo_chart(doc), width=PDF_CHART_WIDTH, scale=3)
    aspect = _png_aspect(png)
    margin = 12 * mm

    def document(buffer: BytesIO) -> Any:
        return SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=margin,
            title=f"{doc.scenario_name}: delivery investment memo",
            author="roi memo",
            subject=doc.title,
            creator="roi memo",
            invariant=1,
        )

    for size in PDF_SIZES:
        pdf = document(BytesIO())
        layout = _Pdf(doc, size, png, aspect)
        try:
            pdf.build(layout.story(pdf.width))
        except LayoutError:
            continue
        if pdf.page == 1:  # the memo fits its page: build it again with the appendix on the pages after it
            buffer = BytesIO()
            pdf = document(buffer)
            pdf.build([*_Pdf(doc, size, png, aspect).story(pdf.width), PageBreak(), *layout.appendix(pdf.width)])
            return buffer.getvalue()
    raise ValueError("the memo does not fit one A4 page even at the smallest type")


def _png_aspect(png: bytes) -> float:
    """Height over width of a PNG, from its header."""
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return height / width if width else 0.5


# ---------------------------------------------------------------- from a result


def _pdf_text(text: str) -> str:
    """User or computed text as a reportlab paragraph: escaped (never markup), percentages unbroken. Reportlab
    breaks lines at spaces only, so a negative amount stays whole (and Helvetica has no word joiner to draw)."""
    return xml_escape(fmt.keep_percent(text))
