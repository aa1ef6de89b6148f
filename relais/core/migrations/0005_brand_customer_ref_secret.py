import secrets

from django.db import migrations, models

import relais.core.models


def _one_secret_per_brand(apps, schema_editor):  # type: ignore[no-untyped-def]
    # A callable default is evaluated once for the rows already there: give each brand its own secret.
    Brand = apps.get_model("core", "Brand")
    for brand in Brand.objects.all().only("pk"):
        Brand.objects.filter(pk=brand.pk).update(customer_ref_secret=secrets.token_hex(32))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_job_partner_id_without_foreign_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="brand",
            name="customer_ref_secret",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(_one_secret_per_brand, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="brand",
            name="customer_ref_secret",
            field=models.CharField(
                default=relais.core.models.new_customer_ref_secret, editable=False, max_length=64
            ),
        ),
    ]
