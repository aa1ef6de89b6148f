"""The partner picker: a search box, never a drop-down of every partner of the brand."""

from django import forms

from relais.network.models import PartnerCompany
from relais.network.tests.factories import PartnerFactory
from relais.network.widgets import PartnerPicker


class PickForm(forms.Form):
    partner = forms.ModelChoiceField(
        queryset=PartnerCompany.objects.none(), required=False, widget=PartnerPicker()
    )

    def __init__(self, *args, brand, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerCompany.objects.filter(brand=brand)  # type: ignore[attr-defined]


def test_the_picker_lists_no_partner_and_names_the_chosen_one(brand, partner, other_partner, other_brand):
    html = PickForm(brand=brand).as_p()
    assert "<option" not in html and partner.name not in html and other_partner.name not in html

    chosen = PickForm({"partner": str(partner.pk)}, brand=brand)
    assert chosen.is_valid() and chosen.cleaned_data["partner"] == partner
    rendered = str(chosen["partner"])
    assert f'value="{partner.pk}"' in rendered and f"{partner.name} ({partner.code})" in rendered
    assert other_partner.name not in rendered


def test_another_brands_partner_is_refused(brand, other_brand):
    stranger = PartnerFactory(brand=other_brand)
    form = PickForm({"partner": str(stranger.pk)}, brand=brand)
    assert not form.is_valid() and "partner" in form.errors
    assert stranger.name not in str(form["partner"])
