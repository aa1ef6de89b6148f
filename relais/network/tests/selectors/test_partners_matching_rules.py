import pytest

from relais.core.errors import ApplicationError
from relais.network.models import Organisation, PartnerKind, Tier
from relais.network.selectors import partners_matching_rules, segment_rules_clean
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(brand, other_brand):
    distributor = PartnerFactory(brand=brand, code="D1", kind=PartnerKind.DISTRIBUTOR, country="FR")
    return {
        "distributor": distributor,
        "fr_reseller": PartnerFactory(brand=brand, code="FR1", kind=PartnerKind.RESELLER, country="FR"),
        "be_reseller": PartnerFactory(
            brand=brand, code="BE1", kind=PartnerKind.RESELLER, country="BE", parent=distributor
        ),
        "fr_mono": PartnerFactory(
            brand=brand,
            code="FR2",
            kind=PartnerKind.FRANCHISEE,
            organisation=Organisation.MONO_BRAND,
            country="FR",
            potential_tier=Tier.HIGH,
            is_active=False,
        ),
        "foreign": PartnerFactory(brand=other_brand, code="X1", kind=PartnerKind.RESELLER, country="FR"),
    }


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_empty_rules_match_every_partner_of_the_brand_only(brand, network):
    assert codes(partners_matching_rules(brand=brand, rules={})) == {"D1", "FR1", "BE1", "FR2"}


def test_values_within_a_field_are_ored(brand, network):
    rules = {"country": ["FR", "BE"], "kind": ["reseller"]}
    assert codes(partners_matching_rules(brand=brand, rules=rules)) == {"FR1", "BE1"}


def test_fields_are_anded(brand, network):
    rules = {"country": ["FR"], "kind": ["reseller", "franchisee"], "organisation": ["mono_brand"]}
    assert codes(partners_matching_rules(brand=brand, rules=rules)) == {"FR2"}


def test_parent_rule_matches_on_the_distributor_code(brand, network):
    assert codes(partners_matching_rules(brand=brand, rules={"parent": ["D1"]})) == {"BE1"}


def test_is_active_rule_accepts_booleans_and_strings(brand, network):
    assert codes(partners_matching_rules(brand=brand, rules={"is_active": [False]})) == {"FR2"}
    assert codes(partners_matching_rules(brand=brand, rules={"is_active": ["true"]})) == {"D1", "FR1", "BE1"}


def test_tiers(brand, network):
    assert codes(partners_matching_rules(brand=brand, rules={"potential_tier": ["high"]})) == {"FR2"}


def test_unknown_field_is_refused(brand):
    with pytest.raises(ApplicationError) as exc:
        partners_matching_rules(brand=brand, rules={"shoe_size": ["42"]})
    assert "shoe_size" in exc.value.message


def test_unknown_code_for_a_closed_field_is_refused(brand):
    with pytest.raises(ApplicationError):
        partners_matching_rules(brand=brand, rules={"kind": ["pirate"]})


def test_rules_are_normalised():
    assert segment_rules_clean({"country": ["fr", " be ", "FR"], "kind": "reseller", "region": []}) == {
        "country": ["BE", "FR"],
        "kind": ["reseller"],
    }
