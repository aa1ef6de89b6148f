"""Reads of the API app: partner keys scoped by partner, brand keys by brand."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from relais.api.models import ApiKey, BrandApiKey
from relais.core.models import Brand
from relais.network.models import PartnerCompany


def api_key_list(*, partner: PartnerCompany) -> QuerySet[ApiKey]:
    """A partner's keys, newest first, revoked ones included (shown as revoked)."""
    return ApiKey.objects.filter(brand_id=partner.brand_id, partner=partner).select_related("created_by")


def api_key_get(*, partner: PartnerCompany, api_key_id: int) -> ApiKey:
    """One of the partner's keys; another partner's key is a 404."""
    api_key = api_key_list(partner=partner).filter(pk=api_key_id).first()
    if api_key is None:
        raise Http404
    return api_key


def brand_api_key_list(*, brand: Brand) -> QuerySet[BrandApiKey]:
    """A brand's keys, newest first, revoked ones included."""
    return BrandApiKey.objects.filter(brand=brand).select_related("created_by")


def brand_api_key_get(*, brand: Brand, api_key_id: int) -> BrandApiKey:
    """One of the brand's keys; another brand's key is a 404."""
    api_key = brand_api_key_list(brand=brand).filter(pk=api_key_id).first()
    if api_key is None:
        raise Http404
    return api_key
