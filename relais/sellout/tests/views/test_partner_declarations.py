"""Partner pages: my declarations, the web form with htmx line entry, submit, product autocomplete."""

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from conftest import login_client
from relais.catalog.tests.factories import ProductFactory
from relais.sellout.models import Declaration, DeclarationLine, Source
from relais.sellout.services import declaration_create

HTMX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def draft(partner, partner_seller):
    return declaration_create(
        partner=partner,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        source=Source.FORM,
        created_by=partner_seller,
    )


def line_post(drill, **overrides):
    data = {
        "line-gtin": drill.gtin,
        "line-product_search": drill.name,
        "line-quantity": "2",
        "line-unit_price": "119.90",
        "line-sale_date": "2026-10-12",
        "line-channel": "in_store",
        "line-customer_type": "b2b",
        "line-customer_postcode_area": "69",
        "line-customer_segment": "plombier",
        "line-feedback": "Bonne autonomie",
    }
    data.update(overrides)
    return data


def test_my_declarations_lists_only_my_company(partner_seller, draft, other_partner):
    theirs = declaration_create(
        partner=other_partner, period_start=date(2026, 9, 1), period_end=date(2026, 9, 30), source=Source.FORM
    )
    response = login_client(partner_seller).get(reverse("sellout:my_declarations"))
    assert response.status_code == 200
    assert list(response.context["page"]) == [draft]
    assert reverse("sellout:declaration_edit", args=[theirs.pk]) not in response.content.decode()


def test_partner_starts_a_draft_declaration(partner_seller, partner):
    response = login_client(partner_seller).post(
        reverse("sellout:declaration_new"), {"period_start": "2026-10-01", "period_end": "2026-10-31"}
    )
    declaration = Declaration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("sellout:declaration_edit", args=[declaration.pk])
    assert declaration.partner == partner and declaration.source == Source.FORM
    assert declaration.status == Declaration.Status.DRAFT


def test_a_period_in_reverse_is_refused_on_the_form(partner_seller):
    response = login_client(partner_seller).post(
        reverse("sellout:declaration_new"), {"period_start": "2026-10-31", "period_end": "2026-10-01"}
    )
    assert response.status_code == 400
    assert not Declaration.objects.exists()


