"""Reads of the incentives domain, scoped by brand (and by partner for partner users)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from relais.accounts.models import User
from relais.catalog.models import Product
from relais.core.models import Brand
from relais.incentives.leaderboard import board_size, count_above
from relais.incentives.models import (
    Challenge,
    ChallengeRule,
    IncentiveSettings,
    LeaderboardScore,
    ObjectiveMetric,
    PointsAccount,
    PointsEntry,
    RedemptionOrder,
    Reward,
    RuleKind,
    lot_available_q,
)
from relais.incentives.rules import (
    REVIEWED,
    ObjectiveAttainment,
    ObjectiveLike,
    challenge_is_partner_eligible,
    line_rows,
    objective_tier_points,
    period_bounds,
    points_account_user_id,
    quality_facts,
    quality_points,
    score_line,
    shift_year,
)
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.sellout.models import Declaration, DeclarationLine

# --------------------------------------------------------------------------------------------------------------
# Sell-out figures


def sellout_totals_by_partner(
    *,
    brand: Brand,
    partner_ids: list[int] | None,
    start: date,
    end: date,
    metric: str,
    reviewed_only: bool = True,
) -> dict[int, Decimal]:
    """Units or amount of accepted lines per partner, sold between ``start`` and ``end`` (inclusive)."""
    lines = DeclarationLine.objects.filter(
        brand=brand, status=DeclarationLine.Status.ACCEPTED, sale_date__gte=start, sale_date__lte=end
    )
    if reviewed_only:
        lines = lines.filter(declaration__status__in=REVIEWED)
    else:
        lines = lines.exclude(declaration__status=Declaration.Status.DRAFT)
    if partner_ids is not None:
        lines = lines.filter(partner_id__in=partner_ids)
    field = "quantity" if metric == ObjectiveMetric.UNITS else "amount"
    rows = lines.values("partner_id").annotate(total=Sum(field))
    return {row["partner_id"]: Decimal(row["total"] or 0) for row in rows}


def objective_progress(*, objective: ObjectiveLike) -> dict[str, Any]:
    """Progress of a whole-account objective (``relais.programs``' account objectives) from validated
    sell-out lines, plus what is still under review."""

    def total(*, reviewed_only: bool) -> Decimal:
        totals = sellout_totals_by_partner(
            brand=objective.brand,
            partner_ids=[objective.partner_id],
            start=objective.period_start,
            end=objective.period_end,
            metric=objective.metric,
            reviewed_only=reviewed_only,
        )
        return totals.get(objective.partner_id, Decimal(0))

    validated = total(reviewed_only=True)
    submitted = total(reviewed_only=False)
    target = Decimal(objective.target)
    percent = (validated * 100 / target).quantize(Decimal("0.1")) if target else Decimal(0)
    pending_percent = (
        ((submitted - validated) * 100 / target).quantize(Decimal("0.1")) if target else Decimal(0)
    )
    return {
        "objective": objective,
        "validated": validated,
        "pending": submitted - validated,
        "attainment_percent": percent,
        "pending_percent": max(Decimal(0), pending_percent),
        "bar_percent": min(Decimal(100), percent),
    }


# --------------------------------------------------------------------------------------------------------------
# Challenges


def challenge_list(*, brand: Brand) -> QuerySet[Challenge]:
    return Challenge.objects.filter(brand=brand).prefetch_related("segments")


def challenge_get(*, brand: Brand, challenge_id: int) -> Challenge:
    challenge = Challenge.objects.filter(brand=brand, pk=challenge_id).first()
    if challenge is None:
        raise Http404
    return challenge


def challenge_rules(*, challenge: Challenge, history: bool = False) -> QuerySet[ChallengeRule]:
    qs = challenge.rules.all()
    return qs if history else qs.filter(is_current=True)


def partner_challenges(*, partner: PartnerCompany) -> list[Challenge]:
    """The running and closed challenges the partner takes part in (by its segments at each period)."""
    challenges = Challenge.objects.filter(
        brand_id=partner.brand_id, status__in=[Challenge.Status.RUNNING, Challenge.Status.CLOSED]
    ).prefetch_related("segments")
    return [c for c in challenges if challenge_is_partner_eligible(challenge=c, partner_id=partner.pk)]


def partner_running_challenge_windows(*, partner: PartnerCompany) -> list[tuple[str, date, date]]:
    """(name, first day, last day) of the running challenges the partner takes part in: what the anomaly
    checks of its new lines look harder at (the last days), handed to them by the follow-ups."""
    running = Challenge.objects.filter(
        brand_id=partner.brand_id, status=Challenge.Status.RUNNING
    ).prefetch_related("segments")
    return [
        (c.name, c.period_start, c.period_end)
        for c in running
        if challenge_is_partner_eligible(challenge=c, partner_id=partner.pk)
    ]


def partner_challenge_get(*, partner: PartnerCompany, challenge_id: int) -> Challenge:
    for challenge in partner_challenges(partner=partner):
        if challenge.pk == challenge_id:
            return challenge
    raise Http404


# --------------------------------------------------------------------------------------------------------------
# Leaderboards


def leaderboard_rank(
    *, challenge: Challenge, partner_id: int, segment_id: int | None = None
) -> dict[str, Any] | None:
    """The partner's rank, score and the gap to the next place up, at a cost that does not grow with the board.

    rank = 1 + the number of higher scores, summed from the radix counts (``relais.incentives.leaderboard``:
    at most 255 index entries per level) rather than counted row by row; the next place up is the smallest
    score above mine (one probe of the (challenge, segment, score) index). Ties share a rank. None when the
    partner has no score on that board.
    """
    board = LeaderboardScore.objects.filter(challenge=challenge)
    board = (
        board.filter(segment_id=segment_id) if segment_id is not None else board.filter(segment__isnull=True)
    )
    mine = board.filter(partner_id=partner_id).values_list("score", flat=True).first()
    if mine is None:
        return None
    above = count_above(challenge_id=challenge.pk, segment_id=segment_id, score=mine)
    next_score = board.filter(score__gt=mine).order_by("score").values_list("score", flat=True).first()
    return {
        "rank": above + 1,
        "score": mine,
        "gap_to_next": (next_score - mine) if next_score is not None else 0,
        "segment_id": segment_id,
    }


def leaderboard_top(
    *, challenge: Challenge, segment_id: int | None = None, limit: int = 10
) -> list[dict[str, Any]]:
    """The top of a board (index-ordered, ``limit`` rows), with partner ids for the caller to anonymise."""
    board = LeaderboardScore.objects.filter(challenge=challenge)
    board = (
        board.filter(segment_id=segment_id) if segment_id is not None else board.filter(segment__isnull=True)
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


def leaderboard_size(*, challenge: Challenge, segment_id: int | None = None) -> int:
    """Partners on the board, from the radix counts' top level (a handful of rows, not a COUNT of the board)."""
    return board_size(challenge_id=challenge.pk, segment_id=segment_id)


def partner_boards(*, challenge: Challenge, partner: PartnerCompany) -> list[dict[str, Any]]:
    """The partner's overall board and each segment board it competes in, with rank and top anonymised."""
    boards = []
    segment_ids = list(
        LeaderboardScore.objects.filter(
            challenge=challenge, partner=partner, segment__isnull=False
        ).values_list("segment_id", flat=True)
    )
    # A partner reads the segment's public label (or the neutral one), never its internal name.
    names = {s.pk: s.partner_label for s in Segment.objects.filter(pk__in=segment_ids)}
    for segment_id in [None, *segment_ids]:
        rank = leaderboard_rank(challenge=challenge, partner_id=partner.pk, segment_id=segment_id)
        top = leaderboard_top(challenge=challenge, segment_id=segment_id)
        for row in top:
            row["is_me"] = row["partner_id"] == partner.pk
        boards.append(
            {
                "segment_id": segment_id,
                "segment_name": names.get(segment_id) if segment_id else None,
                "rank": rank,
                "size": leaderboard_size(challenge=challenge, segment_id=segment_id),
                "top": top,
            }
        )
    return boards


# --------------------------------------------------------------------------------------------------------------
# Ledger


def points_account_find(*, partner: PartnerCompany, user: User | None = None) -> PointsAccount | None:
    """The account a partner user spends from: a seller's own, else the company's; None before its first entry."""
    user_id = points_account_user_id(partner=partner, user=user)
    qs = PointsAccount.objects.filter(brand_id=partner.brand_id, partner=partner)
    qs = qs.filter(user_id=user_id) if user_id else qs.filter(user__isnull=True)
    return qs.first()


def incentive_settings_of(*, brand_id: int) -> IncentiveSettings:
    """The brand's incentive settings; the defaults (unsaved) when it never changed them."""
    found = IncentiveSettings.objects.filter(brand_id=brand_id).first()
    return found if found is not None else IncentiveSettings(brand_id=brand_id)


def points_spendable(*, account: PointsAccount, now: datetime | None = None) -> int:
    """What the account can spend at ``now``: its confirmed lots whose holding is over.

    Held lots (before their ``available_at``, or awaiting reconciliation) and provisional lots are not
    spendable; lots past their expiry still count here, as the debit expires them first and checks again.
    """
    now = now or timezone.now()
    spendable = PointsEntry.objects.filter(
        lot_available_q(now), account=account, status=PointsEntry.Status.CONFIRMED, remaining__gt=0
    ).aggregate(s=Sum("remaining"))["s"]
    return spendable or 0


def seller_challenges_running(*, brand_id: int) -> bool:
    """Whether a running challenge of the brand pays sellers themselves (else the company earns the points)."""
    return Challenge.objects.filter(
        brand_id=brand_id, status=Challenge.Status.RUNNING, beneficiary=Challenge.Beneficiary.SELLER
    ).exists()


def account_summary(*, partner: PartnerCompany, user: User | None = None) -> dict[str, Any]:
    """The balance of the account a partner user sees, split by what can be spent now.

    ``available`` (spendable now) + ``held`` (confirmed, in the holding period) + ``provisional`` (under
    review) = ``balance``. ``held_until`` lists the held points by the day they become available (soonest
    first); ``awaiting_reconciliation`` the held points waiting for their sales period to be reconciled.
    Provisional points also held say so on their own entry (``PointsEntry.is_held``).
    """
    summary: dict[str, Any] = {
        "balance": 0,
        "available": 0,
        "provisional": 0,
        "held": 0,
        "held_until": [],
        "awaiting_reconciliation": 0,
    }
    account = points_account_find(partner=partner, user=user)
    if account is None:
        return summary
    now = timezone.now()
    held = PointsEntry.objects.filter(
        ~lot_available_q(now), account=account, status=PointsEntry.Status.CONFIRMED, remaining__gt=0
    )
    by_day: dict[date, int] = defaultdict(int)
    for available_at, awaits, remaining in held.values_list(
        "available_at", "awaits_reconciliation", "remaining"
    ):
        if awaits or available_at is None:
            summary["awaiting_reconciliation"] += remaining
        else:
            by_day[timezone.localdate(available_at)] += remaining
    summary["held_until"] = [{"date": day, "points": points} for day, points in sorted(by_day.items())]
    summary["held"] = summary["awaiting_reconciliation"] + sum(by_day.values())
    summary["balance"] = account.balance
    summary["provisional"] = account.provisional
    summary["available"] = account.confirmed - summary["held"]
    return summary


def ledger_entries(
    *,
    brand: Brand,
    partner_id: int | None = None,
    challenge_id: int | None = None,
    kind: str | None = None,
    account: PointsAccount | None = None,
) -> QuerySet[PointsEntry]:
    qs = PointsEntry.objects.filter(brand=brand).select_related("partner", "challenge", "rule", "user")
    if account is not None:
        qs = qs.filter(account=account)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    if challenge_id:
        qs = qs.filter(challenge_id=challenge_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def points_entry_find(*, brand_id: int, idempotency_key: str) -> PointsEntry | None:
    """The entry posted under an idempotency key (unique per brand), None when there is none."""
    return PointsEntry.objects.filter(brand_id=brand_id, idempotency_key=idempotency_key).first()


def ledger_totals(*, account: PointsAccount) -> dict[str, int]:
    """The sums an account must agree with (used by tests and the ledger explorer's check)."""
    entries = PointsEntry.objects.filter(account=account)
    agg = entries.aggregate(total=Sum("amount"), lots=Sum("remaining"))
    provisional = entries.filter(status=PointsEntry.Status.PROVISIONAL).aggregate(p=Sum("remaining"))["p"]
    return {"sum": agg["total"] or 0, "lots": agg["lots"] or 0, "provisional": provisional or 0}


# --------------------------------------------------------------------------------------------------------------
# Rewards and orders


def reward_list(*, brand: Brand, active_only: bool = False) -> QuerySet[Reward]:
    qs = Reward.objects.filter(brand=brand).prefetch_related("segments")
    return qs.filter(is_active=True) if active_only else qs


def reward_get(*, brand: Brand, reward_id: int) -> Reward:
    reward = Reward.objects.filter(brand=brand, pk=reward_id).first()
    if reward is None:
        raise Http404
    return reward


def partner_rewards(*, partner: PartnerCompany, premium_allowed: bool = False) -> list[Reward]:
    """Active rewards the partner may order (open segment memberships; premium ones when its tier grants
    them: ``premium_allowed``, read by ``relais.followups.programs.premium_allowed``)."""
    segment_ids = set(
        SegmentMembership.objects.filter(partner=partner, valid_to__isnull=True).values_list(
            "segment_id", flat=True
        )
    )
    rewards = []
    for reward in reward_list(brand=partner.brand, active_only=True):
        allowed = {s.pk for s in reward.segments.all()}
        if reward.is_premium and not premium_allowed:
            continue
        if not allowed or allowed & segment_ids:
            rewards.append(reward)
    return rewards


def partner_reward_get(*, partner: PartnerCompany, reward_id: int, premium_allowed: bool = False) -> Reward:
    for reward in partner_rewards(partner=partner, premium_allowed=premium_allowed):
        if reward.pk == reward_id:
            return reward
    raise Http404


def order_list(
    *, brand: Brand, partner: PartnerCompany | None = None, status: str | None = None
) -> QuerySet[RedemptionOrder]:
    qs = RedemptionOrder.objects.filter(brand=brand).select_related("partner", "reward", "user")
    if partner is not None:
        qs = qs.filter(partner=partner)
    if status:
        qs = qs.filter(status=status)
    return qs


def partner_order_get(
    *, partner: PartnerCompany, order_id: int, user_id: int | None = None
) -> RedemptionOrder:
    """One of the partner's orders (one of ``user_id``'s own when given); anyone else's is a 404."""
    qs = RedemptionOrder.objects.filter(brand_id=partner.brand_id, partner=partner, pk=order_id)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    order = qs.first()
    if order is None:
        raise Http404
    return order


def order_get(*, brand: Brand, order_id: int) -> RedemptionOrder:
    order = RedemptionOrder.objects.filter(brand=brand, pk=order_id).first()
    if order is None:
        raise Http404
    return order


# --------------------------------------------------------------------------------------------------------------
# Back-test


def challenge_backtest(
    *,
    challenge: Challenge,
    period_start: date,
    period_end: date,
    objectives: Sequence[ObjectiveAttainment] = (),
) -> dict[str, Any]:
    """What the challenge's current rules would have cost, and whom they would have rewarded, on the
    declarations of another (past, comparable) period. Reads only; nothing is written. Eligible partners are
    the segments' members during that period and their current members.

    Line rules and multipliers are applied to accepted lines of submitted or reviewed declarations; the
    quality bonus to those declarations; the objective bonus to ``objectives`` (the account objectives of that
    period with their attainment, passed in by ``relais.followups.programs``). The budget cap is applied in
    the order lines arrived.
    """
    rules = list(challenge.rules.filter(is_current=True))
    names = _backtest_partner_names(challenge=challenge, period_start=period_start, period_end=period_end)
    eligible = set(names)
    per_partner: dict[int, int] = defaultdict(int)
    per_rule: dict[int, int] = defaultdict(int)
    lines_scored = _backtest_lines(
        challenge, rules, eligible, period_start, period_end, per_partner=per_partner, per_rule=per_rule
    )
    _backtest_quality(
        challenge, rules, eligible, period_start, period_end, per_partner=per_partner, per_rule=per_rule
    )
    _backtest_objectives(rules, eligible, objectives, per_partner=per_partner, per_rule=per_rule)
    total = sum(per_partner.values())
    capped = min(total, challenge.budget_points) if challenge.budget_points is not None else total
    ranking = sorted(per_partner.items(), key=lambda item: (-item[1], item[0]))
    rules_by_key = {r.key: r for r in rules}
    return {
        "period_start": period_start,
        "period_end": period_end,
        "total_points": total,
        "capped_points": capped,
        "cut_points": total - capped,
        "partners_eligible": len(eligible),
        "partners_rewarded": sum(1 for _p, pts in ranking if pts > 0),
        "lines_scored": lines_scored,
        "per_rule": [
            {"rule": rules_by_key[key], "points": points}
            for key, points in sorted(per_rule.items())
            if key in rules_by_key
        ],
        "top": [{"partner_id": pid, "name": names.get(pid, ""), "points": pts} for pid, pts in ranking[:10]],
    }


def _backtest_partner_names(*, challenge: Challenge, period_start: date, period_end: date) -> dict[int, str]:
    """The partners a back-test counts, by id: members of the challenge's segments then, and members now.

    Segments often have no history that far back, and the question is also "what would this challenge cost
    with today's segment members".
    """
    segment_ids = list(challenge.segments.values_list("pk", flat=True))
    partners = PartnerCompany.objects.filter(brand_id=challenge.brand_id)
    if segment_ids:
        start, end = period_bounds(period_start, period_end)
        members = SegmentMembership.objects.filter(segment_id__in=segment_ids).filter(
            Q(valid_to__isnull=True) | Q(valid_from__lt=end, valid_to__gt=start)
        )
        partners = partners.filter(pk__in=members.values("partner_id"))
    return dict(partners.values_list("pk", "name"))


def _backtest_lines(
    challenge: Challenge,
    rules: list[ChallengeRule],
    eligible: set[int],
    period_start: date,
    period_end: date,
    *,
    per_partner: dict[int, int],
    per_rule: dict[int, int],
) -> int:
    """Line rules and multipliers on the period's accepted lines; adds to the tallies, returns lines scored."""
    lines = (
        DeclarationLine.objects.filter(
            brand_id=challenge.brand_id,
            sale_date__gte=period_start,
            sale_date__lte=period_end,
            status=DeclarationLine.Status.ACCEPTED,
            partner_id__in=eligible,
        )
        .exclude(declaration__status=Declaration.Status.DRAFT)
        .order_by("id")
        .values("id", "partner_id", "quantity", "amount", "channel", "gtin", "customer_type", "feedback")
    )
    family_by_gtin = dict(Product.objects.filter(brand_id=challenge.brand_id).values_list("gtin", "family"))
    lines_scored = 0
    for values in lines.iterator(chunk_size=2000):
        line: dict[str, Any] = {**values, "family": family_by_gtin.get(values["gtin"], "")}
        awards = score_line(rules, line)
        if awards:
            lines_scored += 1
        for award in awards:
            per_partner[line["partner_id"]] += award.points
            per_rule[award.rule.key] += award.points
    return lines_scored


def _backtest_quality(
    challenge: Challenge,
    rules: list[ChallengeRule],
    eligible: set[int],
    period_start: date,
    period_end: date,
    *,
    per_partner: dict[int, int],
    per_rule: dict[int, int],
) -> None:
    """The quality bonus on the period's reviewed declarations; adds to the tallies."""
    quality_rules = [r for r in rules if r.kind == RuleKind.QUALITY_BONUS]
    if not quality_rules:
        return
    declarations = Declaration.objects.filter(
        brand_id=challenge.brand_id,
        partner_id__in=eligible,
        period_start__lte=period_end,
        period_end__gte=period_start,
        status__in=REVIEWED,
    )
    for declaration in declarations:
        facts = quality_facts(declaration, line_rows(declaration, start=period_start, end=period_end))
        for rule in quality_rules:
            points, _met = quality_points(rule, facts)
            per_partner[declaration.partner_id] += points
            per_rule[rule.key] += points


def _backtest_objectives(
    rules: list[ChallengeRule],
    eligible: set[int],
    objectives: Sequence[ObjectiveAttainment],
    *,
    per_partner: dict[int, int],
    per_rule: dict[int, int],
) -> None:
    """The objective bonus on the objectives of that period; adds to the tallies."""
    bonus_rules = [r for r in rules if r.kind == RuleKind.OBJECTIVE_BONUS]
    for objective in objectives if bonus_rules else ():
        if objective.partner_id not in eligible:
            continue
        for rule in bonus_rules:
            points, _tier = objective_tier_points(rule, objective.attainment_percent)
            per_partner[objective.partner_id] += points
            per_rule[rule.key] += points


def backtest_default_period(*, challenge: Challenge) -> tuple[date, date]:
    """The last comparable period: the same dates one year earlier."""
    return shift_year(challenge.period_start, -1), shift_year(challenge.period_end, -1)
