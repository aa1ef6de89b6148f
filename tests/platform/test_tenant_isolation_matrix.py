"""Tenant isolation of the domains built on the network: sell-out, incentives, insights, API keys, jobs.

The network, catalogue and accounts URLs are in relais/network/tests/views/test_tenant_isolation.py; this
module lists every object URL of the other apps. Each is opened by a user of another brand (404), by a
partner user of another company of the same brand and of another brand (404), and — the control — by the
owner, who must reach it, so a wrong URL cannot pass silently. After each foreign attempt nothing changed.
"""

from __future__ import annotations

import socket
import tempfile
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from relais.accounts.models import Role
from relais.accounts.tests.factories import UserFactory, partner_user
from relais.api.services import api_key_create
from relais.comms import services as comms
from relais.comms.models import Delivery
from relais.comms.tests.factories import CampaignFactory
from relais.core.models import Job
from relais.incentives import services as incentives
from relais.incentives.models import RedemptionOrder, Reward
from relais.incentives.tests.factories import RewardFactory, credit, running_challenge
from relais.insights.services import feedback_keywords_set
from relais.network.tests.factories import PartnerFactory, SegmentFactory
from relais.programs import services as programs
from relais.programs.models import PolicyAcknowledgement, Program, ProgramStatus, TierMove
from relais.programs.tests.factories import ProgramFactory, member
from relais.sellout.models import Declaration, DeclarationLine, ReviewDecision, SelloutImport
from relais.sellout.services import (
    declaration_create,
    declaration_lines_add,
    declaration_submit,
    sellout_import_create,
)
from relais.sellout.tests.factories import catalogue

pytestmark = pytest.mark.django_db


def company(brand, partner, *, products):
    """One partner's objects: a submitted declaration with a flagged line, a draft, an import, a job, an
    order, an API key (and the brand's challenge and reward)."""
    admin = partner_user(partner, role=Role.PARTNER_ADMIN)
    submitted = declaration_create(
        partner=partner, period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), source="form"
    )
    declaration_lines_add(
        declaration=submitted,
        rows=[
            {"gtin": products[0].gtin, "quantity": "1", "unit_price": "20", "sale_date": "2026-10-02"},
            {"gtin": products[0].gtin, "quantity": "1", "unit_price": "200", "sale_date": "2026-10-03"},
        ],
    )
    declaration_submit(declaration=submitted)
    draft = declaration_create(
        partner=partner, period_start=date(2026, 11, 1), period_end=date(2026, 11, 30), source="form"
    )
    declaration_lines_add(
        declaration=draft,
        rows=[{"gtin": products[1].gtin, "quantity": "2", "unit_price": "20", "sale_date": "2026-11-02"}],
    )
    folder = Path(tempfile.mkdtemp(prefix="relais-isolation-"))
    path = folder / "ventes.csv"
    path.write_text(f"EAN;Qté;Date;Montant\n{products[2].gtin};1;02/10/2026;20,00\n", encoding="utf-8")
    sellout_import = sellout_import_create(partner=partner, uploaded_file=path)
    job = Job.objects.create(
        kind="sellout_import",
        brand=brand,
        partner_id=partner.pk,
        status=Job.Status.FAILED,
        runner=f"inprocess:{socket.gethostname()}:1",
    )
    challenge = running_challenge(brand, per_unit=10)
    reward = RewardFactory(brand=brand, points_price=100, stock=5)
    credit(partner, 500)
    order = incentives.reward_redeem(
        partner=partner, reward=reward, quantity=1, user=admin, idempotency_key=f"order-{partner.pk}"
    )
    api_key, _text = api_key_create(partner=partner, name="ERP", created_by=admin)
    # A channel program of the company's own segment (published, with a policy to acknowledge) and a draft.
    segment = SegmentFactory(brand=brand)
    member(segment, partner)
    today = timezone.localdate()
    period = {"period_start": today - timedelta(days=30), "period_end": today + timedelta(days=30)}
    base_program = ProgramFactory(brand=brand, **period)
    program = ProgramFactory(brand=brand, base=base_program, segment=segment, **period)
    draft_program = ProgramFactory(
        brand=brand, base=base_program, segment=segment, status=ProgramStatus.DRAFT, **period
    )
    policy_version = programs.policy_version_publish(
        program=program, kind="pricing", title="Remises", body="10 %"
    )
    return SimpleNamespace(
        program=program,
        draft_program=draft_program,
        policy_version=policy_version,
        partner=partner,
        admin=admin,
        submitted=submitted,
        flagged=DeclarationLine.objects.get(declaration=submitted, status="flagged"),
        draft=draft,
        draft_line=DeclarationLine.objects.get(declaration=draft),
        sellout_import=sellout_import,
        job=job,
        challenge=challenge,
        reward=reward,
        order=order,
        api_key=api_key,
    )


