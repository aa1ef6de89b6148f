"""The rules the incentives writes (``services``) and reads (``selectors``) both follow. Nothing here writes.

- which declarations count (``REVIEWED``), the period arithmetic (``period_bounds``, ``shift_year``);
- who takes part in a challenge (``challenge_is_partner_eligible``, ``challenge_eligible_partners``), who may
  order a reward (``reward_is_eligible``), and whose account a user earns on and spends from
  (``points_account_user_id``);
- the points arithmetic of a challenge's rules: a line's awards, the declaration-quality bonus, the objective
  tiers. Points are whole numbers; every fractional result is rounded down, so a rule never pays more than it
  says. Returns (negative quantities) earn nothing: they are not clawed back by line rules;
- what scoring and the back-test read of a declaration's lines.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import Role, User
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.incentives.models import Challenge, ChallengeRule, Reward, RuleKind
from relais.network.models import PartnerCompany, Segment, SegmentMembership
from relais.sellout.models import Declaration, DeclarationLine

# Declarations whose lines the brand has reviewed: their accepted lines count, their points are confirmed.
REVIEWED = {Declaration.Status.VALIDATED, Declaration.Status.PARTLY_REJECTED}


# --------------------------------------------------------------------------------------------------------------
# Periods


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes covering the local dates ``start``..``end`` inclusive (end is exclusive)."""
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


@dataclass(frozen=True)
class ObjectiveAttainment:
    """A partner's objective as a challenge's objective bonus reads it: kept by ``relais.programs`` (account
    objectives), with its attainment from validated sell-out, passed in by ``relais.followups.programs``."""

    objective_id: int
    partner_id: int
    metric: str
    attainment_percent: Decimal


class ObjectiveLike(Protocol):
    """What the objective pages read of an account objective (kept by ``relais.programs``)."""

    @property
    def brand(self) -> Brand: ...
    @property
    def partner_id(self) -> int: ...
    @property
    def period_start(self) -> date: ...
    @property
    def period_end(self) -> date: ...
    @property
    def metric(self) -> str: ...
    @property
    def target(self) -> Decimal: ...


def shift_year(day: date, years: int) -> date:
    """The same day ``years`` later (earlier when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --------------------------------------------------------------------------------------------------------------
# Who takes part, on which account


def _memberships_during(challenge: Challenge) -> QuerySet[SegmentMembership]:
    """Memberships of the challenge's segments open at some point of the challenge period."""
    start, end = period_bounds(challenge.period_start, challenge.period_end)
    return SegmentMembership.objects.filter(segment__in=challenge.segments.all(), valid_from__lt=end).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=start)
    )


def challenge_partner_segment_ids(*, challenge: Challenge, partner_id: int) -> list[int]:
    """The challenge's eligible segments the partner belonged to at some point of the challenge period."""
    return list(
        _memberships_during(challenge)
        .filter(partner_id=partner_id)
        .values_list("segment_id", flat=True)
        .distinct()
    )


def challenge_is_partner_eligible(*, challenge: Challenge, partner_id: int) -> bool:
    """Whether the partner takes part: no eligible segments means every partner of the brand does, else
    the partner belonged to one of them at some point of the challenge period."""
    if not challenge.segments.exists():
        return True
    return bool(challenge_partner_segment_ids(challenge=challenge, partner_id=partner_id))


def challenge_eligible_partners(*, challenge: Challenge) -> QuerySet[PartnerCompany]:
    """The brand's partners that take part in the challenge: ``challenge_is_partner_eligible`` as a filter."""
    partners = PartnerCompany.objects.filter(brand_id=challenge.brand_id)
    if not challenge.segments.exists():
        return partners
    return partners.filter(pk__in=_memberships_during(challenge).values("partner_id"))


def points_account_user_id(*, partner: PartnerCompany, user: User | None) -> int | None:
    """Whose account: sellers earn and spend on their own (their user id); everyone else on the company's."""
    if user is not None and user.role == Role.PARTNER_SELLER and user.partner_id == partner.pk:
        return user.pk
    return None


