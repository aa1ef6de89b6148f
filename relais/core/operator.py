"""The platform operator's console: the brands, how much each one uses the platform, suspending one.

The ground layer knows no domain, so the usage measures come in as querysets of brand-owned rows (the
console's view builds them from the domains' models): each measure is one grouped query over every brand,
never one query per brand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext as _

from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.services import brand_upsert


@dataclass
class BrandUsage:
    brand: Brand
    counts: dict[str, int] = field(default_factory=dict)
    last_activity: datetime | None = None


def brand_usage(
    *,
    counts: Mapping[str, QuerySet[Any]],
    activity: Mapping[str, tuple[QuerySet[Any], str]] | None = None,
) -> list[BrandUsage]:
    """Every brand with, for each measure of ``counts``, how many rows of the queryset it owns (one grouped
    query per measure) and its last activity: the latest of the ``(queryset, date field)`` of ``activity``
    (one grouped query each)."""
    rows = {brand.pk: BrandUsage(brand=brand) for brand in Brand.objects.order_by("name")}
    for name, queryset in counts.items():
        for usage in rows.values():
            usage.counts[name] = 0
        grouped = queryset.order_by().values("brand_id").annotate(n=Count("pk")).values_list("brand_id", "n")
        for brand_id, n in grouped:
            if brand_id in rows:
                rows[brand_id].counts[name] = n
    for queryset, date_field in (activity or {}).values():
        grouped = (
            queryset.order_by()
            .values("brand_id")
            .annotate(last=Max(date_field))
            .values_list("brand_id", "last")
        )
        for brand_id, last in grouped:
            row = rows.get(brand_id)
            if row is not None and last is not None:
                row.last_activity = last if row.last_activity is None else max(row.last_activity, last)
    return list(rows.values())


@transaction.atomic
def brand_create(*, slug: str, name: str, currency: str = "EUR") -> Brand:
    """A new brand; refused when the slug is taken (the console creates, it does not update)."""
    if Brand.objects.filter(slug=(slug or "").strip().lower()).exists():
        raise ApplicationError(
            _("A brand with the slug “%(slug)s” already exists.") % {"slug": slug}, extra={"field": "slug"}
        )
    brand, _state = brand_upsert(slug=slug, name=name, currency=currency)
    return brand


@transaction.atomic
def brand_set_active(*, brand: Brand, is_active: bool) -> bool:
    """Suspend or reactivate a brand; returns whether it changed. A suspended brand's users cannot log in
    (``relais.core.middleware.SuspendedBrandMiddleware``) and its API keys are refused."""
    brand = Brand.objects.select_for_update().get(pk=brand.pk)
    if brand.is_active == is_active:
        return False
    brand.is_active = is_active
    brand.save(update_fields=["is_active", "updated_at"])
    return True
