"""Reads of the brand's incentive pages narrowed to a channel manager's scope.

``scope`` is ``relais.accounts.access.access_brand_partner_scope``'s filter over ``PartnerCompany`` (``None``:
the whole brand, as for a brand admin). A scoped channel manager sees the leaderboard, the points, the ledger,
the objectives and the reward orders of its partners only; a challenge's points posted are its partners'.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.forms import Form
from django.http import Http404

from relais.core.models import Brand
from relais.incentives.models import Challenge, LeaderboardScore, PointsEntry, RedemptionOrder
from relais.incentives.selectors import leaderboard_top
from relais.network.models import PartnerCompany


def partners_in_scope(*, brand: Brand, scope: Q | None) -> QuerySet[PartnerCompany]:
    """The brand's partners a brand user sees (all of them when ``scope`` is None)."""
    partners = PartnerCompany.objects.filter(brand=brand)
    return partners.filter(scope) if scope is not None else partners


def form_partners_narrow(form: Form, *, brand: Brand, scope: Q | None) -> Form:
    """``form`` with the choices of its ``partner`` field narrowed to the partners in ``scope``: a partner
    outside it is not offered, and posting its id is an invalid choice."""
    form.fields["partner"].queryset = partners_in_scope(brand=brand, scope=scope)  # type: ignore[attr-defined]
    return form


def in_scope(queryset: QuerySet, *, brand: Brand, scope: Q | None, field: str = "partner_id") -> QuerySet:
    """``queryset`` narrowed to the rows of the partners in ``scope`` (by ``field``); unchanged when None."""
    if scope is None:
        return queryset
    return queryset.filter(**{f"{field}__in": partners_in_scope(brand=brand, scope=scope).values("pk")})


def board_top(*, challenge: Challenge, scope: Q | None, limit: int = 10) -> list[dict[str, Any]]:
    """The top of the challenge's overall board as the brand user sees it: with a scope, the partners of the
    scope only, ranked among themselves (a rank never reveals how many partners outside it are ahead)."""
    if scope is None:
        return leaderboard_top(challenge=challenge, limit=limit)
    board = in_scope(
        LeaderboardScore.objects.filter(challenge=challenge, segment__isnull=True),
        brand=challenge.brand,
        scope=scope,
    )
    rows: list[dict[str, Any]] = [
        dict(row) for row in board.order_by("-score", "-partner_id").values("partner_id", "score")[:limit]
    ]
    rank, previous = 0, None
    for position, row in enumerate(rows, start=1):
        if row["score"] != previous:
            rank, previous = position, row["score"]
        row["rank"] = rank
    return rows


def challenges_points_shown(*, brand: Brand, challenges: Iterable[Challenge], scope: Q | None) -> None:
    """Set ``points_shown`` on each challenge: its points posted, or with a scope the points (earned net of
    reversals) of the scope's partners, in one aggregate query."""
    challenges = list(challenges)
    if scope is None:
        for challenge in challenges:
            challenge.points_shown = challenge.points_posted  # type: ignore[attr-defined]
        return
    entries = in_scope(
        PointsEntry.objects.filter(
            brand=brand,
            challenge_id__in=[c.pk for c in challenges],
            kind__in=[PointsEntry.Kind.EARN, PointsEntry.Kind.REVERSE],
        ),
        brand=brand,
        scope=scope,
    )
    totals = dict(
        entries.values("challenge_id").annotate(total=Sum("amount")).values_list("challenge_id", "total")
    )
    for challenge in challenges:
        challenge.points_shown = int(totals.get(challenge.pk) or 0)  # type: ignore[attr-defined]


def order_in_scope_get(*, brand: Brand, order_id: int, scope: Q | None) -> RedemptionOrder:
    """A reward order of the brand whose partner is in ``scope``; any other is a 404."""
    order = in_scope(
        RedemptionOrder.objects.filter(brand=brand, pk=order_id), brand=brand, scope=scope
    ).first()
    if order is None:
        raise Http404
    return order
