"""Writes of account objectives: entered one by one, imported from a file (previewed with per-row errors
before anything is written), or proposed from the partner's history and its segment's trend.

This is the one place objectives are set: programs show their progress, and a challenge's objective bonus
reads them through ``relais.followups.programs``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from relais.catalog.models import Product
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import RowError, columns_map, table_read
from relais.core.validators import recover_gtin
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.programs import rules
from relais.programs.models import AccountObjective, ObjectiveMetric, ObjectiveSource, Program
from relais.programs.objective_selectors import sellout_totals

# Trend of a segment, clamped: a segment that doubled or halved does not ask for more than that again.
TREND_MIN, TREND_MAX = Decimal("0.5"), Decimal(2)


def _check(
    *, brand: Brand, partner: PartnerCompany, start: dt.date, end: dt.date, metric: str, target: Decimal
) -> None:
    if partner.brand_id != brand.pk:
        raise ApplicationError(_("Unknown partner."))
    if end < start:
        raise ApplicationError(_("The period ends before it starts."))
    if metric not in ObjectiveMetric.values:
        raise ApplicationError(_("Unknown metric."))
    if target <= 0:
        raise ApplicationError(_("The target must be positive."))
    if metric == ObjectiveMetric.MIX_SHARE and target > 100:
        raise ApplicationError(_("A product-mix target is a percent, at most 100."))


@transaction.atomic
def account_objective_set(
    *,
    brand: Brand,
    partner: PartnerCompany,
    period_start: dt.date,
    period_end: dt.date,
    metric: str,
    target: Decimal,
    family: str = "",
    product: Product | None = None,
    program: Program | None = None,
    source: str = ObjectiveSource.ENTERED,
    note: str = "",
) -> AccountObjective:
    """Create or replace a partner's objective for a period, metric and scope (account, family, product)."""
    _check(brand=brand, partner=partner, start=period_start, end=period_end, metric=metric, target=target)
    if product is not None and product.brand_id != brand.pk:
        raise ApplicationError(_("Unknown product."))
    if metric == ObjectiveMetric.MIX_SHARE and (not family or product is not None):
        raise ApplicationError(_("A product-mix objective names a family (and no product)."))
    if program is not None and program.brand_id != brand.pk:
        raise ApplicationError(_("Unknown program."))
    objective, _created = AccountObjective.objects.update_or_create(
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        metric=metric,
        scope=rules.objective_scope(family=family, product_id=product.pk if product else None),
        defaults={
            "brand": brand,
            "program": program,
            "family": family,
            "product": product,
            "target": target,
            "source": source,
            "note": note[:300],
        },
    )
    return objective


# --- import: preview, then write ------------------------------------------------------------------------

IMPORT_COLUMNS: dict[str, set[str]] = {
    "partner_code": {"partner", "code partenaire", "partenaire", "code"},
    "metric": {"mesure", "indicateur"},
    "target": {"objectif", "cible"},
    "family": {"famille", "product family"},
    "product": {"produit", "gtin", "ean", "product gtin"},
}
REQUIRED_COLUMNS = ("partner_code", "metric", "target")
METRIC_WORDS = {
    "units": ObjectiveMetric.UNITS,
    "unites": ObjectiveMetric.UNITS,
    "amount": ObjectiveMetric.AMOUNT,
    "montant": ObjectiveMetric.AMOUNT,
    "ca": ObjectiveMetric.AMOUNT,
    "mix_share": ObjectiveMetric.MIX_SHARE,
    "mix": ObjectiveMetric.MIX_SHARE,
}


@dataclass
class ObjectiveRow:
    """One row of an objectives file, checked: what would be written."""

    row: int
    partner_id: int
    partner_code: str
    metric: str
    target: str
    family: str = ""
    product_id: int | None = None


@dataclass
class ObjectivePreview:
    rows: list[ObjectiveRow]
    errors: list[RowError]

    def valid_rows(self) -> list[dict[str, Any]]:
        return [asdict(r) for r in self.rows]


