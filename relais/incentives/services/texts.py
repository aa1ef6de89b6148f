"""The brand's challenge and reward texts in other languages (``relais.incentives.texts``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from relais.incentives.models import Challenge, Reward
from relais.incentives.texts import texts_clean


@transaction.atomic
def challenge_texts_set(*, challenge: Challenge, texts: dict[str, Any]) -> Challenge:
    """Replace the challenge's name and description in other languages (unknown languages dropped)."""
    challenge.texts = texts_clean(texts)
    challenge.save(update_fields=["texts", "updated_at"])
    return challenge


@transaction.atomic
def reward_texts_set(*, reward: Reward, texts: dict[str, Any]) -> Reward:
    """Replace the reward's name and description in other languages (unknown languages dropped)."""
    reward.texts = texts_clean(texts)
    reward.save(update_fields=["texts", "updated_at"])
    return reward