def reward_is_eligible(*, reward: Reward, partner: PartnerCompany, premium_allowed: bool = False) -> bool:
    """Whether the partner may order the reward: no segments means everyone, else an open membership of one;
    a premium reward also needs ``premium_allowed`` (the partner's tier grants it, told by the follow-ups)."""
    if reward.is_premium and not premium_allowed:
        return False
    segment_ids = list(reward.segments.values_list("pk", flat=True))
    if not segment_ids:
        return True
    return SegmentMembership.objects.filter(
        partner=partner, segment_id__in=segment_ids, valid_to__isnull=True
    ).exists()


def segments_check(*, brand: Brand, segments: Iterable[Segment]) -> None:
    """Refuse segments of another brand (as unknown)."""
    if any(segment.brand_id != brand.pk for segment in segments):
        raise ApplicationError(_("Unknown segment."))


# --------------------------------------------------------------------------------------------------------------
# Points arithmetic

QUALITY_SHARES_DEFAULT = {
    "on_time": 40,
    "channel_split": 15,
    "customer_profile": 15,
    "feedback": 10,
    "consistent": 20,
}


@dataclass(frozen=True)
class LineAward:
    line_id: int
    rule: ChallengeRule
    points: int
    factor: Decimal


def rule_applies_to_product(rule: ChallengeRule, *, gtin: str, family: str) -> bool:
    if rule.product_gtins and gtin not in rule.product_gtins:
        return False
    return not (rule.families and family not in rule.families)


def line_base_points(rule: ChallengeRule, *, quantity: int, amount: Decimal) -> Decimal:
    if rule.kind == RuleKind.PER_LINE:
        return Decimal(rule.points)
    if rule.kind == RuleKind.PER_UNIT:
        return Decimal(rule.points) * quantity
    if rule.kind == RuleKind.PER_AMOUNT:
        return Decimal(rule.points) * Decimal(amount) / 100
    return Decimal(0)


def line_factor(multipliers: Iterable[ChallengeRule], *, channel: str, gtin: str, family: str) -> Decimal:
    factor = Decimal(1)
    for rule in multipliers:
        if rule.channel and rule.channel != channel:
            continue
        if not rule_applies_to_product(rule, gtin=gtin, family=family):
            continue
        factor *= Decimal(rule.factor)
    return factor


def score_line(
    rules: Iterable[ChallengeRule], line: Mapping[str, Any], *, tier_factor: Decimal = Decimal(1)
) -> list[LineAward]:
    """Awards of one line (a mapping with id, quantity, amount, channel, gtin, family) under current rules;
    ``tier_factor`` is the partner's tier multiplier (a program's benefit, passed in by the follow-ups).

    A line flagged for review (or rejected) earns nothing: its points come when the brand approves it (the
    review re-scores the declaration, ``relais.followups.declarations.line_review``).
    """
    if line.get("status", DeclarationLine.Status.ACCEPTED) != DeclarationLine.Status.ACCEPTED:
        return []
    rules = list(rules)
    multipliers = [r for r in rules if r.kind == RuleKind.MULTIPLIER]
    factor = tier_factor * line_factor(
        multipliers, channel=line["channel"], gtin=line["gtin"], family=line["family"] or ""
    )
    awards = []
    for rule in rules:
        if rule.kind not in {RuleKind.PER_LINE, RuleKind.PER_UNIT, RuleKind.PER_AMOUNT}:
            continue
        if not rule_applies_to_product(rule, gtin=line["gtin"], family=line["family"] or ""):
            continue
        points = math.floor(line_base_points(rule, quantity=line["quantity"], amount=line["amount"]) * factor)
        if points > 0:
            awards.append(LineAward(line_id=line["id"], rule=rule, points=points, factor=factor))
    return awards


@dataclass(frozen=True)
class QualityFacts:
    submitted_on: date | None
    period_end: date
    has_online: bool
    has_in_store: bool
    lines: int
    lines_with_customer_type: int
    lines_with_feedback: int
    rejected_or_duplicate: int


