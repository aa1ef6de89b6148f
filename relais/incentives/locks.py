"""Row locks of the incentives domain, always taken in the same order: challenge, then account, then reward.

Every service that needs more than one of these locks takes them through these helpers and in that order, so
two transactions can never wait on each other in a cycle. On SQLite ``select_for_update`` is a no-op and the
IMMEDIATE transaction mode serialises writers instead.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from relais.incentives.models import Challenge, PointsAccount, Reward


def lock_challenge(challenge_id: int) -> Challenge:
    return Challenge.objects.select_for_update().get(pk=challenge_id)


def lock_account(*, brand_id: int, partner_id: int, user_id: int | None = None) -> PointsAccount:
    """The account row, locked; created first if the partner (or seller) has none yet."""
    qs = PointsAccount.objects.select_for_update().filter(brand_id=brand_id, partner_id=partner_id)
    qs = qs.filter(user_id=user_id) if user_id is not None else qs.filter(user__isnull=True)
    account = qs.first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            PointsAccount.objects.create(brand_id=brand_id, partner_id=partner_id, user_id=user_id)
    except IntegrityError:
        pass  # another transaction created it first: lock theirs
    return qs.get()


def lock_account_by_id(account_id: int) -> PointsAccount:
    return PointsAccount.objects.select_for_update().get(pk=account_id)


def lock_reward(reward_id: int) -> Reward:
    return Reward.objects.select_for_update().get(pk=reward_id)
