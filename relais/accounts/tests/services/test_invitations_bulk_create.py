"""Invitations from a file: every bad row named with its field, nothing written on a preview, one bulk write."""

from __future__ import annotations

import pytest
from django.core import mail

from relais.accounts.invitations_import import invitations_bulk_create
from relais.accounts.models import Invitation, Role
from relais.audit.models import AuditEntry
from relais.core.errors import ApplicationError
from relais.core.tabular import Table
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def _table(*rows):
    return Table(
        headers=["E-mail", "Code partenaire", "Rôle"], rows=[(n + 2, list(r)) for n, r in enumerate(rows)]
    )


def test_a_preview_reports_each_bad_row_and_writes_nothing(brand, brand_admin, partner, partner_admin):
    table = _table(
        ["ok@martin.test", "R001", "vendeur"],
        ["not-an-address", "R001", "seller"],
        ["x@martin.test", "NOPE", "admin"],
        ["y@martin.test", "R001", "boss"],
        [partner_admin.email, "R001", ""],
        ["ok@martin.test", "R001", ""],
    )
    report = invitations_bulk_create(invited_by=brand_admin, brand=brand, table=table, dry_run=True)
    assert (report.created, report.rejected) == (1, 5)
    assert [(e.row, e.field) for e in sorted(report.errors, key=lambda e: e.row)] == [
        (3, "email"),
        (4, "partner_code"),
        (5, "role"),
        (6, "email"),
        (7, "email"),
    ]
    assert not Invitation.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_good_rows_are_invited_with_their_role_and_mailed(
    brand,
    brand_admin,
    partner,
    other_partner,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    table = _table(
        *[
            [f"p{i}@shop.test", "R001" if i % 2 else "R002", "partner_admin" if i == 0 else ""]
            for i in range(20)
        ]
    )
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(8):
        report = invitations_bulk_create(
            invited_by=brand_admin, brand=brand, table=table, base_url="https://relais.test"
        )
    assert (report.created, report.rejected) == (20, 0)
    assert Invitation.objects.filter(brand=brand).count() == 20
    assert Invitation.objects.get(email="p0@shop.test").role == Role.PARTNER_ADMIN
    assert Invitation.objects.get(email="p1@shop.test").role == Role.PARTNER_SELLER
    assert Invitation.objects.get(email="p1@shop.test").partner == partner
    assert len(mail.outbox) == 20
    assert "https://relais.test/accounts/invitations/" in mail.outbox[0].body
    assert AuditEntry.objects.get(brand=brand, action="user.invited_from_file").details["count"] == 20


def test_a_partner_of_another_brand_is_not_found(brand, other_brand, brand_admin):
    PartnerFactory(brand=other_brand, code="G1")
    report = invitations_bulk_create(
        invited_by=brand_admin, brand=brand, table=_table(["a@b.test", "G1", ""])
    )
    assert report.rejected == 1 and report.errors[0].field == "partner_code"
    assert not Invitation.objects.exists()


def test_a_missing_column_and_a_foreign_inviter_are_refused(brand, other_brand, brand_admin, partner_admin):
    with pytest.raises(ApplicationError):
        invitations_bulk_create(
            invited_by=brand_admin, brand=brand, table=Table(headers=["email"], rows=[(2, ["a@b.test"])])
        )
    with pytest.raises(ApplicationError):
        invitations_bulk_create(invited_by=partner_admin, brand=brand, table=_table(["a@b.test", "R001", ""]))
    with pytest.raises(ApplicationError):
        invitations_bulk_create(
            invited_by=brand_admin, brand=other_brand, table=_table(["a@b.test", "R001", ""])
        )
