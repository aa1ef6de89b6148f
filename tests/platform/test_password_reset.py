"""Password reset end to end: ask, receive the e-mail, follow its link, choose a password, log in with it."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from relais.accounts.tests.factories import PASSWORD

NEW_PASSWORD = "a-brand-new-Passw0rd!"


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_a_user_resets_their_password_and_logs_in_with_the_new_one(client: Client, partner_admin):
    response = client.post(reverse("accounts:password_reset"), {"email": partner_admin.email})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [partner_admin.email]
    link = _reset_link(message)

    # Django swaps the token for a session marker and redirects to the set-password form.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"] is True
    set_password_url = form_page.redirect_chain[-1][0]

    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == reverse("accounts:password_reset_complete")

    fresh = Client()
    assert fresh.login(email=partner_admin.email, password=NEW_PASSWORD)
    assert not Client().login(email=partner_admin.email, password=PASSWORD)
    logged_in = fresh.get(reverse("home"), follow=True)
    assert logged_in.redirect_chain[-1][0] == reverse("network:portal_home")


def test_the_reset_link_works_only_once(client: Client, partner_admin):
    client.post(reverse("accounts:password_reset"), {"email": partner_admin.email})
    link = _reset_link(mail.outbox[0])
    set_password_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)

    assert again.context["validlink"] is False


def test_a_weak_new_password_is_refused_and_the_old_one_still_works(client: Client, partner_admin):
    client.post(reverse("accounts:password_reset"), {"email": partner_admin.email})
    set_password_url = client.get(_reset_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]

    response = client.post(set_password_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    assert Client().login(email=partner_admin.email, password=PASSWORD)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client: Client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@nowhere.test"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
