"""The sell-out line has one definition: the model's, which every column list reads."""

from __future__ import annotations

from django import forms as django_forms

from relais.sellout import export, forms
from relais.sellout.ingest import fields, mapping, store
from relais.sellout.models import DeclarationLine


def test_every_declared_field_is_a_column_of_the_line_with_its_type_and_length():
    for spec in fields.FIELDS:
        model_field = DeclarationLine._meta.get_field(spec.name)
        # The model's length, or for text the model leaves unbounded the one every door applies.
        expected = getattr(model_field, "max_length", None) or fields.TEXT_MAX_LENGTHS.get(spec.name)
        assert spec.max_length == expected
    feedback_field = forms.LineForm.base_fields["feedback"]
    assert isinstance(feedback_field, django_forms.CharField)
    assert fields.MAX_LENGTHS["feedback"] == feedback_field.max_length == 2000
    assert {f.name: f.kind for f in fields.FIELDS if f.kind != "text"} == {
        "quantity": "integer",
        "sale_date": "date",
        "amount": "decimal",
        "unit_price": "decimal",
    }
    assert fields.REQUIRED_FIELDS == ["gtin", "quantity", "sale_date"]


def test_the_bulk_write_stores_every_column_of_the_line_but_its_id():
    table_columns = [f.column for f in DeclarationLine._meta.concrete_fields if not f.primary_key]
    assert table_columns == store.COLUMNS
    assert set(store.TEXT_COLUMNS) < set(store.COLUMNS)
    assert "feedback" in store.TEXT_COLUMNS and "quantity" not in store.TEXT_COLUMNS


def test_the_mapping_the_form_and_the_export_read_the_same_fields():
    assert mapping.FIELDS is fields.FIELDS and mapping.FIELD_NAMES is fields.FIELD_NAMES
    assert set(forms.LineForm.ROW_FIELDS) == set(fields.FIELD_NAMES) - {"currency"}
    exported = {path for _name, path in export.COLUMNS}
    assert set(fields.SALE_COLUMNS) <= exported


def test_the_length_checks_quote_the_model_lengths():
    # validate's messages name these lengths ("longer than 60 characters").
    assert (
        fields.MAX_LENGTHS["invoice_ref"],
        fields.MAX_LENGTHS["customer_postcode_area"],
        fields.MAX_LENGTHS["customer_segment"],
    ) == (60, 10, 60)
