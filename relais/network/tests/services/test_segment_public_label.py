"""The brand decides what partners read for a segment: its public label, or nothing (a neutral label)."""

import pytest
from django.urls import reverse
from django.utils import translation

from conftest import login_client
from relais.core.errors import ApplicationError
from relais.network.services import segment_public_label_set
from relais.network.tests.factories import SegmentFactory

pytestmark = pytest.mark.django_db


def test_partners_read_the_public_label_never_the_internal_name(brand):
    segment = SegmentFactory(brand=brand, name="Fort potentiel")
    with translation.override("fr"):
        assert segment.partner_label == "Partenaires comparables"
    with translation.override("en"):
        assert segment.partner_label == "Comparable partners"
    segment_public_label_set(segment=segment, public_label="  Experts   du chantier ")
    segment.refresh_from_db()
    assert segment.partner_label == "Experts du chantier"
    segment_public_label_set(segment=segment, public_label="")
    segment.refresh_from_db()
    assert segment.public_label == ""


def test_a_label_too_long_is_refused(brand):
    with pytest.raises(ApplicationError) as error:
        segment_public_label_set(segment=SegmentFactory(brand=brand), public_label="x" * 121)
    assert error.value.extra == {"field": "public_label"}


def test_the_segment_form_sets_and_shows_the_public_label(brand, brand_admin):
    segment = SegmentFactory(brand=brand, name="Mono-marques")
    client = login_client(brand_admin)
    url = reverse("network:segment_edit", args=[segment.pk])
    response = client.post(
        url, {"name": "Mono-marques", "description": "", "public_label": "Partenaires Acme"}
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.public_label) == ("Mono-marques", "Partenaires Acme")
    assert 'value="Partenaires Acme"' in client.get(url).content.decode()
