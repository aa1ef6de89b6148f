"""Writes of the incentives domain, one module per sub-domain:

- ``ledger``: points accounts, entries, lots, expiry, credits, debits, reversals, adjustments, the holding
  period and its release; leaderboard scores;
- ``challenges``: challenges, their versioned rules, their status, their closing;
- ``scoring``: scoring a declaration in the running challenges (now, or as an ``incentives_score`` job);
- ``rewards``: rewards, redemption orders and their life.

``from relais.incentives.services import x`` keeps working for every public name below. The rules the writes
and the reads share (eligibility, periods, points arithmetic) live in ``relais.incentives.rules``; the few
re-exported here are for callers of the former single module.
"""

from relais.api.idempotency import IdempotencyConflict
from relais.incentives.rules import (
    REVIEWED,
    challenge_is_partner_eligible,
    challenge_partner_segment_ids,
    period_bounds,
    reward_is_eligible,
)
from relais.incentives.services.challenges import (
    challenge_close,
    challenge_create,
    challenge_rule_add,
    challenge_rule_remove,
    challenge_rule_update,
    challenge_set_status,
    challenge_update,
)
from relais.incentives.services.ledger import (
    EntryStatus,
    Hold,
    Kind,
    incentive_settings_save,
    leaderboard_rebuild,
    leaderboard_score_add,
    points_adjust,
    points_confirm,
    points_credit,
    points_debit,
    points_expire,
    points_hold,
    points_release,
    points_reverse,
)
from relais.incentives.services.rewards import (
    order_approve,
    order_cancel,
    order_cancel_by_partner,
    order_ship,
    reward_redeem,
    reward_save,
)
from relais.incentives.services.scoring import challenge_score_declaration, score_enqueue

__all__ = [
    "REVIEWED",
    "EntryStatus",
    "Hold",
    "IdempotencyConflict",
    "Kind",
    "challenge_close",
    "challenge_create",
    "challenge_is_partner_eligible",
    "challenge_partner_segment_ids",
    "challenge_rule_add",
    "challenge_rule_remove",
    "challenge_rule_update",
    "challenge_score_declaration",
    "challenge_set_status",
    "challenge_update",
    "incentive_settings_save",
    "leaderboard_rebuild",
    "leaderboard_score_add",
    "order_approve",
    "order_cancel",
    "order_cancel_by_partner",
    "order_ship",
    "period_bounds",
    "points_adjust",
    "points_confirm",
    "points_credit",
    "points_debit",
    "points_expire",
    "points_hold",
    "points_release",
    "points_reverse",
    "reward_is_eligible",
    "reward_redeem",
    "reward_save",
    "score_enqueue",
]
