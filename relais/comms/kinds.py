"""The kinds of message a user can receive, their defaults, and the texts of notifications.

A notification is stored as a code plus JSON params and rendered when read, in the reader's language
(``relais.comms.rendering``). Pure definitions: selectors and services both read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from relais.comms.models import Category


@dataclass(frozen=True)
class Kind:
    label: Promise
    category: str
    in_portal: bool = True
    by_email: bool = True


# Preference keys of the brand's campaigns: one for its news, one for its marketing (unsubscribe).
ANNOUNCEMENT = "announcement"
MARKETING = "marketing"

KINDS: dict[str, Kind] = {
    "declaration_reviewed": Kind(_("My declaration was reviewed"), Category.TRANSACTIONAL),
    "declaration_reminder": Kind(_("Reminder to declare my sales"), Category.TRANSACTIONAL),
    "declaration_last_call": Kind(_("Last call to declare my sales"), Category.TRANSACTIONAL),
    "points_posted": Kind(_("Points posted"), Category.TRANSACTIONAL, by_email=False),
    "points_available": Kind(_("Points available"), Category.TRANSACTIONAL),
    "points_expiring": Kind(_("Points expiring soon"), Category.TRANSACTIONAL),
    "order_approved": Kind(_("Reward order approved"), Category.TRANSACTIONAL),
    "order_shipped": Kind(_("Reward order shipped"), Category.TRANSACTIONAL),
    "challenge_launched": Kind(_("A challenge starts"), Category.MARKETING),
    "content_new": Kind(_("New sales aids"), Category.MARKETING, by_email=False),
    "certification_expiring": Kind(_("A certification of mine expires soon"), Category.TRANSACTIONAL),
    "fund_request_decided": Kind(_("My marketing fund request was decided"), Category.TRANSACTIONAL),
    "fund_claim_decided": Kind(_("My marketing fund claim was reviewed"), Category.TRANSACTIONAL),
    "fund_claim_paid": Kind(_("My marketing fund claim was paid"), Category.TRANSACTIONAL),
    ANNOUNCEMENT: Kind(_("The brand's announcements"), Category.TRANSACTIONAL),
    MARKETING: Kind(_("The brand's newsletters"), Category.MARKETING),
}

# Code -> (subject, body); params are formatted in the reader's language before interpolation.
NOTIFICATION_TEXTS: dict[str, tuple[Promise, Promise]] = {
    "declaration_reviewed": (
        _("Your declaration for %(period_start_on)s – %(period_end_on)s was reviewed"),
        _("Lines accepted: %(accepted)s. Lines rejected: %(rejected)s."),
    ),
    "declaration_reminder": (
        _("Declare your sales for %(period_month)s"),
        _("Your sales for %(period_month)s are due by %(deadline_on)s. Declare them in your space."),
    ),
    "declaration_last_call": (
        _("Last call: your sales for %(period_month)s are due by %(deadline_on)s"),
        _("Your sales for %(period_month)s are due by %(deadline_on)s and we have not received them yet."),
    ),
    "points_posted": (
        _("%(points)s points posted"),
        _("%(points)s points were posted to your account for %(reason)s."),
    ),
    "points_available": (
        _("%(points)s points are available"),
        _("%(points)s points can now be spent on rewards."),
    ),
    "points_expiring": (
        _("%(points)s points expire on %(expires_on)s"),
        _("Spend them before %(expires_on)s: %(points)s points of your balance expire then."),
    ),
    "order_approved": (
        _("Your order %(order)s was approved"),
        _("Your reward order %(order)s was approved and will be prepared."),
    ),
    "order_shipped": (
        _("Your order %(order)s has shipped"),
        _("Your reward order %(order)s has shipped."),
    ),
    "challenge_launched": (
        _("A new challenge starts: %(challenge)s"),
        _("The challenge %(challenge)s runs from %(starts_on)s to %(ends_on)s. Take part from your space."),
    ),
    "content_new": (
        _("New sales aid: %(title)s"),
        _("A new sales aid is in your library: %(title)s."),
    ),
    "certification_expiring": (
        _("Your certification %(certification)s expires on %(expires_on)s"),
        _(
            "Your certification %(certification)s expires on %(expires_on)s. "
            "Take its training again to renew it."
        ),
    ),
    "fund_request_decided": (
        _("Your marketing fund request “%(title)s” was decided"),
        _("Amount approved: %(approved_amount)s %(currency)s. %(reason)s"),
    ),
    "fund_claim_decided": (
        _("Your claim for “%(title)s” was reviewed"),
        _("Amount accepted: %(approved_amount)s %(currency)s. %(reason)s"),
    ),
    "fund_claim_paid": (
        _("Your claim for “%(title)s” was paid"),
        _("%(approved_amount)s %(currency)s paid on %(paid_on)s, reference %(reference)s."),
    ),
}


def kind_of_message(*, code: str, category: str) -> str:
    """The preference key a message is filed under: its notification code, else its campaign category."""
    if code:
        return code
    return MARKETING if category == Category.MARKETING else ANNOUNCEMENT
