"""Writes on users: creation, invitations and the login throttle."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from relais.accounts.memberships import membership_add
from relais.accounts.models import BRAND_ROLES, PARTNER_ROLES, Invitation, Membership, Role, User
from relais.audit.services import audit_record
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.operator import brand_create, brand_set_active
from relais.network.models import PartnerCompany


@transaction.atomic
def user_create(
    *,
    email: str,
    role: str,
    password: str | None = None,
    brand: Brand | None = None,
    partner: PartnerCompany | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a user whose role matches its brand/partner attachment."""
    email = email.strip().lower()
    if role in PARTNER_ROLES and partner is None:
        raise ApplicationError(_("A partner user needs a partner company."))
    if role in BRAND_ROLES and brand is None:
        raise ApplicationError(_("A brand user needs a brand."))
    if partner is not None:
        brand = partner.brand
    if User.objects.filter(email=email).exists():
        raise ApplicationError(_("A user with the e-mail %(email)s already exists.") % {"email": email})
    user = User.objects.create_user(
        email=email,
        password=password,
        role=role,
        brand=brand if role != Role.OPERATOR else None,
        partner=partner if role in PARTNER_ROLES else None,
        first_name=first_name,
        last_name=last_name,
        is_staff=role == Role.OPERATOR,
        is_superuser=role == Role.OPERATOR,
    )
    if user.brand_id is not None:
        # The person's first membership: the brand it joins (relais.accounts.memberships).
        Membership.objects.create(user=user, brand_id=user.brand_id, partner_id=user.partner_id, role=role)
    return user


def _may_manage_partner_user(*, by: User, user: User) -> bool:
    if not user.is_partner_user or user.pk == by.pk or not by.is_active:
        return False
    if by.is_brand_user:
        return by.brand_id == user.brand_id
    if by.role == Role.PARTNER_ADMIN:
        return by.partner_id == user.partner_id and user.role == Role.PARTNER_SELLER
    return False


@transaction.atomic
def user_set_active(*, user: User, by: User, is_active: bool) -> User:
    """Deactivate (or reactivate) a partner user: brand staff for any partner of their brand, a partner
    admin for the sellers of their company. Nobody switches themselves off; history stays attached."""
    if not _may_manage_partner_user(by=by, user=user):
        raise ApplicationError(_("You cannot change this user’s access."))
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
    return user


def _throttle_counters(email: str, ip: str) -> list[tuple[str, int]]:
    """The failure counters a login attempt moves, each with its limit within the window: the (e-mail, IP)
    pair (a person mistyping), the e-mail from any IP (one account attacked from many addresses) and the IP
    for any e-mail (one address trying many accounts).

    ``ip`` is the real client address (``relais.core.client_ip``), not the proxy's. The per-IP limit is
    deliberately much higher than the others (``RELAIS_LOGIN_MAX_ATTEMPTS_PER_IP``, 300 by default): the
    pair and account counters protect each account; the address counter only brakes one machine spraying
    many accounts, and must not lock out an office whose people share one NAT address because somebody
    typed 50 wrong e-mails. It answers every e-mail the same way once reached (refusing only unknown
    accounts would tell an attacker which accounts exist)."""
    account = email.strip().lower()
    return [
        (f"login-fail:{account}:{ip}", settings.RELAIS_LOGIN_MAX_ATTEMPTS),
        (f"login-fail-account:{account}", settings.RELAIS_LOGIN_MAX_ATTEMPTS_PER_ACCOUNT),
        (f"login-fail-ip:{ip}", settings.RELAIS_LOGIN_MAX_ATTEMPTS_PER_IP),
    ]


def _counters_reached(counters: list[tuple[str, int]]) -> bool:
    counts = cache.get_many([key for key, _limit in counters])
    return any(counts.get(key, 0) >= limit for key, limit in counters)


def _counters_increment(counters: list[tuple[str, int]], *, timeout: int) -> list[int]:
    counts = []
    for key, _limit in counters:
        if cache.add(key, 1, timeout=timeout):
            counts.append(1)
            continue
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def login_is_throttled(*, email: str, ip: str) -> bool:
    """True when any of the attempt's counters reached its limit (see ``_throttle_counters``)."""
    return _counters_reached(_throttle_counters(email, ip))


