"""Reads on sell-out, always scoped by brand (and by partner for partner users).

``*_get`` raises ``Http404`` for what the caller cannot see (another partner's, another brand's: a miss
across tenants is a 404), ``*_find`` returns None; the web pages and the API share them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from relais.catalog.models import Product
from relais.catalog.selectors import product_search
from relais.core.models import Brand
from relais.network.models import PartnerCompany, Site
from relais.sellout.models import Declaration, DeclarationLine, ImportRowError, SelloutImport

# The window of a partner's activity (its activity tier ranks this amount, see relais.network.tiers).
ACTIVITY_WINDOW_DAYS = 365


def partner_activity_amounts(*, brand: Brand, today: date | None = None) -> dict[int, Decimal]:
    """Accepted sell-out amount of each partner of the brand over the last 12 months (to ``today``)."""
    today = today or timezone.localdate()
    rows = (
        DeclarationLine.objects.filter(
            brand=brand,
            status=DeclarationLine.Status.ACCEPTED,
            sale_date__gt=today - timedelta(days=ACTIVITY_WINDOW_DAYS),
            sale_date__lte=today,
        )
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .values("partner_id")
        .annotate(total=Sum("amount"))
    )
    return {row["partner_id"]: row["total"] or Decimal(0) for row in rows}


def partner_activity_amount_expression(*, today: date) -> Coalesce:
    """Per partner (OuterRef "pk"): the same sum as ``partner_activity_amounts``, as a subquery."""
    total = (
        DeclarationLine.objects.filter(
            partner_id=OuterRef("pk"),
            status=DeclarationLine.Status.ACCEPTED,
            sale_date__gt=today - timedelta(days=ACTIVITY_WINDOW_DAYS),
            sale_date__lte=today,
        )
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .values("partner_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(total), Value(Decimal(0)), output_field=DecimalField(max_digits=16, decimal_places=2)
    )


# --- Declarations, lines and imports, as the partner's and the brand's pages (and the API) read them --------


def declarations_scoped(*, brand: Brand, partner: PartnerCompany | None = None) -> QuerySet[Declaration]:
    """Declarations of ``brand`` (and of ``partner`` when given): every read of a declaration starts here,
    on the web and through the API."""
    declarations = Declaration.objects.filter(brand=brand)
    return declarations.filter(partner=partner) if partner is not None else declarations


def partner_declarations(*, partner: PartnerCompany, scope: Q | None = None) -> QuerySet[Declaration]:
    """A partner's declarations, newest first; within ``scope`` (a seller's own,
    ``relais.accounts.access.access_partner_declarations_scope``) when given."""
    declarations = declarations_scoped(brand=partner.brand, partner=partner)
    if scope is not None:
        declarations = declarations.filter(scope)
    return declarations.order_by("-created_at", "-pk")


def partner_declaration_get(
    *, partner: PartnerCompany, declaration_id: int, scope: Q | None = None
) -> Declaration:
    """One of the partner's declarations; ``Http404`` for any other (another partner's, another brand's, or
    one outside ``scope``)."""
    declaration = partner_declarations(partner=partner, scope=scope).filter(pk=declaration_id).first()
    if declaration is None:
        raise Http404
    return declaration


def brand_declaration_get(*, brand: Brand, declaration_id: int, scope: Q | None = None) -> Declaration:
    """One of the brand's declarations, with who sent it; ``Http404`` for another brand's, or for one of a
    partner outside ``scope`` (the brand user's partner filter)."""
    declarations = declarations_scoped(brand=brand)
    if scope is not None:
        declarations = declarations.filter(partner__in=PartnerCompany.objects.filter(scope).values("pk"))
    declaration = (
        declarations.select_related("partner", "site", "submitted_by", "api_key")
        .filter(pk=declaration_id)
        .first()
    )
    if declaration is None:
        raise Http404
    return declaration


def declaration_lines(*, declaration: Declaration, only_flagged: bool = False) -> QuerySet[DeclarationLine]:
    """The lines of a declaration (within its brand), with their products. The flagged ones (the brand's
    review queue) come most at stake first: by amount, largest first."""
    lines = DeclarationLine.objects.filter(brand_id=declaration.brand_id, declaration=declaration)
    if only_flagged:
        lines = lines.filter(status=DeclarationLine.Status.FLAGGED).order_by("-amount", "id")
    return lines.select_related("product")


def declaration_line_latest_find(*, declaration: Declaration) -> DeclarationLine | None:
    """The line last added to a declaration, or None."""
    return declaration_lines(declaration=declaration).order_by("-pk").first()


def brand_line_get(*, brand: Brand, line_id: int, scope: Q | None = None) -> DeclarationLine:
    """A line of the brand (any status), with its declaration; ``Http404`` for another brand's, or for a line
    of a partner outside ``scope``."""
    lines = DeclarationLine.objects.filter(brand=brand, pk=line_id)
    if scope is not None:
        lines = lines.filter(partner__in=PartnerCompany.objects.filter(scope).values("pk"))
    line = lines.select_related("declaration").first()
    if line is None:
        raise Http404
    return line


@dataclass
class BrandDeclarationFilter:
    """What the brand's declaration list and export filter on (the cleaned filter form); all optional."""

    partner: PartnerCompany | None = None
    period_from: date | None = None
    period_to: date | None = None
    status: str = ""
    source: str = ""
    flagged: bool = False
    sort: str = ""  # a key of BRAND_DECLARATION_SORTS; "" is the default: newest period first
    # The partners the brand user may see (``relais.accounts.access.access_brand_partner_scope``); None: all.
    scope: Q | None = None


# The orders of the brand's declaration list: by date by default (the latest period, then the latest
# submitted), a "-" in front reverses. Every order ends on the primary key, so pages never overlap.
# Drafts have no submission time: last in either direction, on SQLite and PostgreSQL alike.
_SUBMITTED_DESC = F("submitted_at").desc(nulls_last=True)
_SUBMITTED_ASC = F("submitted_at").asc(nulls_last=True)
BRAND_DECLARATION_SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "-period": ("-period_start", _SUBMITTED_DESC, "-pk"),
    "period": ("period_start", _SUBMITTED_ASC, "pk"),
    "-submitted": (_SUBMITTED_DESC, "-pk"),
    "submitted": (_SUBMITTED_ASC, "pk"),
    "partner": ("partner__name", "-period_start", "-pk"),
    "-partner": ("-partner__name", "-period_start", "-pk"),
    "-flagged": ("-lines_flagged", "-period_start", "-pk"),
    "-rejected": ("-lines_rejected", "-period_start", "-pk"),
}
BRAND_DECLARATION_DEFAULT_SORT = "-period"


