"""Co-branded sales aids: the brand's PDF template with the partner's name and contact block stamped on.

fpdf2 draws one overlay page of the template's size (a white band at the bottom holding the partner's name
and contact lines, and on its right the brand's logo when the brand has one); pypdf merges it onto every page of the template. The template's own text and layout
stay as the brand made them: partners personalise within the brand's rules. Generated on request, never
stored (a partner's address may change).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

BAND_HEIGHT_PT = 72.0
LOGO_BOX_PT = (120.0, 52.0)


@dataclass(frozen=True)
class Stamp:
    name: str
    lines: tuple[str, ...]
    # The brand's logo file (PNG, JPEG or SVG bytes), drawn at the band's right; None: no logo.
    logo: bytes | None = None


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
    text_width = width - 48
    if stamp.logo is not None and _logo_draw(pdf, logo=stamp.logo, width=width, height=height):
        text_width -= LOGO_BOX_PT[0] + 12
    pdf.set_xy(24, height - BAND_HEIGHT_PT + 10)
    pdf.set_font("Helvetica", style="B", size=13)
    pdf.cell(text_width, 16, _latin1(stamp.name))
    pdf.set_font("Helvetica", size=9)
    for number, line in enumerate(stamp.lines[:3]):
        pdf.set_xy(24, height - BAND_HEIGHT_PT + 30 + 12 * number)
        pdf.cell(text_width, 11, _latin1(line))
    return PdfReader(io.BytesIO(bytes(pdf.output())))


def _logo_draw(pdf: FPDF, *, logo: bytes, width: float, height: float) -> bool:
    """The logo fitted in its box at the band's right; False when fpdf2 cannot read it (the brochure is
    then stamped without it rather than refused: the logo was already checked as PNG, JPEG or SVG at
    upload, and an SVG fpdf2 does not support must not cost the partner its brochure)."""
    box_width, box_height = LOGO_BOX_PT
    try:
        pdf.image(
            io.BytesIO(logo.lstrip()),
            x=width - 24 - box_width,
            y=height - BAND_HEIGHT_PT + (BAND_HEIGHT_PT - box_height) / 2,
            w=box_width,
            h=box_height,
            keep_aspect_ratio=True,
        )
    except Exception:  # any parsing error of the image library (see the docstring)
        return False
    return True


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
