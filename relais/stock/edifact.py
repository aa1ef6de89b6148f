"""EDIFACT INVRPT (inventory report, EANCOM D96A ``EAN008``) → a partner's stock on hand.

What is read, per message (``UNH … INVRPT … UNT``):

- ``DTM+366`` (inventory report date; format 102, 203 or 101), else ``DTM+137`` (document date): the stock
  date of the lines; a ``DTM+366`` inside a LIN group dates that line only;
- ``NAD+GY`` (inventory reporting party; also ``NAD+WH``, ``NAD+SU``): its GLN, checked against the partner's
  sites;
- ``LOC`` (place, e.g. ``LOC+18+<GLN>::9``) before the first LIN: the default location; inside a LIN group,
  after a ``QTY`` it places that quantity, before it the line;
- one ``LIN`` group per product: ``LIN+n++<GTIN>:SRV`` and ``QTY+145:<stock on hand>`` (one per location).

Each ``QTY+145`` becomes one stock entry; errors name the LIN group and the segment position (``LIN 2,
segment 9``), as for SLSRPT.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from pydifact.exceptions import EDISyntaxError
from pydifact.segmentcollection import Interchange

from relais.core.errors import ApplicationError
from relais.core.tabular import ImportReport, RowError
from relais.network.models import PartnerCompany, Site
from relais.stock.models import StockSource
from relais.stock.services import StockEntry, inventory_store

STOCK_ON_HAND = "145"
INVENTORY_DATE = "366"
DOCUMENT_DATE = "137"
REPORTING_PARTIES = ("GY", "WH", "SU")


@dataclass
class InvrptReport:
    """The content of an interchange's INVRPT messages: stock entries and the labels errors use."""

    document_number: str = ""
    reporting_glns: list[str] = field(default_factory=list)
    entries: list[StockEntry] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # entry row -> "LIN 2, segment 9"
    errors: list[RowError] = field(default_factory=list)


def _component(element: Any, index: int) -> str:
    if isinstance(element, list):
        return str(element[index]).strip() if index < len(element) and element[index] is not None else ""
    return str(element).strip() if index == 0 and element is not None else ""


def _element(elements: list[Any], index: int) -> Any:
    return elements[index] if index < len(elements) else ""


def _dtm_date(elements: list[Any], position: int) -> date:
    value, fmt = _component(_element(elements, 0), 1), _component(_element(elements, 0), 2) or "102"
    try:
        if fmt in {"102", "203", "204"}:
            return datetime.strptime(value[:8], "%Y%m%d").date()  # noqa: DTZ007 (a local date)
        if fmt == "101":
            return datetime.strptime(value[:6], "%y%m%d").date()  # noqa: DTZ007
    except ValueError:
        pass
    raise ApplicationError(
        _("Segment %(position)s, DTM+%(qualifier)s: “%(value)s” is not a date in format %(format)s.")
        % {
            "position": position,
            "qualifier": _component(_element(elements, 0), 0),
            "value": value,
            "format": fmt,
        }
    )


