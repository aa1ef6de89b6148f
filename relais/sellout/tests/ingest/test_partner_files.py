"""Real partner files, written as partners' systems write them, each row's outcome asserted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from relais.sellout.export import rejected_rows_csv
from relais.sellout.models import Declaration, DeclarationLine, ImportRowError, SelloutImport
from relais.sellout.services import (
    sellout_import_create,
    sellout_import_map,
    sellout_import_propose_mapping,
)
from relais.sellout.tests.ingest.helpers import (
    ZERO_EAN,
    ean13,
    outcomes,
    run_file,
    serial,
    wrong_check_digit,
)

NBSP = "\u00a0"


def stored_rows(sellout_import: SelloutImport) -> dict[int, DeclarationLine]:
    """The lines an import stored, by their row in the file (every line of a file has one)."""
    found = DeclarationLine.objects.filter(declaration=sellout_import.declaration).select_related("product")
    return {line.source_row: line for line in found if line.source_row is not None}


def french_excel_csv(tmp_path, future: dt.date):
    """Excel 'CSV (séparateur: point-virgule)': cp1252, ';', decimal comma, title lines, a total line."""
    lines = [
        "Export des ventes - Quincaillerie Martin;;;;;;;;",  # 1
        "Période : octobre 2026;;;;;;;;",  # 2
        ";;;;;;;;",  # 3
        "Date de vente;Code EAN;Désignation;Qté;Prix unitaire HT;Montant HT;N° facture;Canal;Type client",  # 4
        f"03/10/2026;{ean13(1)};Marteau;2;19,90;39,80;FA-1001;Magasin;Particulier",  # 5 accepted
        f'04/10/2026;{ean13(2)};Scie;1;"1{NBSP}250,00";"1{NBSP}250,00";FA-1001;Web;Pro',  # 6 flagged
        f"05/10/2026;{wrong_check_digit(ean13(1))};Marteau;1;19,90;19,90;FA-1002;;",  # 7 gtin
        f"06/10/2026;{ean13(99)};Inconnu;1;19,90;19,90;FA-1002;;",  # 8 gtin (not in catalogue)
        f"07/10/2026;{ean13(3)};Pince;deux;19,90;;FA-1003;;",  # 9 quantity
        f"31/09/2026;{ean13(3)};Pince;1;19,90;;FA-1003;;",  # 10 sale_date impossible
        f"{future:%d/%m/%Y};{ean13(3)};Pince;1;19,90;;FA-1004;;",  # 11 sale_date future
        f"08/10/2026;{ean13(4)};Niveau;-1;19,90;-19,90;AV-0007;magasin;",  # 12 accepted (a return)
        f"09/10/2026;{ean13(5)};Mètre;1;;;FA-1005;;",  # 13 amount missing
        f"10/10/2026;{ean13(5)};Mètre;3;18,50;;FA-1006;Télépathie;",  # 14 channel unknown
        f';;;;;"1{NBSP}309,70";;;',  # 15 total without label: ignored
        "Total;;;;;1 309,70;;;",  # 16 total: ignored
    ]
    path = tmp_path / "ventes octobre.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


@pytest.mark.django_db
def test_french_excel_csv_each_row(partner, products, tmp_path):
    future = timezone.localdate() + dt.timedelta(days=20)
    result, sellout_import = run_file(partner, french_excel_csv(tmp_path, future))

    assert outcomes(result) == {
        7: {"gtin"},
        8: {"gtin"},
        9: {"quantity"},
        10: {"sale_date"},
        11: {"sale_date"},
        13: {"amount"},
        14: {"channel"},
    }
    messages = {e.row: e.message for e in result.errors}
    assert "check digit" in messages[7]
    assert "catalogue" in messages[8]
    assert "impossible" in messages[10]
    assert "future" in messages[11]
    assert (result.accepted, result.flagged, result.rejected, result.duplicates) == (2, 1, 7, 0)

    lines = stored_rows(sellout_import)
    assert set(lines) == {5, 6, 12}
    assert lines[5].gtin == "0" + ean13(1)
    assert (lines[5].quantity, lines[5].unit_price, lines[5].amount) == (
        2,
        Decimal("19.9000"),
        Decimal("39.80"),
    )
    assert lines[5].sale_date == dt.date(2026, 10, 3)
    assert (lines[5].channel, lines[5].customer_type, lines[5].invoice_ref) == ("in_store", "b2c", "FA-1001")
    assert lines[6].status == DeclarationLine.Status.FLAGGED
    assert "list price" in lines[6].flag_reason
    assert (lines[6].amount, lines[6].channel, lines[6].customer_type) == (
        Decimal("1250.00"),
        "online",
        "b2b",
    )
    assert (lines[12].quantity, lines[12].amount) == (-1, Decimal("-19.90"))
    assert lines[12].status == DeclarationLine.Status.ACCEPTED

    assert sellout_import.status == SelloutImport.Status.DONE
    assert (sellout_import.accepted, sellout_import.flagged, sellout_import.rejected) == (2, 1, 7)
    declaration = sellout_import.declaration
    assert declaration is not None and sellout_import.mapping is not None
    assert declaration.status == Declaration.Status.SUBMITTED  # a flagged line waits for review
    # No period given: the whole month of its dates of sale (3 to 8 October), not first-to-last date.
    assert (declaration.period_start, declaration.period_end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert (declaration.lines_accepted, declaration.lines_flagged, declaration.lines_rejected) == (2, 1, 7)
    assert sellout_import.mapping.options["decimal"] == ","


@pytest.mark.django_db
def test_rejected_rows_download_can_be_fixed_and_reuploaded(partner, products, tmp_path):
    future = timezone.localdate() + dt.timedelta(days=20)
    _result, sellout_import = run_file(partner, french_excel_csv(tmp_path, future))

    content = rejected_rows_csv(sellout_import=sellout_import).decode("utf-8-sig").splitlines()
    header = content[0].split(";")
    assert header[:2] == ["Date de vente", "Code EAN"] and header[-1] == "error"
    assert len(content) == 1 + 7
    assert content[1].startswith(f"05/10/2026;{wrong_check_digit(ean13(1))};Marteau")
    assert "check digit" in content[1]

    # The partner fixes row 9 (quantity) in the downloaded file and uploads it again.
    fixed = [content[0].rsplit(";", 1)[0]]
    fixed += [row.rsplit(";", 1)[0].replace(";deux;", ";2;") for row in content[1:] if ";deux;" in row]
    path = tmp_path / "corrigé.csv"
    path.write_text("\n".join(fixed) + "\n", encoding="utf-8-sig")
    again, second_import = run_file(partner, path)
    assert (again.accepted, again.rejected) == (1, 0)
    assert stored_rows(second_import)[2].quantity == 2


@pytest.mark.django_db
def test_xlsx_with_title_block_serial_dates_and_numeric_gtins(partner, products, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Relevé des ventes"])  # 1
    sheet.append(["Distributeur : Quincaillerie Martin", None, "Octobre 2026"])  # 2
    sheet.append([])  # 3
    sheet.append(["Invoice", "EAN", "Quantity", "Sale date", "Amount"])  # 4
    sheet.append(["INV 1", int(ZERO_EAN), 2, serial(dt.date(2026, 10, 3)), 39.8])  # 5 GTIN lost its zeros
    sheet.append(["INV 1", int(ean13(1)), 1, dt.datetime(2026, 10, 4), 19.9])  # 6 a real date cell
    sheet.append(["INV 2", int(ean13(2)) + 1, 1, serial(dt.date(2026, 10, 5)), 19.9])  # 7 check digit
    sheet.append(["INV 3", int(ean13(3)), 1.5, serial(dt.date(2026, 10, 6)), 19.9])  # 8 not whole
    sheet.append(["INV 4", int(ean13(4)), 4, "abc", 80])  # 9 not a date
    sheet.append([None, None, 9, None, 179.5])  # 10 sum row: ignored
    path = tmp_path / "releve.xlsx"
    workbook.save(path)

    result, sellout_import = run_file(partner, path)

    assert outcomes(result) == {7: {"gtin"}, 8: {"quantity"}, 9: {"sale_date"}}
    lines = stored_rows(sellout_import)
    assert set(lines) == {5, 6}
    assert lines[5].gtin == "0" + ZERO_EAN
    assert lines[5].sale_date == dt.date(2026, 10, 3)
    assert lines[5].amount == Decimal("39.80")
    assert lines[5].unit_price is None
    assert lines[6].sale_date == dt.date(2026, 10, 4)


@pytest.mark.django_db
def test_german_csv(partner, products, tmp_path):
    lines = [
        "Verkaufsbericht Oktober 2026",
        "EAN-Code;Artikel;Menge;Verkaufsdatum;Einzelpreis;Umsatz;Rechnungsnr.;Kanal",
        f"{ean13(1)};Hammer;1.200;03.10.2026;19,50;23.400,00;R-2026-1;Filiale",  # 3 accepted, 1200 units
        f"{ean13(2)};Säge;2;04.10.2026;21,00;42,00;R-2026-2;Online",  # 4 accepted
        f"{ean13(3)};Zange;1,5;05.10.2026;21,00;31,50;R-2026-3;Filiale",  # 5 quantity not whole
        f"{ean13(4)};Wasserwaage;1;32.10.2026;21,00;21,00;R-2026-4;Filiale",  # 6 impossible date
        f"{ean13(5)};Maßband;3;06.10.2026;4,00;12,00;R-2026-5;Filiale",  # 7 flagged (20 % of list)
        ";;1.206;;;23.475,50;;",  # 8
        "Summe;;1.206;;;23.475,50;;",  # 9
    ]
    path = tmp_path / "verkauf.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result, sellout_import = run_file(partner, path)

    assert outcomes(result) == {5: {"quantity"}, 6: {"sale_date"}}
    stored = stored_rows(sellout_import)
    assert set(stored) == {3, 4, 7}
    assert (stored[3].quantity, stored[3].amount, stored[3].channel) == (
        1200,
        Decimal("23400.00"),
        "in_store",
    )
    assert stored[4].channel == "online"
    assert stored[7].status == DeclarationLine.Status.FLAGGED
    assert (result.accepted, result.flagged) == (2, 1)


@pytest.mark.django_db
def test_spanish_csv_with_bom_commas_and_quotes(partner, products, tmp_path):
    lines = [
        "Código EAN,Cantidad,Fecha de venta,Importe,Nº factura,Canal de venta",
        f'{ean13(1)},2,03/10/2026,"39,80",F-001,Tienda',  # 2 accepted
        f'{ean13(2)},1,04/10/2026,"19,90",F-002,En línea',  # 3 accepted
        f'{ean13(3)},,05/10/2026,"19,90",F-003,Tienda',  # 4 quantity missing
        f"{ean13(4)},1,05/10/2026,diez,F-004,Tienda",  # 5 amount not a number
    ]
    path = tmp_path / "ventas.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

    result, sellout_import = run_file(partner, path)

    assert outcomes(result) == {4: {"quantity"}, 5: {"amount"}}
    stored = stored_rows(sellout_import)
    assert set(stored) == {2, 3}
    assert stored[2].amount == Decimal("39.80")
    assert stored[3].channel == "online"


@pytest.mark.django_db
def test_italian_tab_separated_latin1(partner, products, tmp_path):
    lines = [
        "Codice EAN\tQuantità\tData vendita\tPrezzo unitario\tNumero fattura\tTipo cliente",
        f"{ean13(1)}\t3\t2026-10-03\t19,90\tFT 12\tPrivato",  # 2 accepted, amount = 3 × 19,90
        f"{ean13(2)}\t1\t2026-10-04\t19,90\tFT 13\tAzienda",  # 3 accepted
        f"{ean13(3)}\t1\t2026-10-05\t19,90\tFT 14\tMarziano",  # 4 customer type unknown
        "Totale\t4\t\t\t\t",  # 5 ignored
    ]
    path = tmp_path / "vendite.txt"
    path.write_bytes(("\n".join(lines) + "\n").encode("latin-1"))

    result, sellout_import = run_file(partner, path)

    assert outcomes(result) == {4: {"customer_type"}}
    stored = stored_rows(sellout_import)
    assert stored[2].amount == Decimal("59.70")
    assert (stored[2].customer_type, stored[3].customer_type) == ("b2c", "b2b")
    assert result.rejected == 1


@pytest.mark.django_db
def test_period_given_rejects_dates_outside(partner, products, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(
        "EAN;Qté;Date;Montant\n"
        f"{ean13(1)};1;30/09/2026;20,00\n"
        f"{ean13(1)};1;01/10/2026;20,00\n"
        f"{ean13(1)};1;01/11/2026;20,00\n",
        encoding="utf-8",
    )
    result, sellout_import = run_file(
        partner, path, period_start=dt.date(2026, 10, 1), period_end=dt.date(2026, 10, 31)
    )
    assert outcomes(result) == {2: {"sale_date"}, 4: {"sale_date"}}
    assert "outside the declared period" in result.errors[0].message
    assert sellout_import.declaration is not None
    assert sellout_import.declaration.period_start == dt.date(2026, 10, 1)


@pytest.mark.django_db
def test_same_sales_in_another_layout_add_nothing(partner, products, tmp_path):
    csv_path = tmp_path / "ventes.csv"
    csv_path.write_bytes(
        (
            "N° facture;Code EAN;Qté;Date de vente;Montant HT\r\n"
            f"FA-1;{ean13(1)};2;03/10/2026;39,80\r\n"
            f"FA-1;{ean13(1)};2;03/10/2026;39,80\r\n"  # twice on one invoice: stored, flagged for review
            f"FA-2;{ZERO_EAN};1;04/10/2026;19,90\r\n"
            f";{ean13(2)};1;05/10/2026;19,90\r\n"  # no invoice reference
        ).encode("cp1252")
    )
    first, _ = run_file(partner, csv_path)
    assert (first.accepted, first.flagged, first.duplicates) == (3, 1, 0)

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Sales report"])
    sheet.append(["Sale date", "Quantity", "EAN", "Invoice number", "Amount"])
    sheet.append([dt.datetime(2026, 10, 3), 2, int(ean13(1)), "fa 1", 39.8])
    sheet.append([dt.datetime(2026, 10, 3), 2, int(ean13(1)), "FA1", 39.8])
    sheet.append([serial(dt.date(2026, 10, 4)), 1, int(ZERO_EAN), "FA-2", 19.9])
    sheet.append([serial(dt.date(2026, 10, 5)), 1, int(ean13(2)), None, 19.9])
    sheet.append([serial(dt.date(2026, 10, 6)), 1, int(ean13(2)), None, 19.9])  # a new sale
    xlsx_path = tmp_path / "sales.xlsx"
    workbook.save(xlsx_path)

    second, second_import = run_file(partner, xlsx_path)

    assert (second.accepted, second.duplicates, second.rejected) == (1, 4, 0)
    assert outcomes(second) == {3: {"duplicate"}, 4: {"duplicate"}, 5: {"duplicate"}, 6: {"duplicate"}}
    assert DeclarationLine.objects.filter(partner=partner).count() == 5
    assert ImportRowError.objects.filter(sellout_import=second_import, kind="duplicate").count() == 4


@pytest.mark.django_db
def test_headers_nobody_knows_are_mapped_by_content(partner, products, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(
        "Col1;Col2;Col3;Col4\n"
        + "".join(f"X{i};{ean13(1 + i % 5)};{i + 1};0{1 + i % 9}/10/2026\n" for i in range(12)),
        encoding="utf-8",
    )
    sellout_import = sellout_import_create(partner=partner, uploaded_file=path)
    proposal = sellout_import_propose_mapping(sellout_import=sellout_import)
    assert proposal.mapping["gtin"] == "Col2"
    assert proposal.mapping["sale_date"] == "Col4"
    assert proposal.mapping["quantity"] == "Col3"
    assert proposal.required_missing == ["amount"]


@pytest.mark.django_db
def test_saved_mapping_is_reused_for_the_same_layout(partner, products, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(f"Réf;Article;Nb;Jour;Valeur\nF1;{ean13(1)};1;03/10/2026;20,00\n", encoding="utf-8")
    first = sellout_import_create(partner=partner, uploaded_file=path)
    chosen = {
        "gtin": "Article",
        "quantity": "Nb",
        "sale_date": "Jour",
        "amount": "Valeur",
        "invoice_ref": "Réf",
    }
    saved = sellout_import_map(sellout_import=first, mapping=chosen)

    second = sellout_import_create(partner=partner, uploaded_file=path)
    proposal = sellout_import_propose_mapping(sellout_import=second)
    assert proposal.reused_mapping_id == saved.pk
    assert proposal.mapping == chosen
    assert proposal.header_row == 1


@pytest.mark.django_db
def test_a_long_cp1252_file_whose_first_accent_comes_late_keeps_its_accents(partner, products, tmp_path):
    # An ERP export: thousands of plain ASCII lines, then customer feedback with accents, in cp1252.
    plain = [
        f"{1 + i % 28:02d}/10/2026;{ean13(1 + i % 3)};{1 + i % 4};19,90;;FA-{i:06d}" for i in range(12_000)
    ]
    tail = [f"29/10/2026;{ean13(4)};1;19,90;Très bien, livré à temps;FA-999999"]
    path = tmp_path / "export.csv"
    body = "\r\n".join(["Date;EAN;Quantite;Prix unitaire;Commentaire client;Facture", *plain, *tail]) + "\r\n"
    path.write_bytes(body.encode("cp1252"))
    assert path.stat().st_size > 256 * 1024  # past what the reader samples to guess the encoding

    result, sellout_import = run_file(partner, path)

    assert (result.accepted, result.rejected) == (12_001, 0)
    last = stored_rows(sellout_import)[12_002]
    assert last.feedback == "Très bien, livré à temps"


@pytest.mark.django_db
def test_comments_typed_on_several_lines_are_kept_and_rows_keep_their_numbers(partner, products, tmp_path):
    """A shop's export with a free-text comment column where people pressed Enter (quoted line breaks)."""
    lines = [
        "Date;EAN;Qté;Montant;Commentaire client",  # 1
        f'02/10/2026;{ean13(1)};1;20,00;"Très content.\r\nReviendra pour la version pro."',  # 2-3 accepted
        f"03/10/2026;{wrong_check_digit(ean13(2))};1;20,00;",  # 4 gtin
        f'04/10/2026;{ean13(3)};2;40,00;"Livraison ; rapide\r\n\r\n""top"""',  # 5-7 accepted
        f"05/10/2026;{ean13(4)};deux;40,00;",  # 8 quantity
    ]
    path = tmp_path / "ventes commentaires.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    result, sellout_import = run_file(partner, path)

    assert outcomes(result) == {4: {"gtin"}, 8: {"quantity"}}
    assert (result.accepted, result.rejected) == (2, 2)
    stored = stored_rows(sellout_import)
    assert sorted(stored) == [2, 5]
    assert stored[2].feedback == "Très content.\r\nReviendra pour la version pro."
    assert stored[5].feedback == 'Livraison ; rapide\r\n\r\n"top"'
