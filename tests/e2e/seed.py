"""The data of the end-to-end run, written through the project's own commands and services.

Run in the production-settings environment of the stack
(``manage.py shell -c "from tests.e2e.seed import main; main()"``); prints one JSON line with what the
scenario needs (logins, GTINs, the reward's id).
"""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from relais.accounts.models import Role
from relais.accounts.services import user_create
from relais.catalog.models import Product
from relais.core.models import Brand
from relais.incentives.models import Challenge, RuleKind
from relais.incentives.services import (
    challenge_create,
    challenge_rule_add,
    challenge_set_status,
    incentive_settings_save,
    reward_save,
)
from relais.network.models import PartnerCompany

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PASSWORD = "e2e-Relais-2026!"


def main() -> None:
    out = io.StringIO()
    call_command("create_brand", "lumen", name="Lumen Outillage", currency="EUR", stdout=out)
    call_command("import_catalog", str(EXAMPLES / "catalogue.csv"), brand="lumen", stdout=out)
    call_command("import_partners", str(EXAMPLES / "partenaires.csv"), brand="lumen", stdout=out)
    brand = Brand.objects.get(slug="lumen")
    partner = PartnerCompany.objects.get(brand=brand, code="R-101")
    admin = user_create(email="admin@lumen-e2e.test", role=Role.BRAND_ADMIN, brand=brand, password=PASSWORD)
    user_create(email="owner@dumas-e2e.test", role=Role.PARTNER_ADMIN, partner=partner, password=PASSWORD)
    today = timezone.localdate()
    challenge = challenge_create(
        brand=brand,
        name="Lancement automne",
        period_start=today - timedelta(days=60),
        period_end=today + timedelta(days=30),
        created_by=admin,
    )
    challenge_rule_add(challenge=challenge, kind=RuleKind.PER_UNIT, points=Decimal(50), created_by=admin)
    challenge_set_status(challenge=challenge, status=Challenge.Status.RUNNING)
    reward = reward_save(brand=brand, name="Coffret d'embouts", points_price=100, stock=10)
    # The scenario spends at once what it earned: no holding period for this brand.
    incentive_settings_save(brand=brand, holding_days=0, hold_until_reconciled=False)
    products = list(Product.objects.filter(brand=brand).order_by("gtin").values_list("gtin", flat=True)[:2])
    print(
        json.dumps(
            {
                "brand_admin": "admin@lumen-e2e.test",
                "partner_admin": "owner@dumas-e2e.test",
                "password": PASSWORD,
                "gtins": products,
                "reward_id": reward.pk,
                "partner_id": partner.pk,
            }
        )
    )
