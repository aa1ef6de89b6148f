"""EDIFACT SLSRPT (sales data report, EANCOM) → canonical sell-out rows → a declaration.

What is read, per message (``UNH … SLSRPT … UNT``):

- ``DTM+90`` / ``DTM+91`` (report start / end, format 102) or ``DTM+324`` (period, format 718): the period;
- ``CUX+2:<currency>``: the currency of the amounts;
- ``LOC+162+<GLN>``: the selling location (a site of the partner, matched by GLN); ``DTM+356`` after it is the
  sales date of the lines that follow;
- one ``LIN`` group per product and date: ``LIN+n++<GTIN>:SRV``, ``QTY+153:<sold quantity>``,
  ``PRI+AAA:<net unit price>`` (or ``AAB``), ``MOA+203:<line amount>``, ``DTM+356:<sales date>``.

Each LIN group becomes one row, numbered in the order of the groups; the segment reference of each row
(``LIN 3, segment 14``) is kept so errors name the place in the message. Validation (GTIN, quantities,
dates, duplicates) is the ingest engine's, the same as for files and the API.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from pydifact.exceptions import EDISyntaxError
from pydifact.segmentcollection import Interchange

from relais.core.errors import ApplicationError
from relais.sellout.models import Declaration, Source
from relais.sellout.selectors import partner_site_by_gln_find
from relais.sellout.services import IngestResult, NothingDeclared, declaration_declare

if TYPE_CHECKING:
    from relais.accounts.models import User
    from relais.api.models import ApiKey
    from relais.network.models import PartnerCompany

__all__ = ["EdifactOutcome", "NothingDeclared", "SlsrptReport", "edifact_declaration_import", "slsrpt_parse"]

SALES_DATE = "356"
PERIOD_START = "90"
PERIOD_END = "91"
PERIOD_RANGE = "324"
SOLD_QUANTITY = "153"
LINE_AMOUNT = "203"
PRICE_QUALIFIERS = ("AAA", "AAB")
SALES_LOCATION = "162"


@dataclass
class SlsrptReport:
    """The content of an interchange's SLSRPT messages, flattened into canonical rows."""

    period_start: date | None = None
    period_end: date | None = None
    currency: str = ""
    document_number: str = ""
    location_glns: list[str] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)
    row_refs: list[str] = field(default_factory=list)


def _component(element: Any, index: int) -> str:
    """Component ``index`` of a data element that may be a plain string or a list of components."""
    if isinstance(element, list):
        return str(element[index]).strip() if index < len(element) and element[index] is not None else ""
    return str(element).strip() if index == 0 and element is not None else ""


def _element(elements: list[Any], index: int) -> Any:
    return elements[index] if index < len(elements) else ""


def _parse_date(value: str, fmt: str) -> date:
    fmt = fmt or "102"
    if fmt == "102":
        return datetime.strptime(value[:8], "%Y%m%d").date()  # noqa: DTZ007 (a local date, no time)
    if fmt in {"203", "204"}:
        return datetime.strptime(value[:8], "%Y%m%d").date()  # noqa: DTZ007
    if fmt == "101":
        return datetime.strptime(value[:6], "%y%m%d").date()  # noqa: DTZ007
    raise ValueError(fmt)


def _decimal_text(value: str) -> str:
    # EDIFACT allows a comma as decimal mark (UNA); the engine reads a dot.
    return value.replace(",", ".")


def slsrpt_parse(text: str) -> SlsrptReport:
    """Parse an EDIFACT interchange holding one or more SLSRPT messages.

    Raises ``ApplicationError`` when the text is not EDIFACT or holds no SLSRPT message; problems inside a
    LIN group are left to the ingest engine, which reports them per row.
    """
    text = text.strip().lstrip("\ufeff")
    if not text:
        raise ApplicationError(_("The EDIFACT message is empty."))
    try:
        with warnings.catch_warnings():
            # pydifact warns for every segment it has no XML directory for; the structure is all we use.
            warnings.simplefilter("ignore")
            interchange = Interchange.from_str(text)
            messages = list(interchange.get_messages())
    except (EDISyntaxError, ValueError, IndexError, AttributeError) as exc:
        raise ApplicationError(
            _("This is not a readable EDIFACT interchange: %(error)s") % {"error": exc}
        ) from exc

    report = SlsrptReport()
    found = False
    for message in messages:
        if getattr(message, "type", "") != "SLSRPT":
            continue
        found = True
        _read_message(message.segments, report)
    if not found:
        raise ApplicationError(_("The interchange holds no SLSRPT (sales report) message."))
    return report


