"""Declaring on behalf of resellers, and the same sale declared by the distributor and by the reseller."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum

from relais.core.errors import ApplicationError
from relais.sellout import distributor as hierarchy
from relais.sellout import services as sellout
from relais.sellout.models import Declaration, DeclarationLine, ImportRowError, Source

PERIOD = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


def sale(product, *, quantity: int = 3, day: int = 12, invoice: str = "F-2026-118") -> dict[str, object]:
    return {
        "gtin": product.gtin,
        "sale_date": dt.date(2026, 10, day),
        "quantity": quantity,
        "amount": Decimal("54.00"),
        "invoice_ref": invoice,
    }


def declare_on_behalf(distributor, reseller, lines):
    return hierarchy.declaration_on_behalf_declare(
        distributor=distributor, reseller=reseller, lines=lines, period_start=PERIOD[0], period_end=PERIOD[1]
    )


def declare_as_reseller(reseller, lines):
    """The reseller's own web-form declaration: a draft, its lines through the engine, then submitted."""
    declaration = sellout.declaration_create(
        partner=reseller, period_start=PERIOD[0], period_end=PERIOD[1], source=Source.FORM
    )
    result = sellout.declaration_lines_add(declaration=declaration, rows=lines)
    return declaration, result


def counted_units(partner) -> int:
    lines = DeclarationLine.objects.filter(partner=partner, status__in=hierarchy.COUNTED)
    return lines.aggregate(units=Sum("quantity"))["units"] or 0


@pytest.mark.django_db
def test_a_declaration_on_behalf_is_the_resellers_and_records_the_distributor(
    distributor, reseller, products
):
    outcome = declare_on_behalf(distributor, reseller, [sale(products[0])])

    [declaration] = outcome.declarations
    assert declaration.partner == reseller
    assert declaration.declared_by_partner == distributor
    assert declaration.status == Declaration.Status.VALIDATED
    line = DeclarationLine.objects.get(declaration=declaration)
    assert line.partner_id == reseller.pk
    assert counted_units(reseller) == 3
    assert counted_units(distributor) == 0


@pytest.mark.django_db
def test_distributor_first_then_reseller_the_sale_counts_once(distributor, reseller, products):
    declare_on_behalf(distributor, reseller, [sale(products[0]), sale(products[1], quantity=2)])

    declaration, result = declare_as_reseller(reseller, [sale(products[0]), sale(products[2], quantity=1)])

    assert (result.accepted, result.duplicates) == (1, 1)
    [duplicate] = [e for e in result.errors if e.kind == "duplicate"]
    assert duplicate.row == 1
    assert "Distri Ouest on behalf of Quincaillerie Lebrun" in duplicate.message
    assert "counted once" in duplicate.message
    declaration.refresh_from_db()
    assert declaration.lines_duplicate == 1
    assert counted_units(reseller) == 3 + 2 + 1


@pytest.mark.django_db
def test_reseller_first_then_distributor_the_sale_counts_once(distributor, reseller, products):
    own, _result = declare_as_reseller(reseller, [sale(products[0])])
    sellout.declaration_submit(declaration=own)

    outcome = declare_on_behalf(distributor, reseller, [sale(products[0]), sale(products[1], quantity=2)])

    assert (outcome.result.accepted, outcome.result.duplicates) == (1, 1)
    [duplicate] = [e for e in outcome.result.errors if e.kind == "duplicate"]
    assert duplicate.row == 1
    assert f"already declared by Quincaillerie Lebrun (declaration {own.pk})" in duplicate.message
    [declaration] = outcome.declarations
    assert declaration.lines_duplicate == 1
    assert counted_units(reseller) == 3 + 2


@pytest.mark.django_db
def test_without_an_invoice_reference_the_rule_is_reseller_product_date_quantity(
    distributor, reseller, products
):
    declare_on_behalf(distributor, reseller, [sale(products[0], invoice="")])

    _declaration, same = declare_as_reseller(reseller, [sale(products[0], invoice="")])
    _declaration, other_day = declare_as_reseller(reseller, [sale(products[0], invoice="", day=13)])

    assert same.duplicates == 1
    assert other_day.accepted == 1


@pytest.mark.django_db
def test_all_lines_already_declared_keeps_nothing_and_says_why(distributor, reseller, products):
    own, _result = declare_as_reseller(reseller, [sale(products[0])])
    sellout.declaration_submit(declaration=own)

    outcome = declare_on_behalf(distributor, reseller, [sale(products[0])])

    assert outcome.declarations == []
    assert outcome.result.duplicates == 1
    assert Declaration.objects.filter(declared_by_partner=distributor).count() == 0


