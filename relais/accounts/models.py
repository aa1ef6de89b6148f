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