def brand_declarations_filtered(
    *, brand: Brand, criteria: BrandDeclarationFilter
) -> tuple[QuerySet[Declaration], QuerySet[DeclarationLine]]:
    """The brand's declarations and their lines, both narrowed by the same criteria (list and export)."""
    declarations = declarations_scoped(brand=brand).select_related("partner", "site")
    lines = DeclarationLine.objects.filter(brand=brand)
    if criteria.scope is not None:
        in_scope = PartnerCompany.objects.filter(criteria.scope, brand=brand).values("pk")
        declarations = declarations.filter(partner__in=in_scope)
        lines = lines.filter(partner__in=in_scope)
    if criteria.partner is not None:
        declarations = declarations.filter(partner=criteria.partner)
        lines = lines.filter(partner=criteria.partner)
    if criteria.period_from:
        declarations = declarations.filter(period_end__gte=criteria.period_from)
        lines = lines.filter(sale_date__gte=criteria.period_from)
    if criteria.period_to:
        declarations = declarations.filter(period_start__lte=criteria.period_to)
        lines = lines.filter(sale_date__lte=criteria.period_to)
    if criteria.status:
        declarations = declarations.filter(status=criteria.status)
        lines = lines.filter(declaration__status=criteria.status)
    if criteria.source:
        declarations = declarations.filter(source=criteria.source)
        lines = lines.filter(declaration__source=criteria.source)
    if criteria.flagged:
        declarations = declarations.filter(lines_flagged__gt=0)
        lines = lines.filter(status=DeclarationLine.Status.FLAGGED)
    order = (
        BRAND_DECLARATION_SORTS.get(criteria.sort) or BRAND_DECLARATION_SORTS[BRAND_DECLARATION_DEFAULT_SORT]
    )
    return declarations.order_by(*order), lines


def brand_import_get(*, brand: Brand, import_id: int) -> SelloutImport:
    """One import of any partner of the brand (its rejected rows are the brand's to see); ``Http404``
    for another brand's."""
    sellout_import = (
        SelloutImport.objects.filter(brand=brand, pk=import_id)
        .select_related("partner", "declaration")
        .first()
    )
    if sellout_import is None:
        raise Http404
    return sellout_import


def declaration_imports_with_rejections(*, declaration: Declaration) -> QuerySet[SelloutImport]:
    """The file imports that fed a declaration and refused rows: where the brand reads what was refused."""
    return SelloutImport.objects.filter(
        brand_id=declaration.brand_id, declaration=declaration, rejected__gt=0
    ).order_by("-created_at", "-pk")


def partner_imports(*, partner: PartnerCompany) -> QuerySet[SelloutImport]:
    """A partner's file imports, newest first."""
    return SelloutImport.objects.filter(brand_id=partner.brand_id, partner=partner).order_by("-created_at")


def partner_import_get(*, partner: PartnerCompany, import_id: int) -> SelloutImport:
    """One of the partner's imports, with its job and declaration; ``Http404`` for any other."""
    sellout_import = (
        SelloutImport.objects.filter(brand_id=partner.brand_id, partner=partner, pk=import_id)
        .select_related("job", "declaration")
        .first()
    )
    if sellout_import is None:
        raise Http404
    return sellout_import


def import_row_errors(*, sellout_import: SelloutImport, kind: str) -> QuerySet[ImportRowError]:
    """The row errors of an import of one kind (rejected or duplicate), in the file's order."""
    return ImportRowError.objects.filter(sellout_import=sellout_import, kind=kind).order_by("row", "pk")


def partner_site_find(*, partner: PartnerCompany, site_id: int) -> Site | None:
    """One of the partner's sites, or None."""
    return Site.objects.filter(brand_id=partner.brand_id, partner=partner, pk=site_id).first()


def partner_site_by_gln_find(*, partner: PartnerCompany, glns: Sequence[str]) -> Site | None:
    """The partner's site with one of these GLNs (a location of an EDI message), or None."""
    if not glns:
        return None
    return Site.objects.filter(brand_id=partner.brand_id, partner=partner, gln__in=list(glns)).first()


def partner_products_search(*, partner: PartnerCompany, query: str, limit: int = 10) -> list[Product]:
    """Active products of the partner's brand for the declaration form's search box: a GTIN's digits or
    words in any order, accents and small typos forgiven (``catalog.selectors.product_search``)."""
    return product_search(brand=partner.brand, query=query, limit=limit, active_only=True)
