"""A keyword classifier for customer feedback, stemmed for French, English, German, Spanish and Italian.

Each theme has a list of keywords, whole words written as a person would ("emballage", "Lieferung"). A
comment and the keywords go through the same steps: lower case, cut into words (an elision such as
"l'emballage" gives "l" and "emballage"), then each word is reduced by the Snowball stemmer of each of the
five languages, once as written and once without its accents, the stems themselves without accents. A word
matches a keyword when they share a stem in one language: "emballages", "emballé" and "Emballage"
meet on French "emball…", "Verpackung" and "verpackt" on German "verpack", "livrée" and "livrer" on "livr";
"abîmé" and "abime" give the same stems, so accents never matter. A keyword of several words ("mode
d'emploi", "out of stock") matches those words in a row; a keyword ending in ``*`` matches any word that
starts with it ("liefer*": "Lieferzeit", "Lieferant"), for German compounds.

The language of a comment is unknown, so every language is tried: a stem is compared only with stems of the
same language, which keeps "car" (French "because") away from Spanish "caro". A comment can match several
themes; one that matches none is ``other``. Each brand may replace a theme's list (``FeedbackThemeKeywords``);
``DEFAULT_KEYWORDS`` applies otherwise. It stays predictable: the brand reads and edits the list that put a
comment in a theme. See docs/insights.md.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer
from django.utils.translation import gettext_lazy as _

OTHER = "other"
LANGUAGES: tuple[str, ...] = ("french", "english", "german", "spanish", "italian")
_STEMMERS = {language: snowballstemmer.stemmer(language) for language in LANGUAGES}
# Longest keyword and most keywords a theme may have: a brand's list is read by people, and each keyword is
# stemmed five times per comment word at worst (cached).
KEYWORD_MAX_LENGTH = 60
KEYWORDS_PER_THEME_MAX = 200

# theme -> keywords in the five languages, comma-separated (a brand may replace any list).
_DEFAULT_KEYWORD_TEXT: dict[str, str] = {
    "delivery": (
        "livraison, livrer, livré, livrée, livreur, expédition, expédier, colis, transporteur, retard, "
        "délai, delivery, deliver, delivered, shipping, shipped, parcel, carrier, late, Lieferung, "
        "liefer*, geliefert, Versand, Paket, Verspätung, verspätet, spät, entrega, envío, paquete, "
        "retraso, consegna, spedizione, pacco, ritardo"
    ),
    "price": (
        "prix, cher, tarif, coût, promo, promotion, remise, price, expensive, cheap, cost, discount, "
        "Preis, teuer, billig, günstig, Rabatt, precio, barato, descuento, prezzo, costoso, economico, "
        "sconto"
    ),
    "quality": (
        "qualité, solide, cassé, casser, défaut, défectueux, fragile, durable, quality, sturdy, broken, "
        "broke, defect, defective, Qualität, kaputt, defekt, stabil, robust, calidad, defecto, qualità, "
        "rotto, difetto"
    ),
    "availability": (
        "disponible, disponibilité, indisponible, rupture, stock, manque, manquant, available, "
        "availability, unavailable, out of stock, missing, backorder, verfügbar, lieferbar, ausverkauft, "
        "Lager, fehlt, agotado, disponibile, esaurito"
    ),
    "service": (
        "service, accueil, conseil, vendeur, vendeuse, SAV, support, aide, aimable, gentil, advice, "
        "staff, seller, help, friendly, Beratung, Verkäufer, freundlich, Kundendienst, Hilfe, atención, "
        "vendedor, amable, ayuda, consiglio, venditore, assistenza"
    ),
    "packaging": (
        "emballage, emballé, carton, boîte, packaging, package, box, Verpackung, verpackt, Karton, "
        "embalaje, caja, imballaggio, scatola, confezione"
    ),
    "usability": (
        "facile, simple, pratique, notice, mode d'emploi, easy, handy, manual, instructions, einfach, "
        "praktisch, Anleitung, Bedienungsanleitung, fácil, sencillo, práctico, semplice, pratico, "
        "istruzioni"
    ),
}
DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    theme: tuple(k.strip() for k in text.split(",")) for theme, text in _DEFAULT_KEYWORD_TEXT.items()
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

THEMES: tuple[str, ...] = (*DEFAULT_KEYWORDS, OTHER)

_WORD = re.compile(r"\w+", re.UNICODE)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    # casefold: "ß" is "ss", as the German stemmer and an accent-free keyboard both write it.
    return [w for w in _WORD.findall(text.casefold()) if not w.isdigit() and w != "_"]


@lru_cache(maxsize=65536)
def _stems(word: str) -> frozenset[tuple[str, str]]:
    """(language, stem) pairs of one lower-case word, as written and without accents, stems accent-free."""
    forms = {word, _strip_accents(word)}
    return frozenset(
        (language, _strip_accents(stemmer.stemWord(form)))
        for language, stemmer in _STEMMERS.items()
        for form in forms
    )


@dataclass(frozen=True)
class _Keyword:
    stems: tuple[frozenset[tuple[str, str]], ...]  # one set per word of the keyword
    prefix: str = ""  # a "liefer*" keyword: the accent-free prefix

    def matches(self, words: Sequence[str], plain: Sequence[str]) -> bool:
        if self.prefix:
            return any(w.startswith(self.prefix) for w in plain)
        size = len(self.stems)
        for start in range(len(words) - size + 1):
            if all(_stems(words[start + i]) & self.stems[i] for i in range(size)):
                return True
        return False


def keyword_normalise(keyword: str) -> str:
    """A keyword as stored: trimmed, inner spaces collapsed (its case and accents kept, for the reader)."""
    return " ".join(keyword.split())[:KEYWORD_MAX_LENGTH]


def keywords_parse(text: str) -> list[str]:
    """Keywords typed in a box, one per line or separated by commas; blanks and repeats dropped."""
    seen: set[str] = set()
    result: list[str] = []
    for raw in re.split(r"[,;\n]", text or ""):
        keyword = keyword_normalise(raw)
        key = _strip_accents(keyword.casefold())
        if keyword and key not in seen:
            seen.add(key)
            result.append(keyword)
    return result


def _compile(keyword: str) -> _Keyword | None:
    text = keyword_normalise(keyword)
    if text.endswith("*"):
        prefix = _strip_accents(text[:-1].strip().casefold())
        return _Keyword(stems=(), prefix=prefix) if len(prefix) >= 3 else None
    words = _words(text)
    return _Keyword(stems=tuple(_stems(w) for w in words)) if words else None


class ThemeClassifier:
    """The themes of comments for one set of keyword lists (the defaults, with a brand's lists over them)."""

    def __init__(self, overrides: Mapping[str, Sequence[str]] | None = None) -> None:
        self.keywords: dict[str, tuple[str, ...]] = {
            theme: tuple((overrides or {}).get(theme, defaults))
            for theme, defaults in DEFAULT_KEYWORDS.items()
        }
        self._compiled = {
            theme: [k for k in (_compile(keyword) for keyword in keywords) if k is not None]
            for theme, keywords in self.keywords.items()
        }

    def themes(self, text: str) -> list[str]:
        """The themes of one comment, in the order of ``THEMES``; ``["other"]`` if none, ``[]`` if blank."""
        words = _words(text or "")
        if not words:
            return []
        plain = [_strip_accents(w) for w in words]
        found = [
            theme
            for theme, keywords in self._compiled.items()
            if any(keyword.matches(words, plain) for keyword in keywords)
        ]
        return found or [OTHER]


DEFAULT_CLASSIFIER = ThemeClassifier()


def feedback_themes(text: str, classifier: ThemeClassifier | None = None) -> list[str]:
    """The themes of one comment with ``classifier`` (the default keywords when ``None``)."""
    return (classifier or DEFAULT_CLASSIFIER).themes(text)


def theme_label(theme: str) -> str:
    return str(THEME_LABELS.get(theme, theme))


# --- personal data in comments -------------------------------------------------------------------------
# A customer's comment sometimes carries an e-mail address or a phone number ("rappelez-moi au 06 12 34 56
# 78"): neither is needed to read a theme, so both are replaced at ingest by a placeholder. The phone pattern
# wants 9 to 15 digits with an optional "+" or "00" country prefix, digits grouped by spaces, dots, dashes or
# brackets — enough for the French, Belgian, Swiss, German, Spanish, Italian and UK ways of writing them —
# and never takes a date (2026-11-02), a price (1 299,00) or a product code (a GTIN is 13 digits in one
# block, which stays: no separator inside, no leading + or 0 with groups). See relais/privacy/tests.
EMAIL_PLACEHOLDER = "[e-mail]"
PHONE_PLACEHOLDER = "[phone]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(
    r"(?<![\w+])"  # not glued to a word or another number
    r"(?:\+|00)?\d{1,4}"  # a country prefix or the first group
    r"(?:[ .\-/]?\(?\d{1,4}\)?){2,6}"  # further groups, each maybe after a separator
    r"(?![\w])"
)


def _phone_like(candidate: str) -> bool:
    digits = sum(ch.isdigit() for ch in candidate)
    if not 9 <= digits <= 15:
        return False
    grouped = any(sep in candidate for sep in " .-/()")
    # One unbroken run of digits is a phone only when written internationally (+33612345678) or as a
    # ten-digit national number starting with 0 (0612345678); else it is a code, a GTIN, an order number.
    if not grouped:
        return candidate.startswith("+") or (candidate.startswith("0") and digits == 10)
    # Grouped digits with a dot or dash between two-digit groups of a date-like shape are not phones.
    return not re.fullmatch(r"\d{1,4}[.\-/]\d{1,2}[.\-/]\d{1,4}", candidate)


def feedback_scrub(text: str) -> str:
    """``text`` without e-mail addresses and phone numbers (each replaced by a placeholder)."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_PLACEHOLDER, text)
    return _PHONE.sub(lambda m: PHONE_PLACEHOLDER if _phone_like(m.group(0)) else m.group(0), text)
