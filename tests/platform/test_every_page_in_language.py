"""Every page of every role, in French and in English, speaks one language: the reader's.

The pages come from the URL conf: every named URL without parameters is reversed, and every parametrised one
is filled from a small demo-like set of objects (``FILLERS``) or listed, with a reason, in ``NOT_PAGES``. A new
named URL that is in neither fails ``test_every_named_url_is_rendered_or_said_why_not``, so new pages are
covered as soon as they exist.

"English in a French page" means a fragment of at least three words of a msgid of the project's own
catalogues (``locale/`` and ``relais/*/locale/``) whose French msgstr differs, found in the page's visible
text (and its ``placeholder``, ``title``, ``aria-label``); the reverse for a French msgstr in an English page.
Fragments that the other language also uses (a product word, a proper noun) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from conftest import login_client
from relais.comms.models import Delivery
from relais.comms.tests.factories import CampaignFactory, ContentItemFactory
from relais.incentives.models import RuleKind
from relais.incentives.services import challenge_rule_add, challenge_score_declaration
from relais.incentives.tests.factories import running_challenge
from relais.network.tests.factories import SegmentFactory, SiteFactory
from relais.programs.tests.factories import ProgramFactory
from relais.sellout.tests.factories import catalogue
from relais.training.tests.factories import published_module
from tests.platform.test_tenant_isolation_funds import funds_objects
from tests.platform.test_tenant_isolation_matrix import company
from tests.platform.test_tenant_isolation_promotions import promotion_objects

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ROLES = ["brand_admin", "channel_manager", "partner_admin", "partner_seller", "operator", "anonymous"]
LANGUAGES = ["fr", "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\{.*?\}\}|\{\w*\}|%%")
WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")
MIN_WORDS = 3


def training_module(objects: SimpleNamespace) -> Any:
    """A published training module of the brand, assigned to everyone (made once per ``site``)."""
    if not hasattr(objects, "training_module"):
        objects.training_module = published_module(objects.own.partner.brand, title="Gamme Atlas")
    return objects.training_module


# Parametrised pages, filled from the objects of ``site`` below.
FILLERS: dict[str, Callable[[SimpleNamespace], list[list[Any]]]] = {
    "job_status": lambda o: [[o.own.job.pk]],
    "accounts:invitation_create": lambda o: [[o.own.partner.pk]],
    "accounts:user_scope": lambda o: [[o.users["channel_manager"].pk]],
    "privacy:operator_erase": lambda o: [[o.users["partner_seller"].pk]],
    "network:partner_detail": lambda o: [[o.own.partner.pk]],
    "network:partner_edit": lambda o: [[o.own.partner.pk]],
    "network:site_create": lambda o: [[o.own.partner.pk]],
    "network:site_edit": lambda o: [[o.own.partner.pk, o.site.pk]],
    "network:segment_detail": lambda o: [[o.segment.pk]],
    "network:segment_edit": lambda o: [[o.segment.pk]],
    "network:portal_site_edit": lambda o: [[o.site.pk]],
    "catalog:product_detail": lambda o: [[o.products[0].pk]],
    "sellout:declaration_edit": lambda o: [[o.own.submitted.pk], [o.own.draft.pk]],
    "sellout:import_detail": lambda o: [[o.own.sellout_import.pk]],
    "sellout:import_mapping": lambda o: [[o.own.sellout_import.pk]],
    "sellout:import_result": lambda o: [[o.own.sellout_import.pk]],
    "sellout:brand_declaration_detail": lambda o: [[o.own.submitted.pk]],
    "sellout:partner_quality": lambda o: [[o.own.partner.pk]],
    "incentives:challenge_detail": lambda o: [[o.own.challenge.pk], [o.quiet.pk]],
    "incentives:rule_edit": lambda o: [[o.own.challenge.pk, o.own.challenge.rules.get().pk]],
    "incentives:challenge_backtest": lambda o: [[o.own.challenge.pk]],
    "incentives:reward_edit": lambda o: [[o.own.reward.pk]],
    "incentives:my_leaderboard": lambda o: [[o.own.challenge.pk], [o.quiet.pk]],
    "insights:partner_detail": lambda o: [[o.own.partner.pk]],
    "comms:campaign_detail": lambda o: [[o.campaign.pk]],
    "comms:campaign_edit": lambda o: [[o.campaign.pk]],
    "comms:campaign_send": lambda o: [[o.campaign.pk]],
    "comms:inbox_detail": lambda o: [[o.delivery.pk]],
    "comms:brand_library_detail": lambda o: [[o.content.pk]],
    "programs:detail": lambda o: [[o.program.pk]],
    "programs:aspect": lambda o: [[o.program.pk]],
    "programs:policy": lambda o: [[o.program.pk]],
    "programs:tiers": lambda o: [[o.program.pk]],
    "incentives:my_redeem_confirm": lambda o: [[o.own.reward.pk]],
    "incentives:my_order_cancel": lambda o: [[o.own.order.pk]],
    "promotions:detail": lambda o: [[promotion_objects(o).promotion.pk]],
    "merchandising:item_edit": lambda o: [[promotion_objects(o).item.pk]],
    "merchandising:visit_detail": lambda o: [[promotion_objects(o).visit.pk]],
    "merchandising:my_visit": lambda o: [[promotion_objects(o).visit.pk]],
    "merchandising:visit_new": lambda o: [[promotion_objects(o).checklist.pk]],
    "training:module_edit": lambda o: [[training_module(o).pk]],
    "training:my_module": lambda o: [[training_module(o).pk]],
    "funds:budget_detail": lambda o: [[funds_objects(o).budget.pk]],
    "funds:request_detail": lambda o: [[funds_objects(o).request.pk]],
    "funds:my_request": lambda o: [[funds_objects(o).request.pk]],
}

# Named URLs that are not pages a person reads, or that only answer a POST.
NOT_PAGES = {
    "healthz": "a probe, no text",
    "set_language": "POST only",
    "javascript-catalog": "JavaScript, not a page",
    "favicon": "an icon",
    "admin_login": "the operators' Django admin has Django's own catalogue",
    "accounts:logout": "POST only",
    "accounts:invitation_accept": "needs a live invitation token; covered by relais/accounts/tests",
    "accounts:invitation_resend": "POST only",
    "accounts:invitation_revoke": "POST only",
    "accounts:user_set_active": "POST only",
    "accounts:membership_switch": "POST only",
    "accounts:password_reset_confirm": "needs a live reset token; covered by test_password_reset",
    "network:segment_recompute": "POST only",
    "network:segment_delete": "POST only",
    "sellout:declaration_line_add": "POST only",
    "sellout:declaration_submit": "POST only",
    "sellout:declaration_line_remove": "POST only",
    "sellout:declaration_discard": "POST only",
    "sellout:import_retry": "POST only",
    "sellout:distributor_import_mapping": "a distributor's own upload; covered by relais/sellout/tests/distributor",
    "sellout:import_rejected_csv": "a CSV file (exports are tested by their app)",
    "sellout:brand_import_rejected_csv": "a CSV file (exports are tested by their app)",
    "sellout:brand_line_review": "POST only",
    "sellout:brand_lines_export": "a CSV or workbook file (exports are tested by their app)",
    "incentives:rule_add": "POST only",
    "incentives:challenge_status": "POST only",
    "incentives:order_action": "POST only",
    "incentives:my_redeem": "POST only",
    "insights:export": "a CSV or workbook file (exports are tested by their app)",
    "network:partner_export": "a CSV or workbook file (exports are tested by their app)",
    "operator_brand_active": "POST only",
    "brand_user_active": "POST only",
    "apikeys:revoke": "POST only",
    "comms:brand_library_action": "POST only",
    "comms:library_item": "needs an approved version with its file; covered by relais/comms/tests/test_library.py",
    "comms:library_download": "a PDF or a file",
    "comms:unsubscribe": "needs a live unsubscribe token; covered by relais/comms/tests",
    "programs:publish": "POST only",
    "programs:acknowledge": "POST only",
    "promotions:status": "POST only",
    "merchandising:order_action": "POST only",
    "merchandising:my_order": "POST only",
    "merchandising:orders_export": "a CSV file (exports are tested by their app)",
    "merchandising:item_photo": "an image; covered by tests/platform/test_tenant_isolation_promotions.py",
    "merchandising:answer_photo": "an image; covered by tests/platform/test_tenant_isolation_promotions.py",
    "training:question_add": "POST only",
    "training:question_delete": "POST only",
    "training:file_add": "POST only",
    "training:assignment_add": "POST only",
    "training:assignment_delete": "POST only",
    "training:module_publish": "POST only",
    "training:my_attempt": "POST only",
    "training:brand_file": "a file (covered by relais/training/tests/views/test_pages.py)",
    "training:my_file": "a file (covered by relais/training/tests/views/test_pages.py)",
    "training:report_export": "a CSV or workbook file (exports are tested by their app)",
    "webhooks:brand_api_key_revoke": "POST only",
    "webhooks:endpoint_toggle": "POST only",
    "webhooks:replay": "POST only",
    "privacy:user_export": "POST only (a JSON file)",
    "privacy:user_erase": "POST only",
    "privacy:my_export": "POST only (a JSON file)",
    "funds:budget_run": "POST only",
    "funds:request_decide": "POST only",
    "funds:claim_decide": "POST only",
    "funds:claim_pay": "POST only",
    "funds:my_request_cancel": "POST only",
    "funds:ledger_export": "a CSV or workbook file (exports are tested by their app)",
    "funds:proof": "a proof file (PDF or image); covered by tests/platform/test_tenant_isolation_funds.py",
    "programs:rollup": "POST only",
}
# A page is opened when some role reads it (200), is sent on by it (302: the home page sends each role to
# its own) or when it only answers a POST (405: nothing to read).
OPENED = {200, 302, 405}
NOT_PAGE_NAMESPACES = {"admin", "api"}  # Django's admin (its own catalogue); the JSON API (no pages)


def named_urls() -> Iterator[tuple[str, URLPattern]]:
    """Every named URL of the URL conf, with its namespace."""

    def walk(patterns: list[Any], namespace: str | None) -> Iterator[tuple[str, URLPattern]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                yield from walk(pattern.url_patterns, full)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern

    yield from walk(get_resolver().url_patterns, None)


def page_names() -> dict[str, bool]:
    """Page name → whether it takes parameters."""
    return {
        name: bool(pattern.pattern.regex.groups)
        for name, pattern in named_urls()
        if name.split(":")[0] not in NOT_PAGE_NAMESPACES and name not in NOT_PAGES
    }


def page_urls(objects: SimpleNamespace) -> list[str]:
    """The URL of every page; a parametrised one without a filler is reported by the test below instead."""
    urls = []
    for name, parametrised in sorted(page_names().items()):  # a filler of a URL not (yet) there is unused
        if name in FILLERS:
            urls += [reverse(name, args=args) for args in FILLERS[name](objects)]
        elif not parametrised:
            urls.append(reverse(name))
    return urls


def _fragments(text: str) -> list[str]:
    """The runs of at least ``MIN_WORDS`` words of a catalogue text, cut at its placeholders and tags."""
    text = re.sub(r"<[^>]+>", " ", text)
    pieces = PLACEHOLDER.split(text)
    found = []
    for piece in pieces:
        for sentence in re.split(r"[.:;!?()\[\]«»\"“”—–·|/]", piece):
            words = WORD.findall(sentence)
            if len(words) >= MIN_WORDS:
                found.append(" ".join(words))
    return found


def _texts(value: Any) -> list[str]:
    """The texts of a catalogue entry: one, or each plural form."""
    return [str(text) for text in value] if isinstance(value, tuple | list) else [str(value)]


@cache
def catalogue_fragments() -> tuple[frozenset[str], frozenset[str]]:
    """(English fragments, French fragments) of the project's catalogues, where the two differ; a fragment
    that is also in the other language's text of some entry is dropped (shared by both languages)."""
    english: set[str] = set()
    french: set[str] = set()
    all_ids: list[str] = []
    all_strs: list[str] = []
    for po in sorted(
        [
            *ROOT.glob("locale/fr/LC_MESSAGES/django.po"),
            *ROOT.glob("relais/*/locale/fr/LC_MESSAGES/django.po"),
        ]
    ):
        with po.open("rb") as handle:
            for message in read_po(handle):
                if not message.id or message.fuzzy:
                    continue
                ids = _texts(message.id)
                strs = [text for text in _texts(message.string) if text]
                if not strs:
                    continue
                all_ids += ids
                all_strs += strs
                if set(ids) == set(strs):
                    continue
                for text in ids:
                    english.update(_fragments(text))
                for text in strs:
                    french.update(_fragments(text))
    french_words = " | ".join(" ".join(WORD.findall(s)) for s in all_strs)
    english_words = " | ".join(" ".join(WORD.findall(s)) for s in all_ids)
    return (
        frozenset(f for f in english if f not in french_words),
        frozenset(f for f in french if f not in english_words),
    )


