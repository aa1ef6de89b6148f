import pytest

from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory
from relais.audit.models import AuditEntry, AuditEntryImmutable
from relais.audit.selectors import audit_entries
from relais.audit.services import audit_actor_forget, audit_record
from relais.core.tests.factories import BrandFactory

pytestmark = pytest.mark.django_db


def test_an_entry_names_its_actor_action_and_target():
    brand = BrandFactory()
    admin = UserFactory(brand=brand, role=Role.BRAND_ADMIN)
    entry = audit_record(
        brand=brand, actor=admin, action="brand.settings_changed", target=brand, details={"a": 1}
    )
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_label, entry.action) == (
        admin.pk,
        admin.email,
        "brand.settings_changed",
    )
    assert (entry.target_type, entry.target_id, entry.target_label) == (
        "core.brand",
        str(brand.pk),
        brand.name,
    )
    assert entry.details == {"a": 1}


def test_an_entry_is_never_updated_nor_deleted():
    brand = BrandFactory()
    entry = audit_record(brand=brand, actor=None, action="brand.created", target=brand)
    entry.action = "something.else"
    with pytest.raises(AuditEntryImmutable):
        entry.save()
    with pytest.raises(AuditEntryImmutable):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "brand.created"


def test_a_brand_reads_only_its_own_entries_newest_first():
    brand, other = BrandFactory(), BrandFactory()
    first = audit_record(brand=brand, actor=None, action="partner.created", target_label="A")
    second = audit_record(brand=brand, actor=None, action="personal_data.exported", target_label="B")
    audit_record(brand=other, actor=None, action="partner.created", target_label="C")
    assert list(audit_entries(brand=brand)) == [second, first]
    assert list(audit_entries(brand=brand, action_prefix="personal_data.")) == [second]


def test_forgetting_an_actor_keeps_the_entries_without_their_email():
    brand = BrandFactory()
    admin = UserFactory(brand=brand, role=Role.BRAND_ADMIN)
    audit_record(brand=brand, actor=admin, action="partner.created", target_label="A")
    assert audit_actor_forget(actor_id=admin.pk) == 1
    assert list(AuditEntry.objects.values_list("actor_id", "actor_label")) == [(admin.pk, "")]
