"""Ledger reasons are stored as a code and parameters and read in the reader's language."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import translation

from relais.incentives import services
from relais.incentives.models import PointsEntry, RuleKind
from relais.incentives.reasons import Reason, reason_fields, reason_text
from relais.incentives.services import challenge_rule_add, challenge_score_declaration, points_reverse
from relais.incentives.templatetags.incentives_text import entry_reason
from relais.incentives.tests.factories import RewardFactory, credit, declaration_with_lines, running_challenge

pytestmark = pytest.mark.django_db

migration = importlib.import_module("relais.incentives.migrations.0007_points_reason_code")


def read(entry: PointsEntry, language: str) -> str:
    with translation.override(language):
        return entry_reason(entry)


def test_a_scored_line_is_stored_as_a_code_and_read_in_french_and_english(partner):
    challenge = running_challenge(partner.brand, per_unit=10, budget=12)
    challenge_rule_add(challenge=challenge, kind=RuleKind.MULTIPLIER, factor=Decimal("1.5"))
    declaration = declaration_with_lines(partner, lines=[{"quantity": 1}])

    challenge_score_declaration(declaration=declaration)

    entry = PointsEntry.objects.get(kind="earn", challenge=challenge)
    line = entry.line_id
    assert entry.reason_code == "line_rule"
    assert entry.reason_params == {
        "rule_kind": "per_unit",
        "line": line,
        "factor": "1.5",
        "cut": 3,
        "asked": 15,
    }
    assert entry.reason == (
        f"Points per unit sold on line {line} (× 1.5) — cut by the challenge budget: 3 of 15 points not posted"
    )
    assert read(entry, "fr") == (
        f"Points par unité vendue sur la ligne {line} (× 1,5) — "
        "plafonné par le budget du challenge : 3 sur 15 points non versés"
    )


def test_numbers_take_the_readers_separators_and_dates_its_format():
    params = {"rule_kind": "per_amount", "line": 58446, "cut": 1200, "asked": 1500}
    assert reason_text("line_rule", params, "") == (
        "Points per 100 of sales amount on line 58446"
        " — cut by the challenge budget: 1,200 of 1,500 points not posted"
    )
    with translation.override("fr"):
        assert reason_text("line_rule", params, "") == (
            "Points par tranche de 100 de chiffre d’affaires sur la ligne 58446"
            " — plafonné par le budget du challenge : 1\xa0200 sur 1\xa0500 points non versés"
        )
        assert reason_text("expired", {"date": "2026-10-31"}, "") == "Points expirés le 31/10/2026"


def test_the_quality_bonus_names_its_criteria_in_the_readers_language():
    with translation.override("fr"):
        text = reason_text("quality_bonus", {"met": ["on_time", "channel_split"]}, "")

    assert text == "Bonus qualité de déclaration (dans les délais, canal de vente renseigné)"


def test_a_reversal_that_finds_fewer_points_says_so_in_one_or_many(partner):
    entry = credit(partner, 1)
    reversal = points_reverse(entry=entry, reason=Reason("line_rejected"))
    assert reversal is not None

    assert reversal.reason_code == "line_rejected"
    assert read(reversal, "fr") == "Ligne rejetée par la marque"
    one = reason_text("line_rejected", {"taken": 0, "amount": 1}, "")
    assert one == "Line rejected by the brand (only 0 of 1 point was left to take back)"


def test_a_persons_text_is_shown_as_written_in_every_language(partner):
    entry = credit(partner, 5)  # the factory's adjustment reason: "test credit"

    assert entry.reason_code == ""
    assert read(entry, "fr") == read(entry, "en") == "test credit"


def test_decimal_parameters_are_stored_as_json_numbers():
    fields = reason_fields(
        Reason("objective_bonus", {"metric": "units", "pct": Decimal("120.00"), "tier": 120})
    )

    assert fields["reason_params"] == {"metric": "units", "pct": 120, "tier": 120}
    assert fields["reason"] == "Objective units reached at 120% (tier 120%)"


@pytest.mark.parametrize(
    ("stored", "code", "params"),
    [
        (
            "Points per unit sold on line 58446 (× 1.5)",
            "line_rule",
            {"rule_kind": "per_unit", "line": 58446, "factor": "1.5"},
        ),
        (
            "Points per declared line on line 7 — cut by the challenge budget: 2 of 5 points not posted",
            "line_rule",
            {"rule_kind": "per_line", "line": 7, "cut": 2, "asked": 5},
        ),
        ("Declaration quality bonus (on_time, feedback)", "quality_bonus", {"met": ["on_time", "feedback"]}),
        ("Points expired on 2026-03-31", "expired", {"date": "2026-03-31"}),
        ("Line rejected by the brand", "line_rejected", {}),
    ],
)
def test_the_migration_codes_the_known_english_wordings(stored, code, params):
    assert migration.coded(stored) == (code, params)


def test_the_migration_leaves_other_texts_as_they_were():
    assert migration.coded("Bonus de bienvenue sur Relais") is None
    assert migration.coded("Something on line 4") is None


def test_the_migration_codes_stored_entries_and_leaves_the_others(partner):
    known = credit(partner, 5)
    other = credit(partner, 7)
    PointsEntry.objects.filter(pk=known.pk).update(
        reason="Points per unit sold on line 58446 (× 1.5)", reason_code="", reason_params={}
    )
    PointsEntry.objects.filter(pk=other.pk).update(
        reason="Bonus de bienvenue sur Relais", reason_code="", reason_params={}
    )

    migration.code_known_reasons(apps, None)

    known.refresh_from_db()
    other.refresh_from_db()
    assert (known.reason_code, known.reason_params) == (
        "line_rule",
        {"rule_kind": "per_unit", "line": 58446, "factor": "1.5"},
    )
    assert read(known, "fr") == "Points par unité vendue sur la ligne 58446 (× 1,5)"
    assert (other.reason_code, read(other, "en")) == ("", "Bonus de bienvenue sur Relais")


def test_an_order_and_its_cancellation_are_read_in_the_readers_language(partner, brand_admin):
    credit(partner, 500)
    order = services.reward_redeem(
        partner=partner,
        reward=RewardFactory(brand=partner.brand, name="Sac"),
        quantity=2,
        user=None,
        idempotency_key="o-fr",
    )
    services.order_cancel(order=order, user=brand_admin, reason="rupture")
    redeem = PointsEntry.objects.get(kind="redeem")
    refund = PointsEntry.objects.get(kind="refund")

    assert (redeem.reason_code, refund.reason_code) == ("redeemed", "order_cancelled_note")
    assert read(redeem, "fr") == "2 × Sac"
    assert read(refund, "fr") == "Commande annulée : rupture"
    assert read(refund, "en") == "Order cancelled: rupture"
