"""Dedup keys lead with the sale date: YYYYMMDD + the first 24 of the 32 hex digits they had.

The hashed text is unchanged (``dedup.KEY_VERSION`` v1), so a line declared before this migration and again
after it gets the same key. Not reversible: the 8 hex digits dropped are gone.
"""

from django.db import migrations

SQL = {
    "postgresql": (
        "UPDATE sellout_declarationline SET dedup_key = to_char(sale_date, 'YYYYMMDD') || left(dedup_key, 24) "
        "WHERE length(dedup_key) = 32 AND dedup_key NOT LIKE 'rejected:%%'"
    ),
    "sqlite": (
        "UPDATE sellout_declarationline SET dedup_key = replace(sale_date, '-', '') || substr(dedup_key, 1, 24) "
        "WHERE length(dedup_key) = 32 AND dedup_key NOT LIKE 'rejected:%%'"
    ),
}


def date_led_keys(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(SQL[connection.vendor], [])


class Migration(migrations.Migration):
    dependencies = [("sellout", "0003_declaration_submitted_by")]

    operations = [migrations.RunPython(date_led_keys, elidable=False)]