def account_objectives_preview(*, brand: Brand, content: bytes, filename: str = "") -> ObjectivePreview:
    """Read an objectives file (CSV or spreadsheet: partner code, metric, target, optional family or product
    GTIN) and check every row; nothing is written. Errors name the row of the file and the field."""
    table = table_read(content=content, filename=filename)
    found, _unknown = columns_map(table.headers, IMPORT_COLUMNS)
    missing = [name for name in REQUIRED_COLUMNS if name not in found]
    if missing:
        raise ApplicationError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    partners = dict(PartnerCompany.objects.filter(brand=brand).values_list("code", "pk"))
    products = dict(Product.objects.filter(brand=brand).values_list("gtin", "pk"))
    families = set(Product.objects.filter(brand=brand).values_list("family", flat=True))
    preview = ObjectivePreview(rows=[], errors=[])
    for number, cells in table.rows:
        row = {name: str(cells[i]).strip() if i < len(cells) else "" for name, i in found.items()}
        row["product"] = _gtin(row.get("product", ""))
        errors = _row_errors(number, row, partners=partners, products=products, families=families)
        if errors:
            preview.errors.extend(errors)
            continue
        preview.rows.append(
            ObjectiveRow(
                row=number,
                partner_id=partners[row["partner_code"]],
                partner_code=row["partner_code"],
                metric=METRIC_WORDS[rules_key(row["metric"])],
                target=str(_decimal(row["target"])),
                family=row.get("family", ""),
                product_id=products.get(row.get("product", "")) if row.get("product") else None,
            )
        )
    return preview


def _gtin(text: str) -> str:
    """The product cell as the stored GTIN-14 when it reads as one (else as typed, for the error)."""
    if not text:
        return ""
    try:
        return recover_gtin(text)
    except ValueError:
        return text


def rules_key(text: str) -> str:
    return text.strip().casefold().replace("é", "e").replace(" ", "_")


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _row_errors(
    number: int,
    row: dict[str, str],
    *,
    partners: dict[str, int],
    products: dict[str, int],
    families: set[str],
) -> list[RowError]:
    errors = []
    if row["partner_code"] not in partners:
        errors.append(
            RowError(
                number, "partner_code", _("unknown partner code “%(code)s”") % {"code": row["partner_code"]}
            )
        )
    metric = METRIC_WORDS.get(rules_key(row["metric"]))
    if metric is None:
        errors.append(RowError(number, "metric", _("unknown metric “%(value)s”") % {"value": row["metric"]}))
    try:
        target = _decimal(row["target"])
        if target <= 0 or (metric == ObjectiveMetric.MIX_SHARE and target > 100):
            raise InvalidOperation
    except InvalidOperation:
        errors.append(RowError(number, "target", _("invalid target “%(value)s”") % {"value": row["target"]}))
    family, sku = row.get("family", ""), row.get("product", "")
    if family and family not in families:
        errors.append(RowError(number, "family", _("unknown family “%(value)s”") % {"value": family}))
    if sku and sku not in products:
        errors.append(RowError(number, "product", _("unknown product “%(value)s”") % {"value": sku}))
    if metric == ObjectiveMetric.MIX_SHARE and (not family or sku):
        errors.append(RowError(number, "family", _("a product-mix objective names a family and no product")))
    return errors


@transaction.atomic
def account_objectives_import(
    *,
    brand: Brand,
    rows: list[dict[str, Any]],
    period_start: dt.date,
    period_end: dt.date,
    program: Program | None,
) -> int:
    """Write the previewed rows (``ObjectivePreview.valid_rows``) as imported objectives of the period."""
    partners = PartnerCompany.objects.in_bulk([r["partner_id"] for r in rows])
    products = Product.objects.in_bulk([r["product_id"] for r in rows if r.get("product_id")])
    for r in rows:
        partner = partners.get(r["partner_id"])
        if partner is None:
            raise ApplicationError(_("Row %(row)s: unknown partner.") % {"row": r["row"]})
        account_objective_set(
            brand=brand,
            partner=partner,
            period_start=period_start,
            period_end=period_end,
            metric=r["metric"],
            target=Decimal(r["target"]),
            family=r.get("family") or "",
            product=products.get(r["product_id"]) if r.get("product_id") else None,
            program=program,
            source=ObjectiveSource.IMPORTED,
        )
    return len(rows)


# --- proposal from history ------------------------------------------------------------------------------