def quality_points(rule: ChallengeRule, facts: QualityFacts) -> tuple[int, list[str]]:
    """The quality bonus of one declaration and the criteria it met (keys of the shares)."""
    shares = {**QUALITY_SHARES_DEFAULT, **(rule.params.get("shares") or {})}
    on_time_days = int(rule.params.get("on_time_days", 10))
    met = []
    if facts.submitted_on is not None and facts.submitted_on <= facts.period_end + timedelta(
        days=on_time_days
    ):
        met.append("on_time")
    if facts.has_online and facts.has_in_store:
        met.append("channel_split")
    if facts.lines and facts.lines_with_customer_type == facts.lines:
        met.append("customer_profile")
    if facts.lines_with_feedback > 0:
        met.append("feedback")
    if facts.lines and facts.rejected_or_duplicate == 0:
        met.append("consistent")
    percent = sum(Decimal(str(shares.get(key, 0))) for key in met)
    return math.floor(Decimal(rule.points) * percent / 100), met


def objective_tier_points(rule: ChallengeRule, attainment_percent: Decimal) -> tuple[int, Decimal | None]:
    """Points of the highest tier reached, and that tier's threshold (None when no tier is reached)."""
    best_points, best_tier = 0, None
    for threshold, points in sorted((Decimal(str(t)), int(p)) for t, p in rule.params.get("tiers", [])):
        if attainment_percent >= threshold:
            best_points, best_tier = points, threshold
    return best_points, best_tier


# --------------------------------------------------------------------------------------------------------------
# What scoring reads of a declaration's lines

SCORE_CHUNK = 5000


def _line_values(declaration: Declaration, start: date, end: date) -> QuerySet[Any, Any]:
    """What scoring reads of the declaration's lines sold between ``start`` and ``end``, in id order."""
    return (
        DeclarationLine.objects.filter(declaration=declaration, sale_date__gte=start, sale_date__lte=end)
        .order_by("id")
        .values("id", "status", "quantity", "amount", "channel", "gtin", "customer_type", "feedback")
        .annotate(family=F("product__family"))
    )


def line_rows(declaration: Declaration, *, start: date, end: date) -> list[dict[str, Any]]:
    """The declaration's lines sold between ``start`` and ``end`` (inclusive), as dicts, all at once."""
    return [dict(row) for row in _line_values(declaration, start, end)]


def line_chunks(declaration: Declaration, *, start: date, end: date) -> Iterator[list[dict[str, Any]]]:
    """``line_rows``, ``SCORE_CHUNK`` at a time (keyset paging): a million-line declaration stays small."""
    rows = _line_values(declaration, start, end)
    last = 0
    while True:
        chunk: list[dict[str, Any]] = [dict(row) for row in rows.filter(id__gt=last)[:SCORE_CHUNK]]
        if not chunk:
            return
        yield chunk
        last = int(chunk[-1]["id"])


class QualityTally:
    """What the declaration-quality bonus looks at, counted over the chunks of lines."""

    def __init__(self) -> None:
        self.has_online = self.has_in_store = False
        self.kept = self.with_customer_type = self.with_feedback = self.rejected = 0

    def add(self, lines: list[dict[str, Any]]) -> None:
        for line in lines:
            if line["status"] == DeclarationLine.Status.REJECTED:
                self.rejected += 1
                continue
            self.kept += 1
            self.has_online = self.has_online or line["channel"] == "online"
            self.has_in_store = self.has_in_store or line["channel"] == "in_store"
            self.with_customer_type += bool(line["customer_type"])
            self.with_feedback += bool((line["feedback"] or "").strip())

    def facts(self, declaration: Declaration) -> QualityFacts:
        return QualityFacts(
            submitted_on=timezone.localdate(declaration.submitted_at) if declaration.submitted_at else None,
            period_end=declaration.period_end,
            has_online=self.has_online,
            has_in_store=self.has_in_store,
            lines=self.kept,
            lines_with_customer_type=self.with_customer_type,
            lines_with_feedback=self.with_feedback,
            rejected_or_duplicate=declaration.lines_rejected + declaration.lines_duplicate + self.rejected,
        )


def quality_facts(declaration: Declaration, lines: list[dict[str, Any]]) -> QualityFacts:
    """The quality facts of a declaration from its lines read at once (the back-test)."""
    tally = QualityTally()
    tally.add(lines)
    return tally.facts(declaration)
