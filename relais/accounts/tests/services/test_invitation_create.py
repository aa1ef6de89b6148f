import re

import pytest
from django.core import mail

from relais.accounts.models import Invitation, Role
from relais.accounts.services import invitation_create, invitation_resend, invitation_token_hash
from relais.accounts.tests.factories import UserFactory
from relais.core.errors import ApplicationError
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def accept_link(message) -> str:
    match = re.search(r"https?://\S+/accounts/invitations/([\w-]+)/", message.body)
    assert match, message.body
    return match.group(1)


def test_brand_staff_invite_a_partner_admin_and_the_mail_leaves_on_commit(
    brand_admin, partner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation = invitation_create(
            invited_by=brand_admin,
            email=" New.Boss@Martin.test ",
            role=Role.PARTNER_ADMIN,
            partner=partner,
            base_url="https://relais.example",
        )
        assert mail.outbox == []  # nothing is sent before the transaction commits
    assert len(callbacks) == 1
    assert invitation.email == "new.boss@martin.test"
    assert invitation.brand == partner.brand
    (message,) = mail.outbox
    assert message.to == ["new.boss@martin.test"]
    assert partner.name in message.subject
    assert message.body.count("https://relais.example/accounts/invitations/") == 1
    assert "Partner admin" in message.body
    token = accept_link(message)
    assert invitation.token_hash == invitation_token_hash(token)
    assert token not in invitation.token_hash


def test_partner_admin_invites_sellers_of_their_own_company_only(partner_admin, partner, other_partner):
    invitation_create(
        invited_by=partner_admin, email="s@martin.test", role=Role.PARTNER_SELLER, partner=partner
    )
    with pytest.raises(ApplicationError):
        invitation_create(
            invited_by=partner_admin, email="a@martin.test", role=Role.PARTNER_ADMIN, partner=partner
        )
    with pytest.raises(ApplicationError):
        invitation_create(
            invited_by=partner_admin, email="s@dupont.test", role=Role.PARTNER_SELLER, partner=other_partner
        )


def test_sellers_and_other_brands_cannot_invite(partner_seller, partner, other_brand):
    foreign_admin = UserFactory(role=Role.BRAND_ADMIN, brand=other_brand)
    for inviter in (partner_seller, foreign_admin):
        with pytest.raises(ApplicationError):
            invitation_create(invited_by=inviter, email="x@y.test", role=Role.PARTNER_SELLER, partner=partner)
    assert not Invitation.objects.exists()


def test_brand_roles_cannot_be_granted_by_invitation(brand_admin, partner):
    with pytest.raises(ApplicationError):
        invitation_create(invited_by=brand_admin, email="x@y.test", role=Role.BRAND_ADMIN, partner=partner)


def test_existing_account_and_bad_address_are_refused(brand_admin, partner, partner_seller):
    with pytest.raises(ApplicationError):
        invitation_create(
            invited_by=brand_admin,
            email=partner_seller.email.upper(),
            role=Role.PARTNER_SELLER,
            partner=partner,
        )
    with pytest.raises(ApplicationError):
        invitation_create(
            invited_by=brand_admin, email="not-an-address", role=Role.PARTNER_SELLER, partner=partner
        )


def test_a_new_invitation_replaces_the_pending_one(brand_admin, partner):
    first = invitation_create(
        invited_by=brand_admin, email="x@y.test", role=Role.PARTNER_SELLER, partner=partner
    )
    second = invitation_create(
        invited_by=brand_admin, email="x@y.test", role=Role.PARTNER_ADMIN, partner=partner
    )
    assert list(Invitation.objects.all()) == [second]
    assert first.token_hash != second.token_hash


def test_resend_issues_a_new_link(brand_admin, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            invited_by=brand_admin, email="x@y.test", role=Role.PARTNER_SELLER, partner=partner
        )
    old_hash = invitation.token_hash
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, by=brand_admin)
    assert len(mail.outbox) == 2
    assert accept_link(mail.outbox[0]) != accept_link(mail.outbox[1])
    invitation.refresh_from_db()
    assert invitation.token_hash == invitation_token_hash(accept_link(mail.outbox[1])) != old_hash


def test_resend_is_refused_to_a_partner_admin_of_another_company(brand_admin, partner):
    other = PartnerFactory(brand=partner.brand)
    other_admin = UserFactory(role=Role.PARTNER_ADMIN, brand=partner.brand, partner=other)
    invitation = invitation_create(
        invited_by=brand_admin, email="x@y.test", role=Role.PARTNER_SELLER, partner=partner
    )
    with pytest.raises(ApplicationError):
        invitation_resend(invitation=invitation, by=other_admin)
