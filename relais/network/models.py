"""The partner network: companies, their sites and users, and dynamic segments over them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


class PartnerKind(models.TextChoices):
    DISTRIBUTOR = "distributor", _("Distributor")
    WHOLESALER = "wholesaler", _("Wholesaler")
    RESELLER = "reseller", _("Reseller")
    FRANCHISEE = "franchisee", _("Franchisee")
    AGENT = "agent", _("Agent")
    RETAILER = "retailer", _("Retailer")


class Organisation(models.TextChoices):
    MONO_BRAND = "mono_brand", _("Mono-brand")
    MULTI_BRAND = "multi_brand", _("Multi-brand")


class Channel(models.TextChoices):
    DIRECT = "direct", _("Direct")
    WEB = "web", _("Web")
    AGENTS = "agents", _("Agents")
    RETAIL = "retail", _("Retail")


class Tier(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")
    NONE = "none", _("None")


class PartnerCompany(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="partners")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=PartnerKind.choices)
    organisation = models.CharField(_("organisation"), max_length=20, choices=Organisation.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.RETAIL)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent distributor"),
    )
    # The brand decides which partners are distributors: a distributor's admin sees its resellers (the
    # partners whose ``parent`` it is) and declares on their behalf (relais.sellout.distributor).
    is_distributor = models.BooleanField(_("distributor (declares for its resellers)"), default=False)
    # Set by the partner's admin: its sellers see every declaration of the company, not only their own.
    sellers_see_company_declarations = models.BooleanField(
        _("sellers see all the company's declarations"), default=False
    )
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    potential = models.DecimalField(
        _("annual potential"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    potential_tier = models.CharField(
        _("potential tier"), max_length=10, choices=Tier.choices, default=Tier.NONE
    )
    # Activity is computed from sell-out declarations (amount over the last 12 months).
    activity_amount_12m = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    activity_tier = models.CharField(
        _("activity tier"), max_length=10, choices=Tier.choices, default=Tier.NONE
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner company")
        verbose_name_plural = _("partner companies")
        constraints = [
            models.UniqueConstraint(fields=["brand", "code"], name="partner_code_unique_per_brand")
        ]
        indexes = [
            models.Index(fields=["brand", "country", "region"]),
            models.Index(fields=["brand", "kind"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Site(TimeStampedModel):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(PartnerCompany, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=100, blank=True)
    gln = models.CharField(_("GLN"), max_length=13, blank=True)
    is_main = models.BooleanField(_("main site"), default=False)

    class Meta:
        ordering = ["-is_main", "name"]

    def __str__(self) -> str:
        return self.name


class Segment(TimeStampedModel):
    """A saved, dynamic selection of partners. ``rules`` maps a partner field to the accepted values:
    fields are ANDed, values within a field ORed, e.g. ``{"kind": ["reseller"], "country": ["FR", "BE"]}``.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="segments")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Partners never see ``name`` (an internal word such as "Fort potentiel"): they see this label, or a
    # neutral "comparable partners" when the brand leaves it empty.
    public_label = models.CharField(
        _("label shown to partners"),
        max_length=120,
        blank=True,
        help_text=_(
            "Leave empty to keep the segment unnamed for partners (they read “comparable partners”)."
        ),
    )
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    member_count = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["brand", "name"], name="segment_name_unique_per_brand")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def partner_label(self) -> str:
        """What a partner reads for this segment, in the reader's language when it is the neutral one."""
        return self.public_label or gettext("Comparable partners")


class SegmentMembership(models.Model):
    """Who was in which segment when: a row per stay, closed (valid_to) when the partner leaves."""

    segment = models.ForeignKey(Segment, on_delete=models.CASCADE, related_name="memberships")
    partner = models.ForeignKey(PartnerCompany, on_delete=models.CASCADE, related_name="segment_memberships")
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["segment", "partner"],
                condition=models.Q(valid_to__isnull=True),
                name="one_open_membership_per_segment_partner",
            )
        ]
        indexes = [models.Index(fields=["partner", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.partner_id} in {self.segment_id} from {self.valid_from:%Y-%m-%d}"
