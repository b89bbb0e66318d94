"""PDF documents of the education section, written with fpdf2 (a maintained PDF library):

- `simple_pdf()`: the demo leaflets, a one-page text leaflet (title and paragraphs);
- `certificate_pdf()`: an attendance certificate with its verification code and URL.

The built-in Helvetica covers Latin-1 (Western European languages); any other character is written
in its closest unaccented form (so "Łukasz" prints as "Lukasz"), never dropped silently into "?" when a
close form exists. Leaflets in other scripts belong in uploaded files, not here.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF


def _latin1(text: str) -> str:
    """Text the core fonts can write: Latin-1 as is, other characters by their decomposed base."""
    text = text.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base or {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d"}.get(char, "?"))
    return "".join(out)


def _document(title: str) -> FPDF:
    # Imported on first use: fpdf2 (with fontTools) costs start-up time in every process otherwise.
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="mm")
    pdf.set_title(_latin1(title))
    pdf.set_creator("ION Portal")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    return pdf


def simple_pdf(title: str, paragraphs: list[str]) -> bytes:
    """A one-page A4 PDF with a title and wrapped paragraphs (the demo leaflets)."""
    pdf = _document(title)
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, _latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 6, _latin1(paragraph), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def certificate_pdf(
    *,
    heading: str,
    statement: str,
    name: str,
    event_title: str,
    facts: list[tuple[str, str]],
    code_label: str,
    code: str,
    verify_text: str,
    verify_url: str,
    footer: str,
) -> bytes:
    """An attendance certificate on one A4 page; the caller supplies the (translated) texts."""
    pdf = _document(f"{heading} - {event_title}")
    pdf.set_draw_color(31, 78, 121)
    pdf.set_line_width(1)
    pdf.rect(10, 10, 190, 277)
    pdf.ln(15)
    pdf.set_font("Helvetica", "B", 24)
    pdf.cell(0, 12, _latin1(heading), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("Helvetica", "", 12)
    pdf.multi_cell(0, 7, _latin1(statement), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 20)
    pdf.multi_cell(0, 10, _latin1(name), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, _latin1(event_title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    for label, value in facts:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(60, 7, _latin1(label))
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 7, _latin1(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(12)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 7, _latin1(f"{code_label}: {code}"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(0, 6, _latin1(verify_text), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(31, 78, 121)
    pdf.cell(0, 6, verify_url, align="C", link=verify_url, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(-40)
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, _latin1(footer), align="C")
    return bytes(pdf.output())
