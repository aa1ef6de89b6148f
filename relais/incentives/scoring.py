"""Pure points arithmetic shared by the scoring service and the back-test: no database writes here.

Points are whole numbers; every fractional result is rounded down, so a rule never pays more than it says.
Returns (negative quantities) earn nothing: they are not clawed back by line rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from relais.incentives.models import ChallengeRule, RuleKind

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


def score_line(rules: Iterable[ChallengeRule], line: Mapping[str, Any]) -> list[LineAward]:
    """Awards of one line (a mapping with id, quantity, amount, channel, gtin, family) under current rules."""
    rules = list(rules)
    multipliers = [r for r in rules if r.kind == RuleKind.MULTIPLIER]
    factor = line_factor(multipliers, channel=line["channel"], gtin=line["gtin"], family=line["family"] or "")
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