@pytest.fixture
def products(brand):
    return catalogue(brand, count=3)


@pytest.fixture
def own(brand, partner, products):
    return company(brand, partner, products=products)


@pytest.fixture
def sibling(brand, products):
    return company(brand, PartnerFactory(brand=brand), products=products)


@pytest.fixture
def foreign(other_brand):
    return company(other_brand, PartnerFactory(brand=other_brand), products=catalogue(other_brand, count=3))


# (url name, method, args from the objects); destructive ones last, for the control loop.
BRAND_OBJECT_URLS = [
    ("sellout:brand_declaration_detail", "get", lambda o: [o.submitted.pk]),
    ("incentives:challenge_detail", "get", lambda o: [o.challenge.pk]),
    ("incentives:rule_add", "post", lambda o: [o.challenge.pk]),
    ("incentives:reward_edit", "get", lambda o: [o.reward.pk]),
    ("incentives:reward_edit", "post", lambda o: [o.reward.pk]),
    ("insights:partner_detail", "get", lambda o: [o.partner.pk]),
    ("job_status", "get", lambda o: [o.job.pk]),
    ("incentives:order_action", "post", lambda o: [o.order.pk, "approve"]),
    ("incentives:challenge_status", "post", lambda o: [o.challenge.pk]),
    ("sellout:brand_line_review", "post", lambda o: [o.flagged.pk]),
    ("programs:detail", "get", lambda o: [o.program.pk]),
    ("programs:aspect", "post", lambda o: [o.program.pk]),
    ("programs:policy", "post", lambda o: [o.program.pk]),
    ("programs:tiers", "post", lambda o: [o.draft_program.pk]),
    ("programs:publish", "post", lambda o: [o.draft_program.pk]),
]

PARTNER_OBJECT_URLS = [
    ("sellout:declaration_edit", "get", lambda o: [o.submitted.pk]),
    ("sellout:declaration_edit", "get", lambda o: [o.draft.pk]),
    ("sellout:import_detail", "get", lambda o: [o.sellout_import.pk]),
    ("sellout:import_mapping", "get", lambda o: [o.sellout_import.pk]),
    ("sellout:import_mapping", "post", lambda o: [o.sellout_import.pk]),
    ("sellout:import_result", "get", lambda o: [o.sellout_import.pk]),
    ("sellout:import_rejected_csv", "get", lambda o: [o.sellout_import.pk]),
    ("sellout:import_retry", "post", lambda o: [o.sellout_import.pk]),
    ("incentives:my_leaderboard", "get", lambda o: [o.challenge.pk]),
    ("job_status", "get", lambda o: [o.job.pk]),
    ("sellout:declaration_line_add", "post", lambda o: [o.draft.pk]),
    ("sellout:declaration_line_remove", "post", lambda o: [o.draft.pk, o.draft_line.pk]),
    ("incentives:my_redeem", "post", lambda o: [o.reward.pk]),
    ("apikeys:revoke", "post", lambda o: [o.api_key.pk]),
    ("sellout:declaration_submit", "post", lambda o: [o.draft.pk]),
    ("sellout:declaration_discard", "post", lambda o: [o.draft.pk]),
    ("programs:acknowledge", "post", lambda o: [o.policy_version.pk]),
    ("incentives:my_redeem_confirm", "get", lambda o: [o.reward.pk]),
    ("incentives:my_order_cancel", "post", lambda o: [o.order.pk]),
]


# The brand's challenges and rewards, open to each of its (eligible) partners: isolated across brands only.
BRAND_SHARED = {"incentives:my_leaderboard", "incentives:my_redeem", "incentives:my_redeem_confirm"}


def url_id(entry):
    return f"{entry[1]}-{entry[0]}"


def call(client, method, name, args):
    url = reverse(name, args=args)
    data = {"kind": "per_line", "points": "5", "status": "closed", "quantity": "1", "name": "Hijack"}
    return client.get(url) if method == "get" else client.post(url, data, HTTP_IDEMPOTENCY_KEY="hijack")


