"""Forms of the sell-out pages. They carry text to the services: the ingest engine validates a line (and
names the field at fault) the same way for the web form, files, the API and EDIFACT."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from relais.network.models import PartnerCompany, Site
from relais.network.widgets import PartnerPicker
from relais.sellout.ingest.fields import FIELD_NAMES, MAX_LENGTHS
from relais.sellout.models import Declaration, SaleChannel, Source
from relais.sellout.periods import latest_declarable_day, max_months, months_spanned

UPLOAD_EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".ods", ".edi", ".edifact")
EDI_EXTENSIONS = (".edi", ".edifact")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def period_check(form: forms.Form, start: date | None, end: date | None, *, today: date) -> bool:
    """Add the period's errors to ``form`` on the field at fault: it ends before it starts, goes past the
    current month, or spans more months than a declaration may cover. True when the period is fine."""
    if start and end and end < start:
        form.add_error("period_end", _("The period ends before it starts."))
        return False
    ok = True
    latest = latest_declarable_day(today)
    for name, day in (("period_start", start), ("period_end", end)):
        if day and day > latest:
            ok = False
            form.add_error(
                name,
                _("%(field)s: sales cannot be declared after %(date)s (the end of the current month).")
                % {"field": form.fields[name].label, "date": date_format(latest, "SHORT_DATE_FORMAT")},
            )
    if ok and start and end and months_spanned(start, end) > max_months():
        ok = False
        limit = max_months()
        form.add_error(
            "period_end",
            ngettext(
                "%(field)s: a declaration covers at most %(count)d month.",
                "%(field)s: a declaration covers at most %(count)d months.",
                limit,
            )
            % {"field": form.fields["period_end"].label, "count": limit},
        )
    return ok


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DeclarationCreateForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    site = forms.ModelChoiceField(
        label=_("Site"), queryset=Site.objects.none(), required=False, empty_label=_("All my sites")
    )

    def __init__(self, *args: Any, partner: PartnerCompany, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner = partner
        self.today = today
        # Not errors: shown to the partner once the declaration is created (the same period declared twice).
        self.warnings: list[str] = []
        start, end = previous_month(today)
        self.fields["period_start"].initial = start
        self.fields["period_end"].initial = end
        site_field: forms.ModelChoiceField = self.fields["site"]  # type: ignore[assignment]
        site_field.queryset = Site.objects.filter(brand_id=partner.brand_id, partner=partner)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if period_check(self, start, end, today=self.today) and start and end:
            self.warnings = self._same_period_warnings(start, end)
        return data

    def _same_period_warnings(self, start: date, end: date) -> list[str]:
        overlapping = Declaration.objects.filter(
            brand_id=self.partner.brand_id,
            partner=self.partner,
            period_start__lte=end,
            period_end__gte=start,
        ).order_by("period_start", "pk")
        site = self.cleaned_data.get("site")
        if site is not None:
            overlapping = overlapping.filter(Q(site=site) | Q(site__isnull=True))
        count = overlapping.count()
        if not count:
            return []
        first = overlapping.first()
        assert first is not None
        return [
            ngettext(
                "You already have a declaration for this period (%(start)s to %(end)s, %(status)s): "
                "check that these sales are not declared twice.",
                "You already have %(count)d declarations overlapping this period (the first from %(start)s "
                "to %(end)s, %(status)s): check that these sales are not declared twice.",
                count,
            )
            % {
                "count": count,
                "start": date_format(first.period_start, "SHORT_DATE_FORMAT"),
                "end": date_format(first.period_end, "SHORT_DATE_FORMAT"),
                "status": first.get_status_display(),
            }
        ]


class LineForm(forms.Form):
    """One line typed by hand. Every field is text: the engine parses and validates it."""

    product_search = forms.CharField(
        label=_("Product"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name or GTIN"),
                "autocomplete": "off",
                "type": "search",
            }
        ),
    )
    gtin = forms.CharField(label=_("GTIN"), required=False, max_length=20, widget=forms.HiddenInput())
    quantity = forms.CharField(
        label=_("Quantity"), required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    unit_price = forms.CharField(
        label=_("Unit price"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    amount = forms.CharField(
        label=_("Amount"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    sale_date = forms.CharField(
        label=_("Date of sale"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=SaleChannel.choices,
        initial=SaleChannel.IN_STORE,
        widget=forms.RadioSelect,
    )
    invoice_ref = forms.CharField(label=_("Invoice ref."), required=False, max_length=60)
    customer_type = forms.ChoiceField(
        label=_("Customer"),
        required=False,
        choices=[("", _("Not given")), ("b2b", _("Business (B2B)")), ("b2c", _("Consumer (B2C)"))],
    )
    customer_postcode_area = forms.CharField(
        label=_("Postcode area"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"placeholder": "75"}),
    )
    customer_segment = forms.CharField(
        label=_("Customer segment"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. plumber, hobbyist")}),
    )
    customer_ref = forms.CharField(
        label=_("Customer number"),
        required=False,
        max_length=MAX_LENGTHS["customer_ref"],
        help_text=_("Your own number for this customer: pseudonymised on arrival, never stored in clear."),
    )
    feedback = forms.CharField(
        label=_("Customer feedback"),
        required=False,
        max_length=MAX_LENGTHS["feedback"],
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # The line's fields, but the currency: a line typed on the form is in the brand's currency.
    ROW_FIELDS = tuple(name for name in FIELD_NAMES if name != "currency")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A GTIN typed straight into the search box (a scanner, say) counts as the product.
        if not data.get("gtin") and (data.get("product_search") or "").strip().isdigit():
            data["gtin"] = data["product_search"].strip()
        return data

    # Set by the "it is another sale" button shown when the line looked like one already declared.
    another_sale = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def as_row(self) -> dict[str, object]:
        data = self.cleaned_data
        return {name: str(data.get(name) or "").strip() for name in self.ROW_FIELDS if data.get(name)}

    def add_engine_error(self, field: str, message: str) -> None:
        target = "product_search" if field in {"gtin", "product"} else field
        if target not in self.fields:
            target = None  # type: ignore[assignment]
        self.add_error(target, message)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Sales file"),
        help_text=_("CSV or Excel in your own layout, or an EDIFACT SLSRPT message (.edi)."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_EXTENSIONS)}),
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        name = (uploaded.name or "").lower()
        if not name.endswith(UPLOAD_EXTENSIONS):
            raise forms.ValidationError(_("Send a CSV, Excel or EDIFACT file."))
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it by month."))
        return uploaded

    @property
    def is_edifact(self) -> bool:
        uploaded = self.cleaned_data["file"]
        if (uploaded.name or "").lower().endswith(EDI_EXTENSIONS):
            return True
        head = uploaded.read(8)
        uploaded.seek(0)
        return head.lstrip(b"\xef\xbb\xbf").startswith((b"UNA", b"UNB"))


class MappingForm(forms.Form):
    """One select per canonical field, over the file's headers, preselected with the proposal."""

    period_start = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    period_end = forms.DateField(label=_("Period to"), required=False, widget=DateInput())

    def __init__(
        self,
        *args: Any,
        fields_spec: list[Any],
        headers: list[str],
        proposed: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *[(h, h) for h in headers if h]]
        self.field_names: list[str] = []
        for spec in fields_spec:
            self.fields[f"map_{spec.name}"] = forms.ChoiceField(
                label=spec.label,
                choices=choices,
                required=False,
                initial=proposed.get(spec.name, ""),
            )
            self.field_names.append(spec.name)
        self.required_names = [spec.name for spec in fields_spec if spec.required]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.required_names:
            if not data.get(f"map_{name}"):
                self.add_error(f"map_{name}", _("Choose the column that holds this field."))
        if not data.get("map_amount") and not data.get("map_unit_price"):
            self.add_error("map_amount", _("Choose the column of the amount or of the unit price."))
        chosen = [data.get(f"map_{n}") for n in self.field_names if data.get(f"map_{n}")]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("A column is chosen for two fields."))
        period_check(self, data.get("period_start"), data.get("period_end"), today=timezone.localdate())
        return data

    @property
    def mapping(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[f"map_{name}"]
            for name in self.field_names
            if self.cleaned_data.get(f"map_{name}")
        }


class BrandDeclarationFilterForm(forms.Form):
    partner = forms.ModelChoiceField(
        label=_("Partner"),
        queryset=PartnerCompany.objects.none(),
        required=False,
        widget=PartnerPicker(),
    )
    period_from = forms.DateField(label=_("Period from"), required=False, widget=DateInput())
    period_to = forms.DateField(label=_("Period to"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Declaration.Status.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("All sources")), *Source.choices]
    )
    flagged = forms.BooleanField(label=_("With lines to review"), required=False)

    def __init__(self, *args: Any, brand: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner_field: forms.ModelChoiceField = self.fields["partner"]  # type: ignore[assignment]
        partner_field.queryset = PartnerCompany.objects.filter(brand=brand).only("pk", "name", "code")
