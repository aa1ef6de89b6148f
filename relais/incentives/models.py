"""Challenges, versioned rules, objectives, the points ledger, leaderboards, rewards and redemption orders.

The ledger is append-only: a ``PointsEntry`` amount is never updated nor deleted. Positive entries are *lots*
(``remaining`` says how much of the lot is left); negative entries consume lots through ``LotAllocation`` rows,
soonest-expiring first. ``PointsAccount.balance`` is maintained in the same transaction as every entry, under a
row lock, and always equals the sum of the account's entries (and the sum of its lots' ``remaining``).

Earned lots may be *held* (the brand's ``IncentiveSettings``): until ``available_at``, or until the sales
period is reconciled (``awaits_reconciliation``), they cannot be spent. Holding is read at spending time from
the lot itself (``lot_available_q``), so no job has to run for a lot to become available on its date.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


class IncentiveSettings(TimeStampedModel):
    """A brand's rules for the points its partners earn: how long earned points are held before they can be
    spent. No row means the defaults (14 days, no wait for reconciliation)."""

    DEFAULT_HOLDING_DAYS = 14

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="incentive_settings")
    holding_days = models.PositiveIntegerField(_("holding period (days)"), default=DEFAULT_HOLDING_DAYS)
    # Hold earned points until the sales period is reconciled (``points_release``) instead of for a number of days.
    hold_until_reconciled = models.BooleanField(
        _("hold points until the period is reconciled"), default=False
    )

    class Meta:
        verbose_name = _("incentive settings")
        verbose_name_plural = _("incentive settings")

    def __str__(self) -> str:
        return f"incentive settings of {self.brand_id}"


class Challenge(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    class Beneficiary(models.TextChoices):
        PARTNER = "partner", _("Partner company")
        SELLER = "seller", _("Individual sellers")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="challenges")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # The name and description in other languages: {"en": {"name": ..., "description": ...}, "de": {...}};
    # a reader whose language is missing reads ``name`` / ``description`` (relais.incentives.texts).
    texts = models.JSONField(_("texts per language"), default=dict, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    segments = models.ManyToManyField(
        "network.Segment", blank=True, related_name="challenges", verbose_name=_("eligible segments")
    )
    # Points cap: the challenge never posts past it. Null means no cap.
    budget_points = models.PositiveBigIntegerField(_("budget (points)"), null=True, blank=True)
    # Net points posted by the challenge (earn minus reversals), maintained under the challenge's row lock.
    points_posted = models.BigIntegerField(default=0)
    points_cut = models.BigIntegerField(default=0)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    beneficiary = models.CharField(
        _("beneficiary"), max_length=10, choices=Beneficiary.choices, default=Beneficiary.PARTNER
    )
    points_validity_days = models.PositiveIntegerField(_("points valid for (days)"), default=365)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "name"]
        indexes = [models.Index(fields=["brand", "status"])]
        constraints = [
            models.CheckConstraint(
                name="challenge_period_ordered", condition=models.Q(period_end__gte=models.F("period_start"))
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def budget_left(self) -> int | None:
        if self.budget_points is None:
            return None
        return max(0, self.budget_points - self.points_posted)


class RuleKind(models.TextChoices):
    PER_LINE = "per_line", _("Points per declared line")
    PER_UNIT = "per_unit", _("Points per unit sold")
    PER_AMOUNT = "per_amount", _("Points per 100 of sales amount")
    QUALITY_BONUS = "quality_bonus", _("Declaration quality bonus")
    OBJECTIVE_BONUS = "objective_bonus", _("Objective attainment bonus")
    MULTIPLIER = "multiplier", _("Multiplier")


LINE_RULE_KINDS = {RuleKind.PER_LINE, RuleKind.PER_UNIT, RuleKind.PER_AMOUNT}


class ChallengeRule(models.Model):
    """One version of one rule. ``key`` identifies the rule across its versions.

    A version that points were posted with is never changed again: editing it creates version n+1 and
    closes this one (``is_current`` false). Ledger entries keep pointing at the version they were computed with.

    ``params`` by kind:
    - quality_bonus: ``{"on_time_days": 10, "shares": {"on_time": 40, "channel_split": 15,
      "customer_profile": 15, "feedback": 10, "consistent": 20}}`` (percent of ``points``);
    - objective_bonus: ``{"tiers": [[80, 100], [100, 300], [120, 600]]}`` (attainment percent, points);
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="rules")
    key = models.PositiveIntegerField()
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    points = models.DecimalField(_("points"), max_digits=12, decimal_places=2, default=0)
    factor = models.DecimalField(_("factor"), max_digits=6, decimal_places=2, default=1)
    # Multiplier restriction by sale channel ("" = any channel).
    channel = models.CharField(_("sale channel"), max_length=10, blank=True)
    product_gtins = models.JSONField(_("products (GTIN)"), default=list, blank=True)
    families = models.JSONField(_("product families"), default=list, blank=True)
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "key", "version"], name="rule_version_unique"),
            models.UniqueConstraint(
                fields=["challenge", "key"],
                condition=models.Q(is_current=True),
                name="one_current_version_per_rule",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class ObjectiveMetric(models.TextChoices):
    """What a whole-account objective counts, as a challenge's objective bonus reads it (the objectives
    themselves are ``relais.programs``' account objectives)."""

    UNITS = "units", _("Units")
    AMOUNT = "amount", _("Amount")


class PointsAccount(models.Model):
    """The running balance of a partner (``user`` null) or of one of its sellers."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, related_name="points_accounts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    balance = models.BigIntegerField(default=0)
    # The part of the balance still provisional (lots whose declaration can still be rejected).
    provisional = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["brand", "partner"], condition=models.Q(user__isnull=True), name="one_partner_account"
            ),
            models.UniqueConstraint(
                fields=["brand", "partner", "user"],
                condition=models.Q(user__isnull=False),
                name="one_seller_account",
            ),
            models.CheckConstraint(name="account_balance_not_negative", condition=models.Q(balance__gte=0)),
        ]

    def __str__(self) -> str:
        return f"account {self.partner_id}/{self.user_id or '-'}: {self.balance}"

    @property
    def confirmed(self) -> int:
        """What is no longer under review; held lots are part of it (``selectors.points_spendable`` is not)."""
        return self.balance - self.provisional


class PointsEntry(models.Model):
    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        REVERSE = "reverse", _("Reversed")
        EXPIRE = "expire", _("Expired")
        REDEEM = "redeem", _("Redeemed")
        REFUND = "refund", _("Refunded")
        ADJUST = "adjust", _("Adjustment")

    class Status(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional")
        CONFIRMED = "confirmed", _("Confirmed")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="entries")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    rule = models.ForeignKey(
        ChallengeRule, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    declaration = models.ForeignKey(
        "sellout.Declaration", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line = models.ForeignKey(
        "sellout.DeclarationLine", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.ForeignKey(
        "RedemptionOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    reversal_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    amount = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What the reader reads is worded at display from the code and its parameters (``relais.incentives.reasons``);
    # ``reason`` keeps the English wording, or the text as a person wrote it when there is no code.
    reason = models.CharField(max_length=300)
    reason_code = models.CharField(max_length=40, blank=True, default="")
    reason_params = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(max_length=120)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    expires_at = models.DateTimeField(null=True, blank=True)
    # For lots (amount > 0): what is left to spend. Always 0 on negative entries.
    remaining = models.BigIntegerField(default=0)
    # Holding of an earned lot: not spendable before ``available_at`` (null: no holding), nor while it
    # awaits the reconciliation of its sales period (``points_release`` then sets ``available_at``).
    available_at = models.DateTimeField(null=True, blank=True)
    awaits_reconciliation = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "idempotency_key"], name="points_entry_key_unique"),
            models.CheckConstraint(name="points_entry_amount_not_zero", condition=~models.Q(amount=0)),
            models.CheckConstraint(
                name="points_entry_hold_on_lots_only",
                condition=models.Q(amount__gt=0)
                | (models.Q(available_at__isnull=True) & models.Q(awaits_reconciliation=False)),
            ),
            models.CheckConstraint(
                name="points_entry_remaining_in_lot",
                condition=models.Q(remaining__gte=0)
                & (models.Q(remaining__lte=models.F("amount")) | models.Q(remaining=0)),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status", "expires_at"], name="points_lots_by_expiry"),
            models.Index(fields=["brand", "partner", "-created_at"]),
            models.Index(fields=["brand", "challenge", "kind"]),
            models.Index(fields=["declaration"]),
            models.Index(fields=["line"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount:+d} ({self.idempotency_key})"

    @property
    def is_held(self) -> bool:
        """Some of the lot is left and its holding is not over yet (it cannot be spent now)."""
        if self.amount <= 0 or self.remaining <= 0:
            return False
        return self.awaits_reconciliation or (
            self.available_at is not None and self.available_at > timezone.now()
        )


def lot_available_q(now: datetime) -> models.Q:
    """Lots whose holding is over at ``now`` (or that were never held); confirmation is checked apart."""
    return models.Q(awaits_reconciliation=False) & (
        models.Q(available_at__isnull=True) | models.Q(available_at__lte=now)
    )


class LotAllocation(models.Model):
    """How much of a lot a negative entry consumed."""

    debit = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="allocations")
    lot = models.ForeignKey(PointsEntry, on_delete=models.PROTECT, related_name="consumptions")
    amount = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(name="allocation_positive", condition=models.Q(amount__gt=0))]

    def __str__(self) -> str:
        return f"{self.amount} of lot {self.lot_id} by {self.debit_id}"


class LeaderboardScore(models.Model):
    """A partner's score in one challenge, overall (``segment`` null) and in each eligible segment.

    The rank is ``1 + COUNT(score > mine)`` on the (challenge, segment, score) index: the same cost at 1k or
    100k partners.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="scores")
    segment = models.ForeignKey("network.Segment", on_delete=models.CASCADE, null=True, blank=True)
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    score = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "segment", "partner"],
                condition=models.Q(segment__isnull=False),
                name="leaderboard_unique_in_segment",
            ),
            models.UniqueConstraint(
                fields=["challenge", "partner"],
                condition=models.Q(segment__isnull=True),
                name="leaderboard_unique_overall",
            ),
        ]
        indexes = [
            # partner last: the top of a board (score desc, partner desc) is read straight off the index.
            models.Index(fields=["challenge", "segment", "score", "partner"], name="leaderboard_rank"),
            # PostgreSQL cannot order by score through the index above when the segment is tested with IS NULL:
            # the overall board gets its own (partial) index for "the next score up".
            models.Index(
                fields=["challenge", "score", "partner"],
                condition=models.Q(segment__isnull=True),
                name="leaderboard_rank_overall",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} in {self.challenge_id}/{self.segment_id or '-'}: {self.score}"


class LeaderboardCount(models.Model):
    """How many partners of a board have a score whose ``level``-th radix prefix is ``prefix``.

    A radix tree of counts (256-way per level, ``LEADERBOARD_LEVELS`` levels over ``score + OFFSET``): the
    number of higher scores is the sum of at most 255 sibling counts per level, whatever the board's size.
    Maintained with ``LeaderboardScore`` in the same transaction, under the challenge's row lock.
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="+")
    segment = models.ForeignKey("network.Segment", on_delete=models.CASCADE, null=True, blank=True)
    level = models.PositiveSmallIntegerField()
    prefix = models.BigIntegerField()
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "segment", "level", "prefix"],
                condition=models.Q(segment__isnull=False),
                name="leaderboard_count_unique_in_segment",
            ),
            models.UniqueConstraint(
                fields=["challenge", "level", "prefix"],
                condition=models.Q(segment__isnull=True),
                name="leaderboard_count_unique_overall",
            ),
        ]
        indexes = [
            models.Index(fields=["challenge", "segment", "level", "prefix"], name="leaderboard_count_seek")
        ]

    def __str__(self) -> str:
        return f"{self.challenge_id}/{self.segment_id or '-'} L{self.level} {self.prefix}: {self.n}"


class Reward(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="rewards")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    texts = models.JSONField(_("texts per language"), default=dict, blank=True)  # as Challenge.texts
    points_price = models.PositiveIntegerField(_("price (points)"))
    # Null stock means unlimited (a training day, a co-op budget).
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True)
    segments = models.ManyToManyField(
        "network.Segment", blank=True, related_name="rewards", verbose_name=_("eligible segments")
    )
    is_active = models.BooleanField(_("active"), default=True)
    image_url = models.URLField(_("image URL"), blank=True)
    # The choices a partner makes when ordering (sizes, colours); empty: none to make.
    variants = models.JSONField(_("variants"), default=list, blank=True)
    needs_delivery = models.BooleanField(_("needs a delivery address"), default=False)
    # Orderable only by partners whose program tier grants premium rewards (a benefit read by the follow-ups).
    is_premium = models.BooleanField(_("premium"), default=False)

    class Meta:
        ordering = ["points_price", "name"]
        constraints = [
            models.CheckConstraint(name="reward_price_positive", condition=models.Q(points_price__gt=0))
        ]

    def __str__(self) -> str:
        return self.name


class RedemptionOrder(TimeStampedModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="orders")
    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="orders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField(default=1)
    variant = models.CharField(_("variant"), max_length=60, blank=True)
    delivery_address = models.TextField(_("delivery address"), blank=True)
    points_total = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    idempotency_key = models.CharField(max_length=120)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"], name="order_key_unique_per_partner"
            ),
            models.CheckConstraint(name="order_quantity_positive", condition=models.Q(quantity__gt=0)),
        ]
        indexes = [models.Index(fields=["brand", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.reward_id} for {self.partner_id} ({self.status})"
