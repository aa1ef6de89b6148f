"""The network pages speak French when the user chose it (catalogue compiled by `make messages`)."""

import pytest
from django.urls import reverse

from conftest import login_client

pytestmark = pytest.mark.django_db


def french(client):
    client.cookies["django_language"] = "fr"
    return client


def test_portal_home_in_french(partner_admin):
    html = french(login_client(partner_admin)).get(reverse("network:portal_home")).content.decode()
    assert "Mon entreprise" in html and "Envoyer l’invitation" in html


def test_segment_editor_in_french(brand_admin, partner):
    html = french(login_client(brand_admin)).get(reverse("network:segment_create")).content.decode()
    assert "Nouveau segment" in html and "Revendeur" in html
    assert "partenaire correspondant<" in html  # one partner: French singular
