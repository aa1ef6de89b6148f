"""The demo logins: one account per role (operator, brand admin, channel manager, partner admin and seller
of two partners, the admin of their distributor, the second brand's admin), all with ``DEMO_PASSWORD``.
Called by ``relais.demo``; the ``load_demo`` command prints ``logins_table(demo_logins())``. See docs/demo.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from relais.accounts.models import Role, User
from relais.core.models import Brand
from relais.network.models import PartnerCompany

DEMO_PASSWORD = "Relais-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    sees: str


def demo_logins() -> list[DemoLogin]:
    """Every demo account, with what it sees once logged in."""
    return [
        DemoLogin("Platform operator", "ops@relais.demo", "All brands: operator console and admin"),
        DemoLogin(
            "Brand admin",
            "admin@lumen.demo",
            "Atelier Lumen back office: network, catalogue, sell-out, challenges",
        ),
        DemoLogin("Channel manager", "manager@lumen.demo", "Atelier Lumen network, segments and sell-out"),
        DemoLogin(
            "Partner admin",
            "owner@martin.demo",
            "Portal of Quincaillerie Martin (Lyon): declarations, sellers",
        ),
        DemoLogin("Partner seller", "seller@martin.demo", "Portal of Quincaillerie Martin: own declarations"),
        DemoLogin(
            "Distributor admin",
            "owner@comptoir.demo",
            "Portal of Comptoir Pro Distribution (Martin's distributor): its resellers' sell-out, "
            "declares for them",
        ),
        DemoLogin("Partner admin", "owner@schneider.demo", "Portal of Elektro Schneider GmbH (München)"),
        DemoLogin(
            "Partner seller", "seller@schneider.demo", "Portal of Elektro Schneider GmbH: own declarations"
        ),
        DemoLogin("Brand admin", "admin@boreal.demo", "Boréal Jardin, a second brand: sees nothing of Lumen"),
    ]


def logins_table(logins: Sequence[DemoLogin], *, password: str = DEMO_PASSWORD) -> str:
    """The logins as a plain-text table for the terminal."""
    rows = [("Role", "E-mail", "Password", "What they see")] + [
        (x.role, x.email, password, x.sees) for x in logins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * len(rows[0][3]))
    return "\n".join(lines)


def _password_hash() -> str:
    # One hash for every demo account: hashing is deliberately slow and the password is the same anyway.
    for email in ("admin@lumen.demo", "owner@martin.demo"):
        validate_password(DEMO_PASSWORD, user=User(email=email))
    return make_password(DEMO_PASSWORD)


def users_load(*, lumen: Brand, boreal: Brand, named: Mapping[str, PartnerCompany]) -> None:
    """Write the demo accounts that do not exist yet; ``named`` holds the partners "martin" and "schneider"
    (``relais.network.demo.NAMED_PARTNERS``) and "distributor" (their parent) whose people log in."""
    password = _password_hash()
    wanted: list[tuple[str, str, Brand | None, PartnerCompany | None, str, str]] = [
        ("ops@relais.demo", Role.OPERATOR, None, None, "Olivia", "Perrot"),
        ("admin@lumen.demo", Role.BRAND_ADMIN, lumen, None, "Amélie", "Lefort"),
        ("manager@lumen.demo", Role.CHANNEL_MANAGER, lumen, None, "Marc", "Durieux"),
        ("owner@martin.demo", Role.PARTNER_ADMIN, lumen, named["martin"], "Paul", "Martin"),
        ("seller@martin.demo", Role.PARTNER_SELLER, lumen, named["martin"], "Sophie", "Carrel"),
        ("owner@comptoir.demo", Role.PARTNER_ADMIN, lumen, named["distributor"], "Claire", "Vidal"),
        ("owner@schneider.demo", Role.PARTNER_ADMIN, lumen, named["schneider"], "Jonas", "Schneider"),
        ("seller@schneider.demo", Role.PARTNER_SELLER, lumen, named["schneider"], "Lea", "Hofmann"),
        ("admin@boreal.demo", Role.BRAND_ADMIN, boreal, None, "Bruno", "Vasseur"),
    ]
    existing = set(User.objects.filter(email__in=[w[0] for w in wanted]).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(
                email=email,
                role=role,
                brand=brand,
                partner=partner,
                first_name=first,
                last_name=last,
                password=password,
                is_staff=role == Role.OPERATOR,
                is_superuser=role == Role.OPERATOR,
                # French partners get the French interface; others (no German catalogue) English; staff: browser.
                preferred_language={"FR": "fr", "DE": "en"}.get(partner.country, "") if partner else "",
            )
            for email, role, brand, partner, first, last in wanted
            if email not in existing
        ]
    )
