"""The partner portal's stock page: record one stock quantity by hand, see the latest ones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from relais.accounts.access import access_partner_user
from relais.accounts.types import AuthedRequest
from relais.core.errors import ApplicationError
from relais.core.validators import recover_gtin
from relais.stock.forms import StockEntryForm
from relais.stock.selectors import partner_product_by_gtin_find, stock_snapshots_find
from relais.stock.services import stock_snapshot_record

RECENT = 50


@login_required
def portal_stock(request: AuthedRequest) -> HttpResponse:
    partner = access_partner_user(request.user)
    form = StockEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gtin = recover_gtin(form.cleaned_data["gtin"])
        except ValueError as exc:
            form.add_error("gtin", str(exc))
        else:
            product = partner_product_by_gtin_find(partner=partner, gtin=gtin)
            if product is None:
                form.add_error("gtin", _("GTIN %(gtin)s is not in the brand's catalogue.") % {"gtin": gtin})
            else:
                try:
                    stock_snapshot_record(
                        partner=partner,
                        product=product,
                        stock_date=form.cleaned_data["stock_date"],
                        quantity=form.cleaned_data["quantity"],
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(
                        request, _("Stock recorded for %(product)s.") % {"product": product.name}
                    )
                    return redirect("stock:portal_stock")
    snapshots = stock_snapshots_find(brand=partner.brand, partner=partner)[:RECENT]
    return render(request, "stock/portal_stock.html", {"form": form, "snapshots": snapshots})
