"""Writes of the promotions domain: a promotion's life (draft → published → closed) and the points its
mechanics earn, posted through the incentives ledger.

Extra points: after a declaration is counted (``relais.followups.promotions``), the validated lines of an
eligible partner on the promoted products within the dates earn ``points_per_unit`` per unit. One query
finds the batch's lines not credited yet; they are recorded as ``PromotionCredit`` rows (one per line,
unique) and paid by one ledger credit whose key names the batch's first line, so a rerun credits nothing
twice. The credit is an ``earn``: the brand's holding period applies (``points_hold``, as for challenge
points). A flagged line earns nothing until the brand approves it; its review counts the declaration again.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import User
from relais.core.errors import ApplicationError
from relais.core.jobs import job_enqueue
from relais.core.models import Brand, Job
from relais.incentives import locks
from relais.incentives.models import PointsEntry, Reward
from relais.incentives.reasons import Reason
from relais.incentives.services import points_credit
from relais.network.models import Segment
from relais.promotions.models import Promotion, PromotionCredit, PromotionStatus
from relais.promotions.rules import EARNING, promotion_is_partner_eligible, promotion_lines
from relais.sellout.models import Declaration

POINTS_JOB_KIND = "promotions_points"
# Points earned by a promotion stay valid as long as challenge points do by default.
POINTS_VALIDITY_DAYS = 365


def _check(
    *,
    brand: Brand,
    name: str,
    announce_from: date,
    start: date,
    end: date,
    product_gtins: list[str],
    families: list[str],
    points_per_unit: int,
    bonus_reward: Reward | None,
    bonus_threshold_units: int | None,
    segments: list[Segment],
) -> None:
    if not name.strip():
        raise ApplicationError(_("Give the promotion a name."), extra={"field": "name"})
    if end < start:
        raise ApplicationError(_("The promotion ends before it starts."), extra={"field": "end"})
    if announce_from > start:
        raise ApplicationError(
            _("The promotion must be announced on or before its start."), extra={"field": "announce_from"}
        )
    if not product_gtins and not families:
        raise ApplicationError(
            _("Choose the promoted products or families."), extra={"field": "product_gtins"}
        )
    if points_per_unit < 0 or points_per_unit > 100_000:
        raise ApplicationError(
            _("The extra points per unit must be between 0 and 100,000."), extra={"field": "points_per_unit"}
        )
    if (bonus_reward is None) != (bonus_threshold_units is None):
        raise ApplicationError(
            _("A bonus reward needs its threshold of units, and a threshold its reward."),
            extra={"field": "bonus_threshold_units"},
        )
    if bonus_reward is not None and bonus_reward.brand_id != brand.pk:
        raise ApplicationError(_("Unknown reward."), extra={"field": "bonus_reward"})
    if bonus_threshold_units is not None and bonus_threshold_units <= 0:
        raise ApplicationError(
            _("The threshold must be a positive number of units."), extra={"field": "bonus_threshold_units"}
        )
    if any(segment.brand_id != brand.pk for segment in segments):
        raise ApplicationError(_("Unknown segment."), extra={"field": "segments"})


@transaction.atomic
def promotion_save(
    *,
    brand: Brand,
    name: str,
    announce_from: date,
    start: date,
    end: date,
    product_gtins: list[str] | None = None,
    families: list[str] | None = None,
    segments: list[Segment] | None = None,
    points_per_unit: int = 0,
    bonus_reward: Reward | None = None,
    bonus_threshold_units: int | None = None,
    price_message: str = "",
    description: str = "",
    created_by: User | None = None,
    promotion: Promotion | None = None,
) -> Promotion:
    """Create a draft promotion, or edit ``promotion`` while it is a draft (a published one is what the
    partners were told: it is closed, not changed)."""
    gtins = list(dict.fromkeys(g.strip() for g in product_gtins or [] if g.strip()))
    fams = list(dict.fromkeys(f.strip() for f in families or [] if f.strip()))
    segs = list(segments or [])
    _check(
        brand=brand,
        name=name,
        announce_from=announce_from,
        start=start,
        end=end,
        product_gtins=gtins,
        families=fams,
        points_per_unit=points_per_unit,
        bonus_reward=bonus_reward,
        bonus_threshold_units=bonus_threshold_units,
        segments=segs,
    )
    if promotion is None:
        promotion = Promotion(brand=brand, created_by=created_by)
    else:
        promotion = Promotion.objects.select_for_update().get(pk=promotion.pk, brand=brand)
        if promotion.status != PromotionStatus.DRAFT:
            raise ApplicationError(_("Only a draft promotion can be edited."))
    promotion.name = name.strip()
    promotion.description = description.strip()
    promotion.announce_from, promotion.start, promotion.end = announce_from, start, end
    promotion.product_gtins, promotion.families = gtins, fams
    promotion.points_per_unit = points_per_unit
    promotion.bonus_reward, promotion.bonus_threshold_units = bonus_reward, bonus_threshold_units
    promotion.price_message = price_message.strip()
    promotion.save()
    promotion.segments.set(segs)
    return promotion


@transaction.atomic
def promotion_publish(*, promotion: Promotion) -> Promotion:
    """Publish a draft: its eligible partners see it from its announcement date, and it earns points."""
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    if promotion.status != PromotionStatus.DRAFT:
        raise ApplicationError(_("Only a draft promotion can be published."))
    if promotion.end < timezone.localdate():
        raise ApplicationError(_("This promotion is already over: change its dates first."))
    promotion.status = PromotionStatus.PUBLISHED
    promotion.published_at = timezone.now()
    promotion.save(update_fields=["status", "published_at", "updated_at"])
    return promotion


@transaction.atomic
def promotion_close(*, promotion: Promotion) -> Promotion:
    """Close a published promotion: partners no longer see it; lines of its dates declared late still earn."""
    promotion = Promotion.objects.select_for_update().get(pk=promotion.pk)
    if promotion.status != PromotionStatus.PUBLISHED:
        raise ApplicationError(_("Only a published promotion can be closed."))
    promotion.status = PromotionStatus.CLOSED
    promotion.closed_at = timezone.now()
    promotion.save(update_fields=["status", "closed_at", "updated_at"])
    return promotion


def promotion_points_enqueue(*, declaration: Declaration) -> Job:
    """Schedule ``promotion_points_post`` for a counted declaration, as a job run after commit."""
    return job_enqueue(
        kind=POINTS_JOB_KIND,
        payload={"declaration_id": declaration.pk},
        brand=declaration.brand,
        partner=declaration.partner,
    )


def promotion_points_post(*, declaration: Declaration) -> dict[int, dict[str, int]]:
    """Post the extra points (and bonus rewards) the declaration's validated lines earn in every published
    or closed promotion whose dates it overlaps. Idempotent. Returns per promotion the points posted and the
    lines they cover."""
    declaration = Declaration.objects.get(pk=declaration.pk)
    if declaration.status == Declaration.Status.DRAFT:
        return {}
    promotions = Promotion.objects.filter(
        brand_id=declaration.brand_id,
        status__in=EARNING,
        start__lte=declaration.period_end,
        end__gte=declaration.period_start,
    ).select_related("bonus_reward")
    return {
        promotion.pk: _post_for_promotion(promotion, declaration)
        for promotion in promotions
        if promotion.points_per_unit or promotion.bonus_reward_id
    }


@transaction.atomic
def _post_for_promotion(promotion: Promotion, declaration: Declaration) -> dict[str, int]:
    result = {"points": 0, "lines": 0, "bonus": 0}
    if not promotion_is_partner_eligible(promotion=promotion, partner_id=declaration.partner_id):
        return result
    # The account lock first: two runs for the same partner wait on each other, and the second finds the
    # lines the first credited.
    locks.lock_account(brand_id=declaration.brand_id, partner_id=declaration.partner_id)
    credited = PromotionCredit.objects.filter(promotion=promotion, line__isnull=False).values("line_id")
    lines = list(
        promotion_lines(promotion)
        .filter(declaration=declaration)
        .exclude(pk__in=credited)
        .order_by("pk")
        .values_list("pk", "quantity")
    )
    if lines:
        units = sum(quantity for _pk, quantity in lines)
        points = units * promotion.points_per_unit
        key = f"promotion_units:p{promotion.pk}:l{lines[0][0]}"
        PromotionCredit.objects.bulk_create(
            [
                PromotionCredit(
                    brand_id=promotion.brand_id,
                    promotion=promotion,
                    partner_id=declaration.partner_id,
                    line_id=pk,
                    units=quantity,
                    points=quantity * promotion.points_per_unit,
                    idempotency_key=key,
                )
                for pk, quantity in lines
            ],
            batch_size=500,
        )
        if points > 0:
            points_credit(
                brand=declaration.brand,
                partner=declaration.partner,
                amount=points,
                kind=PointsEntry.Kind.EARN,
                reason=Reason(
                    "promotion_units", {"promotion": promotion.name, "units": units, "lines": len(lines)}
                ),
                idempotency_key=key,
                declaration=declaration,
                expires_at=timezone.now() + timedelta(days=POINTS_VALIDITY_DAYS),
            )
            result["points"] = points
        result["lines"] = len(lines)
    result["bonus"] = _bonus_post(promotion, declaration)
    return result


def _bonus_post(promotion: Promotion, declaration: Declaration) -> int:
    """The bonus reward, once per partner, when its credited units reach the threshold: its price in
    points, so the partner orders it from the rewards like any other (the caller holds the account lock)."""
    reward, threshold = promotion.bonus_reward, promotion.bonus_threshold_units
    if reward is None or threshold is None:
        return 0
    mine = PromotionCredit.objects.filter(promotion=promotion, partner_id=declaration.partner_id)
    if mine.filter(kind=PromotionCredit.Kind.BONUS).exists():
        return 0
    units = mine.filter(kind=PromotionCredit.Kind.UNITS).aggregate(u=Sum("units"))["u"] or 0
    if units < threshold:
        return 0
    key = f"promotion_bonus:p{promotion.pk}:pa{declaration.partner_id}"
    PromotionCredit.objects.create(
        brand_id=promotion.brand_id,
        promotion=promotion,
        partner_id=declaration.partner_id,
        kind=PromotionCredit.Kind.BONUS,
        units=units,
        points=reward.points_price,
        idempotency_key=key,
    )
    points_credit(
        brand=declaration.brand,
        partner=declaration.partner,
        amount=reward.points_price,
        kind=PointsEntry.Kind.EARN,
        reason=Reason("promotion_bonus", {"promotion": promotion.name, "reward": reward.name}),
        idempotency_key=key,
        expires_at=timezone.now() + timedelta(days=POINTS_VALIDITY_DAYS),
    )
    return reward.points_price
