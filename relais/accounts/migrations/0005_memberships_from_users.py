"""Every user of a brand gets one membership from its current brand, partner and role (operators none)."""

from django.db import migrations


def memberships_from_users(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Membership = apps.get_model("accounts", "Membership")
    users = User.objects.filter(brand__isnull=False).exclude(role="operator")
    rows = users.values_list("pk", "brand_id", "partner_id", "role").iterator(chunk_size=2000)
    Membership.objects.bulk_create(
        (
            Membership(user_id=pk, brand_id=brand_id, partner_id=partner_id, role=role)
            for pk, brand_id, partner_id, role in rows
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_membership"),
    ]

    operations = [migrations.RunPython(memberships_from_users, migrations.RunPython.noop)]
