"""Partner imports from real files: French Excel CSV, XLSX, files with errors; idempotence and atomicity."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from stdnum import luhn

from relais.core.errors import ApplicationError
from relais.core.tabular import table_read
from relais.followups import network as network_followups
from relais.network.models import PartnerCompany, Segment
from relais.network.tests.factories import PartnerFactory

SIRET_MARTIN = "73282932000074"
SIREN_RHONE = "55208131" + luhn.calc_check_digit("55208131")
SIRET_RHONE = SIREN_RHONE + "0001" + luhn.calc_check_digit(SIREN_RHONE + "0001")
IT_VAT = "IT0074311015" + luhn.calc_check_digit("0074311015")


def french_csv() -> bytes:
    """Excel in France: ';', Windows-1252, French headers and values, decimal comma, child before parent."""
    lines = [
        "Code;Raison sociale;Type;Organisation;Pays;Région;Ville;Code parent;SIRET ou TVA;Potentiel",
        "R100;Quincaillerie Martin;revendeur;multi-marques;France;Auvergne-Rhône-Alpes;Lyon;D001;732 829 320 00074;120 000,50",
        f"D001;Rhône Distribution;distributeur;multi-marques;FR;Auvergne-Rhône-Alpes;Lyon;;{SIRET_RHONE};1 500 000",
        "F200;Lumen Store Bruxelles;franchisé;mono-marque;Belgique;Bruxelles-Capitale;Bruxelles;;BE 0403.170.701;250000",
        "A300;Agence Müller;agent;multi-marques;Allemagne;Bayern;München;;DE136695976;",
        "W400;Grossiste Alpin;grossiste;multi-marques;Suisse;Vaud;Lausanne;;CHE-107.787.577 MWST;800000",
        f"T500;Détail Rossi;détaillant;mono-marque;Italie;Lombardia;Milano;D001;{IT_VAT};40000",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def load(brand, content=None, filename="partenaires.csv", **kwargs):
    """The import as its entry points run it: the file, then the tiers and segments that follow it."""
    table = table_read(content=content or french_csv(), filename=filename)
    return network_followups.partners_import(brand=brand, table=table, **kwargs)


def test_french_excel_csv_loads_every_row_with_parents_declared_later(brand):
    report = load(brand)

    assert (report.created, report.updated, report.unchanged, report.rejected) == (6, 0, 0, 0)
    partners = {p.code: p for p in PartnerCompany.objects.filter(brand=brand).select_related("parent")}
    martin = partners["R100"]
    assert (martin.kind, martin.organisation, martin.country) == ("reseller", "multi_brand", "FR")
    assert martin.parent == partners["D001"]
    assert (martin.siret, martin.siren, martin.vat_number) == (SIRET_MARTIN, SIRET_MARTIN[:9], "")
    assert martin.potential == Decimal("120000.50")
    assert martin.region == "Auvergne-Rhône-Alpes"
    assert partners["F200"].kind == "franchisee" and partners["F200"].organisation == "mono_brand"
    assert partners["F200"].vat_number == "BE0403170701"
    assert partners["A300"].country == "DE" and partners["A300"].potential is None
    assert partners["W400"].kind == "wholesaler" and partners["W400"].vat_number == "CHE107787577"
    assert partners["T500"].kind == "retailer" and partners["T500"].parent == partners["D001"]
    # Tiers by tertile of potential, recomputed after the import.
    assert {c: p.potential_tier for c, p in partners.items()} == {
        "T500": "low",
        "R100": "low",
        "F200": "medium",
        "W400": "high",
        "D001": "high",
        "A300": "none",
    }


def test_re_running_the_same_file_changes_nothing(brand):
    load(brand)
    stamps = dict(PartnerCompany.objects.filter(brand=brand).values_list("code", "updated_at"))

    again = load(brand)

    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 6, 0)
    assert dict(PartnerCompany.objects.filter(brand=brand).values_list("code", "updated_at")) == stamps


def test_changed_rows_update_and_absent_columns_are_left_alone(brand):
    load(brand)
    content = "code;name;kind;country;parent\nR100;Quincaillerie Martin & Fils;reseller;FR;\nD001;Rhône Distribution;distributor;FR;\n"

    report = load(brand, content.encode())

    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    martin = PartnerCompany.objects.get(brand=brand, code="R100")
    assert martin.name == "Quincaillerie Martin & Fils"
    assert martin.parent is None  # a blank parent cell detaches
    assert martin.potential == Decimal("120000.50")  # no potential column: untouched
    assert martin.siret == SIRET_MARTIN


def test_xlsx_file(brand):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        ["code", "name", "kind", "organisation", "country", "city", "parent_code", "siret", "potential"]
    )
    sheet.append(
        ["D9", "Distrib Est", "Distributor", "Multi-brand", "FR", "Metz", None, int(SIRET_RHONE), 900000]
    )
    sheet.append(["R9", "Revendeur Nancy", "reseller", "mono_brand", "FR", "Nancy", "D9", None, 12500.5])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = load(brand, buffer.getvalue(), filename="partners.xlsx")

    assert (report.created, report.rejected) == (2, 0), report.errors
    r9 = PartnerCompany.objects.get(brand=brand, code="R9")
    assert r9.parent is not None and r9.parent.code == "D9"
    assert r9.potential == Decimal("12500.50") and r9.organisation == "mono_brand"
    assert PartnerCompany.objects.get(brand=brand, code="D9").siret == SIRET_RHONE


def error_file() -> bytes:
    lines = [
        "code,name,kind,organisation,country,parent_code,siret,potential",  # row 1
        "X1,Good distributor,distributor,multi,FR,,,",  # row 2 (organisation "multi" is unknown)
        "X1b,Good distributor,distributor,,FR,,,",  # row 3: ok, organisation defaults to multi-brand
        "X2,Maker,fabricant,,FR,,,",  # row 4: kind
        "X3,Nowhere,reseller,,Atlantis,,,",  # row 5: country
        "X4,Bad siret,reseller,,FR,,73282932000075,",  # row 6: siret
        "X5,Child of rejected,reseller,,FR,X3,,",  # row 7: parent rejected on row 5
        "X6,Orphan,reseller,,FR,NOPE,,",  # row 8: unknown parent
        "X7,Loop A,reseller,,FR,X8,,",  # row 9: loop
        "X8,Loop B,reseller,,FR,X7,,",  # row 10: loop
        "X1b,Twice,reseller,,FR,,,",  # row 11: duplicate code
        ",,reseller,,FR,,,",  # row 12: code and name missing
        "X9,Vague,reseller,,FR,,,beaucoup",  # row 13: potential
        "X10,Child of good,reseller,,FR,X1b,,1000",  # row 14: ok
    ]
    return ("\n".join(lines) + "\n").encode()


def test_bad_rows_are_reported_with_file_row_numbers_and_good_rows_load(brand):
    report = load(brand, error_file(), filename="errors.csv")

    result = report.as_dict()
    assert (result["created"], result["rejected"]) == (2, 11)
    assert [(e["row"], e["field"]) for e in result["errors"]] == [
        (2, "organisation"),
        (4, "kind"),
        (5, "country"),
        (6, "siret"),
        (7, "parent_code"),
        (8, "parent_code"),
        (9, "parent_code"),
        (10, "parent_code"),
        (11, "code"),
        (12, "code"),
        (12, "name"),
        (13, "potential"),
    ]
    messages = {(e["row"], e["field"]): e["message"] for e in result["errors"]}
    assert "row 5" in messages[(7, "parent_code")]
    assert "NOPE" in messages[(8, "parent_code")]
    assert "loop" in messages[(9, "parent_code")]
    assert "row 3" in messages[(11, "code")]
    assert sorted(PartnerCompany.objects.filter(brand=brand).values_list("code", flat=True)) == ["X10", "X1b"]
    assert PartnerCompany.objects.get(brand=brand, code="X1b").organisation == "multi_brand"


def test_a_parent_already_in_the_network_is_found(brand, other_brand):
    PartnerFactory(brand=other_brand, code="D1")  # same code in another brand: not a candidate
    existing = PartnerFactory(brand=brand, code="D1", kind="distributor")
    report = load(
        brand, b"code;name;kind;country;parent\nR1;Revendeur;revendeur;FR;D1\nR2;Autre;revendeur;FR;D2\n"
    )
    assert report.created == 1 and report.rejected == 1
    assert PartnerCompany.objects.get(brand=brand, code="R1").parent == existing


def test_a_loop_through_the_network_is_refused(brand):
    top = PartnerFactory(brand=brand, code="TOP", kind="distributor")
    PartnerFactory(brand=brand, code="MID", parent=top)
    report = load(brand, b"code;name;kind;country;parent\nTOP;Top;distributor;FR;MID\n")
    assert report.rejected == 1 and report.errors[0].field == "parent_code"
    assert PartnerCompany.objects.get(brand=brand, code="TOP").parent is None


def test_segments_follow_the_import(brand):
    segment = Segment.objects.create(brand=brand, name="Distributeurs", rules={"kind": ["distributor"]})
    load(brand)
    segment.refresh_from_db()
    assert segment.member_count == 1
    assert list(segment.memberships.values_list("partner__code", flat=True)) == ["D001"]


def test_a_missing_required_column_refuses_the_file(brand):
    with pytest.raises(ApplicationError, match="kind"):
        load(brand, b"code;name;country\nA;B;FR\n")


def test_dry_run_reports_but_writes_nothing(brand):
    report = load(brand, dry_run=True)
    assert report.created == 6
    assert not PartnerCompany.objects.filter(brand=brand).exists()


def test_a_crash_mid_way_leaves_nothing(brand, monkeypatch):
    PartnerFactory(brand=brand, code="R100", name="Old name")

    def crash(**kwargs):
        raise RuntimeError("disk full")

    # Partners are created and updated, then the tiers recompute fails: the whole file rolls back.
    monkeypatch.setattr(network_followups, "partner_tiers_refresh", crash)
    with pytest.raises(RuntimeError):
        load(brand)

    assert list(PartnerCompany.objects.filter(brand=brand).values_list("code", "name")) == [
        ("R100", "Old name")
    ]


def _network_csv(n: int, *, suffix: str) -> bytes:
    rows = ["code;name;kind;country;parent;potential", f"D;Distrib {suffix};distributeur;FR;;500000"]
    rows += [f"R{i};Revendeur {i} {suffix};revendeur;FR;D;{i * 1000}" for i in range(1, n + 1)]
    return ("\n".join(rows) + "\n").encode()


def test_queries_are_bulk_not_one_per_row(brand, other_brand):
    counts = []
    for target, n in ((brand, 20), (other_brand, 300)):
        with CaptureQueriesContext(connection) as created:
            load(target, _network_csv(n, suffix="a"))
        with CaptureQueriesContext(connection) as updated:
            report = load(target, _network_csv(n, suffix="b"))
        assert report.updated == n + 1
        counts.append((len(created), len(updated)))
    # A few queries per file, plus a few per batch of rows (SQLite batches bulk writes by its parameter limit).
    assert max(counts[0]) <= 30 and max(counts[1]) <= 30, counts


def test_a_chain_of_new_partners_in_reverse_order_is_linked(brand):
    content = (
        b"code;name;kind;country;parent\n"
        b"C;Petit-enfant;revendeur;FR;B\n"
        b"B;Enfant;grossiste;FR;A\n"
        b"A;Racine;distributeur;FR;\n"
        b"D;Autre enfant;revendeur;FR;A\n"
    )
    report = load(brand, content)
    assert report.created == 4 and report.rejected == 0
    parents = dict(PartnerCompany.objects.filter(brand=brand).values_list("code", "parent__code"))
    assert parents == {"A": None, "B": "A", "C": "B", "D": "A"}
