"""The brand admin's audit page: its own brand's entries only, filtered by action, paginated."""

from __future__ import annotations

import pytest

from conftest import login_client
from relais.audit.services import audit_record
from relais.audit.views import ENTRIES_PER_PAGE

pytestmark = pytest.mark.django_db


def test_the_log_is_filtered_by_action_and_paginated(brand, other_brand, brand_admin):
    for n in range(ENTRIES_PER_PAGE + 5):
        audit_record(brand=brand, actor=brand_admin, action="partner.created", target_label=f"P{n}")
    audit_record(
        brand=brand, actor=brand_admin, action="personal_data.exported", target_label="lea@martin.test"
    )
    audit_record(
        brand=brand, actor=brand_admin, action="brand.settings_changed", details={"currency": ["EUR", "CHF"]}
    )
    audit_record(brand=other_brand, actor=None, action="partner.created", target_label="SECRET-GLOBEX")
    client = login_client(brand_admin)
    first = client.get("/brand/audit/")
    assert first.status_code == 200
    assert first.context["page"].paginator.count == ENTRIES_PER_PAGE + 7
    assert b"SECRET-GLOBEX" not in first.content
    assert "EUR → CHF" in first.content.decode()
    assert set(first.context["actions"]) == {
        "partner.created",
        "personal_data.exported",
        "brand.settings_changed",
    }
    exports = client.get("/brand/audit/", {"action": "personal_data."})
    assert [e.target_label for e in exports.context["page"]] == ["lea@martin.test"]
    last = client.get("/brand/audit/", {"action": "partner.created", "page": "2"})
    assert len(last.context["page"]) == 5


def test_only_the_brand_admin_reads_the_log(channel_manager, partner_admin):
    assert login_client(channel_manager).get("/brand/audit/").status_code == 403
    assert login_client(partner_admin).get("/brand/audit/").status_code == 403
