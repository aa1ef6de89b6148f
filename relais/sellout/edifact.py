"""EDIFACT SLSRPT (sales data report, EANCOM D96A) → canonical sell-out rows → declarations.

A file may hold several interchanges (``UNB … UNZ``, each possibly led by its own ``UNA``), each several
SLSRPT messages (``UNH … UNT``), each several places of sale (``LOC+162``). **One declaration per message,
period and place of sale**: a part is (interchange, message, GLN of the place); lines before any ``LOC+162``
belong to the message's part without a place.

What is read, per message:

- ``DTM+90`` / ``DTM+91`` (report start / end, format 102) or ``DTM+324`` (period, format 718): the period
  of the message; the same after a ``LOC+162`` (before its first ``LIN``) is that place's period;
- ``CUX+2:<currency>``: the currency of the amounts; ``TAX+7+VAT+++:::<rate>``: the VAT rate (message or
  LIN group), used only to take VAT out of a price that includes it;
- ``LOC+162+<GLN>``: the place of sale (a site of the partner, matched by GLN); ``DTM+356`` after it is the
  sales date of the lines that follow;
- one ``LIN`` group per product and date: ``LIN+n++<GTIN>:SRV`` (or ``PIA+5+<GTIN>:SRV``), ``QTY+153`` sold
  quantity, ``PRI`` prices (see ``PRICE_QUALIFIERS``), ``MOA+203`` line amount, ``DTM+356`` sales date.

Each LIN group becomes one row; its reference (``interchange SR1, message 2, LIN 3, segment 14``) is kept so
errors name the place in the file. Validation (GTIN, quantities, dates, duplicates) is the ingest engine's,
the same as for files and the API.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _
from pydifact.exceptions import EDISyntaxError
from pydifact.parser import Parser

from relais.core.errors import ApplicationError
from relais.sellout.ingest.engine import IngestResult
from relais.sellout.models import Declaration, Source
from relais.sellout.selectors import partner_site_by_gln_find
from relais.sellout.services import NothingDeclared, declaration_declare

if TYPE_CHECKING:
    from collections.abc import Iterator

    from relais.accounts.models import User
    from relais.api.models import ApiKey
    from relais.network.models import PartnerCompany

__all__ = [
    "PRICE_QUALIFIERS",
    "EdifactDeclared",
    "EdifactOutcome",
    "NothingDeclared",
    "SlsrptPart",
    "SlsrptReport",
    "edifact_declaration_import",
    "slsrpt_parse",
]

SALES_DATE = "356"
PERIOD_START = "90"
PERIOD_END = "91"
PERIOD_RANGE = "324"
SOLD_QUANTITY = "153"
LINE_AMOUNT = "203"
SALES_LOCATION = "162"
CUSTOMER_NUMBER = "IT"  # RFF 1153 in a LIN group: the partner's internal number of its end customer
PRODUCT_IDENTIFICATION = "5"  # PIA 4347: the product's main identification
GTIN_AGENCIES = ("SRV", "EN", "UP")  # 3055/7143: GS1 (EANCOM 2002), EAN (EANCOM 97, D96A), UPC


@dataclass(frozen=True)
class PriceQualifier:
    """What a PRI 5125 code states, and how it becomes a sell-out line's unit price (net of VAT, the price
    to the end customer, after the allowances given to them)."""

    meaning: str
    rank: int  # lower is closer to a sell-out unit price; the lowest given in a LIN group is used
    includes_vat: bool = False


# PRI 5125 (price code qualifier) as EANCOM SLSRPT and UN/EDIFACT D96A use them. Net of allowances and
# of VAT comes first; a gross price (before allowances) only when no net one is given, as it is what the
# customer paid when no allowance applied; a price including VAT only with a VAT rate (TAX+7) to take it out.
PRICE_QUALIFIERS: dict[str, PriceQualifier] = {
    "AAA": PriceQualifier("calculation net: after allowances and charges, excluding taxes", 1),
    "NTP": PriceQualifier("net unit price: after allowances and charges, excluding taxes", 2),
    "INV": PriceQualifier("invoice price: the price invoiced, excluding taxes", 3),
    "CAL": PriceQualifier("calculation price: the price the amounts were calculated with", 4),
    "CON": PriceQualifier("contract price", 5),
    "PRP": PriceQualifier("promotional price", 5),
    "DPR": PriceQualifier("discount price", 5),
    "AAF": PriceQualifier("information price: before allowances or charges, excluding taxes", 6),
    "AAB": PriceQualifier("calculation gross: before allowances and charges, excluding taxes", 7),
    "GRP": PriceQualifier("gross unit price: before allowances and charges, excluding taxes", 7),
    "AAE": PriceQualifier("information price: before allowances or charges, including taxes", 8, True),
    "RTP": PriceQualifier("retail price: the consumer's shelf price, including taxes", 9, True),
    "RES": PriceQualifier("resale price: the consumer's price, including taxes", 9, True),
}
UNIT_PRICE_PLACES = Decimal("0.0001")  # DeclarationLine.unit_price has 4 decimal places


@dataclass
class SlsrptPart:
    """One message's lines at one place of sale: what one declaration is made of."""

    interchange_ref: str
    message_ref: str
    document_number: str = ""
    location_gln: str = ""
    period_start: date | None = None
    period_end: date | None = None
    currency: str = ""
    rows: list[dict[str, object]] = field(default_factory=list)
    row_refs: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return _("interchange %(interchange)s, message %(message)s") % {
            "interchange": self.interchange_ref or "?",
            "message": self.message_ref or "?",
        }


