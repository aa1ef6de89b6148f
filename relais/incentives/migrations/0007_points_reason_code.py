"""Ledger reasons as a code and parameters, worded at display in the reader's language.

Existing entries whose English wording is recognised get their code; the others keep no code and their stored
text is shown as it is (a person's words, or a wording this migration does not know). Only the two new
columns are written: amounts are never touched.
"""

import re

from django.db import migrations, models

RULE_KINDS = {
    "Points per declared line": "per_line",
    "Points per unit sold": "per_unit",
    "Points per 100 of sales amount": "per_amount",
}
LINE_RULE = re.compile(
    r"^(?P<rule>.+?) on line (?P<line>\d+)(?: \(× (?P<factor>[\d.]+)\))?"
    r"(?: — cut by the challenge budget: (?P<cut>\d+) of (?P<asked>\d+) points not posted)?$"
)
EXPIRED = re.compile(r"^Points expired on (?P<date>\d{4}-\d{2}-\d{2})$")
QUALITY = re.compile(r"^Declaration quality bonus \((?P<met>[a-z_]+(?:, [a-z_]+)*)\)$")


def coded(reason):
    """(code, params) of an English reason, or None when it is not one of the known wordings."""
    if reason == "Line rejected by the brand":
        return "line_rejected", {}
    if match := EXPIRED.match(reason):
        return "expired", {"date": match["date"]}
    if match := QUALITY.match(reason):
        return "quality_bonus", {"met": match["met"].split(", ")}
    match = LINE_RULE.match(reason)
    if match and match["rule"] in RULE_KINDS:
        params = {"rule_kind": RULE_KINDS[match["rule"]], "line": int(match["line"])}
        if match["factor"]:
            params["factor"] = match["factor"]
        if match["cut"]:
            params.update(cut=int(match["cut"]), asked=int(match["asked"]))
        return "line_rule", params
    return None


def code_known_reasons(apps, schema_editor):
    PointsEntry = apps.get_model("incentives", "PointsEntry")
    batch = []
    for entry in PointsEntry.objects.filter(reason_code="").only("id", "reason").iterator(chunk_size=2000):
        found = coded(entry.reason)
        if found is None:
            continue
        entry.reason_code, entry.reason_params = found
        batch.append(entry)
        if len(batch) >= 2000:
            PointsEntry.objects.bulk_update(batch, ["reason_code", "reason_params"])
            batch = []
    PointsEntry.objects.bulk_update(batch, ["reason_code", "reason_params"])


class Migration(migrations.Migration):
    dependencies = [
        ("incentives", "0006_points_holding"),
    ]

    operations = [
        migrations.AddField(
            model_name="pointsentry",
            name="reason_code",
            field=models.CharField(blank=True, default="", max_length=40),
        ),
        migrations.AddField(
            model_name="pointsentry",
            name="reason_params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(code_known_reasons, migrations.RunPython.noop),
    ]
