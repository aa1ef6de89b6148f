"""Inviting many partner users from one file: e-mail, partner code, role, one row each.

Read with the same tabular reader as every import (CSV or spreadsheet); each bad row is reported with its row
number and field, nothing is written for it; a dry run (the preview) writes nothing at all. Partners and
existing accounts are looked up once for the whole file, the invitations written with one ``bulk_create``
and their e-mails sent after commit in one connection.
"""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import Invitation, Role, User
from relais.accounts.services import INVITATION_VALIDITY, _base_url, invitation_token_hash
from relais.audit.services import audit_record
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.tabular import ImportReport, RowError, Table, columns_map
from relais.network.models import PartnerCompany

INVITATION_COLUMNS: dict[str, set[str]] = {
    "email": {"e_mail", "mail", "courriel", "adresse_e_mail", "adresse_mail"},
    "partner_code": {"code", "partner", "code_partenaire", "partenaire", "company_code"},
    "role": {"role", "profil", "profile", "fonction"},
}
ROLE_WORDS: dict[str, str] = {
    "partner_admin": Role.PARTNER_ADMIN,
    "admin": Role.PARTNER_ADMIN,
    "administrateur": Role.PARTNER_ADMIN,
    "partner_seller": Role.PARTNER_SELLER,
    "seller": Role.PARTNER_SELLER,
    "vendeur": Role.PARTNER_SELLER,
    "vendeuse": Role.PARTNER_SELLER,
    "": Role.PARTNER_SELLER,
}


def _cell(cells: list[object], index: int | None) -> str:
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    return str(cells[index]).strip()


def _rows_check(
    *, brand: Brand, table: Table, columns: dict[str, int]
) -> tuple[list[tuple[int, str, str, PartnerCompany]], list[RowError]]:
    codes = {_cell(cells, columns["partner_code"]) for _row, cells in table.rows}
    partners = {p.code: p for p in PartnerCompany.objects.filter(brand=brand, code__in=codes - {""})}
    emails = {_cell(cells, columns["email"]).lower() for _row, cells in table.rows}
    taken = set(User.objects.filter(email__in=emails - {""}).values_list("email", flat=True))
    good: list[tuple[int, str, str, PartnerCompany]] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row, cells in table.rows:
        email = _cell(cells, columns["email"]).lower()
        code = _cell(cells, columns["partner_code"])
        role_text = _cell(cells, columns.get("role")).lower().replace(" ", "_").replace("-", "_")
        before = len(errors)
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                RowError(row, "email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            )
        else:
            if email in taken:
                errors.append(
                    RowError(row, "email", _("%(email)s already has a Relais account.") % {"email": email})
                )
            elif email in seen:
                errors.append(
                    RowError(
                        row,
                        "email",
                        _("%(email)s already appears on row %(row)s.") % {"email": email, "row": seen[email]},
                    )
                )
        partner = partners.get(code)
        if partner is None:
            errors.append(
                RowError(row, "partner_code", _("No partner has the code “%(code)s”.") % {"code": code})
            )
        role = ROLE_WORDS.get(role_text)
        if role is None:
            errors.append(
                RowError(
                    row,
                    "role",
                    _("“%(value)s” is not a role: partner_admin or partner_seller.") % {"value": role_text},
                )
            )
        if len(errors) == before and partner is not None and role is not None:
            seen[email] = row
            good.append((row, email, role, partner))
    return good, errors


@transaction.atomic
def invitations_bulk_create(
    *, invited_by: User, brand: Brand, table: Table, dry_run: bool = False, base_url: str | None = None
) -> ImportReport:
    """Invite every good row's address into its partner company with its role (partner admin or seller;
    seller when the cell is blank); report the bad rows. Brand admins and channel managers of ``brand`` only.
    A pending invitation of the same address in the brand is replaced. Raises ApplicationError when the
    e-mail or partner code column is missing."""
    if not invited_by.is_brand_user or invited_by.brand_id != brand.pk or not invited_by.is_active:
        raise ApplicationError(_("You cannot invite users to this brand."))
    columns, unknown = columns_map(table.headers, INVITATION_COLUMNS)
    missing = [name for name in ("email", "partner_code") if name not in columns]
    if missing:
        raise ApplicationError(
            _("The file has no %(columns)s column (found: %(headers)s).")
            % {"columns": ", ".join(missing), "headers": ", ".join(h for h in table.headers if h) or "—"}
        )
    good, errors = _rows_check(brand=brand, table=table, columns=columns)
    report = ImportReport(unknown_columns=unknown, dry_run=dry_run, errors=errors)
    report.rejected = len({e.row for e in errors})
    report.created = len(good)
    if dry_run or not good:
        return report
    Invitation.objects.filter(
        brand=brand, email__in=[email for _row, email, _role, _p in good], accepted_at__isnull=True
    ).delete()
    expires_at = timezone.now() + INVITATION_VALIDITY
    tokens = [secrets.token_urlsafe(32) for _ in good]
    invitations = Invitation.objects.bulk_create(
        Invitation(
            brand=brand,
            partner=partner,
            email=email,
            role=role,
            token_hash=invitation_token_hash(token),
            invited_by=invited_by,
            expires_at=expires_at,
        )
        for (_row, email, role, partner), token in zip(good, tokens, strict=True)
    )
    messages = [
        _message(invitation, token, base_url) for invitation, token in zip(invitations, tokens, strict=True)
    ]
    transaction.on_commit(lambda: get_connection().send_messages(messages))
    audit_record(
        brand=brand,
        actor=invited_by,
        action="user.invited_from_file",
        target_label=_("%(count)s invitations") % {"count": len(good)},
        details={"count": len(good), "rejected": report.rejected},
    )
    return report


def _message(invitation: Invitation, token: str, base_url: str | None) -> EmailMessage:
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
    return EmailMessage(subject, body, None, [invitation.email])