@dataclass
class SlsrptReport:
    """The SLSRPT messages of a file, as parts (message × place of sale) of canonical rows."""

    parts: list[SlsrptPart] = field(default_factory=list)

    @property
    def rows(self) -> list[dict[str, object]]:
        return [row for part in self.parts for row in part.rows]

    @property
    def row_refs(self) -> list[str]:
        return [ref for part in self.parts for ref in part.row_refs]


def _component(element: Any, index: int) -> str:
    """Component ``index`` of a data element that may be a plain string or a list of components."""
    if isinstance(element, list):
        return str(element[index]).strip() if index < len(element) and element[index] is not None else ""
    return str(element).strip() if index == 0 and element is not None else ""


def _element(elements: list[Any], index: int) -> Any:
    return elements[index] if index < len(elements) else ""


def _parse_date(value: str, fmt: str) -> date:
    fmt = fmt or "102"
    if fmt in {"102", "203", "204"}:
        return datetime.strptime(value[:8], "%Y%m%d").date()  # noqa: DTZ007 (a local date, no time)
    if fmt == "101":
        return datetime.strptime(value[:6], "%y%m%d").date()  # noqa: DTZ007
    raise ValueError(fmt)


def _decimal_text(value: str) -> str:
    # EDIFACT allows a comma as decimal mark (UNA); the engine reads a dot.
    return value.replace(",", ".")