def account_objectives_propose(
    *,
    brand: Brand,
    period_start: dt.date,
    period_end: dt.date,
    metric: str = ObjectiveMetric.AMOUNT,
    segment: Segment | None = None,
    program: Program | None = None,
    save: bool = True,
) -> list[dict[str, Any]]:
    """Propose an objective per partner: its sales in the same period last year × its segment's trend.

    The trend is the segment's sales over the 12 months before the period start divided by the 12 months
    before those (clamped to 0.5–2; 1 without history). Partners without sales last year get no proposal.
    With ``save`` the proposals are stored (source "proposed"), replacing objectives of the same period.
    Three GROUP BY reads whatever the number of partners and segments.
    """
    if metric == ObjectiveMetric.MIX_SHARE:
        raise ApplicationError(_("A product-mix objective is entered or imported, not proposed."))
    if segment is not None and segment.brand_id != brand.pk:
        raise ApplicationError(_("Unknown segment."))
    partners = PartnerCompany.objects.filter(brand=brand, is_active=True)
    if segment is not None:
        partners = partners.filter(
            segment_memberships__segment=segment, segment_memberships__valid_to__isnull=True
        )
    partners_by_id = {p.pk: p for p in partners}
    last_year = sellout_totals(
        brand=brand,
        partner_ids=list(partners_by_id),
        start=rules.shift_year(period_start, -1),
        end=rules.shift_year(period_end, -1),
        metric=metric,
    )
    trends = _segment_trends(brand=brand, period_start=period_start, metric=metric)
    memberships: dict[int, list[int]] = defaultdict(list)
    for pid, sid in SegmentMembership.objects.filter(
        partner_id__in=list(partners_by_id), valid_to__isnull=True, segment__brand=brand
    ).values_list("partner_id", "segment_id"):
        memberships[pid].append(sid)
    proposals = []
    for partner_id, base in sorted(last_year.items()):
        if base <= 0:
            continue
        segment_id = (
            segment.pk if segment else (min(memberships[partner_id]) if memberships[partner_id] else None)
        )
        trend = trends.get(segment_id, trends[None])
        target = (base * trend).quantize(Decimal(1) if metric == ObjectiveMetric.UNITS else Decimal("0.01"))
        if target <= 0:
            continue
        proposal = {
            "partner": partners_by_id[partner_id],
            "last_year": base,
            "trend": trend.quantize(Decimal("0.001")),
            "target": target,
        }
        proposals.append(proposal)
        if save:
            account_objective_set(
                brand=brand,
                partner=partners_by_id[partner_id],
                period_start=period_start,
                period_end=period_end,
                metric=metric,
                target=target,
                program=program,
                source=ObjectiveSource.PROPOSED,
                note=_("Last year %(base)s × trend %(trend)s") % {"base": base, "trend": proposal["trend"]},
            )
    return proposals


def _segment_trends(*, brand: Brand, period_start: dt.date, metric: str) -> dict[int | None, Decimal]:
    """Each segment's trend (and the whole network's, key None): the last 12 months over the 12 before."""
    recent_start = rules.shift_year(period_start, -1)
    recent = sellout_totals(
        brand=brand,
        partner_ids=None,
        start=recent_start,
        end=period_start - dt.timedelta(days=1),
        metric=metric,
    )
    before = sellout_totals(
        brand=brand,
        partner_ids=None,
        start=rules.shift_year(period_start, -2),
        end=recent_start - dt.timedelta(days=1),
        metric=metric,
    )
    members: dict[int | None, set[int]] = defaultdict(set)
    for pid, segment_id in SegmentMembership.objects.filter(
        segment__brand=brand, valid_to__isnull=True
    ).values_list("partner_id", "segment_id"):
        members[segment_id].add(pid)
    members[None] = set(recent) | set(before)
    trends: dict[int | None, Decimal] = {}
    for sid, ids in members.items():
        r = sum((recent.get(p, Decimal(0)) for p in ids), Decimal(0))
        b = sum((before.get(p, Decimal(0)) for p in ids), Decimal(0))
        trend = Decimal(1) if not r or not b else r / b
        trends[sid] = min(TREND_MAX, max(TREND_MIN, trend))
    return trends
