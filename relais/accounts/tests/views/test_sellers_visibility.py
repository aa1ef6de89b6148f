"""A seller sees the declarations it made; the company's only when its admin allows it."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from conftest import login_client
from relais.sellout.services import declaration_create


def declarations_of(partner, *, by):
    mine = declaration_create(
        partner=partner,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        source="form",
        created_by=by,
    )
    company = declaration_create(
        partner=partner, period_start=date(2026, 9, 1), period_end=date(2026, 9, 30), source="form"
    )
    return mine, company


def test_a_seller_sees_its_own_declarations_until_the_admin_allows_the_companys(
    partner, partner_admin, partner_seller
):
    mine, company = declarations_of(partner, by=partner_seller)
    seller = login_client(partner_seller)

    listing = seller.get(reverse("sellout:my_declarations"))
    assert [d.pk for d in listing.context["page"]] == [mine.pk]
    assert b'data-testid="own-declarations-only"' in listing.content
    assert seller.get(reverse("sellout:declaration_edit", args=[company.pk])).status_code == 404
    assert seller.get(reverse("sellout:declaration_edit", args=[mine.pk])).status_code == 200

    admin = login_client(partner_admin)
    assert admin.post(reverse("accounts:sellers_visibility"), {"allowed": "on"}).status_code == 302

    partner.refresh_from_db()
    assert partner.sellers_see_company_declarations
    listing = seller.get(reverse("sellout:my_declarations"))
    assert {d.pk for d in listing.context["page"]} == {mine.pk, company.pk}
    assert seller.get(reverse("sellout:declaration_edit", args=[company.pk])).status_code == 200


def test_the_admin_sees_every_declaration_and_only_it_sets_the_rule(partner, partner_admin, partner_seller):
    mine, company = declarations_of(partner, by=partner_seller)

    listing = login_client(partner_admin).get(reverse("sellout:my_declarations"))

    assert {d.pk for d in listing.context["page"]} == {mine.pk, company.pk}
    assert (
        login_client(partner_seller)
        .post(reverse("accounts:sellers_visibility"), {"allowed": "on"})
        .status_code
        == 403
    )
