"""The brand endpoints: brand keys and scopes, the incremental sell-out pull, the pushes through the importers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from relais.api.models import BrandApiKey, BrandScope
from relais.api.services import api_key_create, brand_api_key_create, brand_api_key_revoke
from relais.catalog.models import Product
from relais.incentives.tests.factories import declaration_with_lines
from relais.network.tests.factories import PartnerFactory
from relais.programs.models import AccountObjective
from relais.sellout.models import Declaration

pytestmark = pytest.mark.django_db


def brand_key(brand, *scopes: str) -> tuple[BrandApiKey, str]:
    return brand_api_key_create(brand=brand, name="ERP", scopes=list(scopes or BrandScope.values))


def get(text: str, url: str, **params) -> Any:
    return Client().get(url, params, HTTP_AUTHORIZATION=f"Bearer {text}")


def post(text: str, url: str, body: dict, **headers) -> Any:
    return Client().post(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {text}", **headers
    )


def validated(partner, n: int, *, changed_at, status=Declaration.Status.VALIDATED) -> Declaration:
    declaration = declaration_with_lines(partner, lines=[{"quantity": 1} for _ in range(n)], status=status)
    Declaration.objects.filter(pk=declaration.pk).update(updated_at=changed_at)
    return declaration


def pull_all(text: str, *, limit: int, cursor: str = "") -> tuple[list[dict], str]:
    items: list[dict] = []
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = get(text, "/api/v1/brand/sellout", **params).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if not body["has_more"]:
            return items, cursor


def test_a_partner_key_never_reaches_a_brand_endpoint_nor_a_brand_key_a_partner_endpoint(brand, partner):
    _key, partner_text = api_key_create(partner=partner, name="ERP")
    _bkey, brand_text = brand_key(brand)

    assert get(partner_text, "/api/v1/brand/sellout").status_code == 401
    assert post(partner_text, "/api/v1/brand/catalog", {"rows": []}).status_code == 401
    assert get(brand_text, "/api/v1/points/balance").status_code == 401


def test_a_key_without_the_scope_is_refused_with_the_scope_named(brand):
    _key, text = brand_key(brand, BrandScope.CATALOG_WRITE)

    response = get(text, "/api/v1/brand/sellout")

    assert response.status_code == 403
    assert "sellout:read" in response.json()["detail"]


def test_a_revoked_brand_key_is_refused_and_last_use_is_recorded(brand):
    key, text = brand_key(brand)
    assert get(text, "/api/v1/brand/sellout").status_code == 200
    key.refresh_from_db()
    assert key.last_used_at is not None

    brand_api_key_revoke(api_key=key)

    assert get(text, "/api/v1/brand/sellout").status_code == 401


def test_the_pull_returns_only_validated_accepted_lines_of_the_keys_brand(brand, other_brand, partner):
    old = timezone.now() - timedelta(hours=2)
    mine = validated(partner, 2, changed_at=old)
    validated(partner, 1, changed_at=old, status=Declaration.Status.SUBMITTED)  # still in review

    validated(PartnerFactory(brand=other_brand), 3, changed_at=old)
    _key, text = brand_key(brand, BrandScope.SELLOUT_READ)

    items, _cursor = pull_all(text, limit=10)

    assert {i["declaration_id"] for i in items} == {mine.pk}
    assert len(items) == 2
    assert items[0]["partner_code"] == partner.code


def test_paging_misses_and_repeats_no_line_while_declarations_change_between_pages(brand, partner):
    base = timezone.now() - timedelta(hours=3)
    first = validated(partner, 3, changed_at=base)
    second = validated(partner, 3, changed_at=base + timedelta(minutes=1))
    third = validated(partner, 3, changed_at=base + timedelta(minutes=2))
    _key, text = brand_key(brand, BrandScope.SELLOUT_READ)

    page = get(text, "/api/v1/brand/sellout", limit=4).json()
    seen = [i["id"] for i in page["items"]]
    # Between two pages: the first declaration (already sent) and the third (not yet) change, and a new one
    # arrives. Offsets would skip lines here; the cursor does not.
    Declaration.objects.filter(pk__in=[first.pk, third.pk]).update(updated_at=base + timedelta(minutes=5))
    fourth = validated(partner, 2, changed_at=base + timedelta(minutes=6))
    rest, cursor = pull_all(text, limit=4, cursor=page["next_cursor"])
    seen += [i["id"] for i in rest]

    lines = {d.pk: sorted(d.lines.values_list("id", flat=True)) for d in (first, second, third, fourth)}
    # Each line not changed during the sweep exactly once; the first declaration's lines twice (sent, then
    # sent again as changed); nothing missed.
    expected = sorted(lines[first.pk] * 2 + lines[second.pk] + lines[third.pk] + lines[fourth.pk])
    assert sorted(seen) == expected
    # The kept cursor brings nothing more until something changes.
    assert get(text, "/api/v1/brand/sellout", cursor=cursor).json()["items"] == []


def test_updated_since_starts_after_that_time_and_a_bad_cursor_is_a_clear_400(brand, partner):
    base = timezone.now() - timedelta(hours=3)
    validated(partner, 1, changed_at=base)
    later = validated(partner, 2, changed_at=base + timedelta(hours=1))
    _key, text = brand_key(brand, BrandScope.SELLOUT_READ)

    body = get(text, "/api/v1/brand/sellout", updated_since=(base + timedelta(minutes=30)).isoformat()).json()

    assert {i["declaration_id"] for i in body["items"]} == {later.pk}
    bad = get(text, "/api/v1/brand/sellout", cursor="not-a-cursor")
    assert bad.status_code == 400
    assert "cursor" in bad.json()["detail"]


def test_lines_changed_a_moment_ago_wait_for_the_settling_horizon(brand, partner):
    validated(partner, 1, changed_at=timezone.now())
    _key, text = brand_key(brand, BrandScope.SELLOUT_READ)

    assert get(text, "/api/v1/brand/sellout").json()["items"] == []


def test_the_catalogue_push_goes_through_the_importer_with_per_row_errors(brand):
    _key, text = brand_key(brand, BrandScope.CATALOG_WRITE)
    rows = [
        {"gtin": "3760000000017", "name": "Perceuse 18V", "family": "Outils", "list_price": "129.90"},
        {"gtin": "37600000000AB", "name": "Bad", "list_price": "1"},
    ]

    response = post(text, "/api/v1/brand/catalog", {"rows": rows})

    body = response.json()
    assert response.status_code == 200
    assert body["created"] == 1
    assert body["rejected"] == 1
    assert body["errors"][0]["row"] == 2
    assert body["errors"][0]["field"] == "gtin"
    assert Product.objects.filter(brand=brand, gtin__endswith="3760000000017").exists()


def test_a_push_with_an_idempotency_key_runs_once_and_another_body_is_a_409(brand):
    _key, text = brand_key(brand, BrandScope.CATALOG_WRITE)
    rows = [{"gtin": "3760000000017", "name": "Perceuse 18V", "list_price": "129.90"}]

    first = post(text, "/api/v1/brand/catalog", {"rows": rows}, HTTP_IDEMPOTENCY_KEY="k1")
    second = post(text, "/api/v1/brand/catalog", {"rows": rows}, HTTP_IDEMPOTENCY_KEY="k1")
    other = post(text, "/api/v1/brand/catalog", {"rows": rows, "dry_run": True}, HTTP_IDEMPOTENCY_KEY="k1")

    assert first.json()["created"] == 1
    assert second.json() == first.json()  # replayed, not re-run (a re-run would say "unchanged")
    assert other.status_code == 409


def test_the_partner_and_sellin_pushes_report_like_the_commands(brand, partner):
    _key, text = brand_key(brand, BrandScope.PARTNERS_WRITE, BrandScope.SELLIN_WRITE)

    partners = post(
        text,
        "/api/v1/brand/partners",
        {"rows": [{"code": "P-900", "name": "Quincaillerie Martin", "kind": "retailer", "country": "FR"}]},
    ).json()
    sellin = post(
        text,
        "/api/v1/brand/sellin",
        {"rows": [{"partner_code": "NOPE", "gtin": "3760000000017", "quantity": 3, "date": "2026-11-02"}]},
    ).json()

    assert partners["created"] == 1, partners
    assert sellin["rejected"] == 1
    assert sellin["errors"][0]["row"] == 1


def test_objectives_are_pushed_through_the_programs_import_with_rows_named(brand, partner):
    _key, text = brand_key(brand, BrandScope.OBJECTIVES_WRITE)

    body = post(
        text,
        "/api/v1/brand/objectives",
        {
            "period_start": "2027-01-01",
            "period_end": "2027-03-31",
            "rows": [
                {"partner_code": partner.code, "metric": "amount", "target": "15000"},
                {"partner_code": "NOPE", "metric": "amount", "target": "100"},
            ],
        },
    ).json()

    assert body["created"] == 1, body
    assert body["errors"] == [{"row": 2, "field": "partner_code", "message": "unknown partner code “NOPE”"}]
    assert AccountObjective.objects.filter(brand=brand, partner=partner, target=15000).exists()
