"""A small bilingual (French / English) keyword classifier for customer feedback.

Each theme has a list of word stems. The text is lower-cased and stripped of accents, then cut into words;
a theme matches when one of its words starts with one of the theme's stems (``livr`` matches "livraison",
"livré", "livreur"); a stem ending in ``=`` must match a whole word (``cher=`` matches "cher", not
"chercher"); a stem with a space is searched as a phrase. A comment can match several themes; one that matches none is ``other``.
It is deliberately simple and predictable: the brand can read the list below to know why a comment
landed in a theme. See docs/insights.md.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_lazy as _

OTHER = "other"

# theme -> stems (accent-free, lower case), French and English mixed.
THEME_STEMS: dict[str, tuple[str, ...]] = {
    "delivery": (
        "livr",
        "deliver",
        "shipping",
        "shipped",
        "expedi",
        "colis",
        "parcel",
        "transporteur",
        "carrier",
        "retard",
        "late=",
    ),
    "price": (
        "prix",
        "price",
        "cher=",
        "chere=",
        "chers=",
        "cheres=",
        "expensive",
        "cheap",
        "tarif",
        "cout",
        "cost=",
        "costs=",
        "costly",
        "promo",
        "discount",
        "remise",
    ),
    "quality": (
        "qualit",
        "quality",
        "solide",
        "sturdy",
        "cass",
        "broke",
        "defect",
        "defaut",
        "fragile",
        "durab",
    ),
    "availability": (
        "dispo",
        "availab",
        "unavailab",
        "rupture",
        "stock",
        "out-of-stock",
        "manqu",
        "missing",
        "backorder",
    ),
    "service": (
        "service",
        "accueil",
        "conseil",
        "advice",
        "staff",
        "vendeur",
        "vendeuse",
        "seller",
        "sav=",
        "support",
        "help",
        "aide=",
        "aimable",
        "friendly",
    ),
    "packaging": ("emball", "packag", "carton", "box=", "boxes=", "boite"),
    "usability": (
        "facile",
        "easy",
        "simple",
        "pratique",
        "handy",
        "notice",
        "manual",
        "instructions",
        "mode d'emploi",
    ),
}

THEME_LABELS = {
    "delivery": _("Delivery"),
    "price": _("Price"),
    "quality": _("Quality"),
    "availability": _("Availability"),
    "service": _("Service"),
    "packaging": _("Packaging"),
    "usability": _("Ease of use"),
    OTHER: _("Other"),
}

THEMES: tuple[str, ...] = (*THEME_STEMS, OTHER)

_WORD = re.compile(r"[a-z0-9']+(?:-[a-z0-9']+)*")


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def feedback_themes(text: str) -> list[str]:
    """The themes of one comment, in the order of ``THEMES``; ``["other"]`` when none matches, ``[]`` if blank."""
    if not text or not text.strip():
        return []
    normalised = _normalise(text)
    words = _WORD.findall(normalised)
    found: list[str] = []
    for theme, stems in THEME_STEMS.items():
        for stem in stems:
            if " " in stem:
                hit = stem in normalised
            elif stem.endswith("="):
                hit = stem[:-1] in words
            else:
                hit = any(word.startswith(stem) for word in words)
            if hit:
                found.append(theme)
                break
    return found or [OTHER]


def theme_label(theme: str) -> str:
    return str(THEME_LABELS.get(theme, theme))