def login_failure_record(*, email: str, ip: str) -> int:
    """Count a failed login on each counter; the counters expire with the window. Returns the (e-mail, IP)
    count."""
    counters = _throttle_counters(email, ip)
    return _counters_increment(counters, timeout=settings.RELAIS_LOGIN_WINDOW_SECONDS)[0]


def login_failures_clear(*, email: str, ip: str) -> None:
    """A successful login clears the person's own counter only: an attack on the account or from the
    address is still counted."""
    cache.delete(_throttle_counters(email, ip)[0][0])


def _password_reset_counters(email: str, ip: str) -> list[tuple[str, int]]:
    """Reset requests within the window, per requested e-mail (whether or not it has an account, so the
    answer does not tell which addresses exist) and per client IP."""
    account = email.strip().lower()
    return [
        (f"reset-request:{account}", settings.RELAIS_PASSWORD_RESET_MAX_PER_EMAIL),
        (f"reset-request-ip:{ip}", settings.RELAIS_PASSWORD_RESET_MAX_PER_IP),
    ]


def password_reset_request_allow(*, email: str, ip: str) -> bool:
    """Count one password-reset request; False (and nothing counted) when the e-mail or the IP already
    reached its limit in the window: no more reset e-mails to flood an inbox or the mail server with."""
    counters = _password_reset_counters(email, ip)
    if _counters_reached(counters):
        return False
    _counters_increment(counters, timeout=settings.RELAIS_PASSWORD_RESET_WINDOW_SECONDS)
    return True


# --- invitations ------------------------------------------------------------------------------------

INVITATION_VALIDITY = timedelta(days=7)


def invitation_token_hash(token: str) -> str:
    """Only this digest is stored: a database leak does not reveal usable invitation links."""
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_may_invite(*, invited_by: User, role: str, partner: PartnerCompany) -> bool:
    if role not in PARTNER_ROLES or not invited_by.is_active:
        return False
    if invited_by.is_brand_user:
        return invited_by.brand_id == partner.brand_id
    if invited_by.role == Role.PARTNER_ADMIN:
        return invited_by.partner_id == partner.pk and role == Role.PARTNER_SELLER
    return False


def _base_url(base_url: str | None) -> str:
    return (base_url or getattr(settings, "RELAIS_BASE_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def _invitation_email_send_on_commit(*, invitation: Invitation, token: str, base_url: str | None) -> None:
    """Render the e-mail now (in the inviter's language) and send it once the invitation is committed."""
    context = {
        "invitation": invitation,
        "partner": invitation.partner,
        "brand": invitation.brand,
        "inviter": invitation.invited_by,
        "role": invitation.get_role_display(),
        "accept_url": _base_url(base_url) + reverse("accounts:invitation_accept", kwargs={"token": token}),
        "expires_at": invitation.expires_at,
    }
    subject = " ".join(render_to_string("accounts/emails/invitation_subject.txt", context).split())
    body = render_to_string("accounts/emails/invitation_body.txt", context)
    recipient = invitation.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))


def _account_exists_email_send_on_commit(
    *, user: User, invited_by: User, partner: PartnerCompany, base_url: str | None
) -> None:
    """Tell an existing account holder who wanted to add them where, and how to log in (after commit)."""
    context = {
        "user": user,
        "partner": partner,
        "brand": partner.brand,
        "inviter": invited_by,
        "already_member": user.partner_id == partner.pk,
        "login_url": _base_url(base_url) + reverse("accounts:login"),
    }
    subject = " ".join(render_to_string("accounts/emails/account_exists_subject.txt", context).split())
    body = render_to_string("accounts/emails/account_exists_body.txt", context)
    recipient = user.email
    transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]))