def test_htmx_line_entry_adds_a_line_and_returns_a_fresh_form(partner_seller, draft, drill):
    client = login_client(partner_seller)

    response = client.post(reverse("sellout:declaration_line_add", args=[draft.pk]), line_post(drill), **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    line = DeclarationLine.objects.get(declaration=draft)
    assert (line.quantity, line.customer_type, line.customer_postcode_area) == (2, "b2b", "69")
    assert line.feedback == "Bonne autonomie"
    assert 'data-testid="line-added"' in html
    assert 'hx-swap-oob="afterbegin:#lines-body"' in html and drill.name in html
    assert 'id="declaration-counters"' in html
    # The next line keeps the date of sale and starts with an empty product.
    form = response.context["form"]
    assert form.initial["sale_date"] == "2026-10-12"
    assert not form.is_bound


def test_line_errors_name_the_field(partner_seller, draft, drill):
    client = login_client(partner_seller)
    response = client.post(
        reverse("sellout:declaration_line_add", args=[draft.pk]),
        line_post(drill, **{"line-gtin": "", "line-product_search": "40000000000", "line-quantity": "deux"}),
        **HTMX,
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "product_search" in form.errors
    assert "quantity" in form.errors
    assert 'data-field="quantity"' in response.content.decode()
    assert not DeclarationLine.objects.exists()


def test_the_same_line_twice_is_reported_as_duplicate(partner_seller, draft, drill):
    client = login_client(partner_seller)
    url = reverse("sellout:declaration_line_add", args=[draft.pk])
    data = line_post(drill, **{"line-invoice_ref": "F-1001"})
    client.post(url, data, **HTMX)
    response = client.post(url, data, **HTMX)
    assert response.context["duplicate_message"]
    assert DeclarationLine.objects.count() == 1


def test_partner_submits_the_draft(partner_seller, draft, drill):
    client = login_client(partner_seller)
    client.post(reverse("sellout:declaration_line_add", args=[draft.pk]), line_post(drill), **HTMX)

    response = client.post(reverse("sellout:declaration_submit", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Declaration.Status.VALIDATED and draft.submitted_at is not None
    page = client.get(reverse("sellout:declaration_edit", args=[draft.pk]))
    assert 'data-testid="line-entry"' not in page.content.decode()


def test_another_partners_declaration_is_a_404(draft, other_partner, drill):
    from relais.accounts.tests.factories import partner_user

    stranger = login_client(partner_user(other_partner, email="x@dupont.test"))
    assert stranger.get(reverse("sellout:declaration_edit", args=[draft.pk])).status_code == 404
    assert (
        stranger.post(reverse("sellout:declaration_line_add", args=[draft.pk]), line_post(drill)).status_code
        == 404
    )
    assert stranger.post(reverse("sellout:declaration_submit", args=[draft.pk])).status_code == 404


def test_brand_users_cannot_use_partner_pages(brand_admin, draft):
    assert login_client(brand_admin).get(reverse("sellout:my_declarations")).status_code == 403


def test_product_search_finds_by_name_or_gtin_in_the_brands_catalogue_only(
    partner_seller, drill, saw, other_brand
):
    ProductFactory(brand=other_brand, name="Perceuse concurrente")
    client = login_client(partner_seller)
    url = reverse("sellout:product_search")

    by_name = client.get(url, {"line-product_search": "perceuse"}, **HTMX)
    by_gtin = client.get(url, {"line-product_search": saw.gtin[-8:]}, **HTMX)

    assert list(by_name.context["products"]) == [drill]
    assert f'data-pick-gtin="{drill.gtin}"' in by_name.content.decode()
    assert list(by_gtin.context["products"]) == [saw]


def test_pages_are_in_french_for_a_french_browser(partner_seller, draft):
    client = login_client(partner_seller)
    page = client.get(reverse("sellout:declaration_edit", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()
    assert "Ajouter la ligne" in html and "Soumettre la déclaration" in html
    assert "Brouillon" in html


def test_line_entry_works_without_javascript(partner_seller, draft, drill):
    client = login_client(partner_seller)
    url = reverse("sellout:declaration_line_add", args=[draft.pk])

    added = client.post(url, line_post(drill))
    refused = client.post(url, line_post(drill, **{"line-quantity": ""}))

    assert added.status_code == 302
    assert added["Location"] == reverse("sellout:declaration_edit", args=[draft.pk])
    assert refused.status_code == 422
    assert "quantity" in refused.context["form"].errors
    assert "<html" in refused.content.decode()
    assert DeclarationLine.objects.filter(declaration=draft).count() == 1


def test_a_line_removed_from_a_draft_can_be_entered_again(partner_seller, draft, drill):
    client = login_client(partner_seller)
    client.post(reverse("sellout:declaration_line_add", args=[draft.pk]), line_post(drill), **HTMX)
    line = DeclarationLine.objects.get(declaration=draft)
    page = client.get(reverse("sellout:declaration_edit", args=[draft.pk])).content.decode()
    assert reverse("sellout:declaration_line_remove", args=[draft.pk, line.pk]) in page

    response = client.post(reverse("sellout:declaration_line_remove", args=[draft.pk, line.pk]))

    assert response.status_code == 302
    assert not DeclarationLine.objects.filter(declaration=draft).exists()
    draft.refresh_from_db()
    assert draft.lines_accepted == 0
    client.post(reverse("sellout:declaration_line_add", args=[draft.pk]), line_post(drill), **HTMX)
    assert DeclarationLine.objects.filter(declaration=draft).count() == 1  # not taken for a duplicate


def test_a_draft_is_discarded_with_its_lines_but_a_submitted_one_stays(partner_seller, draft, drill):
    client = login_client(partner_seller)
    client.post(reverse("sellout:declaration_line_add", args=[draft.pk]), line_post(drill), **HTMX)

    response = client.post(reverse("sellout:declaration_discard", args=[draft.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("sellout:my_declarations")
    assert not Declaration.objects.filter(pk=draft.pk).exists()
    assert not DeclarationLine.objects.exists()

    kept = declaration_create(
        partner=draft.partner,
        period_start=date(2026, 9, 1),
        period_end=date(2026, 9, 30),
        source=Source.FORM,
        created_by=partner_seller,  # a seller acts on the declarations it made (docs/access.md)
    )
    client.post(
        reverse("sellout:declaration_line_add", args=[kept.pk]),
        line_post(drill, **{"line-sale_date": "2026-09-12"}),
        **HTMX,
    )
    client.post(reverse("sellout:declaration_submit", args=[kept.pk]))
    line = DeclarationLine.objects.get(declaration=kept)
    assert client.post(reverse("sellout:declaration_discard", args=[kept.pk])).status_code == 302
    assert client.post(reverse("sellout:declaration_line_remove", args=[kept.pk, line.pk])).status_code == 302
    assert DeclarationLine.objects.filter(pk=line.pk).exists()
    assert Declaration.objects.get(pk=kept.pk).status != Declaration.Status.DRAFT


def test_another_partner_cannot_remove_my_lines(partner_seller, draft, drill, other_partner):
    from conftest import partner_user

    client = login_client(partner_seller)
    client.post(reverse("sellout:declaration_line_add", args=[draft.pk]), line_post(drill), **HTMX)
    line = DeclarationLine.objects.get(declaration=draft)
    intruder = partner_user(other_partner, email="intruder@other.test", role="partner_admin")

    response = login_client(intruder).post(
        reverse("sellout:declaration_line_remove", args=[draft.pk, line.pk])
    )

    assert response.status_code == 404
    assert DeclarationLine.objects.filter(pk=line.pk).exists()


def test_an_identical_sale_to_another_customer_is_added_once_confirmed(partner_seller, draft, drill):
    client = login_client(partner_seller)
    url = reverse("sellout:declaration_line_add", args=[draft.pk])
    data = line_post(drill)  # no invoice number: the same product, date and quantity look like one sale
    client.post(url, data, **HTMX)

    looks_twice = client.post(url, data, **HTMX)

    html = looks_twice.content.decode()
    assert 'data-testid="line-duplicate"' in html and 'data-testid="another-sale"' in html
    assert DeclarationLine.objects.filter(declaration=draft).count() == 1
    confirmed = client.post(url, {**data, "line-another_sale": "1"}, **HTMX)
    assert 'data-testid="line-added"' in confirmed.content.decode()
    client.post(url, {**data, "line-another_sale": "1"}, **HTMX)
    assert DeclarationLine.objects.filter(declaration=draft).count() == 3
    keys = set(DeclarationLine.objects.filter(declaration=draft).values_list("dedup_key", flat=True))
    assert len(keys) == 3


def test_confirming_does_not_count_a_sale_of_another_declaration_twice(partner_seller, draft, drill, partner):
    client = login_client(partner_seller)
    data = line_post(drill)
    client.post(reverse("sellout:declaration_line_add", args=[draft.pk]), data, **HTMX)
    client.post(reverse("sellout:declaration_submit", args=[draft.pk]))
    again = declaration_create(
        partner=partner,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 10, 31),
        source=Source.FORM,
        created_by=partner_seller,  # a seller acts on the declarations it made (docs/access.md)
    )

    response = client.post(
        reverse("sellout:declaration_line_add", args=[again.pk]), {**data, "line-another_sale": "1"}, **HTMX
    )

    html = response.content.decode()
    assert 'data-testid="line-duplicate"' in html and 'data-testid="another-sale"' not in html
    assert not DeclarationLine.objects.filter(declaration=again).exists()
