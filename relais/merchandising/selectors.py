"""Reads of merchandising, brand- and partner-scoped. ``*_get`` raises Http404."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from relais.accounts.models import User
from relais.core.models import Brand
from relais.merchandising.models import Checklist, PosItem, PosOrder, StoreVisit, VisitAnswer
from relais.network.models import PartnerCompany


def pos_item_list(*, brand: Brand, active_only: bool = False) -> QuerySet[PosItem]:
    items = PosItem.objects.filter(brand=brand)
    return items.filter(is_active=True) if active_only else items


def pos_item_get(*, brand: Brand, item_id: int, active_only: bool = False) -> PosItem:
    item = pos_item_list(brand=brand, active_only=active_only).filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def pos_order_list(*, brand: Brand, status: str = "") -> QuerySet[PosOrder]:
    orders = PosOrder.objects.filter(brand=brand).select_related("item", "partner")
    return orders.filter(status=status) if status else orders


def pos_order_get(*, brand: Brand, order_id: int) -> PosOrder:
    order = pos_order_list(brand=brand).filter(pk=order_id).first()
    if order is None:
        raise Http404
    return order


def partner_pos_orders(*, partner: PartnerCompany) -> QuerySet[PosOrder]:
    return PosOrder.objects.filter(brand_id=partner.brand_id, partner=partner).select_related("item")


def checklist_list(*, brand: Brand, active_only: bool = False) -> QuerySet[Checklist]:
    checklists = Checklist.objects.filter(brand=brand).select_related("program", "campaign")
    return checklists.filter(is_active=True) if active_only else checklists


def checklist_get(*, brand: Brand, checklist_id: int, active_only: bool = False) -> Checklist:
    checklist = checklist_list(brand=brand, active_only=active_only).filter(pk=checklist_id).first()
    if checklist is None:
        raise Http404
    return checklist


def visit_list(*, brand: Brand, status: str = "") -> QuerySet[StoreVisit]:
    visits = StoreVisit.objects.filter(brand=brand).select_related("partner", "checklist")
    return visits.filter(status=status) if status else visits


def visit_get(*, brand: Brand, visit_id: int) -> StoreVisit:
    visit = visit_list(brand=brand).filter(pk=visit_id).first()
    if visit is None:
        raise Http404
    return visit


def partner_visits(*, partner: PartnerCompany) -> QuerySet[StoreVisit]:
    return StoreVisit.objects.filter(brand_id=partner.brand_id, partner=partner).select_related("checklist")


def partner_visit_get(*, partner: PartnerCompany, visit_id: int) -> StoreVisit:
    visit = partner_visits(partner=partner).filter(pk=visit_id).first()
    if visit is None:
        raise Http404
    return visit


def visit_answers(*, visit: StoreVisit) -> QuerySet[VisitAnswer]:
    return visit.answers.select_related("item")


def answer_photo_get(*, user: User, answer_id: int) -> VisitAnswer:
    """A visit's photo as ``user`` may see it: the visit's partner's users and its brand's staff only."""
    answers = VisitAnswer.objects.select_related("visit").exclude(photo="")
    if user.is_partner_user and user.partner_id is not None and user.brand_id is not None:
        answers = answers.filter(visit__partner_id=user.partner_id, visit__brand_id=user.brand_id)
    elif user.is_brand_user and user.brand_id is not None:
        answers = answers.filter(visit__brand_id=user.brand_id)
    else:
        raise Http404
    answer = answers.filter(pk=answer_id).first()
    if answer is None:
        raise Http404
    return answer


def item_photo_get(*, user: User, item_id: int) -> PosItem:
    """An item's photo for the users of its brand."""
    if user.brand_id is None:
        raise Http404
    item = PosItem.objects.filter(brand_id=user.brand_id, pk=item_id).exclude(photo="").first()
    if item is None:
        raise Http404
    return item


def _with_share(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Each grouped row as a dict, with the share of its decided answers accepted (None: none decided)."""
    out = []
    for row in rows:
        item = dict(row)
        item["share"] = item["accepted"] / item["decided"] if item["decided"] else None
        out.append(item)
    return out


def compliance(*, brand: Brand, partner: PartnerCompany | None = None) -> dict[str, list[dict[str, Any]]]:
    """The share of reviewed answers accepted, per partner and per program (or campaign) of the checklists;
    answers not reviewed yet do not count. Two grouped queries."""
    answers = VisitAnswer.objects.filter(visit__brand=brand).exclude(status=VisitAnswer.Status.PENDING)
    if partner is not None:
        answers = answers.filter(visit__partner=partner)
    counts = {
        "accepted": Count("pk", filter=Q(status=VisitAnswer.Status.ACCEPTED)),
        "decided": Count("pk"),
        "visits": Count("visit_id", distinct=True),
    }
    partners = _with_share(
        answers.values("visit__partner_id", "visit__partner__name", "visit__partner__code")
        .annotate(**counts)
        .order_by("visit__partner__name")
    )
    programs = _with_share(
        answers.values(
            "visit__checklist__program_id", "visit__checklist__program__name", "visit__checklist__name"
        )
        .annotate(**counts)
        .order_by("visit__checklist__program__name", "visit__checklist__name")
    )
    return {"partners": partners, "programs": programs}


def partner_pos_order_get(*, partner: PartnerCompany, order_id: int) -> PosOrder:
    """One of the partner's POS orders; another partner's or brand's is Http404."""
    order = partner_pos_orders(partner=partner).filter(pk=order_id).first()
    if order is None:
        raise Http404
    return order


def partner_visits_with_answers(*, partner: PartnerCompany) -> QuerySet[StoreVisit]:
    """The partner's visits with their answers and checklist items (the API's lists: three queries)."""
    return partner_visits(partner=partner).prefetch_related(
        Prefetch("answers", queryset=VisitAnswer.objects.select_related("item"))
    )
