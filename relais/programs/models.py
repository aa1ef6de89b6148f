"""Channel programs: a brand-wide base program and the segment (or channel) programs that inherit from it.

A program's ``content`` holds the aspects it sets itself — ``objectives``, ``assortment``, ``tiers`` — each one
whole: a segment program that sets ``tiers`` replaces the base's tiers, one that leaves the key out reads the
base's, so a change to the base shows in every program that does not override it (``rules.effective_content``).
Policies are rows (versioned, acknowledged per partner); a program without a policy of a kind reads the base's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel
from relais.network.models import Channel


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CLOSED = "closed", _("Closed")


class Program(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)
    # None for the base program; a segment or channel program inherits what it does not set from its base.
    base = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("base"),
    )
    segment = models.ForeignKey(
        "network.Segment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    content = models.JSONField(default=dict, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["base_id", "name"]
        indexes = [models.Index(fields=["brand", "status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_base(self) -> bool:
        return self.base_id is None


class PolicyKind(models.TextChoices):
    ACCOUNT_OPENING = "account_opening", _("Account opening")
    ORDER_HANDLING = "order_handling", _("Order handling")
    SERVICE_LEVELS = "service_levels", _("Delivery and service levels")
    PRICING = "pricing", _("Pricing and discount rules")


class Policy(TimeStampedModel):
    """A policy document of a program; its text lives in versions, the latest one being current."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="policies")
    kind = models.CharField(_("kind"), max_length=20, choices=PolicyKind.choices)
    title = models.CharField(_("title"), max_length=200)

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["program", "kind"], name="programs_one_policy_per_kind")
        ]

    def __str__(self) -> str:
        return self.title


class PolicyVersion(models.Model):
    """One version of a policy's text; never edited: a change is a new version, which asks partners again."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    body = models.TextField(_("text"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["policy_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="programs_policy_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} v{self.number}"


class PolicyAcknowledgement(models.Model):
    """A partner admin acknowledged one version of a policy for its company. Append-only."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    version = models.ForeignKey(PolicyVersion, on_delete=models.CASCADE, related_name="acknowledgements")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "partner"], name="programs_one_ack_per_version_and_partner"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} acknowledged {self.version_id}"


class TierMove(models.Model):
    """The tier a partner reached in a program for one period, with the one before: the tier history.

    Append-only, one row per (program, partner, period); the current tier is the latest row.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tier_moves")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField()
    period_end = models.DateField()
    tier = models.CharField(max_length=40, blank=True)  # a code of the program's tiers; empty: none reached
    previous_tier = models.CharField(max_length=40, blank=True)
    # What the tier was computed from (amount, attainment, data quality), for the partner's page.
    measures = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "partner", "period_start"], name="programs_one_tier_per_period"
            )
        ]
        indexes = [models.Index(fields=["partner", "-period_start"])]

    def __str__(self) -> str:
        return f"{self.partner_id}: {self.previous_tier or '-'} → {self.tier or '-'}"


class ObjectiveMetric(models.TextChoices):
    UNITS = "units", _("Units")
    AMOUNT = "amount", _("Amount")
    MIX_SHARE = "mix_share", _("Share of a family in the amount")


class ObjectiveSource(models.TextChoices):
    ENTERED = "entered", _("Entered")
    IMPORTED = "imported", _("Imported")
    PROPOSED = "proposed", _("Proposed from history")


class AccountObjective(TimeStampedModel):
    """One partner's target for a period: the one place objectives are kept (programs' account objectives,
    and what a challenge's objective bonus reads through ``relais.followups.programs``).

    Whole account, one product family or one product (``scope``); ``mix_share`` is the percent of the
    partner's amount that ``family`` makes.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="account_objectives"
    )
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    metric = models.CharField(
        _("metric"), max_length=10, choices=ObjectiveMetric.choices, default=ObjectiveMetric.AMOUNT
    )
    family = models.CharField(_("family"), max_length=100, blank=True)
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # "" for the whole account, "family:<name>" or "product:<id>": one objective per metric and scope.
    scope = models.CharField(max_length=120, blank=True, editable=False)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    source = models.CharField(
        _("source"), max_length=10, choices=ObjectiveSource.choices, default=ObjectiveSource.ENTERED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-period_start", "partner_id", "metric", "scope"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period_start", "period_end", "metric", "scope"],
                name="programs_account_objective_unique",
            ),
            models.CheckConstraint(
                name="programs_objective_target_positive", condition=models.Q(target__gt=0)
            ),
            models.CheckConstraint(
                name="programs_mix_objective_names_family",
                condition=~models.Q(metric="mix_share") | ~models.Q(family=""),
            ),
        ]
        indexes = [models.Index(fields=["brand", "period_start", "period_end"])]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.metric} {self.scope} {self.target}"


class ProgressRollup(models.Model):
    """A program's attainment per account, computed by a job (``program_rollup_refresh``) so the brand's
    dashboard reads one row per partner instead of the sell-out lines; ``computed_at`` is shown as its as-of."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+", db_index=False)
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rollups")
    partner = models.ForeignKey("network.PartnerCompany", on_delete=models.CASCADE, related_name="+")
    amount = models.FloatField(default=0)
    units = models.BigIntegerField(default=0)
    attainment = models.FloatField(null=True)  # of the account objective that tiers use; None without one
    reached = models.BooleanField(default=False)
    # The account's other measures for the dashboard: new customers, repeat share, assortment compliance,
    # the attainment of each account objective (in the program's order).
    measures = models.JSONField(default=dict, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "partner"], name="programs_one_rollup_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.program_id}/{self.partner_id}: {self.attainment}"
