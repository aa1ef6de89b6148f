"""The demo network: loads, is idempotent, every identifier is valid, every demo login reaches its home."""

from __future__ import annotations

import random
from collections.abc import Mapping
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from relais import demo
from relais.accounts.models import Role, User
from relais.catalog.models import Product
from relais.comms import demo as comms_demo
from relais.core.models import Brand
from relais.core.validators import normalise_gtin, validate_gln, validate_siret, validate_vat
from relais.followups import training as training_followups
from relais.funds import demo as funds_demo
from relais.incentives import demo as incentives_demo
from relais.insights import demo as insights_demo
from relais.merchandising import demo as merchandising_demo
from relais.network.models import PartnerCompany, Segment, Site
from relais.privacy import demo as privacy_demo
from relais.programs import demo as programs_demo
from relais.promotions import demo as promotions_demo
from relais.sellout import demo as sellout_demo

# Each domain's demo loader, in the order demo_load calls them: (module, the loader's name in it). Training's
# runs through its follow-up, which also posts the completions' points.
DOMAIN_DEMOS: dict[str, tuple[Any, str]] = {
    "relais.sellout.demo": (sellout_demo, "load"),
    "relais.incentives.demo": (incentives_demo, "load"),
    "relais.insights.demo": (insights_demo, "load"),
    "relais.comms.demo": (comms_demo, "load"),
    "relais.programs.demo": (programs_demo, "load"),
    "relais.privacy.demo": (privacy_demo, "load"),
    "relais.training.demo": (training_followups, "demo_load"),
    "relais.funds.demo": (funds_demo, "load"),
    "relais.promotions.demo": (promotions_demo, "load"),
    "relais.merchandising.demo": (merchandising_demo, "load"),
}


@pytest.mark.django_db
def test_load_demo_twice_loads_once_and_every_login_reaches_its_home():
    first = StringIO()
    call_command("load_demo", stdout=first)
    counts = {
        "partners": PartnerCompany.objects.count(),
        "products": Product.objects.count(),
        "sites": Site.objects.count(),
        "users": User.objects.count(),
        "segments": Segment.objects.count(),
    }
    second = StringIO()
    call_command("load_demo", stdout=second)

    assert "already loaded" in second.getvalue()
    assert counts == {
        "partners": PartnerCompany.objects.count(),
        "products": Product.objects.count(),
        "sites": Site.objects.count(),
        "users": User.objects.count(),
        "segments": Segment.objects.count(),
    }
    lumen = Brand.objects.get(slug="lumen")
    assert 280 <= PartnerCompany.objects.filter(brand=lumen).count() <= 320
    assert 140 <= Product.objects.filter(brand=lumen).count() <= 160
    assert Brand.objects.filter(slug="boreal").exists()
    assert {u.role for u in User.objects.all()} == set(Role.values)
    for output in (first.getvalue(), second.getvalue()):
        for login in demo.demo_logins():
            assert login.email in output
        assert demo.DEMO_PASSWORD in output

    for login in demo.demo_logins():
        client = Client()
        assert client.login(email=login.email, password=demo.DEMO_PASSWORD), login.email
        response = client.get("/", follow=True)
        assert response.status_code == 200, login.email
        assert response.redirect_chain, login.email  # "/" sends each role to its own home