@transaction.atomic
def invitation_create(
    *,
    invited_by: User,
    email: str,
    role: str,
    partner: PartnerCompany,
    base_url: str | None = None,
) -> Invitation:
    """Invite someone to join ``partner`` as partner admin or seller, and e-mail the link after commit.

    Brand staff invite into any partner of their brand; a partner admin invites sellers of their own
    company. A pending invitation for the same address in the brand is replaced by this one. Only the
    SHA-256 of the random token is stored; the link is valid for seven days. An address that already
    has an account is refused here; the invite form goes through ``invitation_send``, which does not
    tell the inviter.
    """
    if not _invitation_may_invite(invited_by=invited_by, role=role, partner=partner):
        raise ApplicationError(_("You cannot invite this kind of user to this company."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(_("Enter a valid e-mail address."), extra={"field": "email"}) from exc
    if User.objects.filter(email=email).exists():
        raise ApplicationError(
            _("%(email)s already has a Relais account.") % {"email": email}, extra={"field": "email"}
        )
    Invitation.objects.filter(brand_id=partner.brand_id, email=email, accepted_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        brand_id=partner.brand_id,
        partner=partner,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    _invitation_email_send_on_commit(invitation=invitation, token=token, base_url=base_url)
    return invitation


@transaction.atomic
def invitation_send(
    *,
    invited_by: User,
    email: str,
    role: str,
    partner: PartnerCompany,
    base_url: str | None = None,
) -> Invitation | None:
    """What the invite form does: ``invitation_create`` for a new address; for an address that already
    has an account, no invitation (``None``) but a notice to its holder (added to the company, or asked
    to be, and where to log in), after commit.

    The inviter is told "invitation sent" either way, so the form never reveals who has an account; the
    permission check runs first, so an inviter who may not invite learns nothing either.
    """
    if not _invitation_may_invite(invited_by=invited_by, role=role, partner=partner):
        raise ApplicationError(_("You cannot invite this kind of user to this company."))
    normalized = (email or "").strip().lower()
    existing = User.objects.filter(email=normalized).first() if normalized else None
    if existing is None:
        return invitation_create(
            invited_by=invited_by, email=email, role=role, partner=partner, base_url=base_url
        )
    if not existing.is_operator and not existing.memberships.filter(brand_id=partner.brand_id).exists():
        # A person already on Relais for another brand joins this one with the same login: one more
        # membership, and the notice tells them to switch brand after logging in.
        membership_add(user=existing, brand=partner.brand, role=role, partner=partner)
    _account_exists_email_send_on_commit(
        user=existing, invited_by=invited_by, partner=partner, base_url=base_url
    )
    return None


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User, base_url: str | None = None) -> Invitation:
    """Send a fresh link (new token, seven more days); the previous link stops working."""
    if invitation.accepted_at is not None:
        raise ApplicationError(_("This invitation has already been accepted."))
    if invitation.partner is None or not _invitation_may_invite(
        invited_by=by, role=invitation.role, partner=invitation.partner
    ):
        raise ApplicationError(_("You cannot resend this invitation."))
    token = secrets.token_urlsafe(32)
    invitation.token_hash = invitation_token_hash(token)
    invitation.expires_at = timezone.now() + INVITATION_VALIDITY
    invitation.save(update_fields=["token_hash", "expires_at", "updated_at"])
    _invitation_email_send_on_commit(invitation=invitation, token=token, base_url=base_url)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> None:
    """Withdraw a pending invitation: its link stops working."""
    if invitation.accepted_at is not None:
        raise ApplicationError(_("This invitation has already been accepted."))
    if invitation.partner is None or not _invitation_may_invite(
        invited_by=by, role=invitation.role, partner=invitation.partner
    ):
        raise ApplicationError(_("You cannot withdraw this invitation."))
    invitation.delete()


def invitation_check(invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be accepted, else ApplicationError with a message for the invitee."""
    if invitation is None:
        raise ApplicationError(
            _("This invitation link is not valid. Ask the person who invited you to send a new one.")
        )
    if invitation.accepted_at is not None:
        raise ApplicationError(
            _("This invitation has already been used. Log in with %(email)s.") % {"email": invitation.email}
        )
    if invitation.expires_at <= timezone.now():
        raise ApplicationError(
            _("This invitation expired on %(date)s. Ask the person who invited you to send a new one.")
            % {"date": date_format(timezone.localtime(invitation.expires_at), "DATE_FORMAT")}
        )
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str, first_name: str, last_name: str) -> User:
    """Turn a valid invitation into a user account with the invited role and company.

    Unknown, already used and expired tokens are refused with a message the invitee can act on; the
    password must pass the project's password validators.
    """
    invitation = invitation_check(
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partner", "brand")
        .filter(token_hash=invitation_token_hash(token))
        .first()
    )
    candidate = User(email=invitation.email, first_name=first_name, last_name=last_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), extra={"field": "password"}) from exc
    user = user_create(
        email=invitation.email,
        role=invitation.role,
        password=password,
        brand=invitation.brand,
        partner=invitation.partner,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_user = user
    invitation.save(update_fields=["accepted_at", "accepted_user", "updated_at"])
    return user


# --- brand self-service: the brand's own users, bulk invitations, the operator's brands ---------------


def _brand_invitation_may_invite(*, invited_by: User, brand: Brand, role: str) -> bool:
    """The operator invites a brand's first admin; a brand admin invites colleagues of their own brand."""
    if role not in BRAND_ROLES or not invited_by.is_active:
        return False
    if invited_by.is_operator:
        return True
    return invited_by.role == Role.BRAND_ADMIN and invited_by.brand_id == brand.pk


@transaction.atomic
def invitation_brand_user_create(
    *, invited_by: User, brand: Brand, email: str, role: str, base_url: str | None = None
) -> Invitation:
    """Invite a brand admin or a channel manager of ``brand`` (no partner company); the e-mail carries the
    same kind of link as a partner's invitation and the invitee sets their password on accepting it. An
    address that already has an account is refused (the inviter is brand staff or the operator, who may
    know)."""
    if not _brand_invitation_may_invite(invited_by=invited_by, brand=brand, role=role):
        raise ApplicationError(_("You cannot invite this kind of user to this brand."))
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ApplicationError(_("Enter a valid e-mail address."), extra={"field": "email"}) from exc
    if User.objects.filter(email=email).exists():
        raise ApplicationError(
            _("%(email)s already has a Relais account.") % {"email": email}, extra={"field": "email"}
        )
    Invitation.objects.filter(brand=brand, email=email, accepted_at__isnull=True).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        brand=brand,
        partner=None,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    context = {
        "brand": brand,
        "inviter": invited_by,
        "role": invitation.get_role_display(),
        "accept_url": _base_url(base_url) + reverse("accounts:invitation_accept", kwargs={"token": token}),
        "expires_at": invitation.expires_at,
    }
    subject = " ".join(render_to_string("accounts/emails/brand_invitation_subject.txt", context).split())
    body = render_to_string("accounts/emails/brand_invitation_body.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [email]))
    audit_record(
        brand=brand, actor=invited_by, action="user.invited", target_label=email, details={"role": role}
    )
    return invitation


@transaction.atomic
def brand_user_set_active(*, user: User, by: User, is_active: bool) -> User:
    """A brand admin switches a colleague's access off (or back on); never their own, never another brand's."""
    if (
        by.role != Role.BRAND_ADMIN
        or not by.is_active
        or user.pk == by.pk
        or not user.is_brand_user
        or user.brand_id != by.brand_id
    ):
        raise ApplicationError(_("You cannot change this user’s access."))
    if user.is_active != is_active:
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        audit_record(
            brand=user.brand,
            actor=by,
            action="user.reactivated" if is_active else "user.deactivated",
            target=user,
        )
    return user


@transaction.atomic
def brand_create_with_admin(
    *, by: User, slug: str, name: str, currency: str, admin_email: str, base_url: str | None = None
) -> tuple[Brand, Invitation]:
    """The operator creates a brand and invites its first brand admin, who chooses a password from the
    e-mail's link. Both or neither: a refused address leaves no brand behind."""
    if not by.is_operator:
        raise ApplicationError(_("Only a platform operator creates brands."))
    brand = brand_create(slug=slug, name=name, currency=currency)
    invitation = invitation_brand_user_create(
        invited_by=by, brand=brand, email=admin_email, role=Role.BRAND_ADMIN, base_url=base_url
    )
    audit_record(
        brand=brand,
        actor=by,
        action="brand.created",
        target=brand,
        details={"slug": brand.slug, "currency": brand.currency, "admin": invitation.email},
    )
    return brand, invitation


@transaction.atomic
def brand_activation_set(*, by: User, brand: Brand, is_active: bool) -> bool:
    """The operator suspends (or reactivates) a brand; audited in the brand's log when it changed."""
    if not by.is_operator:
        raise ApplicationError(_("Only a platform operator suspends brands."))
    changed = brand_set_active(brand=brand, is_active=is_active)
    if changed:
        audit_record(
            brand=brand,
            actor=by,
            action="brand.reactivated" if is_active else "brand.suspended",
            target=brand,
        )
    return changed
