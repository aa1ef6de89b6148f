"""Factories and small builders for incentives tests: challenges with rules, declarations with lines."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date, datetime
from decimal import Decimal

import factory
from django.utils import timezone

from relais.catalog.tests.factories import ProductFactory
from relais.incentives import services
from relais.incentives.models import Challenge, Reward, RuleKind
from relais.sellout.models import Declaration, DeclarationLine

_seq = itertools.count(1)


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    name = factory.Sequence(lambda n: f"Challenge {n}")
    period_start = date(2026, 1, 1)
    period_end = date(2026, 3, 31)
    status = Challenge.Status.RUNNING


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    name = factory.Sequence(lambda n: f"Reward {n}")
    points_price = 100
    stock = 10


def running_challenge(brand, *, per_unit: int | None = 10, budget: int | None = None, **kwargs) -> Challenge:
    challenge = ChallengeFactory(brand=brand, budget_points=budget, **kwargs)
    if per_unit is not None:
        services.challenge_rule_add(challenge=challenge, kind=RuleKind.PER_UNIT, points=Decimal(per_unit))
    return challenge


def declaration_with_lines(
    partner,
    *,
    lines: list[dict],
    status: str = Declaration.Status.SUBMITTED,
    period_start: date = date(2026, 1, 1),
    period_end: date = date(2026, 1, 31),
    submitted_at: datetime | None = None,
    created_by=None,
) -> Declaration:
    """A declaration with lines written the way the ingest writes them (bulk, with a dedup key)."""
    declaration = Declaration.objects.create(
        brand=partner.brand,
        partner=partner,
        period_start=period_start,
        period_end=period_end,
        source="form",
        status=status,
        submitted_at=submitted_at or timezone.make_aware(datetime(2026, 2, 3, 10, 0)),
        created_by=created_by,
    )
    rows = []
    for spec in lines:
        product = spec.get("product") or ProductFactory(
            brand=partner.brand, family=spec.get("family", "Tools")
        )
        n = next(_seq)
        quantity = spec.get("quantity", 1)
        amount = Decimal(spec.get("amount", 100 * quantity))
        rows.append(
            DeclarationLine(
                brand=partner.brand,
                partner=partner,
                declaration=declaration,
                product=product,
                gtin=product.gtin,
                quantity=quantity,
                amount=amount,
                currency="EUR",
                sale_date=spec.get("sale_date", date(2026, 1, 15)),
                channel=spec.get("channel", "in_store"),
                customer_type=spec.get("customer_type", ""),
                feedback=spec.get("feedback", ""),
                status=spec.get("status", DeclarationLine.Status.ACCEPTED),
                dedup_key=hashlib.sha256(f"{declaration.pk}:{n}".encode()).hexdigest(),
            )
        )
    DeclarationLine.objects.bulk_create(rows)
    declaration.lines_accepted = sum(1 for r in rows if r.status == "accepted")
    declaration.lines_rejected = sum(1 for r in rows if r.status == "rejected")
    declaration.save()
    return declaration


def credit(partner, amount: int, *, key: str | None = None, expires_at=None, status="confirmed", user=None):
    return services.points_credit(
        brand=partner.brand,
        partner=partner,
        amount=amount,
        kind="adjust",
        reason="test credit",
        idempotency_key=key or f"test-credit-{next(_seq)}",
        expires_at=expires_at,
        status=status,
        user=user,
    )
