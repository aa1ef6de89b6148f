"""Reads of the API app, scoped by partner."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from relais.api.models import ApiKey
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
