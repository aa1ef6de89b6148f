"""Writes of the sales-aid library: items and their versions, the brand's approval, views and downloads.

Anyone of the brand's staff writes an item and adds versions; only a brand admin approves, which
publishes the latest version (partners keep the previous approved one until then). Publishing notifies
the partners who can see the item (``content_new``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from relais.accounts.models import PARTNER_ROLES, Role, User
from relais.comms.branding import brand_logo
from relais.comms.cobrand import Stamp, pdf_cobrand
from relais.comms.models import ContentEvent, ContentItem, ContentKind, ContentVersion, Message
from relais.comms.selectors import content_list_partner
from relais.comms.services.messages import notification_send
from relais.core.errors import ApplicationError
from relais.core.models import Brand
from relais.network.models import PartnerCompany, Segment

PDF_MAGIC = b"%PDF-"
MAX_FILE_BYTES = 20 * 1024 * 1024


def _item_fields_clean(fields: Mapping[str, Any]) -> None:
    if fields.get("kind") not in ContentKind.values:
        raise ApplicationError(_("Choose the kind of sales aid."))
    if not (fields.get("title") or "").strip():
        raise ApplicationError(_("A sales aid needs a title."))
    start, end = fields.get("valid_from"), fields.get("valid_until")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
        raise ApplicationError(_("The end of validity is before its start."))


@transaction.atomic
def content_item_save(
    *,
    brand: Brand,
    user: User,
    fields: Mapping[str, Any],
    segments: Sequence[Segment] = (),
    item: ContentItem | None = None,
) -> ContentItem:
    """Create or edit a sales aid's description and targeting (segments, language, validity dates)."""
    _item_fields_clean(fields)
    if any(s.brand_id != brand.pk for s in segments):
        raise ApplicationError(_("Unknown segment."))
    if item is None:
        item = ContentItem(brand=brand, created_by=user)
    elif item.brand_id != brand.pk:
        raise ApplicationError(_("Unknown sales aid."))
    for name in ("kind", "title", "description", "language", "valid_from", "valid_until"):
        setattr(item, name, fields.get(name) or ("" if name in {"description", "language"} else None))
    item.title = item.title.strip()
    item.co_branded = bool(fields.get("co_branded"))
    item.save()
    item.segments.set(segments)
    return item


@transaction.atomic
def content_version_add(
    *,
    item: ContentItem,
    user: User,
    file: UploadedFile | None = None,
    url: str = "",
    text: str = "",
    note: str = "",
) -> ContentVersion:
    """Add a version (a file, a link or a text); the item then waits for a brand admin's approval."""
    if not (file or url or text):
        raise ApplicationError(_("A version is a file, a link or a text."))
    if item.co_branded:
        if file is None:
            raise ApplicationError(_("A co-branded sales aid needs its PDF template."))
        head = file.read(5)
        file.seek(0)
        if head != PDF_MAGIC:
            raise ApplicationError(_("The template of a co-branded sales aid must be a PDF."))
    if file is not None and file.size and file.size > MAX_FILE_BYTES:
        raise ApplicationError(_("The file is larger than 20 MB."))
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ContentVersion(item=item, number=number, url=url, text=text, note=note, created_by=user)
    if file is not None:
        version.file.save(file.name or f"content-{item.pk}-v{number}", file, save=False)
    version.save()
    if item.status != ContentItem.Status.ARCHIVED:
        item.status = ContentItem.Status.PENDING
        item.save(update_fields=["status", "updated_at"])
    return version


@transaction.atomic
def content_item_approve(*, item: ContentItem, user: User) -> ContentItem:
    """A brand admin approves the latest version: it is what partners get from now on (published)."""
    if user.role != Role.BRAND_ADMIN or user.brand_id != item.brand_id:
        raise ApplicationError(_("Only a brand admin approves sales aids."))
    item = ContentItem.objects.select_for_update().get(pk=item.pk)
    latest = item.versions.order_by("-number").first()
    if latest is None:
        raise ApplicationError(_("Add a version before publishing."))
    first_publication = item.current_version_id is None
    item.current_version, item.status = latest, ContentItem.Status.PUBLISHED
    item.approved_by, item.approved_at = user, timezone.now()
    item.save(update_fields=["current_version", "status", "approved_by", "approved_at", "updated_at"])
    if first_publication:
        _content_new_notify(item=item)
    return item


def _content_new_notify(*, item: ContentItem) -> Message | None:
    """Tell the partner users who can see a newly published sales aid."""
    users = list(
        User.objects.filter(
            brand_id=item.brand_id, role__in=list(PARTNER_ROLES), is_active=True
        ).select_related("partner")
    )
    visible: dict[int, bool] = {}
    recipients = []
    for user in users:
        partner = user.partner
        if partner is None:
            continue
        if partner.pk not in visible:
            visible[partner.pk] = content_list_partner(partner=partner).filter(pk=item.pk).exists()
        if visible[partner.pk] and (not item.language or user.preferred_language in {"", item.language}):
            recipients.append(user)
    brand = Brand.objects.get(pk=item.brand_id)
    return notification_send(brand=brand, kind="content_new", users=recipients, params={"title": item.title})


@transaction.atomic
def content_item_archive(*, item: ContentItem) -> ContentItem:
    """Withdraw a sales aid from partners (kept, with its figures)."""
    item.status = ContentItem.Status.ARCHIVED
    item.save(update_fields=["status", "updated_at"])
    return item


def content_event_record(
    *,
    item: ContentItem,
    partner: PartnerCompany,
    user: User | None,
    kind: str,
    message: Message | None = None,
) -> ContentEvent:
    """Count a view or a download of a sales aid by a partner (from a campaign when ``message`` is set)."""
    if message is not None and message.brand_id != item.brand_id:
        message = None
    return ContentEvent.objects.create(
        brand_id=item.brand_id,
        item=item,
        version=item.current_version,
        partner=partner,
        user=user,
        kind=kind,
        message=message,
    )


def partner_stamp(*, partner: PartnerCompany, user: User | None) -> Stamp:
    """The partner's name and contact block: its main site's address, and the requesting user's contact."""
    site = partner.sites.order_by("-is_main", "name").first()
    lines = []
    if site is not None and (site.address or site.city):
        lines.append(
            ", ".join(p for p in (site.address, f"{site.postcode} {site.city}".strip(), site.country) if p)
        )
    elif partner.city:
        lines.append(f"{partner.city}, {partner.country}")
    if user is not None:
        lines.append(" · ".join(p for p in (user.get_full_name(), user.email) if p))
    return Stamp(name=partner.name, lines=tuple(lines))


def content_cobranded_pdf(*, item: ContentItem, partner: PartnerCompany, user: User | None) -> bytes:
    """The current version's PDF template stamped for ``partner``, with the brand's logo when it has one
    (generated now, not stored)."""
    version = item.current_version
    if not item.co_branded or version is None or not version.file:
        raise ApplicationError(_("This sales aid is not co-branded."))
    with version.file.open("rb") as handle:
        template = handle.read()
    stamp = partner_stamp(partner=partner, user=user)
    logo = brand_logo(brand=item.brand)
    if logo is not None:
        stamp = replace(stamp, logo=logo.content)
    return pdf_cobrand(template=template, stamp=stamp)
