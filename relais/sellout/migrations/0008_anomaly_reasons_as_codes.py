"""Flag reasons stored as words become codes and figures, worded at display in the reader's language.

Before, a line flagged by the anomaly checks also kept their words in ``flag_reason`` (in the declarer's
language) and its month and week as dd/mm/yyyy text; a line flagged by the price check had only words. Now:
- each anomaly's month and week are ISO dates (formatted for the reader at display);
- a line whose unit price is outside 30 %-300 % of its product's list price gets the ``price_implausible``
  code with its figures (the price check's words stay in ``flag_reason``, as new lines keep them);
- the anomaly checks' words are dropped from ``flag_reason`` (the codes say it in every language).
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations
from django.db.models import Q

PLAUSIBLE = (Decimal("0.3"), Decimal("3.0"))  # relais.sellout.ingest.validate.PLAUSIBLE_PRICE_MIN / MAX


def _iso(text, *, month):
    parts = str(text).split("/")
    try:
        numbers = [int(p) for p in parts]
        if month and len(numbers) == 2:
            return dt.date(numbers[1], numbers[0], 1).isoformat()
        if not month and len(numbers) == 3:
            return dt.date(numbers[2], numbers[1], numbers[0]).isoformat()
    except ValueError:
        pass
    return text


def _price_item(line, list_price):
    if not list_price or list_price <= 0 or not line.quantity:
        return None
    price = abs(line.unit_price if line.unit_price is not None else line.amount / line.quantity)
    ratio = price / list_price
    if PLAUSIBLE[0] <= ratio <= PLAUSIBLE[1]:
        return None
    return {
        "code": "price_implausible",
        "unit_price": round(float(price), 2),
        "percent": round(float(ratio) * 100),
        "list_price": round(float(list_price), 2),
    }


def reasons_as_codes(apps, schema_editor):
    line_model = apps.get_model("sellout", "DeclarationLine")
    product_model = apps.get_model("catalog", "Product")
    lines = line_model.objects.filter(~Q(flag_reason="") | ~Q(anomalies=[])).order_by("pk")
    prices = {}
    changed = []
    for line in lines.iterator(chunk_size=2000):
        items = [dict(item) for item in line.anomalies or []]
        for item in items:
            if "month" in item:
                item["month"] = _iso(item["month"], month=True)
            if "week" in item:
                item["week"] = _iso(item["week"], month=False)
        reason = line.flag_reason
        if reason and not any(i.get("code") == "price_implausible" for i in items):
            if line.product_id not in prices:
                prices[line.product_id] = (
                    product_model.objects.filter(pk=line.product_id)
                    .values_list("list_price", flat=True)
                    .first()
                )
            price = _price_item(line, prices[line.product_id])
            if price is not None:
                items.insert(0, price)
            elif items:
                reason = ""  # the anomaly checks' words: the codes say it
        if items != line.anomalies or reason != line.flag_reason:
            line.anomalies, line.flag_reason = items, reason
            changed.append(line)
        if len(changed) >= 2000:
            line_model.objects.bulk_update(changed, ["anomalies", "flag_reason"])
            changed = []
    line_model.objects.bulk_update(changed, ["anomalies", "flag_reason"])


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
        ("sellout", "0007_review_decisions"),
    ]

    operations = [migrations.RunPython(reasons_as_codes, migrations.RunPython.noop, elidable=True)]
