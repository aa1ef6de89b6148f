"""The operators' Django admin at /admin/: who gets in, what each model shows, what may be changed.

Every registered model: the operator opens its changelist and a change page, and the number of queries does
not grow with the rows (2, then 30). Read-only admins (ledger, orders, jobs, declarations...) refuse adding,
changing and deleting, also to a superuser; brands, users and partners are edited, through the same checks
and follow-ups as on the brand's pages.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Model
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.accounts.models import Invitation, Role, User
from relais.accounts.tests.factories import PASSWORD, UserFactory, partner_user
from relais.api.models import ApiKey
from relais.catalog.models import Product
from relais.catalog.tests.factories import ProductFactory
from relais.core.models import Brand, Job
from relais.core.tests.factories import BrandFactory
from relais.incentives import services as incentives_services
from relais.incentives.models import (
    Challenge,
    LotAllocation,
    PointsAccount,
    PointsEntry,
    RedemptionOrder,
    Reward,
)
from relais.incentives.tests.factories import ChallengeFactory, RewardFactory, credit
from relais.network.models import PartnerCompany, Segment, SegmentMembership, Site
from relais.network.tests.factories import PartnerFactory, SegmentFactory, SiteFactory
from relais.sellout.models import Declaration, SelloutImport
from relais.sellout.tests.factories import DeclarationFactory

_seq = itertools.count(1)

# The most queries any changelist or change page of the admin may take (session, user, the page's own).
MAX_QUERIES = 10


def admin_url(model: type[Model], view: str, *args: Any) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def operator_client(operator: User) -> Client:
    return login_client(operator)


# --- rows of each registered model, each on its own partner where it has one --------------------------


def _brands(brand: Brand, n: int) -> list[Model]:
    return [BrandFactory(name=f"Marque {next(_seq)}") for _ in range(n)]


def _jobs(brand: Brand, n: int) -> list[Model]:
    return [
        Job.objects.create(kind="sellout.import", brand=BrandFactory(), partner_id=next(_seq), message="job")
        for _ in range(n)
    ]


def _users(brand: Brand, n: int) -> list[Model]:
    return [
        partner_user(PartnerFactory(brand=BrandFactory()), email=f"u{next(_seq)}@x.test") for _ in range(n)
    ]


def _invitations(brand: Brand, n: int) -> list[Model]:
    rows: list[Model] = []
    for _ in range(n):
        partner = PartnerFactory(brand=BrandFactory())
        i = next(_seq)
        rows.append(
            Invitation.objects.create(
                brand=partner.brand,
                partner=partner,
                email=f"invited{i}@x.test",
                role=Role.PARTNER_SELLER,
                token_hash=f"{i:064d}",
                expires_at=timezone.now() + timedelta(days=7),
            )
        )
    return rows


def _partners(brand: Brand, n: int) -> list[Model]:
    partners = [PartnerFactory(brand=BrandFactory()) for _ in range(n)]
    for partner in partners:
        SiteFactory(partner=partner)
    return list(partners)


def _segments(brand: Brand, n: int) -> list[Model]:
    return [SegmentFactory(brand=BrandFactory()) for _ in range(n)]


def _products(brand: Brand, n: int) -> list[Model]:
    return [ProductFactory(brand=BrandFactory()) for _ in range(n)]


def _api_keys(brand: Brand, n: int) -> list[Model]:
    rows: list[Model] = []
    for _ in range(n):
        partner = PartnerFactory(brand=BrandFactory())
        rows.append(
            ApiKey.objects.create(
                brand=partner.brand,
                partner=partner,
                name="ERP",
                prefix=f"p{next(_seq):08d}",
                secret_hash="f" * 64,
            )
        )
    return rows


def _declarations(brand: Brand, n: int) -> list[Model]:
    return [DeclarationFactory(partner=PartnerFactory(brand=BrandFactory())) for _ in range(n)]


def _imports(brand: Brand, n: int) -> list[Model]:
    rows: list[Model] = []
    for _ in range(n):
        partner = PartnerFactory(brand=BrandFactory())
        job = Job.objects.create(kind="sellout.import", brand=partner.brand, partner_id=partner.pk)
        rows.append(
            SelloutImport.objects.create(
                brand=partner.brand, partner=partner, original_name=f"ventes-{next(_seq)}.csv", job=job
            )
        )
    return rows


def _entries(brand: Brand, n: int) -> list[Model]:
    return [credit(PartnerFactory(brand=BrandFactory()), 100) for _ in range(n)]


def _accounts(brand: Brand, n: int) -> list[Model]:
    return [credit(PartnerFactory(brand=BrandFactory()), 100).account for _ in range(n)]


def _allocations(brand: Brand, n: int) -> list[Model]:
    partner = PartnerFactory(brand=BrandFactory())
    for _ in range(n):
        credit(partner, 10)
    debit = incentives_services.points_debit(
        brand=partner.brand,
        partner=partner,
        amount=10 * n,
        kind=PointsEntry.Kind.ADJUST,
        reason="test debit",
        idempotency_key=f"test-debit-{next(_seq)}",
    )
    return list(LotAllocation.objects.filter(debit=debit))


def _orders(brand: Brand, n: int) -> list[Model]:
    rows: list[Model] = []
    for _ in range(n):
        partner = PartnerFactory(brand=BrandFactory())
        credit(partner, 1000)
        reward = RewardFactory(brand=partner.brand, stock=None)
        rows.append(
            incentives_services.reward_redeem(
                partner=partner, reward=reward, quantity=1, user=None, idempotency_key=f"order-{next(_seq)}"
            )
        )
    return rows


def _rewards(brand: Brand, n: int) -> list[Model]:
    return [RewardFactory(brand=BrandFactory()) for _ in range(n)]


def _challenges(brand: Brand, n: int) -> list[Model]:
    return [ChallengeFactory(brand=BrandFactory()) for _ in range(n)]


ROWS: dict[type[Model], Callable[[Brand, int], list[Model]]] = {
    Brand: _brands,
    Job: _jobs,
    User: _users,
    Invitation: _invitations,
    PartnerCompany: _partners,
    Segment: _segments,
    Product: _products,
    ApiKey: _api_keys,
    Declaration: _declarations,
    SelloutImport: _imports,
    PointsEntry: _entries,
    PointsAccount: _accounts,
    LotAllocation: _allocations,
    RedemptionOrder: _orders,
    Reward: _rewards,
    Challenge: _challenges,
}
EDITABLE = {Brand, User, PartnerCompany}
READ_ONLY = [model for model in ROWS if model not in EDITABLE]


def _model_id(model: type[Model]) -> str:
    return model._meta.label


def test_every_registered_model_is_covered_here():
    registered = set(admin.site._registry)

    assert registered == set(ROWS)
    assert Group not in registered


# --- who gets in ----------------------------------------------------------------------------------------


def test_the_operator_opens_the_admin_index(operator_client):
    response = operator_client.get(reverse("admin:index"))

    assert response.status_code == 200
    for model in ROWS:
        assert admin_url(model, "changelist") in response.content.decode()


@pytest.mark.parametrize("fixture", ["brand_admin", "channel_manager", "partner_admin", "partner_seller"])
def test_brand_and_partner_users_are_sent_to_the_admin_login(request, fixture):
    user = request.getfixturevalue(fixture)
    assert not user.is_staff
    client = login_client(user)

    for url in (reverse("admin:index"), admin_url(Brand, "changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_login_refuses_a_brand_admin_with_the_right_password(brand_admin):
    client = Client()

    response = client.post(reverse("admin:login"), {"email": brand_admin.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_admin_login_lets_an_operator_in(operator):
    client = Client()

    response = client.post(
        reverse("admin:login"), {"email": operator.email, "password": PASSWORD, "next": "/admin/"}
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# --- every changelist and change page, in a bounded number of queries -----------------------------------


@pytest.mark.parametrize("model", list(ROWS), ids=_model_id)
def test_the_operator_lists_and_opens_each_model_in_bounded_queries(
    model, brand, operator_client, django_assert_max_num_queries
):
    build = ROWS[model]
    rows: list[Model] = []
    counts = []
    for more in (2, 28):  # 2 rows, then 30
        rows += build(brand, more)
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            response = operator_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        assert admin_url(model, "change", rows[-1].pk) in response.content.decode()
        counts.append(len(captured))

        with django_assert_max_num_queries(MAX_QUERIES):
            response = operator_client.get(admin_url(model, "change", rows[-1].pk))
        assert response.status_code == 200
        assert str(rows[-1]) in response.content.decode()

    assert counts[0] == counts[1], "the changelist's queries grow with its rows"


@pytest.mark.parametrize("model", list(ROWS), ids=_model_id)
def test_the_operator_searches_each_changelist(model, brand, operator_client):
    ROWS[model](brand, 2)

    response = operator_client.get(admin_url(model, "changelist"), {"q": "nothing-like-this"})

    assert response.status_code == 200


# --- read-only admins ---------------------------------------------------------------------------------


@pytest.mark.parametrize("model", READ_ONLY, ids=_model_id)
def test_read_only_admins_refuse_add_change_and_delete_even_to_a_superuser(model, brand, operator):
    row = ROWS[model](brand, 1)[0]
    request = RequestFactory().get("/admin/")
    request.user = operator
    model_admin = admin.site._registry[model]

    assert operator.is_superuser
    assert model_admin.has_view_permission(request, row)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, row)
    assert not model_admin.has_delete_permission(request, row)


@pytest.mark.parametrize("model", READ_ONLY, ids=_model_id)
def test_read_only_admins_show_no_save_button_and_forbid_writes_over_http(model, brand, operator_client):
    row = ROWS[model](brand, 1)[0]
    before = model.objects.filter(pk=row.pk).values().get()
    change_url = admin_url(model, "change", row.pk)

    page = operator_client.get(change_url)
    posted = operator_client.post(change_url, {**{k: "" for k in before}, "_save": "Save"})
    added = operator_client.post(admin_url(model, "add"), {"_save": "Save"})
    deleted = operator_client.post(admin_url(model, "delete", row.pk), {"post": "yes"})

    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert (posted.status_code, added.status_code, deleted.status_code) == (403, 403, 403)
    assert model.objects.filter(pk=row.pk).values().get() == before


def test_api_keys_never_show_their_secret_hash(brand, operator_client):
    key = _api_keys(brand, 1)[0]

    page = operator_client.get(admin_url(ApiKey, "change", key.pk)).content.decode()

    assert "f" * 64 not in page
    assert "secret" not in page.lower()


def test_invitations_never_show_their_token_hash(brand, operator_client):
    invitation = _invitations(brand, 1)[0]
    token_hash = Invitation.objects.values_list("token_hash", flat=True).get(pk=invitation.pk)

    page = operator_client.get(admin_url(Invitation, "change", invitation.pk)).content.decode()

    assert token_hash not in page


# --- brands ---------------------------------------------------------------------------------------------


def test_the_operator_renames_a_brand(brand, operator_client):
    response = operator_client.post(
        admin_url(Brand, "change", brand.pk), {"name": "Acme Pro", "currency": "eur", "is_active": "on"}
    )

    assert response.status_code == 302
    brand.refresh_from_db()
    assert (brand.name, brand.currency, brand.slug) == ("Acme Pro", "EUR", "acme")


def test_a_brand_with_an_unknown_currency_is_not_saved(brand, operator_client):
    response = operator_client.post(
        admin_url(Brand, "change", brand.pk), {"name": "Acme Pro", "currency": "XYZ", "is_active": "on"}
    )

    assert response.status_code == 200
    assert "ISO 4217" in response.content.decode()
    brand.refresh_from_db()
    assert brand.name == "Acme Outillage"


def test_the_operator_adds_a_brand_but_deletes_none(brand, operator_client):
    response = operator_client.post(
        admin_url(Brand, "add"), {"slug": "initech", "name": "Initech", "currency": "CHF", "is_active": "on"}
    )
    deleted = operator_client.post(admin_url(Brand, "delete", brand.pk), {"post": "yes"})

    assert response.status_code == 302
    assert Brand.objects.get(slug="initech").currency == "CHF"
    assert deleted.status_code == 403
    assert Brand.objects.filter(pk=brand.pk).exists()


# --- users ----------------------------------------------------------------------------------------------


def _user_data(user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "email": user.email,
        "role": user.role,
        "brand": user.brand_id or "",
        "partner": user.partner_id or "",
        "is_active": "on" if user.is_active else "",
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_operator_changes_a_users_role(brand_admin, operator_client):
    response = operator_client.post(
        admin_url(User, "change", brand_admin.pk), _user_data(brand_admin, role=Role.CHANNEL_MANAGER)
    )

    assert response.status_code == 302
    brand_admin.refresh_from_db()
    assert brand_admin.role == Role.CHANNEL_MANAGER
    assert not brand_admin.is_staff
    assert brand_admin.check_password(PASSWORD)


def test_a_user_made_operator_reaches_the_admin_and_leaves_its_brand(brand_admin, operator_client):
    response = operator_client.post(
        admin_url(User, "change", brand_admin.pk), _user_data(brand_admin, role=Role.OPERATOR)
    )

    assert response.status_code == 302
    brand_admin.refresh_from_db()
    assert (brand_admin.role, brand_admin.brand_id, brand_admin.is_staff) == (Role.OPERATOR, None, True)
    assert login_client(brand_admin).get(reverse("admin:index")).status_code == 200


def test_an_operator_made_brand_admin_loses_the_admin(operator, brand, operator_client):
    other = UserFactory(email="ops2@relais.test", role=Role.OPERATOR, brand=None, is_staff=True)

    response = operator_client.post(
        admin_url(User, "change", other.pk), _user_data(other, role=Role.BRAND_ADMIN, brand=brand.pk)
    )

    assert response.status_code == 302
    other.refresh_from_db()
    assert (other.role, other.brand_id, other.is_staff, other.is_superuser) == (
        Role.BRAND_ADMIN,
        brand.pk,
        False,
        False,
    )


def test_a_partner_role_without_a_partner_is_refused(brand_admin, operator_client):
    response = operator_client.post(
        admin_url(User, "change", brand_admin.pk), _user_data(brand_admin, role=Role.PARTNER_SELLER)
    )

    assert response.status_code == 200
    brand_admin.refresh_from_db()
    assert brand_admin.role == Role.BRAND_ADMIN


def test_a_partner_of_another_brand_is_refused(brand_admin, other_brand, operator_client):
    foreign = PartnerFactory(brand=other_brand)

    response = operator_client.post(
        admin_url(User, "change", brand_admin.pk),
        _user_data(brand_admin, role=Role.PARTNER_ADMIN, partner=foreign.pk),
    )

    assert response.status_code == 200
    assert "must belong to the user" in response.content.decode()
    brand_admin.refresh_from_db()
    assert (brand_admin.role, brand_admin.partner_id) == (Role.BRAND_ADMIN, None)


def test_the_operator_adds_a_partner_user_with_a_hashed_password(partner, operator_client):
    response = operator_client.post(
        admin_url(User, "add"),
        {
            "email": " New.Seller@Martin.test ",
            "role": Role.PARTNER_SELLER,
            "partner": partner.pk,
            "usable_password": "true",
            "password1": "a-long-new-secret-42",
            "password2": "a-long-new-secret-42",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="new.seller@martin.test")
    assert (user.brand_id, user.partner_id, user.is_staff) == (partner.brand_id, partner.pk, False)
    assert user.password != "a-long-new-secret-42"
    assert user.check_password("a-long-new-secret-42")


def test_the_operator_sets_a_new_password_hashed(brand_admin, operator_client):
    response = operator_client.post(
        reverse("admin:auth_user_password_change", args=[brand_admin.pk]),
        {
            "usable_password": "true",
            "password1": "another-long-secret-7",
            "password2": "another-long-secret-7",
        },
    )

    assert response.status_code == 302
    brand_admin.refresh_from_db()
    assert "another-long-secret-7" not in brand_admin.password
    assert brand_admin.check_password("another-long-secret-7")
    assert not brand_admin.check_password(PASSWORD)


def test_users_are_not_deleted_from_the_admin(brand_admin, operator_client):
    response = operator_client.post(admin_url(User, "delete", brand_admin.pk), {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=brand_admin.pk).exists()


# --- partners and their sites ---------------------------------------------------------------------------


def _partner_data(partner: PartnerCompany, sites: list[Site], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": partner.name,
        "kind": partner.kind,
        "organisation": partner.organisation,
        "channel": partner.channel,
        "parent": partner.parent_id or "",
        "country": partner.country,
        "region": partner.region,
        "city": partner.city,
        "siret": partner.siret,
        "siren": partner.siren,
        "vat_number": partner.vat_number,
        "potential": partner.potential or "",
        "potential_tier": partner.potential_tier,
        "is_active": "on" if partner.is_active else "",
        "sites-TOTAL_FORMS": len(sites),
        "sites-INITIAL_FORMS": len(sites),
        "sites-MIN_NUM_FORMS": 0,
        "sites-MAX_NUM_FORMS": 1000,
    }
    for i, site in enumerate(sites):
        data.update(
            {
                f"sites-{i}-id": site.pk,
                f"sites-{i}-partner": partner.pk,
                f"sites-{i}-name": site.name,
                f"sites-{i}-address": site.address,
                f"sites-{i}-postcode": site.postcode,
                f"sites-{i}-city": site.city,
                f"sites-{i}-country": site.country,
                f"sites-{i}-region": site.region,
                f"sites-{i}-gln": site.gln,
                f"sites-{i}-is_main": "on" if site.is_main else "",
            }
        )
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_the_operator_renames_a_partner(partner, operator_client):
    response = operator_client.post(
        admin_url(PartnerCompany, "change", partner.pk), _partner_data(partner, [], name="Martin & Fils")
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert (partner.name, partner.code) == ("Martin & Fils", "R001")


def test_a_partner_change_moves_its_segments_as_on_the_brands_pages(brand, partner, operator_client):
    belgians = SegmentFactory(brand=brand, rules={"country": ["BE"]})

    response = operator_client.post(
        admin_url(PartnerCompany, "change", partner.pk), _partner_data(partner, [], country="Belgique")
    )

    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.country == "BE"
    assert SegmentMembership.objects.filter(segment=belgians, partner=partner, valid_to=None).exists()


def test_a_partner_with_a_wrong_siret_is_not_saved(partner, operator_client):
    response = operator_client.post(
        admin_url(PartnerCompany, "change", partner.pk),
        _partner_data(partner, [], name="Renamed", siret="12345678901234"),
    )

    assert response.status_code == 200
    assert "not a valid SIRET" in response.content.decode()
    partner.refresh_from_db()
    assert (partner.name, partner.siret) == ("Quincaillerie Martin", "")


def test_a_partner_cannot_become_its_own_parent(partner, other_partner, operator_client):
    other_partner.parent = partner
    other_partner.save()

    response = operator_client.post(
        admin_url(PartnerCompany, "change", partner.pk),
        _partner_data(partner, [], name="Renamed", parent=other_partner.pk),
        follow=True,
    )

    assert response.status_code == 200
    assert "own parent" in response.content.decode()
    partner.refresh_from_db()
    assert (partner.name, partner.parent_id) == ("Quincaillerie Martin", None)


def test_the_operator_edits_and_adds_sites_of_a_partner(partner, operator_client):
    main = SiteFactory(partner=partner, name="Magasin", is_main=True)
    data = _partner_data(partner, [main], **{"sites-0-name": "Magasin centre"})
    data.update(
        {
            "sites-TOTAL_FORMS": 2,
            "sites-1-partner": partner.pk,
            "sites-1-name": "Dépôt",
            "sites-1-country": "fr",
            "sites-1-gln": "3012345000017",
            "sites-1-is_main": "on",
        }
    )

    response = operator_client.post(admin_url(PartnerCompany, "change", partner.pk), data)

    assert response.status_code == 302
    sites = {site.name: site for site in Site.objects.filter(partner=partner)}
    assert set(sites) == {"Magasin centre", "Dépôt"}
    assert sites["Dépôt"].brand_id == partner.brand_id
    assert sites["Dépôt"].country == "FR"
    # One main site per partner: the new main site took over.
    assert (sites["Dépôt"].is_main, sites["Magasin centre"].is_main) == (True, False)


def test_partners_are_neither_added_nor_deleted_from_the_admin(partner, operator_client):
    added = operator_client.get(admin_url(PartnerCompany, "add"))
    deleted = operator_client.post(admin_url(PartnerCompany, "delete", partner.pk), {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (403, 403)
    assert PartnerCompany.objects.filter(pk=partner.pk).exists()
