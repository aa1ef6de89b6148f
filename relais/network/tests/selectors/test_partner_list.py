import pytest

from relais.network.models import PartnerKind
from relais.network.selectors import partner_list
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def names(qs):
    return [p.name for p in qs]


def test_search_matches_name_code_and_city_within_the_brand(brand, other_brand):
    PartnerFactory(brand=brand, name="Outils Leroy", code="A1", city="Lyon")
    PartnerFactory(brand=brand, name="Brico Sud", code="LYX", city="Nice")
    PartnerFactory(brand=brand, name="Ferronnerie", code="C3", city="Lyon")
    PartnerFactory(brand=other_brand, name="Lyon Foreign", code="Z9", city="Lyon")
    assert names(partner_list(brand=brand, filters={"q": "ly"})) == [
        "Brico Sud",
        "Ferronnerie",
        "Outils Leroy",
    ]


def test_filters_by_kind_country_parent_and_status(brand):
    distributor = PartnerFactory(brand=brand, name="Dist", kind=PartnerKind.DISTRIBUTOR)
    PartnerFactory(brand=brand, name="A", country="BE", parent=distributor)
    PartnerFactory(brand=brand, name="B", country="FR", parent=distributor, is_active=False)
    PartnerFactory(brand=brand, name="C", country="BE")
    assert names(partner_list(brand=brand, filters={"country": "BE", "parent": distributor.pk})) == ["A"]
    assert names(partner_list(brand=brand, filters={"kind": ["distributor"]})) == ["Dist"]
    assert names(partner_list(brand=brand, filters={"is_active": "false"})) == ["B"]


def test_segment_filter_uses_current_memberships(brand):
    PartnerFactory(brand=brand, name="In", country="BE")
    PartnerFactory(brand=brand, name="Out", country="FR")
    segment = segment_create(brand=brand, name="Belgium", rules={"country": ["BE"]})
    assert names(partner_list(brand=brand, filters={"segment": segment.pk})) == ["In"]
