import pytest

from relais.core.errors import ApplicationError
from relais.network.models import PartnerKind, SegmentMembership
from relais.network.services import partner_update, segment_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db

VALID_SIRET = "73282932000074"


def test_valid_legal_identifiers_are_saved_normalised(partner):
    partner_update(partner=partner, siret="732 829 320 00074", vat_number="fr 40303265045", country="fr")
    partner.refresh_from_db()
    assert partner.siret == VALID_SIRET
    assert partner.siren == "732829320"
    assert partner.vat_number == "FR40303265045"
    assert partner.country == "FR"


@pytest.mark.parametrize(
    ("field", "value"),
    [("siret", "73282932000075"), ("vat_number", "FR00000000000"), ("country", "XX"), ("siren", "123")],
)
def test_invalid_identifiers_are_refused(partner, field, value):
    before = getattr(partner, field)
    with pytest.raises(ApplicationError):
        partner_update(partner=partner, **{field: value})
    partner.refresh_from_db()
    assert getattr(partner, field) == before


def test_parent_must_be_same_brand_and_not_a_cycle(brand, other_brand):
    top = PartnerFactory(brand=brand, kind=PartnerKind.DISTRIBUTOR)
    middle = PartnerFactory(brand=brand, kind=PartnerKind.WHOLESALER, parent=top)
    with pytest.raises(ApplicationError):
        partner_update(partner=top, parent=middle)
    with pytest.raises(ApplicationError):
        partner_update(partner=top, parent=top)
    with pytest.raises(ApplicationError):
        partner_update(partner=middle, parent=PartnerFactory(brand=other_brand))
    leaf = PartnerFactory(brand=brand)
    partner_update(partner=leaf, parent=middle)
    leaf.refresh_from_db()
    assert leaf.parent == middle


def test_unknown_fields_are_refused(partner):
    with pytest.raises(ApplicationError):
        partner_update(partner=partner, brand_id=123)


def test_changing_a_rule_field_moves_the_partner_between_segments(brand, partner):
    fr = segment_create(brand=brand, name="FR", rules={"country": ["FR"]})
    be = segment_create(brand=brand, name="BE", rules={"country": ["BE"]})
    partner_update(partner=partner, country="BE")
    assert SegmentMembership.objects.get(segment=fr, partner=partner).valid_to is not None
    assert SegmentMembership.objects.get(segment=be, partner=partner).valid_to is None


def test_name_change_alone_does_not_touch_memberships(brand, partner, django_assert_max_num_queries):
    segment_create(brand=brand, name="All", rules={})
    with django_assert_max_num_queries(4):
        partner_update(partner=partner, name="New name")
    partner.refresh_from_db()
    assert partner.name == "New name"
