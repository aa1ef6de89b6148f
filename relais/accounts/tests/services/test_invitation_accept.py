from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from relais.accounts.models import Invitation, Role, User
from relais.accounts.services import invitation_accept, invitation_create
from relais.accounts.tests.services.test_invitation_create import accept_link
from relais.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture
def token(brand_admin, partner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(
            invited_by=brand_admin, email="new@martin.test", role=Role.PARTNER_SELLER, partner=partner
        )
    return accept_link(mail.outbox[-1])


def test_accept_creates_the_user_with_the_invited_role_and_company(token, partner):
    user = invitation_accept(token=token, password=GOOD_PASSWORD, first_name=" Léa ", last_name="Martin")
    assert (user.email, user.role, user.partner, user.brand) == (
        "new@martin.test",
        Role.PARTNER_SELLER,
        partner,
        partner.brand,
    )
    assert user.first_name == "Léa"
    assert user.check_password(GOOD_PASSWORD)
    invitation = Invitation.objects.get()
    assert invitation.accepted_user == user and invitation.accepted_at is not None


def test_a_used_token_is_refused(token):
    invitation_accept(token=token, password=GOOD_PASSWORD, first_name="A", last_name="B")
    with pytest.raises(ApplicationError) as exc:
        invitation_accept(token=token, password=GOOD_PASSWORD, first_name="A", last_name="B")
    assert "already been used" in exc.value.message
    assert User.objects.filter(email="new@martin.test").count() == 1


def test_an_expired_token_is_refused(token):
    Invitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ApplicationError) as exc:
        invitation_accept(token=token, password=GOOD_PASSWORD, first_name="A", last_name="B")
    assert "expired" in exc.value.message
    assert not User.objects.filter(email="new@martin.test").exists()


def test_an_unknown_token_is_refused(db):
    with pytest.raises(ApplicationError) as exc:
        invitation_accept(token="made-up", password=GOOD_PASSWORD, first_name="A", last_name="B")
    assert "not valid" in exc.value.message


def test_a_weak_password_is_refused_and_the_invitation_stays_usable(token):
    with pytest.raises(ApplicationError):
        invitation_accept(token=token, password="12345678901", first_name="A", last_name="B")
    assert Invitation.objects.get().accepted_at is None
    assert invitation_accept(token=token, password=GOOD_PASSWORD, first_name="A", last_name="B").pk