@pytest.mark.django_db
def test_the_demo_network_is_realistic_and_every_identifier_valid(monkeypatch):
    _no_domain_demos(monkeypatch)  # the network alone: the domains' data is checked by their own demo tests
    demo.demo_load()
    lumen = Brand.objects.get(slug="lumen")
    partners = list(PartnerCompany.objects.filter(brand=lumen))

    assert {p.country for p in partners} == {"FR", "BE", "CH", "ES", "DE", "IT"}
    kinds = {p.kind for p in partners}
    assert kinds == {"distributor", "wholesaler", "reseller", "franchisee", "agent", "retailer"}
    assert {p.organisation for p in partners} == {"mono_brand", "multi_brand"}
    distributors = [p for p in partners if p.kind == "distributor"]
    assert 18 <= len(distributors) <= 22
    children = {d.pk: sum(1 for p in partners if p.parent_id == d.pk) for d in distributors}
    assert all(n >= 2 for n in children.values())
    assert all(p.parent is not None and p.parent.country == p.country for p in partners if p.parent_id)
    assert len({p.name for p in partners}) == len(partners)
    for partner in partners:
        assert partner.region and partner.city
        if partner.country == "FR":
            assert validate_siret(partner.siret) == partner.siret and partner.siren == partner.siret[:9]
        else:
            assert validate_vat(partner.vat_number) == partner.vat_number
    assert any(p.potential is None for p in partners) and any(p.potential_tier == "high" for p in partners)
    for product in Product.objects.filter(brand=lumen):
        assert normalise_gtin(product.gtin) == product.gtin
        assert product.list_price is not None and product.list_price > 0
    assert len({p.family for p in Product.objects.filter(brand=lumen)}) == 8
    glns = [s.gln for s in Site.objects.filter(brand=lumen) if s.gln]
    assert glns and all(validate_gln(g) == g for g in glns)
    assert Site.objects.filter(brand=lumen, is_main=True).count() == len(partners)
    segments = {s.name: s.member_count for s in Segment.objects.filter(brand=lumen)}
    assert segments["Distributeurs"] == len(distributors)
    assert all(n > 0 for n in segments.values())
    martin = User.objects.get(email="owner@martin.demo").partner
    assert martin is not None
    assert martin.name == "Quincaillerie Martin" and martin.brand == lumen
    boreal_admin = User.objects.get(email="admin@boreal.demo")
    assert boreal_admin.brand is not None and boreal_admin.brand.slug == "boreal"


def _no_domain_demos(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the network, catalogue and users: the domains above them load nothing."""
    for module, attribute in DOMAIN_DEMOS.values():
        monkeypatch.setattr(module, attribute, lambda *, brand, rng: {})


def _network_snapshot(seed: int) -> list[tuple[Any, ...]]:
    """Load the demo in a savepoint, read the network, roll back."""
    with transaction.atomic():
        demo.demo_load(seed=seed)
        rows = list(
            PartnerCompany.objects.order_by("brand__slug", "code").values_list(
                "code", "name", "kind", "parent__code", "city", "siret", "vat_number", "potential"
            )
        )
        transaction.set_rollback(True)
    return rows


@pytest.mark.django_db
def test_the_demo_is_deterministic(monkeypatch):
    _no_domain_demos(monkeypatch)
    first = _network_snapshot(7)
    assert not Brand.objects.exists()
    assert _network_snapshot(7) == first
    assert _network_snapshot(8) != first


@pytest.mark.django_db
def test_other_domains_demo_loaders_are_called_in_order(monkeypatch):
    calls: list[tuple[str, str, float]] = []
    for name, (module, attribute) in DOMAIN_DEMOS.items():

        def load(*, brand: Brand, rng: random.Random, _name: str = name) -> Mapping[str, int]:
            calls.append((_name, brand.slug, rng.random()))
            return {}

        monkeypatch.setattr(module, attribute, load)

    result = demo.demo_load()

    assert [c[0] for c in calls] == list(DOMAIN_DEMOS)
    assert {c[1] for c in calls} == {"lumen"}
    assert result.extensions == [c[0] for c in calls]
    assert len({c[2] for c in calls}) == len(DOMAIN_DEMOS)  # each domain draws from its own seeded generator


@pytest.mark.django_db
def test_a_failing_domain_loader_leaves_no_half_demo(monkeypatch):
    # The loaders are imported explicitly (no optional module is skipped any more): any error in one of
    # them fails the whole load, which rolls back.
    _no_domain_demos(monkeypatch)

    def broken(*, brand: Brand, rng: random.Random) -> Mapping[str, int]:
        raise ModuleNotFoundError("no_such_dependency_xyz")

    monkeypatch.setattr(incentives_demo, "load", broken)
    with pytest.raises(ModuleNotFoundError):
        demo.demo_load()
    assert not Brand.objects.exists()
    assert not PartnerCompany.objects.exists()
    assert not User.objects.exists()
