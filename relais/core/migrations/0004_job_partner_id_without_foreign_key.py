"""Job.partner becomes a plain partner id: the ground app (core) no longer depends on the network app.

The column keeps its name and its values; only the foreign-key constraint goes.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_job_runner"),
    ]

    operations = [
        migrations.AlterField(
            model_name="job",
            name="partner",
            field=models.BigIntegerField(blank=True, db_column="partner_id", db_index=True, null=True),
        ),
        migrations.RenameField(model_name="job", old_name="partner", new_name="partner_id"),
        migrations.AlterField(
            model_name="job",
            name="partner_id",
            field=models.BigIntegerField(blank=True, db_index=True, null=True),
        ),
    ]
