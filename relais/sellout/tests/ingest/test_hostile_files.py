"""Hostile or unusual sell-out files through the upload: refused at once, or read with the same limits as
every other door."""

import time

import openpyxl
import pytest

from relais.core.errors import ApplicationError
from relais.sellout.apis import LineIn
from relais.sellout.ingest.fields import MAX_LENGTHS
from relais.sellout.models import DeclarationLine
from relais.sellout.services import sellout_import_create
from relais.sellout.tests.ingest.helpers import ean13, outcomes, run_file


@pytest.mark.django_db
def test_feedback_is_capped_at_the_apis_length_on_a_file_import_too(partner, products, tmp_path):
    assert MAX_LENGTHS["feedback"] == LineIn.model_fields["feedback"].metadata[0].max_length == 2000
    path = tmp_path / "v.csv"
    path.write_text(
        "EAN;Qté;Date de vente;Montant;Avis client\n"
        f"{ean13(1)};1;03/10/2026;20,00;{'a' * 2000}\n"
        f"{ean13(2)};1;03/10/2026;20,00;{'b' * 50_000}\n",
        encoding="utf-8",
    )

    result, _import = run_file(partner, path)

    assert outcomes(result) == {3: {"feedback"}}
    assert result.errors[0].message == "Customer feedback is longer than 2000 characters"
    assert list(DeclarationLine.objects.values_list("feedback", flat=True)) == ["a" * 2000]


@pytest.mark.django_db
def test_a_header_of_300000_delimiters_is_refused_at_upload_in_a_blink(partner, tmp_path):
    path = tmp_path / "v.csv"
    path.write_text(";" * 300_000 + "\n", encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(ApplicationError, match="Line 1 of the file has more than 200 columns"):
        sellout_import_create(partner=partner, uploaded_file=path)
    assert time.perf_counter() - started < 2


@pytest.mark.django_db
def test_a_formula_without_its_value_is_named_at_upload_not_reported_as_a_missing_quantity(partner, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["EAN", "Qté", "Date de vente", "Montant"])
    sheet.append([ean13(1), None, "03/10/2026", 20])
    sheet["B2"] = "=2*1"
    path = tmp_path / "v.xlsx"
    workbook.save(path)
    with pytest.raises(ApplicationError) as caught:
        sellout_import_create(partner=partner, uploaded_file=path)
    assert caught.value.message == (
        "Cell B2 has a formula without a computed value; save the file in Excel and send it again."
    )