def untouched(objects) -> None:
    """Nothing of the other company moved."""
    assert Declaration.objects.get(pk=objects.submitted.pk).status == Declaration.Status.SUBMITTED
    assert DeclarationLine.objects.get(pk=objects.flagged.pk).status == "flagged"
    assert Declaration.objects.get(pk=objects.draft.pk).status == Declaration.Status.DRAFT
    assert DeclarationLine.objects.filter(declaration=objects.draft).count() == 1
    assert SelloutImport.objects.get(pk=objects.sellout_import.pk).status == SelloutImport.Status.UPLOADED
    assert RedemptionOrder.objects.get(pk=objects.order.pk).status == RedemptionOrder.Status.REQUESTED
    assert RedemptionOrder.objects.filter(reward=objects.reward).count() == 1
    assert Reward.objects.get(pk=objects.reward.pk).name == objects.reward.name
    assert objects.challenge.rules.count() == 1
    objects.challenge.refresh_from_db()
    assert objects.challenge.status == "running"
    objects.api_key.refresh_from_db()
    assert objects.api_key.revoked_at is None
    assert Program.objects.get(pk=objects.draft_program.pk).status == ProgramStatus.DRAFT
    assert Program.objects.get(pk=objects.program.pk).content == {}
    assert objects.program.policies.get().versions.count() == 1
    assert not TierMove.objects.filter(program=objects.draft_program).exists()
    assert not PolicyAcknowledgement.objects.filter(version=objects.policy_version).exists()


@pytest.mark.parametrize("role", ["brand_admin", "channel_manager"])
@pytest.mark.parametrize("entry", BRAND_OBJECT_URLS + PARTNER_OBJECT_URLS, ids=url_id)
def test_brand_staff_get_404_on_another_brands_objects(request, role, entry, foreign):
    name, method, args = entry
    response = call(login_client(request.getfixturevalue(role)), method, name, args(foreign))
    # Partner-portal URLs refuse brand staff outright (403); the rest miss (404).
    assert response.status_code in ({404} if entry in BRAND_OBJECT_URLS else {403, 404})
    untouched(foreign)


@pytest.mark.parametrize("entry", BRAND_OBJECT_URLS, ids=url_id)
def test_control_brand_admin_reaches_own_objects(brand_admin, entry, own):
    name, method, args = entry
    assert call(login_client(brand_admin), method, name, args(own)).status_code not in {403, 404}


@pytest.mark.parametrize(
    ("whose", "entry"),
    [
        (whose, entry)
        for whose in ("sibling", "foreign")
        for entry in PARTNER_OBJECT_URLS + BRAND_OBJECT_URLS
        if not (whose == "sibling" and entry[0] in BRAND_SHARED)
    ],
    ids=lambda value: value if isinstance(value, str) else url_id(value),
)
def test_partner_users_get_404_on_other_companies(request, own, entry, whose):
    name, method, args = entry
    objects = request.getfixturevalue(whose)
    response = call(login_client(own.admin), method, name, args(objects))
    # Back-office URLs refuse partner users outright (403); the job status of others' jobs and the
    # portal's object URLs miss (404).
    assert response.status_code in ({404} if entry in PARTNER_OBJECT_URLS else {403, 404})
    untouched(objects)


def test_control_partner_admin_reaches_own_objects(own):
    client = login_client(own.admin)
    for name, method, args in PARTNER_OBJECT_URLS:
        assert call(client, method, name, args(own)).status_code not in {403, 404}, (name, method)


def test_a_seller_of_another_brand_cannot_reach_my_objects(own, other_brand):
    intruder = UserFactory(
        role=Role.PARTNER_SELLER, brand=other_brand, partner=PartnerFactory(brand=other_brand)
    )
    client = login_client(intruder)
    for name, method, args in PARTNER_OBJECT_URLS:
        assert call(client, method, name, args(own)).status_code in {403, 404}, (name, method)
    untouched(own)


# --- The brand's review queue (lines are chosen in the form, not in the URL) -----------------------------


@pytest.mark.parametrize("role", ["brand_admin", "channel_manager"])
def test_the_review_queue_never_shows_nor_decides_another_brands_lines(request, role, own, foreign):
    client = login_client(request.getfixturevalue(role))

    page = client.get(reverse("sellout:brand_review_queue"))
    shown = [item.line.pk for item in page.context["page"]]
    response = client.post(
        reverse("sellout:brand_review_bulk"), {"line": [foreign.flagged.pk], "decision": "reject"}
    )

    assert own.flagged.pk in shown and foreign.flagged.pk not in shown
    assert response.status_code == 302
    untouched(foreign)
    assert not ReviewDecision.objects.filter(line=foreign.flagged).exists()


