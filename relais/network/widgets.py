"""Form widgets of the network shared by other apps' forms."""

from __future__ import annotations

from typing import Any

from django import forms


class PartnerPicker(forms.Widget):
    """A partner chosen by searching (htmx suggestions from ``network:partner_search``) instead of a drop-down
    of every partner: a brand of 10,000 partners would render 10,000 options on each page. Used on a
    ``ModelChoiceField``, which still validates the id against its brand-scoped queryset."""

    template_name = "network/widgets/partner_picker.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        label = ""
        queryset = getattr(getattr(self, "choices", None), "queryset", None)  # set by ModelChoiceField
        if queryset is not None and str(value or "").isdigit():
            partner = queryset.filter(pk=int(value)).only("name", "code").first()
            if partner is not None:
                label = f"{partner.name} ({partner.code})"
        context["widget"]["label"] = label
        return context