def _decimal(value: str) -> Decimal | None:
    try:
        number = Decimal(_decimal_text(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# A UNA opens each interchange that has one; pydifact reads one per text, so the file is cut before each.
_UNA_START = re.compile(r"(?:\A|['\r\n])[ \t\r\n]*(UNA)")


def _chunks(text: str) -> list[str]:
    starts = [m.start(1) for m in _UNA_START.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(text)]
    return [text[start:end] for start, end in zip(starts, ends, strict=True) if text[start:end].strip()]


def _segments(text: str) -> Iterator[Any]:
    for chunk in _chunks(text):
        with warnings.catch_warnings():
            # pydifact warns for every segment it has no XML directory for; the structure is all we use.
            warnings.simplefilter("ignore")
            yield from Parser().parse(chunk)


def slsrpt_parse(text: str) -> SlsrptReport:
    """Parse a file of one or more EDIFACT interchanges holding SLSRPT messages, into parts.

    Raises ``ApplicationError`` when the text is not EDIFACT or holds no SLSRPT message; problems inside a
    LIN group are left to the ingest engine, which reports them per row.
    """
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise ApplicationError(_("The EDIFACT message is empty."))
    try:
        segments = list(_segments(text))
    except (EDISyntaxError, ValueError, IndexError, AttributeError) as exc:
        raise ApplicationError(
            _("This is not a readable EDIFACT interchange: %(error)s") % {"error": exc}
        ) from exc
    if not any(segment.tag == "UNB" for segment in segments):
        raise ApplicationError(
            _("This is not a readable EDIFACT interchange: %(error)s") % {"error": _("no UNB segment")}
        )
    report = SlsrptReport()
    found = False
    interchange_ref = ""
    message: list[Any] | None = None
    for segment in segments:
        tag = segment.tag
        if tag == "UNB":
            interchange_ref = _component(_element(segment.elements, 4), 0)
        elif tag == "UNH":
            _unclosed(interchange_ref, message)
            message = [segment]
        elif tag == "UNT" and message is not None:
            if _component(_element(message[0].elements, 1), 0) == "SLSRPT":
                found = True
                report.parts.extend(_MessageReader(interchange_ref, message).read())
            message = None
        elif message is not None:
            message.append(segment)
    _unclosed(interchange_ref, message)
    if not found:
        raise ApplicationError(_("The interchange holds no SLSRPT (sales report) message."))
    return report


def _unclosed(interchange_ref: str, message: list[Any] | None) -> None:
    """A message still open (no UNT before the next UNH or the end): the file was cut, refuse it."""
    if message is not None:
        raise ApplicationError(
            _("interchange %(interchange)s, message %(message)s: the message has no UNT (the file was cut?).")
            % {
                "interchange": interchange_ref or "?",
                "message": _component(_element(message[0].elements, 0), 0) or "?",
            }
        )


class _MessageReader:
    """Reads one SLSRPT message (its segments from UNH on) into parts, one per place of sale."""

    def __init__(self, interchange_ref: str, segments: list[Any]) -> None:
        self.segments = segments
        self.header = SlsrptPart(
            interchange_ref=interchange_ref, message_ref=_component(_element(segments[0].elements, 0), 0)
        )
        self.parts: dict[str, SlsrptPart] = {}
        self.part = self.header
        self.location_date = ""
        self.message_vat: Decimal | None = None
        self.current: dict[str, object] | None = None
        self.prices: dict[str, str] = {}
        self.line_vat: Decimal | None = None

    def read(self) -> list[SlsrptPart]:
        for position, segment in enumerate(self.segments, start=1):  # UNH is segment 1, as UNT counts
            self._segment(segment.tag, segment.elements, position)
        self._close_line()
        parts = [self.header, *self.parts.values()] if self.header.rows else list(self.parts.values())
        for part in parts:
            if part is not self.header:
                part.period_start = part.period_start or self.header.period_start
                part.period_end = part.period_end or self.header.period_end
            part.currency = part.currency or self.header.currency
            part.document_number = self.header.document_number
        return parts

    def _segment(self, tag: str, elements: list[Any], position: int) -> None:
        qualifier = _component(_element(elements, 0), 0)
        if tag == "BGM":
            self.header.document_number = _component(_element(elements, 1), 0)
        elif tag == "CUX":
            self.part.currency = _component(_element(elements, 0), 1).upper() or self.part.currency
        elif tag == "LOC" and qualifier == SALES_LOCATION:
            self._close_line()
            gln = _component(_element(elements, 1), 0)
            self.part = self.parts.setdefault(
                gln,
                SlsrptPart(interchange_ref=self.header.interchange_ref, message_ref=self.header.message_ref),
            )
            self.part.location_gln = gln
            self.location_date = ""
        elif tag == "LIN":
            self._open_line(elements, position)
        elif tag == "DTM":
            self._date(elements)
        elif tag == "TAX":
            self._vat(elements)
        elif self.current is None:
            return
        elif tag == "PIA" and qualifier == PRODUCT_IDENTIFICATION and not self.current["gtin"]:
            if _component(_element(elements, 1), 1) in GTIN_AGENCIES:
                self.current["gtin"] = _component(_element(elements, 1), 0)
        elif tag == "RFF" and qualifier == CUSTOMER_NUMBER:
            self.current["customer_ref"] = _component(_element(elements, 0), 1)
        elif tag == "QTY" and qualifier == SOLD_QUANTITY:
            self.current["quantity"] = _decimal_text(_component(_element(elements, 0), 1))
        elif tag == "PRI" and qualifier in PRICE_QUALIFIERS:
            self.prices.setdefault(qualifier, _unit_price(_element(elements, 0)))
        elif tag == "MOA" and qualifier == LINE_AMOUNT:
            self.current["amount"] = _decimal_text(_component(_element(elements, 0), 1))
            currency = _component(_element(elements, 0), 2)
            if currency:
                self.current["currency"] = currency.upper()

    def _open_line(self, elements: list[Any], position: int) -> None:
        self._close_line()
        current: dict[str, object] = {
            "gtin": _component(_element(elements, 2), 0),
            "quantity": "",
            "sale_date": self.location_date,
            "channel": "in_store",
        }
        currency = self.part.currency or self.header.currency
        if currency:
            current["currency"] = currency
        self.current, self.prices, self.line_vat = current, {}, None
        self.part.rows.append(current)
        line_number = _component(_element(elements, 0), 0) or str(len(self.part.rows))
        self.part.row_refs.append(
            _("%(where)s, LIN %(line)s, segment %(position)s")
            % {"where": self.part.where, "line": line_number, "position": position}
        )

    def _close_line(self) -> None:
        """Choose the LIN group's unit price among the prices it gave."""
        if self.current is not None:
            price = _chosen_price(self.prices, self.line_vat or self.message_vat)
            if price is not None:
                self.current["unit_price"] = price
        self.current, self.prices, self.line_vat = None, {}, None

    def _vat(self, elements: list[Any]) -> None:
        # TAX+7+VAT+++:::<rate>: 5283 = 7 (tax), 5153 = VAT, C243 component 4 (5278) = the rate in percent.
        if _component(_element(elements, 0), 0) != "7" or _component(_element(elements, 1), 0) != "VAT":
            return
        rate = _decimal(_component(_element(elements, 4), 3))
        if rate is None or rate < 0:
            return
        if self.current is None:
            self.message_vat = rate
        else:
            self.line_vat = rate

    def _date(self, elements: list[Any]) -> None:
        qualifier = _component(_element(elements, 0), 0)
        value, fmt = _component(_element(elements, 0), 1), _component(_element(elements, 0), 2)
        try:
            if qualifier == SALES_DATE:
                if self.current is not None:
                    self.current["sale_date"] = _date_text(value, fmt)
                else:
                    self.location_date = _date_text(value, fmt)
            elif self.current is None and qualifier == PERIOD_START:
                self.part.period_start = _parse_date(value, fmt)
            elif self.current is None and qualifier == PERIOD_END:
                self.part.period_end = _parse_date(value, fmt)
            elif self.current is None and qualifier == PERIOD_RANGE and fmt == "718" and len(value) >= 16:
                self.part.period_start = _parse_date(value[:8], "102")
                self.part.period_end = _parse_date(value[8:16], "102")
        except ValueError as exc:
            raise ApplicationError(
                _("%(where)s: DTM+%(qualifier)s has a date that cannot be read: %(value)s")
                % {"where": self.header.where, "qualifier": qualifier, "value": value}
            ) from exc


def _unit_price(element: Any) -> str:
    """The price of a PRI C509, per one unit: 5118 divided by the unit price basis 5284 when one is given
    (``PRI+AAA:125.00::::10:PCE`` is 12.50 a piece)."""
    price = _decimal_text(_component(element, 1))
    basis = _decimal(_component(element, 5))
    number = _decimal(price)
    if number is None or basis is None or basis <= 0 or basis == 1:
        return price
    return str((number / basis).quantize(UNIT_PRICE_PLACES, rounding=ROUND_HALF_UP).normalize())


def _chosen_price(prices: dict[str, str], vat_rate: Decimal | None) -> str | None:
    """The given price closest to a sell-out unit price; a price including VAT only when the rate is known."""
    usable = [q for q in prices if not PRICE_QUALIFIERS[q].includes_vat or vat_rate is not None]
    if not usable:
        return None
    qualifier = min(usable, key=lambda q: PRICE_QUALIFIERS[q].rank)
    price = prices[qualifier]
    if not PRICE_QUALIFIERS[qualifier].includes_vat or vat_rate is None:
        return price
    number = _decimal(price)
    if number is None:
        return price  # the engine says it is not a number
    net = number / (1 + vat_rate / 100)
    return str(net.quantize(UNIT_PRICE_PLACES, rounding=ROUND_HALF_UP))


def _date_text(value: str, fmt: str) -> str:
    """The DTM value as an ISO date when it parses, else the raw text (the engine then rejects it)."""
    try:
        return _parse_date(value, fmt).isoformat()
    except ValueError:
        return value


@dataclass
class EdifactDeclared:
    """One part of the file and what became of it: its declaration, or None when none of its lines could
    be stored (all rejected or already declared: that part is not kept)."""

    part: SlsrptPart
    declaration: Declaration | None
    result: IngestResult


@dataclass
class EdifactOutcome:
    """What a file became: one entry per part (message × place of sale), and the result of all its lines
    (rows numbered in the order of the file's LIN groups)."""

    declared: list[EdifactDeclared]
    result: IngestResult
    report: SlsrptReport

    @property
    def declarations(self) -> list[Declaration]:
        return [d.declaration for d in self.declared if d.declaration is not None]

    @property
    def declaration(self) -> Declaration:
        """The first declaration made (there is at least one, else ``NothingDeclared`` was raised)."""
        return self.declarations[0]


@transaction.atomic
def edifact_declaration_import(
    *,
    partner: PartnerCompany,
    text: str,
    created_by: User | None = None,
    api_key: ApiKey | None = None,
    submit: bool = True,
) -> EdifactOutcome:
    """Turn a file of SLSRPT messages into declarations of ``partner`` (source EDI), one per message and
    place of sale, each submitted.

    A part's period comes from its place or its message (DTM+90/91 or DTM+324), else from the span of its
    sales dates; lines without a sales date take the period's last day, as a report aggregated by period has
    no finer date. The site is the partner's site whose GLN is the place's (LOC+162), if any. Row errors name
    the interchange, the message, the LIN group and the segment position. Each part is declared through
    ``declaration_declare``; a part of which no line could be stored is left out (its result still counts);
    when that is every part, the file is refused with ``NothingDeclared``, as on the API.
    """
    report = slsrpt_parse(text)
    if not report.rows:
        raise ApplicationError(_("The SLSRPT message has no LIN line."))
    declared: list[EdifactDeclared] = []
    total = IngestResult()
    offset = 0
    for part in report.parts:
        if not part.rows:
            continue
        entry = _part_declare(part, partner=partner, user=created_by, api_key=api_key, submit=submit)
        declared.append(entry)
        total.add(_shifted(entry.result, offset))
        offset += len(part.rows)
    if submit and not any(entry.declaration is not None for entry in declared):
        raise NothingDeclared(_("No line could be stored; nothing was declared."), result=total)
    return EdifactOutcome(declared=declared, result=total, report=report)


def _part_declare(
    part: SlsrptPart, *, partner: PartnerCompany, user: User | None, api_key: ApiKey | None, submit: bool
) -> EdifactDeclared:
    period_start, period_end = _part_period(part)
    for row in part.rows:
        if not row.get("sale_date"):
            row["sale_date"] = period_end.isoformat()
    site = partner_site_by_gln_find(partner=partner, glns=[part.location_gln] if part.location_gln else [])
    try:
        # declaration_declare is atomic: nested here, a refused part rolls back alone (its savepoint).
        declaration, result = declaration_declare(
            partner=partner,
            lines=part.rows,
            source=Source.EDI,
            period_start=period_start,
            period_end=period_end,
            site=site,
            user=user,
            api_key=api_key,
            submit=submit,
            row_labels=part.row_refs,
        )
    except NothingDeclared as refused:
        return EdifactDeclared(part=part, declaration=None, result=refused.result)
    return EdifactDeclared(part=part, declaration=declaration, result=result)


def _shifted(result: IngestResult, offset: int) -> IngestResult:
    """The result with its rows numbered in the file (a part's rows are numbered from 1)."""
    if not offset:
        return result
    return replace(result, errors=[replace(e, row=e.row + offset) if e.row > 0 else e for e in result.errors])


def _part_period(part: SlsrptPart) -> tuple[date, date]:
    """The part's period, else the span of its sales dates; refused when neither is there."""
    period_start, period_end = part.period_start, part.period_end
    if period_start is None or period_end is None:
        dates = []
        for row in part.rows:
            try:
                dates.append(date.fromisoformat(str(row.get("sale_date", ""))))
            except ValueError:
                continue
        if not dates:
            raise ApplicationError(
                _("%(where)s: the SLSRPT message gives no period (DTM+90/91 or DTM+324) and no sales date.")
                % {"where": part.where}
            )
        period_start, period_end = period_start or min(dates), period_end or max(dates)
    if period_end < period_start:
        raise ApplicationError(
            _("%(where)s: the SLSRPT period ends before it starts.") % {"where": part.where}
        )
    return period_start, period_end
