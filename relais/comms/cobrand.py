"""Co-branded sales aids: the brand's PDF template with the partner's name and contact block stamped on.

fpdf2 draws one overlay page of the template's size (a white band at the bottom holding the partner's name
and contact lines); pypdf merges it onto every page of the template. The template's own text and layout
stay as the brand made them: partners personalise within the brand's rules. Generated on request, never
stored (a partner's address may change).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

BAND_HEIGHT_PT = 72.0


@dataclass(frozen=True)
class Stamp:
    name: str
    lines: tuple[str, ...]


def _latin1(text: str) -> str:
    # The core PDF fonts are Latin-1: French accents pass, anything else becomes "?".
    return text.encode("latin-1", "replace").decode("latin-1")


def _overlay(*, width: float, height: float, stamp: Stamp) -> PdfReader:
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(auto=False)
    pdf.add_page()
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(200, 200, 200)
    pdf.rect(0, height - BAND_HEIGHT_PT, width, BAND_HEIGHT_PT, style="DF")
    pdf.set_xy(24, height - BAND_HEIGHT_PT + 10)
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.cell(width - 48, 16, _latin1(stamp.name))
    pdf.set_font("Helvetica", size=9)
    for number, line in enumerate(stamp.lines[:3]):
        pdf.set_xy(24, height - BAND_HEIGHT_PT + 30 + 12 * number)
        pdf.cell(width - 48, 11, _latin1(line))
    return PdfReader(io.BytesIO(bytes(pdf.output())))


def pdf_cobrand(*, template: bytes, stamp: Stamp) -> bytes:
    """The template with the stamp on each page, as PDF bytes."""
    writer = PdfWriter(clone_from=io.BytesIO(template))
    overlays: dict[tuple[float, float], PdfReader] = {}
    for page in writer.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        if size not in overlays:
            overlays[size] = _overlay(width=size[0], height=size[1], stamp=stamp)
        page.merge_page(overlays[size].pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_sample(*, title: str, lines: tuple[str, ...] = ()) -> bytes:
    """A one-page A4 brochure template (the demo's and the tests')."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=22)
    pdf.set_xy(48, 72)
    pdf.cell(480, 28, _latin1(title))
    pdf.set_font("Helvetica", size=12)
    for number, line in enumerate(lines):
        pdf.set_xy(48, 120 + 18 * number)
        pdf.cell(480, 16, _latin1(line))
    return bytes(pdf.output())
