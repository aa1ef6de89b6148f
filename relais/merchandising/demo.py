"""Demo merchandising of Atelier Lumen: POS items (free and paid in points) with orders in each state, a
store checklist for the base program, and partners' visits with photos (small generated PNGs), some reviewed."""

from __future__ import annotations

import datetime as dt
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from relais.accounts.models import Role, User
from relais.core.models import Brand
from relais.merchandising import services
from relais.merchandising.models import PosOrder
from relais.merchandising.photos import png_image
from relais.network.models import PartnerCompany
from relais.programs.models import Program

ITEMS = [
    ("Présentoir de comptoir Lumen", "Présentoir en carton pour 12 ampoules, livré à plat.", 40, 2, 0),
    ("Kit vitrine Fêtes", "Window kit: stickers, garland and a 60 × 90 cm poster.", 25, 1, 0),
    ("Totem lumineux", "Totem rétroéclairé de 1,80 m pour l'entrée du magasin.", 6, 1, 1500),
    ("Catalogue 2027 (lot de 50)", "Printed catalogues for your customers.", 200, 4, 0),
]
CHECKLIST = [
    ("yes_no", "Présentoir Lumen en place à l'entrée"),
    ("number", "Nombre de facings Lumen en rayon"),
    ("photo", "Photo de la vitrine"),
]


def _photo(rng: random.Random) -> SimpleUploadedFile:
    colour = (rng.randrange(120, 255), rng.randrange(60, 200), rng.randrange(0, 80))
    return SimpleUploadedFile(
        "vitrine.png", png_image(width=32, height=24, rgb=colour), content_type="image/png"
    )


def load(*, brand: Brand, rng: random.Random) -> dict[str, int]:
    """Write the demo POS material and store checks of ``brand`` (after the programs)."""
    staff = User.objects.filter(brand=brand, role=Role.BRAND_ADMIN).order_by("pk").first()
    partners = list(PartnerCompany.objects.filter(brand=brand, is_active=True).order_by("code")[:12])
    items = [
        services.pos_item_save(
            brand=brand, name=name, description=text, stock=stock, per_partner_limit=limit, points_price=price
        )
        for name, text, stock, limit, price in ITEMS
    ]
    orders = 0
    wanted = [
        PosOrder.Status.REQUESTED,
        PosOrder.Status.APPROVED,
        PosOrder.Status.SHIPPED,
        PosOrder.Status.REFUSED,
    ]
    for i, partner in enumerate(partners[:8]):
        item = items[i % 2 if i % 3 else 3]
        order = services.pos_order_request(
            partner=partner, item=item, quantity=1, user=None, idempotency_key=f"demo-pos-{i}"
        )
        orders += 1
        status = wanted[i % len(wanted)]
        if staff is None or status == PosOrder.Status.REQUESTED:
            continue
        if status == PosOrder.Status.REFUSED:
            services.pos_order_refuse(
                order=order, user=staff, reason="Stock réservé aux magasins de centre-ville"
            )
            continue
        services.pos_order_approve(order=order, user=staff)
        if status == PosOrder.Status.SHIPPED:
            services.pos_order_ship(order=order, user=staff)
    program = Program.objects.filter(brand=brand, base__isnull=True).first()
    checklist = services.checklist_save(
        brand=brand, name="Relevé vitrine des Fêtes", items=CHECKLIST, program=program
    )
    visits = 0
    today = timezone.localdate()
    for i, partner in enumerate(partners[:6]):
        items_ = list(checklist.items.all())
        visit = services.visit_submit(
            partner=partner,
            checklist=checklist,
            visited_on=today - dt.timedelta(days=rng.randrange(1, 20)),
            answers={items_[0].pk: "oui" if i % 3 else "non", items_[1].pk: str(rng.randrange(2, 14))},
            photos={items_[2].pk: _photo(rng)},
            user=None,
            note="Vitrine refaite samedi." if i % 2 else "",
        )
        visits += 1
        if staff is not None and i < 4:
            answers = list(visit.answers.order_by("item__position"))
            services.visit_review(
                visit=visit,
                decisions={
                    a.pk: (
                        i % 3 != 0 or n != 0,
                        "" if (i % 3 != 0 or n != 0) else "Présentoir absent sur la photo",
                    )
                    for n, a in enumerate(answers)
                },
                user=staff,
            )
    return {"POS items": len(items), "POS orders": orders, "store visits": visits}