def _read_message(segments: list[Any], report: SlsrptReport) -> None:
    location_date = ""
    current: dict[str, object] | None = None
    position = 1  # UNH is segment 1 of the message, as UNT counts them
    for segment in segments:
        position += 1
        tag, elements = segment.tag, segment.elements
        if tag == "BGM":
            report.document_number = _component(_element(elements, 1), 0)
        elif tag == "CUX":
            currency = _component(_element(elements, 0), 1)
            if currency:
                report.currency = currency.upper()
        elif tag == "LOC" and _component(_element(elements, 0), 0) == SALES_LOCATION:
            gln = _component(_element(elements, 1), 0)
            if gln and gln not in report.location_glns:
                report.location_glns.append(gln)
            current = None
            location_date = ""
        elif tag == "LIN":
            current = {
                "gtin": _component(_element(elements, 2), 0),
                "quantity": "",
                "sale_date": location_date,
                "channel": "in_store",
            }
            if report.currency:
                current["currency"] = report.currency
            report.rows.append(current)
            line_number = _component(_element(elements, 0), 0) or str(len(report.rows))
            report.row_refs.append(
                _("LIN %(line)s, segment %(position)s") % {"line": line_number, "position": position}
            )
        elif tag == "DTM":
            _read_date(elements, report, current)
            if current is None and _component(_element(elements, 0), 0) == SALES_DATE:
                location_date = _date_text(elements)
        elif current is not None and tag == "QTY" and _component(_element(elements, 0), 0) == SOLD_QUANTITY:
            current["quantity"] = _decimal_text(_component(_element(elements, 0), 1))
        elif (
            current is not None and tag == "PRI" and _component(_element(elements, 0), 0) in PRICE_QUALIFIERS
        ):
            current["unit_price"] = _decimal_text(_component(_element(elements, 0), 1))
        elif current is not None and tag == "MOA" and _component(_element(elements, 0), 0) == LINE_AMOUNT:
            current["amount"] = _decimal_text(_component(_element(elements, 0), 1))
            currency = _component(_element(elements, 0), 2)
            if currency:
                current["currency"] = currency.upper()


def _date_text(elements: list[Any]) -> str:
    """The DTM value as an ISO date when it parses, else the raw text (the engine then rejects it)."""
    value, fmt = _component(_element(elements, 0), 1), _component(_element(elements, 0), 2)
    try:
        return _parse_date(value, fmt).isoformat()
    except ValueError:
        return value


def _read_date(elements: list[Any], report: SlsrptReport, current: dict[str, object] | None) -> None:
    qualifier = _component(_element(elements, 0), 0)
    value, fmt = _component(_element(elements, 0), 1), _component(_element(elements, 0), 2)
    try:
        if qualifier == PERIOD_START and current is None:
            start = _parse_date(value, fmt)
            report.period_start = min(start, report.period_start) if report.period_start else start
        elif qualifier == PERIOD_END and current is None:
            end = _parse_date(value, fmt)
            report.period_end = max(end, report.period_end) if report.period_end else end
        elif qualifier == PERIOD_RANGE and current is None and fmt == "718" and len(value) >= 16:
            start, end = _parse_date(value[:8], "102"), _parse_date(value[8:16], "102")
            report.period_start = min(start, report.period_start) if report.period_start else start
            report.period_end = max(end, report.period_end) if report.period_end else end
        elif qualifier == SALES_DATE and current is not None:
            current["sale_date"] = _date_text(elements)
    except ValueError as exc:
        raise ApplicationError(
            _("DTM+%(qualifier)s has a date that cannot be read: %(value)s")
            % {"qualifier": qualifier, "value": value}
        ) from exc


@dataclass
class EdifactOutcome:
    declaration: Declaration
    result: IngestResult
    report: SlsrptReport


def edifact_declaration_import(
    *,
    partner: PartnerCompany,
    text: str,
    created_by: User | None = None,
    api_key: ApiKey | None = None,
    submit: bool = True,
) -> EdifactOutcome:
    """Turn an SLSRPT interchange into a declaration of ``partner`` (source EDI) and submit it.

    The period comes from the message (DTM+90/91 or DTM+324), else from the span of its sales dates; lines
    without a sales date take the period's last day, as a report aggregated by period has no finer date. The
    site is the partner's site whose GLN is the message's first sales location (LOC+162), if any. Row errors
    name the LIN group and the segment position. Declared through ``declaration_declare``: a message of
    which no line could be stored is refused with ``NothingDeclared``, as on the API.
    """
    report = slsrpt_parse(text)
    if not report.rows:
        raise ApplicationError(_("The SLSRPT message has no LIN line."))
    period_start, period_end = _report_period(report)
    for row in report.rows:
        if not row.get("sale_date"):
            row["sale_date"] = period_end.isoformat()
    declaration, result = declaration_declare(
        partner=partner,
        lines=report.rows,
        source=Source.EDI,
        period_start=period_start,
        period_end=period_end,
        site=partner_site_by_gln_find(partner=partner, glns=report.location_glns),
        user=created_by,
        api_key=api_key,
        submit=submit,
        row_labels=report.row_refs,
    )
    return EdifactOutcome(declaration=declaration, result=result, report=report)


def _report_period(report: SlsrptReport) -> tuple[date, date]:
    """The message's period, else the span of its sales dates; refused when neither is there."""
    period_start, period_end = report.period_start, report.period_end
    if period_start is None or period_end is None:
        dates = []
        for row in report.rows:
            try:
                dates.append(date.fromisoformat(str(row.get("sale_date", ""))))
            except ValueError:
                continue
        if not dates:
            raise ApplicationError(
                _("The SLSRPT message gives no period (DTM+90/91 or DTM+324) and no sales date.")
            )
        period_start, period_end = period_start or min(dates), period_end or max(dates)
    if period_end < period_start:
        raise ApplicationError(_("The SLSRPT period ends before it starts."))
    return period_start, period_end
