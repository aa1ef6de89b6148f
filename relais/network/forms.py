"""Forms of the network back office and portal. They only clean input; services do the writing."""

from __future__ import annotations

from typing import Any

import pycountry
from django import forms
from django.utils.translation import gettext_lazy as _

from relais.core.models import Brand
from relais.network.models import Channel, Organisation, PartnerCompany, PartnerKind, Segment, Tier
from relais.network.selectors import (
    partner_distributor_choices,
    partner_distributors,
    partner_filter_options,
    segment_list,
)


def country_label(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return f"{country.name} ({code})" if country else code


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


class PartnerFilterForm(forms.Form):
    """The filter bar of the partner list (GET)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, code or city"), "type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(_("All kinds")) + PartnerKind.choices
    )
    organisation = forms.ChoiceField(
        label=_("Organisation"), required=False, choices=_blank(_("All")) + Organisation.choices
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_blank(_("All")) + Channel.choices
    )
    potential_tier = forms.ChoiceField(
        label=_("Potential"), required=False, choices=_blank(_("All")) + Tier.choices
    )
    activity_tier = forms.ChoiceField(
        label=_("Activity"), required=False, choices=_blank(_("All")) + Tier.choices
    )
    parent = forms.ModelChoiceField(
        label=_("Distributor"), required=False, queryset=PartnerCompany.objects.none(), empty_label=_("All")
    )
    segment = forms.ModelChoiceField(
        label=_("Segment"), required=False, queryset=Segment.objects.none(), empty_label=_("All")
    )
    is_active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("true", _("Active")), ("false", _("Inactive"))],
    )

    def __init__(self, *args: Any, brand: Brand, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = partner_filter_options(brand=brand)
        countries = [(c, country_label(c)) for c in options["country"]]
        regions = [(r, r) for r in options["region"]]
        self.fields["country"].choices = _blank(_("All countries")) + countries  # type: ignore[attr-defined]
        self.fields["region"].choices = _blank(_("All regions")) + regions  # type: ignore[attr-defined]
        self.fields["parent"].queryset = partner_distributor_choices(brand=brand)  # type: ignore[attr-defined]
        self.fields["segment"].queryset = segment_list(brand=brand)  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The selector's filters; an invalid value is ignored rather than failing the whole page."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        if "parent" in data:
            data["parent"] = data["parent"].pk
        if "segment" in data:
            data["segment"] = data["segment"].pk
        return data


# The rule pickers of the segment editor: field name -> label. Their input names are the rule fields.
RULE_PICKERS: list[tuple[str, Any]] = [
    ("kind", _("Kind")),
    ("organisation", _("Organisation")),
    ("channel", _("Channel")),
    ("country", _("Country")),
    ("region", _("Region")),
    ("potential_tier", _("Potential tier")),
    ("activity_tier", _("Activity tier")),
    ("parent", _("Parent distributor")),
    ("is_active", _("Status")),
]


class SegmentForm(forms.Form):
    """A segment's name and rules; each rule field is a group of checkboxes named after the partner field."""

    name = forms.CharField(label=_("Name"), max_length=120)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    public_label = forms.CharField(
        label=_("Label shown to partners"),
        required=False,
        max_length=120,
        help_text=_("Partners never see the name above. Leave empty to keep the segment unnamed for them."),
    )

    def __init__(self, *args: Any, brand: Brand, current_rules: dict | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current_rules = current_rules or {}
        options = partner_filter_options(brand=brand)
        countries = sorted(set(options["country"]) | set(current_rules.get("country", [])))
        regions = sorted(set(options["region"]) | set(current_rules.get("region", [])))
        parents = [(p.code, f"{p.name} ({p.code})") for p in partner_distributor_choices(brand=brand)]
        known_parents = {code for code, _label in parents}
        parents += [(c, c) for c in current_rules.get("parent", []) if c not in known_parents]
        choices: dict[str, list[tuple[str, Any]]] = {
            "kind": list(PartnerKind.choices),
            "organisation": list(Organisation.choices),
            "channel": list(Channel.choices),
            "country": [(c, country_label(c)) for c in countries],
            "region": [(r, r) for r in regions],
            "potential_tier": list(Tier.choices),
            "activity_tier": list(Tier.choices),
            "parent": parents,
            "is_active": [("true", _("Active")), ("false", _("Inactive"))],
        }
        for field, label in RULE_PICKERS:
            self.fields[field] = forms.MultipleChoiceField(
                label=label, required=False, choices=choices[field], widget=forms.CheckboxSelectMultiple
            )
            if not self.is_bound and field in current_rules:
                self.initial[field] = [
                    ("true" if v else "false") if isinstance(v, bool) else v for v in current_rules[field]
                ]

    def rule_fields(self) -> list[forms.BoundField]:
        return [self[field] for field, _label in RULE_PICKERS if self.fields[field].choices]  # type: ignore[attr-defined]

    def rules(self) -> dict[str, list[str]]:
        """The rules as submitted (raw, so a preview works even while the name is still empty)."""
        data = self.data
        rules: dict[str, list[str]] = {}
        for field, _label in RULE_PICKERS:
            values = data.getlist(field) if hasattr(data, "getlist") else data.get(field, [])
            values = [v for v in values if v]
            if values:
                rules[field] = values
        return rules


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerKind.choices)
    organisation = forms.ChoiceField(label=_("Organisation"), choices=Organisation.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    parent = forms.ModelChoiceField(
        label=_("Parent distributor"), required=False, queryset=PartnerCompany.objects.none()
    )
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    siret = forms.CharField(label=_("SIRET"), max_length=20, required=False)
    siren = forms.CharField(label=_("SIREN"), max_length=12, required=False)
    vat_number = forms.CharField(label=_("VAT number"), max_length=20, required=False)
    potential = forms.DecimalField(
        label=_("Annual potential"), required=False, max_digits=14, decimal_places=2
    )
    potential_tier = forms.ChoiceField(label=_("Potential tier"), choices=Tier.choices)
    is_distributor = forms.BooleanField(
        label=_("Distributor"),
        required=False,
        help_text=_("Its admin sees its resellers' sell-out and declares on their behalf."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: Any, partner: PartnerCompany, **kwargs: Any) -> None:
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", {f: getattr(partner, f) for f in self.base_fields})
        super().__init__(*args, **kwargs)
        # The brand's distributors, and the current parent even when it is not one (set by the partner file).
        parents = partner_distributors(brand=partner.brand)
        if partner.parent_id is not None:
            parents = parents | PartnerCompany.objects.filter(pk=partner.parent_id)
        self.fields["parent"].queryset = parents.exclude(pk=partner.pk)  # type: ignore[attr-defined]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    gln = forms.CharField(label=_("GLN"), max_length=13, required=False)
    is_main = forms.BooleanField(label=_("Main site"), required=False)
