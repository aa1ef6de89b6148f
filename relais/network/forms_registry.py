"""The form that creates a partner from the web. The checks are the partner importer's own (country,
SIRET/SIREN and VAT with their check digits): the view writes the form as a one-row file."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand
from relais.network.models import Channel, Organisation, PartnerKind
from relais.network.selectors import partner_distributors

# Form field -> the importer's column.
IMPORT_COLUMNS = {
    "code": "code",
    "name": "name",
    "kind": "kind",
    "organisation": "organisation",
    "channel": "channel",
    "country": "country",
    "region": "region",
    "city": "city",
    "parent": "parent_code",
    "siret": "siret",
    "siren": "siren",
    "vat_number": "vat",
    "potential": "potential",
}


class PartnerCreateForm(forms.Form):
    code = forms.CharField(label=_("Partner code"), max_length=50)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    organisation = forms.ChoiceField(label=_("Organisation"), choices=Organisation.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    parent = forms.ChoiceField(label=_("Parent distributor"), required=False, choices=[])
    country = forms.CharField(label=_("Country (ISO code or name)"), max_length=60)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    siren = forms.CharField(label=_("SIREN"), max_length=12, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=20, required=False)
    potential = forms.CharField(label=_("Annual potential"), max_length=20, required=False)
    # Not a column of the partner file: the view sets it through ``partner_update`` once the row is written.
    is_distributor = forms.BooleanField(
        label=_("Distributor"),
        required=False,
        help_text=_("Its admin sees its resellers' sell-out and declares on their behalf."),
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((p.code, f"{p.name} ({p.code})") for p in partner_distributors(brand=brand)),
        ]

    def as_row(self) -> tuple[list[str], list[object]]:
        """The importer's headers and the one row of cells this form stands for."""
        data = self.cleaned_data
        return list(IMPORT_COLUMNS.values()), [str(data.get(name) or "") for name in IMPORT_COLUMNS]

    def field_of(self, column: str) -> str | None:
        """The form field of an importer column (None for a whole-row error)."""
        if column == "siret_or_vat":
            return "siret"
        return next((name for name, col in IMPORT_COLUMNS.items() if col == column), None)