@pytest.mark.django_db
def test_a_partner_that_is_not_its_reseller_is_refused(distributor, stranger, products):
    with pytest.raises(ApplicationError, match="not one of your resellers"):
        declare_on_behalf(distributor, stranger, [sale(products[0])])


@pytest.mark.django_db
def test_a_partner_not_marked_distributor_cannot_declare_for_its_children(distributor, reseller, products):
    distributor.is_distributor = False
    distributor.save()
    with pytest.raises(ApplicationError, match="Only a distributor"):
        declare_on_behalf(distributor, reseller, [sale(products[0])])
    assert list(hierarchy.resellers_of(distributor=distributor)) == []


def upload(distributor, text: str):
    return sellout.sellout_import_create(
        partner=distributor, uploaded_file=SimpleUploadedFile("ventes.csv", text.encode())
    )


MAPPING = {
    "gtin": "EAN",
    "quantity": "Qte",
    "sale_date": "Date",
    "amount": "Montant",
    "invoice_ref": "Facture",
}


@pytest.mark.django_db
def test_a_file_with_a_reseller_column_gives_one_declaration_per_reseller(
    distributor, reseller, second_reseller, stranger, products
):
    g0, g1 = products[0].gtin, products[1].gtin
    sellout_import = upload(
        distributor,
        "Revendeur;EAN;Qte;Date;Montant;Facture\n"
        f"R101;{g0};3;12/10/2026;54,00;F1\n"
        f"R102;{g1};2;13/10/2026;40,00;F2\n"
        f"R999;{g0};1;14/10/2026;18,00;F3\n"
        f"R900;{g0};1;14/10/2026;18,00;F4\n"
        f";{g0};1;14/10/2026;18,00;F5\n"
        f"R101;{g1};5;15/10/2026;90,00;F6\n",
    )

    outcome = hierarchy.sellout_import_on_behalf_run(
        distributor=distributor, sellout_import=sellout_import, chosen=MAPPING, reseller_column="Revendeur"
    )

    assert sorted(d.partner_id for d in outcome.declarations) == [reseller.pk, second_reseller.pk]
    assert all(d.declared_by_partner_id == distributor.pk for d in outcome.declarations)
    assert all(d.period_start == dt.date(2026, 10, 1) for d in outcome.declarations)
    assert (outcome.result.accepted, outcome.result.rejected) == (3, 3)
    assert counted_units(reseller) == 8
    assert counted_units(second_reseller) == 2
    assert counted_units(stranger) == 0
    refused = {
        (e.row, e.field): e.message for e in ImportRowError.objects.filter(sellout_import=sellout_import)
    }
    assert refused == {
        (4, "Reseller code"): "The reseller code “R999” is not one of your resellers.",
        (5, "Reseller code"): "The reseller code “R900” is not one of your resellers.",
        (6, "Reseller code"): "The reseller code is missing.",
    }


@pytest.mark.django_db
def test_a_file_repeating_the_resellers_own_sale_keeps_the_duplicate_visible(distributor, reseller, products):
    own, _result = declare_as_reseller(reseller, [sale(products[0], invoice="F1")])
    sellout.declaration_submit(declaration=own)
    sellout_import = upload(
        distributor,
        f"Revendeur;EAN;Qte;Date;Montant;Facture\nR101;{products[0].gtin};3;12/10/2026;54,00;F1\n"
        f"R101;{products[1].gtin};1;12/10/2026;18,00;F1\n",
    )

    outcome = hierarchy.sellout_import_on_behalf_run(
        distributor=distributor, sellout_import=sellout_import, chosen=MAPPING, reseller_column="Revendeur"
    )

    assert (outcome.result.accepted, outcome.result.duplicates) == (1, 1)
    duplicate = ImportRowError.objects.get(sellout_import=sellout_import, kind=ImportRowError.Kind.DUPLICATE)
    assert duplicate.row == 2
    assert "Quincaillerie Lebrun" in duplicate.message
    assert counted_units(reseller) == 3 + 1


@pytest.mark.django_db
def test_reseller_totals_list_only_its_resellers(distributor, reseller, second_reseller, stranger, products):
    declare_on_behalf(distributor, reseller, [sale(products[0])])
    own, _result = declare_as_reseller(stranger, [sale(products[0])])
    sellout.declaration_submit(declaration=own)

    totals = hierarchy.reseller_totals(distributor=distributor)

    assert [(t["reseller"].code, t["units"], t["on_behalf"]) for t in totals] == [
        ("R102", 0, 0),
        ("R101", 3, 1),
    ]
    declarations = list(hierarchy.reseller_declarations(distributor=distributor))
    assert [d.partner_id for d in declarations] == [reseller.pk]
