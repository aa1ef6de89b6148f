import pytest
from django.urls import reverse

from conftest import login_client
from relais.network.models import Segment
from relais.network.services import segment_create
from relais.network.tests.factories import PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["brand_admin", "channel_manager"])
def staff_client(request):
    return login_client(request.getfixturevalue(request.param))


@pytest.fixture
def network(brand):
    PartnerFactory(brand=brand, name="FR shop", kind="reseller", country="FR")
    PartnerFactory(brand=brand, name="BE shop", kind="reseller", country="BE")
    PartnerFactory(brand=brand, name="FR distributor", kind="distributor", country="FR")


def test_editor_renders_the_contract_inputs(staff_client, network):
    html = staff_client.get(reverse("network:segment_create")).content.decode()
    assert 'name="name"' in html
    for name, value in [
        ("kind", "reseller"),
        ("country", "FR"),
        ("organisation", "multi_brand"),
        ("channel", "retail"),
        ("potential_tier", "high"),
        ("activity_tier", "low"),
        ("region", "Île-de-France"),
    ]:
        assert f'name="{name}" value="{value}"' in html
    assert 'data-testid="segment-live-count">3<' in html


def test_live_preview_counts_the_ticked_rules(staff_client, network):
    response = staff_client.get(
        reverse("network:segment_preview"),
        {"kind": "reseller", "country": ["FR", "BE"], "name": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'data-testid="segment-live-count">2<' in html
    assert "FR shop" in html and "BE shop" in html and "FR distributor" not in html


def test_live_preview_reports_bad_values_without_failing(staff_client, network):
    response = staff_client.get(reverse("network:segment_preview"), {"kind": "pirate"})
    assert response.status_code == 200
    assert 'data-testid="segment-live-count">0<' in response.content.decode()


def test_create_saves_and_redirects_to_the_detail(staff_client, brand, network):
    response = staff_client.post(
        reverse("network:segment_create"), {"name": "FR resellers", "kind": ["reseller"], "country": ["FR"]}
    )
    segment = Segment.objects.get(brand=brand)
    assert response["Location"] == reverse("network:segment_detail", args=[segment.pk])
    assert segment.rules == {"country": ["FR"], "kind": ["reseller"]}
    html = staff_client.get(response["Location"]).content.decode()
    assert 'data-testid="segment-member-count">1<' in html
    assert "FR shop" in html


def test_create_with_a_taken_name_shows_the_error(staff_client, brand, network):
    segment_create(brand=brand, name="Taken", rules={})
    response = staff_client.post(reverse("network:segment_create"), {"name": "taken", "kind": ["reseller"]})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Segment.objects.count() == 1


def test_edit_prefills_and_saves(staff_client, brand, network):
    segment = segment_create(brand=brand, name="Zone", rules={"country": ["FR"]})
    html = staff_client.get(reverse("network:segment_edit", args=[segment.pk])).content.decode()
    assert (
        'name="country" value="FR" id="id_country_1" checked' in html
        or 'value="FR" id="id_country_1" checked' in html
    )
    response = staff_client.post(
        reverse("network:segment_edit", args=[segment.pk]), {"name": "Zone", "country": ["BE"]}
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert segment.rules == {"country": ["BE"]}
    assert segment.member_count == 1


def test_detail_shows_members_at_a_past_date(staff_client, brand, network):
    segment = segment_create(brand=brand, name="All", rules={})
    response = staff_client.get(reverse("network:segment_detail", args=[segment.pk]), {"at": "2000-01-01"})
    assert response.context["members_at_count"] == 0
    assert 'data-testid="segment-member-count">3<' in response.content.decode()


def test_recompute_button(staff_client, brand, network):
    segment = segment_create(brand=brand, name="Resellers", rules={"kind": ["reseller"]})
    PartnerFactory(brand=brand, kind="reseller")
    staff_client.post(reverse("network:segment_recompute", args=[segment.pk]))
    segment.refresh_from_db()
    assert segment.member_count == 3


def test_only_brand_admins_delete(brand, brand_admin, channel_manager):
    segment = segment_create(brand=brand, name="All", rules={})
    url = reverse("network:segment_delete", args=[segment.pk])
    assert login_client(channel_manager).post(url).status_code == 403
    assert login_client(brand_admin).post(url).status_code == 302
    assert not Segment.objects.exists()


def test_segment_list_shows_rules_in_words(staff_client, brand):
    segment_create(brand=brand, name="Key", rules={"kind": ["reseller"], "country": ["BE"]})
    html = staff_client.get(reverse("network:segment_list")).content.decode()
    assert "Reseller" in html and "Belgium (BE)" in html


def test_editing_previews_who_would_join_and_leave(staff_client, brand, network):
    segment = segment_create(brand=brand, name="FR", rules={"country": ["FR"]})
    url = reverse("network:segment_preview")
    html = staff_client.get(url, {"segment_id": segment.pk, "country": ["BE"]}).content.decode()
    assert "On saving: 1 joining, 2 leaving." in html
    html = staff_client.get(url, {"segment_id": segment.pk, "country": ["FR"]}).content.decode()
    assert "Same members as now." in html
    assert (
        'name="segment_id"'
        in staff_client.get(reverse("network:segment_edit", args=[segment.pk])).content.decode()
    )


def test_preview_ignores_a_segment_of_another_brand(staff_client, other_brand, network):
    foreign = segment_create(brand=other_brand, name="Theirs", rules={})
    html = staff_client.get(reverse("network:segment_preview"), {"segment_id": foreign.pk}).content.decode()
    assert 'data-testid="segment-live-moves"' not in html
    assert 'data-testid="segment-live-count">3<' in html
