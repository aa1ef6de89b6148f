"""Demo data of communications: a sales-aid library, two past campaigns with their read figures, the
declaration reminders of the current period, one address that bounced and one reader of daily digests.

The campaigns and the reminder are written through the services (targeting, recipients fixed at send
time); their e-mails are then recorded as sent in the past and a share of recipients as having read them
(the demo shows figures, it does not replay a month of SMTP traffic; nothing is left pending for the
sending job, so loading the demo prints no e-mail).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relais.accounts.models import Role, User
from relais.comms.cobrand import pdf_sample
from relais.comms.models import BounceReport, ContentEvent, ContentItem, Delivery, EmailFrequency, Message
from relais.comms.services import (
    bounce_record,
    campaign_save,
    content_item_approve,
    content_item_save,
    content_version_add,
    preference_set,
    recipients_resolve,
    reminders_send,
)
from relais.comms.services.bounces import Bounce
from relais.comms.services.reminders import REMINDER_DAYS_BEFORE, reminder_period
from relais.core.models import Brand
from relais.network.models import Segment

LIBRARY: list[dict[str, Any]] = [
    {
        "kind": "brochure",
        "title": "Gamme Pro 2027 — brochure co-marquée",
        "description": "La brochure de la gamme Pro, à votre nom, pour vos clients artisans.",
        "co_branded": True,
        "pdf": (
            "Gamme Pro 2027",
            ("Projecteurs de chantier LED", "Baladeuses rechargeables", "Garantie 3 ans"),
        ),
    },
    {
        "kind": "product_sheet",
        "title": "Fiche produit — projecteur LED 50 W",
        "description": "Caractéristiques, usages et arguments du projecteur 50 W.",
        "pdf": ("Projecteur LED 50 W", ("5 000 lumens", "IP65", "Batterie 4 h")),
    },
    {
        "kind": "sales_message",
        "title": "Argumentaire — l'éclairage de chantier sans fil",
        "description": "Trois arguments pour vendre le sans-fil aux artisans.",
        "text": "1. Plus de câble au sol : moins de chutes.\n2. Une batterie pour tout l'outillage.\n3. Garantie 3 ans.",
    },
    {
        "kind": "video",
        "title": "Vidéo — prise en main de la baladeuse",
        "description": "Deux minutes pour la montrer en magasin.",
        "url": "https://video.example/lumen/baladeuse",
        "language": "fr",
    },
]

CAMPAIGNS: list[dict[str, Any]] = [
    {
        "fields": {
            "kind": "announcement",
            "category": "transactional",
            "subject_fr": "La gamme Pro 2027 arrive",
            "body_fr": "La **gamme Pro 2027** est disponible dès le 1er du mois.\n\nTéléchargez votre brochure à votre nom.",
            "subject_en": "The Pro 2027 range is coming",
            "body_en": "The **Pro 2027 range** is available from the 1st.\n\nDownload your brochure with your name on it.",
        },
        "segment": "Mono-marques",
        "days_ago": 20,
        "read_share": 0.64,
    },
    {
        "fields": {
            "kind": "newsletter",
            "category": "marketing",
            "subject_fr": "Lettre Lumen : les nouveautés du trimestre",
            "body_fr": "Au programme : le challenge d'hiver, la baladeuse rechargeable et vos résultats.",
            "subject_en": "Lumen letter: this quarter's news",
            "body_en": "In this issue: the winter challenge, the rechargeable inspection lamp and your results.",
        },
        "segment": None,
        "days_ago": 8,
        "read_share": 0.41,
    },
]


def _library(*, brand: Brand, admin: User) -> list[ContentItem]:
    items = []
    for spec in LIBRARY:
        item = content_item_save(
            brand=brand,
            user=admin,
            fields={
                "kind": spec["kind"],
                "title": spec["title"],
                "description": spec["description"],
                "co_branded": spec.get("co_branded", False),
                "language": spec.get("language", ""),
            },
        )
        if "pdf" in spec:
            title, lines = spec["pdf"]
            upload = SimpleUploadedFile(f"lumen-{item.pk}.pdf", pdf_sample(title=title, lines=lines))
            content_version_add(item=item, user=admin, file=upload)
        else:
            content_version_add(item=item, user=admin, url=spec.get("url", ""), text=spec.get("text", ""))
        items.append(content_item_approve(item=item, user=admin))
    return items


def _mark_past(*, message: Message, sent_at: dt.datetime) -> None:
    """Record the e-mails of a demo message as sent at ``sent_at`` (see the module docstring)."""
    Delivery.objects.filter(message=message, email_status=Delivery.EmailStatus.PENDING).update(
        email_status=Delivery.EmailStatus.SENT, email_sent_at=sent_at
    )
    Delivery.objects.filter(message=message).update(created_at=sent_at)
    Message.objects.filter(pk=message.pk).update(
        status=Message.Status.SENT, sent_at=sent_at, scheduled_at=sent_at
    )


def _campaigns(*, brand: Brand, admin: User, items: list[ContentItem], rng: random.Random) -> tuple[int, int]:
    now = timezone.now()
    deliveries = reads = 0
    for spec in CAMPAIGNS:
        segment = (
            Segment.objects.filter(brand=brand, name=spec["segment"]).first() if spec["segment"] else None
        )
        message = campaign_save(
            brand=brand,
            user=admin,
            fields=spec["fields"],
            segments=[segment] if segment else [],
            content_items=items[:1] if spec["fields"]["kind"] == "announcement" else [],
        )
        recipients_resolve(message=message)
        sent_at = now - dt.timedelta(days=int(spec["days_ago"]))
        _mark_past(message=message, sent_at=sent_at)
        rows = list(Delivery.objects.filter(message=message).values_list("pk", "partner_id", "user_id"))
        read = [row for row in rows if rng.random() < float(spec["read_share"])]
        Delivery.objects.filter(pk__in=[pk for pk, _p, _u in read]).update(
            read_at=sent_at + dt.timedelta(hours=5)
        )
        for item in message.content_items.all():
            ContentEvent.objects.bulk_create(
                ContentEvent(
                    brand=brand,
                    item=item,
                    version=item.current_version,
                    partner_id=partner_id,
                    user_id=user_id,
                    message=message,
                    kind=ContentEvent.Kind.DOWNLOAD,
                )
                for _pk, partner_id, user_id in read[: len(read) // 2]
                if partner_id is not None
            )
        deliveries += len(rows)
        reads += len(read)
    return deliveries, reads


def _bounce_and_digest(*, brand: Brand) -> tuple[int, int]:
    """One reader's address refused by its mail server (the newsletter bounced: the brand sees it on the
    campaign, the reader on its preferences), and one reader who gets points and orders as a daily digest."""
    newsletter = Message.objects.filter(brand=brand, kind="newsletter").first()
    delivery = (
        Delivery.objects.filter(message=newsletter).select_related("user").order_by("pk").first()
        if newsletter
        else None
    )
    bounced = 0
    if delivery is not None:
        bounced = int(
            bounce_record(
                bounce=Bounce(
                    report_id=f"<demo-{brand.slug}-{delivery.pk}@mx.example>|{delivery.user.email.lower()}",
                    email=delivery.user.email.lower(),
                    kind=BounceReport.Kind.HARD,
                    status="5.1.1",
                    diagnostic="smtp; 550 5.1.1 Recipient address rejected: User unknown",
                    delivery_id=delivery.pk,
                )
            )
        )
    readers = User.objects.filter(brand=brand, role=Role.PARTNER_ADMIN, is_active=True)
    if delivery is not None:
        readers = readers.exclude(pk=delivery.user_id)
    reader = readers.order_by("pk").first()
    if reader is None:
        return bounced, 0
    for kind in ("points_posted", "points_available", "order_approved", "order_shipped"):
        preference_set(
            user=reader, kind=kind, in_portal=True, by_email=True, email_frequency=EmailFrequency.DAILY
        )
    return bounced, 1


def load(*, brand: Brand, rng: random.Random) -> Mapping[str, int]:
    """The library (approved by the brand admin), two campaigns with read figures, this period's reminder."""
    admin = User.objects.filter(brand=brand, role=Role.BRAND_ADMIN, is_active=True).order_by("pk").first()
    if admin is None:
        return {}
    items = _library(brand=brand, admin=admin)
    deliveries, reads = _campaigns(brand=brand, admin=admin, items=items, rng=rng)
    # The reminder of the period now due, as the daily run sends it when the window opens.
    today = timezone.localdate()
    _start, _end, deadline = reminder_period(today=today)
    opens = deadline - dt.timedelta(days=REMINDER_DAYS_BEFORE)
    reminded = reminders_send(brand=brand, today=opens).get("declaration_reminder", 0)
    for message in Message.objects.filter(brand=brand, kind="notification"):
        _mark_past(message=message, sent_at=message.created_at)
    bounced, digest_readers = _bounce_and_digest(brand=brand)
    return {
        "bounced addresses": bounced,
        "digest readers": digest_readers,
        "sales aids": len(items),
        "campaign deliveries": deliveries,
        "reads": reads,
        "reminded users": reminded,
    }