class _Text(HTMLParser):
    """The visible text of a page, plus what a screen reader or a form shows (placeholder, title, aria-label)."""

    SKIP = {"script", "style", "template", "noscript"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        for name, value in attrs:
            if name in {"placeholder", "title", "aria-label"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def page_words(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " | ".join(" ".join(WORD.findall(part)) for part in parser.parts if WORD.search(part))


def wrong_language(html: str, language: str) -> list[str]:
    """The catalogue fragments of the other language found in the page."""
    english, french = catalogue_fragments()
    foreign = english if language == "fr" else french
    words = f" {page_words(html)} "
    return sorted(f for f in foreign if f" {f} " in words)


@pytest.fixture
def site(brand, partner, brand_admin, channel_manager, partner_admin, partner_seller, operator):
    products = catalogue(brand, count=3)
    own = company(brand, partner, products=products)
    autumn = running_challenge(
        brand, per_unit=10, budget=15, period_start=date(2026, 10, 1), period_end=date(2026, 12, 31)
    )
    challenge_rule_add(challenge=autumn, kind=RuleKind.MULTIPLIER, factor=Decimal("1.5"))
    challenge_rule_add(challenge=autumn, kind=RuleKind.QUALITY_BONUS, points=Decimal(50))
    # The points history gets its stored reasons: per unit, × 1.5, cut by the budget.
    challenge_score_declaration(declaration=own.submitted)
    campaign = CampaignFactory(brand=brand)
    return SimpleNamespace(
        own=own,
        campaign=campaign,
        delivery=Delivery.objects.create(
            brand=brand, message=campaign, user=partner_admin, partner=partner, language="fr"
        ),
        content=ContentItemFactory(brand=brand),
        program=ProgramFactory(brand=brand),
        quiet=running_challenge(brand, per_unit=5, name="Quiet challenge"),  # nobody scored yet
        products=products,
        site=SiteFactory(partner=partner),
        segment=SegmentFactory(brand=brand),
        users={
            "brand_admin": brand_admin,
            "channel_manager": channel_manager,
            "partner_admin": partner_admin,
            "partner_seller": partner_seller,
            "operator": operator,
        },
    )


def client_for(objects: SimpleNamespace, role: str, language: str) -> Client:
    client = Client() if role == "anonymous" else login_client(objects.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_every_named_url_is_rendered_or_said_why_not():
    parametrised = {name for name, takes_parameters in page_names().items() if takes_parameters}

    unknown = sorted(parametrised - set(FILLERS))
    assert not unknown, f"add each to FILLERS (objects to open it with) or NOT_PAGES (why not): {unknown}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_a_role_is_in_its_language(site, role, language):
    client = client_for(site, role, language)
    rendered, mixed = 0, {}
    for url in page_urls(site):
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        rendered += 1
        found = wrong_language(response.content.decode(), language)
        if found:
            mixed[url] = found

    assert rendered, f"{role} opened no page at all"
    assert not mixed, f"{language} pages of {role} with text of the other language: {mixed}"


def test_each_page_is_opened_by_some_role(site):
    """The control: a page that no role can open would be checked by no test above."""
    opened = set()
    for role in ROLES:
        client = client_for(site, role, "en")
        for url in page_urls(site):
            if url not in opened and client.get(url).status_code in OPENED:
                opened.add(url)

    missing = sorted(set(page_urls(site)) - opened)
    assert not missing, missing


def test_the_check_sees_english_in_a_french_page():
    english, french = catalogue_fragments()
    assert english and french
    sample = sorted(english)[0]

    assert wrong_language(f"<main><p>{sample}</p></main>", "fr") == [sample]
    assert wrong_language(f"<main><p>{sample}</p></main>", "en") == []
    assert wrong_language(f"<script>{sample}</script>", "fr") == []


def test_the_check_sees_french_in_an_english_page():
    _english, french = catalogue_fragments()
    sample = sorted(french)[0]

    assert wrong_language(f'<input placeholder="{sample}">', "en") == [sample]
    assert wrong_language(f'<input placeholder="{sample}">', "fr") == []