def invrpt_parse(text: str) -> InvrptReport:
    """Parse an interchange holding one or more INVRPT messages into stock entries.

    Raises ``ApplicationError`` when the text is not EDIFACT, holds no INVRPT message, or a message gives no
    stock date; a LIN group without ``QTY+145`` is a row error naming its segment.
    """
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise ApplicationError(_("The EDIFACT message is empty."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pydifact warns for segments it has no directory for
            messages = list(Interchange.from_str(text).get_messages())
    except (EDISyntaxError, ValueError, IndexError, AttributeError) as exc:
        raise ApplicationError(
            _("This is not a readable EDIFACT interchange: %(error)s") % {"error": exc}
        ) from exc
    report = InvrptReport()
    invrpt = [m for m in messages if getattr(m, "type", "") == "INVRPT"]
    if not invrpt:
        raise ApplicationError(_("The interchange holds no INVRPT (inventory report) message."))
    for message in invrpt:
        _MessageReader(report).read(message.segments)
    return report


class _MessageReader:
    """Walks the segments of one message, keeping the header date and place and the current LIN group."""

    def __init__(self, report: InvrptReport) -> None:
        self.report = report
        self.header_date: date | None = None
        self.document_date: date | None = None
        self.header_location = ""
        self.lin: dict[str, Any] | None = None  # gtin, label, date, location, quantities [(row, qty, loc)]
        self.pending: list[dict[str, Any]] = []

    def read(self, segments: list[Any]) -> None:
        position = 1  # UNH is segment 1 of the message, as UNT counts them
        for segment in segments:
            position += 1
            self._segment(segment.tag, segment.elements, position)
        self._close_lin()
        stock_date = self.header_date or self.document_date
        for line in self.pending:
            line_date = line["date"] or stock_date
            if line_date is None:
                raise ApplicationError(_("The INVRPT message gives no stock date (DTM+366 or DTM+137)."))
            for row, quantity, location in line["quantities"]:
                self.report.entries.append(
                    StockEntry(
                        row=row,
                        gtin=line["gtin"],
                        quantity=quantity,
                        stock_date=line_date,
                        location=location or line["location"] or self.header_location,
                    )
                )

    def _segment(self, tag: str, elements: list[Any], position: int) -> None:
        qualifier = _component(_element(elements, 0), 0)
        if tag == "BGM":
            self.report.document_number = _component(_element(elements, 1), 0)
        elif tag == "DTM" and qualifier in (INVENTORY_DATE, DOCUMENT_DATE):
            day = _dtm_date(elements, position)
            if self.lin is not None and qualifier == INVENTORY_DATE:
                self.lin["date"] = day
            elif qualifier == INVENTORY_DATE:
                self.header_date = day
            else:
                self.document_date = day
        elif tag == "NAD" and qualifier in REPORTING_PARTIES:
            gln = _component(_element(elements, 1), 0)
            if gln and gln not in self.report.reporting_glns:
                self.report.reporting_glns.append(gln)
        elif tag == "LOC":
            self._location(_component(_element(elements, 1), 0))
        elif tag == "LIN":
            self._close_lin()
            number = _component(_element(elements, 0), 0) or str(len(self.pending) + 1)
            self.lin = {
                "gtin": _component(_element(elements, 2), 0),
                "label": _("LIN %(line)s, segment %(position)s") % {"line": number, "position": position},
                "date": None,
                "location": "",
                "quantities": [],
                "located": True,
            }
        elif tag == "QTY" and self.lin is not None and qualifier == STOCK_ON_HAND:
            row = len(self.report.labels) + 1
            self.report.labels[row] = (
                self.lin["label"] + " " + _("(QTY+145 at segment %(position)s)") % {"position": position}
            )
            quantity = _component(_element(elements, 0), 1).replace(",", ".")
            self.lin["quantities"].append([row, quantity, ""])
            self.lin["located"] = False

    def _location(self, gln: str) -> None:
        if self.lin is None:
            self.header_location = gln[:13]
        elif not self.lin["located"] and self.lin["quantities"]:
            self.lin["quantities"][-1][2] = gln[:13]
            self.lin["located"] = True
        else:
            self.lin["location"] = gln[:13]

    def _close_lin(self) -> None:
        if self.lin is None:
            return
        if not self.lin["quantities"]:
            row = len(self.report.labels) + 1
            self.report.labels[row] = self.lin["label"]
            self.report.errors.append(
                RowError(row, "quantity", _("No QTY+145 (stock on hand) in this LIN group."))
            )
        else:
            self.pending.append(self.lin)
        self.lin = None


def invrpt_import(
    *, partner: PartnerCompany, text: str, dry_run: bool = False
) -> tuple[ImportReport, InvrptReport]:
    """Record the stock of ``partner`` from an INVRPT interchange; row errors name the LIN and segment.

    The reporting party's GLN (NAD+GY), when it is a site of another partner of the brand, refuses the
    message: the stock would be booked to the wrong partner.
    """
    parsed = invrpt_parse(text)
    other = (
        Site.objects.filter(brand_id=partner.brand_id, gln__in=parsed.reporting_glns)
        .exclude(partner=partner)
        .values_list("gln", flat=True)
        .first()
    )
    if other:
        raise ApplicationError(
            _("NAD: the reporting party %(gln)s is a site of another partner, not of %(partner)s.")
            % {"gln": other, "partner": partner.code}
        )
    if not parsed.entries and not parsed.errors:
        raise ApplicationError(_("The INVRPT message has no LIN line."))
    report = inventory_store(
        brand=partner.brand,
        partner=partner,
        entries=parsed.entries,
        source=StockSource.EDI,
        dry_run=dry_run,
        errors=parsed.errors,
    )
    for error in report.errors:
        label = parsed.labels.get(error.row)
        if label:
            error.message = f"{label}: {error.message}"
    return report, parsed
