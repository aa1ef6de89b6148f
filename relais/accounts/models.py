"""Users log in by e-mail; a role says what they are, brand and partner say whose data they see."""

from __future__ import annotations

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand, TimeStampedModel


class Role(models.TextChoices):
    OPERATOR = "operator", _("Platform operator")
    BRAND_ADMIN = "brand_admin", _("Brand admin")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    PARTNER_ADMIN = "partner_admin", _("Partner admin")
    PARTNER_SELLER = "partner_seller", _("Partner seller")


BRAND_ROLES = {Role.BRAND_ADMIN, Role.CHANNEL_MANAGER}
PARTNER_ROLES = {Role.PARTNER_ADMIN, Role.PARTNER_SELLER}


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.OPERATOR)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="users")
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, null=True, blank=True, related_name="users"
    )
    preferred_language = models.CharField(_("language"), max_length=8, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                name="user_partner_roles_have_partner",
                condition=~models.Q(role__in=["partner_admin", "partner_seller"])
                | models.Q(partner__isnull=False),
            ),
            models.CheckConstraint(
                name="user_brand_roles_have_brand",
                condition=models.Q(role="operator") | models.Q(brand__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_brand_user(self) -> bool:
        return self.role in BRAND_ROLES

    @property
    def is_partner_user(self) -> bool:
        return self.role in PARTNER_ROLES

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class Invitation(TimeStampedModel):
    """A brand invites a partner user (or a colleague); the token is stored hashed."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]


class ChannelScope(TimeStampedModel):
    """The partners a channel manager works on, in one brand: a territory (countries) and/or segments.

    Both given: the partners of those countries that are in one of those segments. No row, or an empty one:
    the whole brand, like a brand admin. Read through ``relais.accounts.access.access_brand_partner_scope``,
    the one place that turns it into a partner filter; written by ``relais.accounts.scopes.brand_user_scope_set``.
    """

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="channel_scopes")
    countries = models.JSONField(_("countries"), default=list, blank=True)
    segments = models.ManyToManyField(
        "network.Segment", blank=True, related_name="+", verbose_name=_("segments")
    )
    set_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="channel_scope_one_per_user_brand")
        ]

    def __str__(self) -> str:
        return f"scope of {self.user_id} in {self.brand_id}"


class Membership(TimeStampedModel):
    """A person's relationship with one brand: its staff, or a user of one of its partner companies.

    A login (``User``) belongs to a person; memberships link it to several brands. The user row holds the
    login's own one; the one a browser session switched to is laid over ``request.user`` in memory
    (``relais.accounts.middleware.ActiveMembershipMiddleware``), which every access helper reads, so each
    session works in one brand and reaches another's objects only after switching. Each brand reads only its
    own memberships of the person.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    partner = models.ForeignKey(
        "network.PartnerCompany", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["brand__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "brand"], name="membership_one_per_user_brand"),
            models.CheckConstraint(
                name="membership_partner_roles_have_partner",
                condition=~models.Q(role__in=["partner_admin", "partner_seller"])
                | models.Q(partner__isnull=False),
            ),
            models.CheckConstraint(name="membership_not_operator", condition=~models.Q(role="operator")),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} as {self.role} in {self.brand_id}"
