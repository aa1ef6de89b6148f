"""The operator's console: usage per brand in one query per measure, a brand created with its first admin,
a brand suspended and reactivated — each audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from conftest import login_client
from relais.accounts import services as accounts
from relais.accounts.models import Invitation, Role
from relais.accounts.tests.factories import PASSWORD
from relais.audit.models import AuditEntry
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.core.operator import brand_usage
from relais.network.models import PartnerCompany
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def test_usage_counts_each_brands_rows_with_one_query_per_measure(
    brand, other_brand, partner, other_partner, brand_admin, django_assert_max_num_queries
):
    PartnerFactory(brand=other_brand, code="G1")
    with django_assert_max_num_queries(1 + 2 + 1):  # the brands, two measures, one activity
        usage = {
            row.brand.slug: row
            for row in brand_usage(
                counts={"partners": PartnerCompany.objects.all(), "none": PartnerCompany.objects.none()},
                activity={"partner": (PartnerCompany.objects.all(), "created_at")},
            )
        }
    assert usage["acme"].counts == {"partners": 2, "none": 0}
    assert usage["globex"].counts == {"partners": 1, "none": 0}
    assert usage["acme"].last_activity == max(partner.created_at, other_partner.created_at)


def test_a_brand_is_created_with_its_admin_invited_by_mail(operator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        brand, invitation = accounts.brand_create_with_admin(
            by=operator, slug="initech", name="Initech", currency="chf", admin_email="Boss@Initech.test"
        )
    assert (brand.slug, brand.currency, brand.is_active) == ("initech", "CHF", True)
    assert (invitation.email, invitation.role, invitation.partner) == (
        "boss@initech.test",
        Role.BRAND_ADMIN,
        None,
    )
    assert mail.outbox[-1].to == ["boss@initech.test"]
    assert "/accounts/invitations/" in mail.outbox[-1].body
    actions = set(AuditEntry.objects.filter(brand=brand).values_list("action", flat=True))
    assert actions == {"brand.created", "user.invited"}


def test_a_refused_admin_address_leaves_no_brand(operator, brand_admin):
    with pytest.raises(ApplicationError):
        accounts.brand_create_with_admin(
            by=operator, slug="initech", name="Initech", currency="EUR", admin_email=brand_admin.email
        )
    assert not Brand.objects.filter(slug="initech").exists()


def test_a_taken_slug_is_refused_with_its_field(operator, brand):
    with pytest.raises(ApplicationError) as exc:
        accounts.brand_create_with_admin(
            by=operator, slug="acme", name="Acme bis", currency="EUR", admin_email="new@acme.test"
        )
    assert exc.value.extra["field"] == "slug"


def test_only_an_operator_creates_or_suspends_a_brand(brand, brand_admin):
    with pytest.raises(ApplicationError):
        accounts.brand_create_with_admin(
            by=brand_admin, slug="x", name="X", currency="EUR", admin_email="x@x.test"
        )
    with pytest.raises(ApplicationError):
        accounts.brand_activation_set(by=brand_admin, brand=brand, is_active=False)


def test_the_invited_admin_accepts_and_lands_on_the_brand(
    operator, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        brand, _invitation = accounts.brand_create_with_admin(
            by=operator, slug="initech", name="Initech", currency="EUR", admin_email="boss@initech.test"
        )
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/invitations/" in line)
    path = link[link.index("/accounts/") :]
    response = client.post(
        path, {"first_name": "Bill", "last_name": "L", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    user = Invitation.objects.get(brand=brand).accepted_user
    assert user is not None and (user.role, user.brand_id) == (Role.BRAND_ADMIN, brand.pk)


def test_a_suspended_brands_users_are_logged_out_and_told_why(operator, brand, brand_admin, partner_admin):
    admin_client, partner_client = login_client(brand_admin), login_client(partner_admin)
    assert admin_client.get("/brand/").status_code == 200
    assert accounts.brand_activation_set(by=operator, brand=brand, is_active=False) is True
    for client in (admin_client, partner_client):
        response = client.get("/brand/")
        assert response.status_code == 403
        assert b"suspended" in response.content
        assert "_auth_user_id" not in client.session
    fresh = Client()
    fresh.login(email=brand_admin.email, password=PASSWORD)
    assert fresh.get("/brand/").status_code == 403
    entry = AuditEntry.objects.get(brand=brand, action="brand.suspended")
    assert entry.actor == operator

    assert accounts.brand_activation_set(by=operator, brand=brand, is_active=True) is True
    assert login_client(brand_admin).get("/brand/").status_code == 200
    assert AuditEntry.objects.filter(brand=brand, action="brand.reactivated").count() == 1
    # Nothing changes, nothing is recorded.
    assert accounts.brand_activation_set(by=operator, brand=brand, is_active=True) is False
    assert AuditEntry.objects.filter(brand=brand, action="brand.reactivated").count() == 1


def test_the_console_lists_usage_and_last_login(operator, brand, partner, brand_admin):
    login_client(brand_admin)
    response = login_client(operator).get("/operator/")
    assert response.status_code == 200
    row = next(r for r in response.context["usage"] if r.brand == brand)
    assert (row.counts["partners"], row.counts["users"], row.counts["declarations"]) == (1, 1, 0)
    assert row.last_activity is not None and row.last_activity > timezone.now() - timedelta(minutes=5)


def test_only_the_operator_opens_the_console(brand_admin):
    assert login_client(brand_admin).get("/operator/").status_code == 403