def test_a_partner_reads_only_the_decisions_on_its_own_lines(brand_admin, own, sibling):
    client = login_client(brand_admin)
    for objects in (own, sibling):
        client.post(
            reverse("sellout:brand_review_bulk"),
            {"line": [objects.flagged.pk], "decision": "reject", "reason": "duplicate"},
        )

    decisions = login_client(own.admin).get(reverse("sellout:my_declarations")).context["decisions"]

    assert [decision.line_id for decision in decisions] == [own.flagged.pk]
    sibling_page = login_client(own.admin).get(
        reverse("sellout:declaration_edit", args=[sibling.submitted.pk])
    )
    assert sibling_page.status_code == 404


# --- communications: campaigns, the sales-aid library, inbox entries ----------------------------------------


def comms_objects(brand, partner):
    """One brand's campaign sent to ``partner``'s admin (its inbox entry) and a published sales aid."""
    admin = partner_user(partner, role=Role.PARTNER_ADMIN)
    staff = UserFactory(role=Role.BRAND_ADMIN, brand=brand)
    campaign = CampaignFactory(brand=brand)
    comms.recipients_resolve(message=campaign)
    item = comms.content_item_save(brand=brand, user=staff, fields={"kind": "link", "title": "Aid"})
    comms.content_version_add(item=item, user=staff, url="https://example.test/aid")
    comms.content_item_approve(item=item, user=staff)
    delivery = Delivery.objects.get(message=campaign, user=admin)
    return SimpleNamespace(admin=admin, campaign=campaign, item=item, delivery=delivery)


COMMS_BRAND_URLS = [
    ("comms:campaign_detail", lambda o: [o.campaign.pk]),
    ("comms:campaign_edit", lambda o: [o.campaign.pk]),
    ("comms:brand_library_detail", lambda o: [o.item.pk]),
]
COMMS_PORTAL_URLS = [
    ("comms:inbox_detail", lambda o: [o.delivery.pk]),
    ("comms:library_item", lambda o: [o.item.pk]),
    ("comms:library_download", lambda o: [o.item.pk]),
]


@pytest.mark.parametrize("entry", COMMS_BRAND_URLS, ids=lambda e: e[0])
def test_comms_brand_pages_are_404_for_another_brand_and_reached_by_their_own(
    entry, brand, other_brand, partner
):
    name, args = entry
    mine = comms_objects(brand, partner)
    stranger = UserFactory(role=Role.BRAND_ADMIN, brand=other_brand)
    assert login_client(stranger).get(reverse(name, args=args(mine))).status_code == 404
    owner = UserFactory(role=Role.BRAND_ADMIN, brand=brand)
    assert login_client(owner).get(reverse(name, args=args(mine))).status_code == 200


@pytest.mark.parametrize("entry", COMMS_PORTAL_URLS, ids=lambda e: e[0])
def test_comms_portal_pages_are_404_for_others_and_reached_by_their_owner(entry, brand, other_brand, partner):
    name, args = entry
    mine = comms_objects(brand, partner)
    sibling = partner_user(PartnerFactory(brand=brand), role=Role.PARTNER_ADMIN)
    foreign = partner_user(PartnerFactory(brand=other_brand), role=Role.PARTNER_ADMIN)
    url = reverse(name, args=args(mine))
    assert login_client(foreign).get(url).status_code == 404
    # The library is the brand's, shared by its partners; an inbox entry is its user's own.
    if name == "comms:inbox_detail":
        assert login_client(sibling).get(url).status_code == 404
    mine.delivery.refresh_from_db()
    assert mine.delivery.read_at is None  # nothing changed by the foreign attempts
    assert login_client(mine.admin).get(url).status_code in {200, 302}


# The brand's list pages and files added with the brand home, the partner export and picker, the feedback
# themes: each shows the brand's own partners and keywords, never another brand's.
BRAND_LIST_URLS = [
    ("network:partner_search", [], {"q": "a"}),
    ("network:partner_export", ["csv"], {}),
    ("insights:undeclared", [], {}),
    ("insights:feedback_themes", [], {}),
]


@pytest.mark.parametrize(
    ("name", "args", "params"), BRAND_LIST_URLS, ids=lambda v: v if isinstance(v, str) else ""
)
def test_brand_lists_show_nothing_of_another_brand(brand_admin, own, foreign, name, args, params):
    foreign_admin = UserFactory(role=Role.BRAND_ADMIN, brand=foreign.partner.brand)
    feedback_keywords_set(
        brand=foreign.partner.brand, by=foreign_admin, keywords={"price": "motsecretétranger"}
    )
    foreign.partner.name = "Aaa Société étrangère"
    foreign.partner.save(update_fields=["name"])
    response: Any = login_client(brand_admin).get(reverse(name, args=args), params)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    assert "Société étrangère" not in text and "motsecretétranger" not in text
