"""Identifiers and codes as partners type them: GTIN, GLN, SIRET/SIREN, VAT numbers, countries, currencies.

Check digits are python-stdnum's, country and currency lists pycountry's and Babel's: nothing here computes a
check digit by hand. Every function takes what a person or a spreadsheet produced and either returns the
normalised value or raises ``ValueError`` with a message that says what is wrong (in the user's language).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import cache

import pycountry
from babel import Locale
from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.ch import uid as ch_uid
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

GTIN_LENGTHS = (8, 12, 13, 14)
# Integers up to 2**53 are exact in a float, so an integral float cell of an XLSX file is a faithful number.
_EXACT_FLOAT_LIMIT = 2**53
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _digits_of(value: object, *, label: str) -> str:
    """The digits of an identifier typed with spaces (or read as a number from a spreadsheet cell)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(_("%(label)s is missing.") % {"label": label})
    if isinstance(value, int):
        if value < 0:
            raise ValueError(_("%(label)s cannot be negative.") % {"label": label})
        return str(value)
    if isinstance(value, float):
        if not value.is_integer() or not 0 <= value < _EXACT_FLOAT_LIMIT:
            raise ValueError(
                _("%(value)s is not a whole number: %(label)s was damaged by a spreadsheet.")
                % {"value": value, "label": label}
            )
        return str(int(value))
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ValueError(_("%(value)s is not a whole number.") % {"value": value})
        return str(int(value))
    text = _SPACES.sub("", str(value))
    if not text:
        raise ValueError(_("%(label)s is missing.") % {"label": label})
    if re.fullmatch(r"[\d.,]+[eE][+-]?\d+", text):
        raise ValueError(
            _(
                "“%(value)s” is in scientific notation: the spreadsheet has rounded %(label)s. "
                "Format the column as text and export again."
            )
            % {"value": value, "label": label}
        )
    if not text.isdigit():
        raise ValueError(_("“%(value)s” should contain digits only.") % {"value": value})
    return text


def normalise_gtin(value: object) -> str:
    """A GTIN-8, -12 (UPC-A), -13 (EAN) or -14 as the 14-digit GTIN it stands for, check digit verified.

    Spaces are ignored; an integer (or an integral float read from an XLSX cell) is accepted; a string in
    scientific notation ("3.7612345678901e+12") is refused, because its last digits are already lost.
    """
    label = _("the GTIN")
    digits = _digits_of(value, label=label)
    if len(digits) not in GTIN_LENGTHS:
        raise ValueError(
            _("A GTIN has 8, 12, 13 or 14 digits; “%(value)s” has %(count)s.")
            % {"value": value, "count": len(digits)}
        )
    if not digits.strip("0"):
        raise ValueError(_("%(value)s is not a GTIN.") % {"value": value})
    try:
        ean.validate(digits)
    except StdnumError as exc:
        raise ValueError(
            _("The check digit of GTIN %(value)s is wrong (a digit was mistyped?).") % {"value": digits}
        ) from exc
    return digits.zfill(14)


def recover_gtin(value: object) -> str:
    """Like ``normalise_gtin``, but also puts back leading zeros a spreadsheet dropped from a number.

    An EAN-13 starting with "00" read as a number has 11 digits; padded with zeros it becomes valid again.
    Leading zeros never change a GTIN check digit, so a shortened number is accepted only when, padded back
    to 14 digits, its check digit validates. A trailing ".0" (a number exported as a float) is tolerated.
    """
    if isinstance(value, str):
        text = _SPACES.sub("", value)
        match = re.fullmatch(r"(\d+)[.,]0+", text)
        value = match.group(1) if match else text
    try:
        return normalise_gtin(value)
    except ValueError as first_error:
        try:
            digits = _digits_of(value, label=_("the GTIN"))
        except ValueError:
            raise first_error from None
        if not 1 < len(digits) < 14 or len(digits) in GTIN_LENGTHS:
            raise
        padded = digits.zfill(14)
        try:
            ean.validate(padded)
        except StdnumError:
            raise first_error from None
        return padded


def validate_gln(value: object) -> str:
    """A GS1 Global Location Number: 13 digits with a valid check digit."""
    digits = _digits_of(value, label=_("the GLN"))
    if len(digits) != 13:
        raise ValueError(
            _("A GLN has 13 digits; “%(value)s” has %(count)s.") % {"value": value, "count": len(digits)}
        )
    try:
        return ean.validate(digits)
    except StdnumError as exc:
        raise ValueError(_("The check digit of GLN %(value)s is wrong.") % {"value": digits}) from exc


def validate_siren(value: object) -> str:
    """A French SIREN (9 digits, Luhn key), compacted."""
    try:
        return fr_siren.validate(_digits_of(value, label="SIREN"))
    except StdnumError as exc:
        raise ValueError(_("“%(value)s” is not a valid SIREN (9 digits).") % {"value": value}) from exc


def validate_siret(value: object) -> str:
    """A French SIRET (SIREN + 5-digit establishment number, Luhn key), compacted to 14 digits."""
    try:
        return fr_siret.validate(_digits_of(value, label="SIRET"))
    except StdnumError as exc:
        raise ValueError(_("“%(value)s” is not a valid SIRET (14 digits).") % {"value": value}) from exc


def validate_vat(value: object) -> str:
    """An EU VAT number with its country prefix ("FR…", "DE…", "EL…" for Greece), or a Swiss UID ("CHE…").

    Returned compacted and upper-case, e.g. "FR40303265045", "CHE107787577".
    """
    text = re.sub(r"[\s.\-/\u00a0]+", "", str(value or "")).upper()
    if not text:
        raise ValueError(_("The VAT number is missing."))
    try:
        if text.startswith("CHE"):
            # A Swiss VAT number is the company UID followed by MWST/TVA/IVA; the UID identifies it.
            return ch_uid.validate(re.sub(r"(MWST|TVA|IVA)$", "", text))
        if not text[:2].isalpha():
            raise ValueError(
                _("Start the VAT number “%(value)s” with its country code (FR, DE, BE…).") % {"value": value}
            )
        return eu_vat.validate(text)
    except StdnumError as exc:
        raise ValueError(_("“%(value)s” is not a valid VAT number.") % {"value": value}) from exc


def _folded(text: str) -> str:
    """Case, accents and punctuation removed, so "Côte d'Ivoire" and "cote divoire" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in decomposed if not unicodedata.combining(c)))


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            if text := getattr(country, attr, None):
                names.setdefault(_folded(text), country.alpha_2)
    for locale in ("en", "fr", "de", "es", "it", "nl"):
        for code, text in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and pycountry.countries.get(alpha_2=code):
                names.setdefault(_folded(text), code)
    names.update({"uk": "GB", "greatbritain": "GB", "angleterre": "GB", "hollande": "NL", "suisse": "CH"})
    return names


def normalise_country(value: object) -> str:
    """The ISO 3166 alpha-2 code of a country given by code (FR, FRA, 250) or name ("Allemagne", "Spain")."""
    text = str(value or "").strip()
    if not text:
        raise ValueError(_("The country is missing."))
    if text.isdigit():
        found = pycountry.countries.get(numeric=text.zfill(3))
    elif len(text) == 2:
        found = pycountry.countries.get(alpha_2=text.upper())
        if text.upper() == "EL":  # the EU's code for Greece, on VAT numbers
            found = pycountry.countries.get(alpha_2="GR")
    elif len(text) == 3 and text.isalpha():
        found = pycountry.countries.get(alpha_3=text.upper())
    else:
        found = None
    if found is not None:
        return str(found.alpha_2)
    code = _country_names().get(_folded(text))
    if code is None:
        raise ValueError(_("“%(value)s” is not a known country.") % {"value": text})
    return code


def normalise_region(value: object, *, max_length: int = 100) -> str:
    """A region as free text: trimmed, inner spaces collapsed, length bounded."""
    text = _SPACES.sub(" ", str(value or "")).strip()
    if len(text) > max_length:
        raise ValueError(_("Keep the region under %(count)s characters.") % {"count": max_length})
    return text


def validate_currency(value: object) -> str:
    """An ISO 4217 currency code ("eur" -> "EUR")."""
    code = str(value or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or pycountry.currencies.get(alpha_3=code) is None:
        raise ValueError(_("“%(value)s” is not an ISO 4217 currency code (EUR, CHF…).") % {"value": value})
    return code


def parse_decimal(value: object) -> Decimal:
    """A number as typed in France or elsewhere: "1 234,50", "1.234,50", "1,234.50", "12.5", "€ 99".

    When both "," and "." appear, the last one is the decimal separator; a lone "," is a decimal comma; a
    separator repeated between groups of three digits ("1.500.000") separates thousands.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError(_("A number is missing."))
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int | float):
        return Decimal(str(value))
    text = _SPACES.sub("", str(value)).replace("€", "").replace("'", "")
    text = re.sub(r"^(EUR|CHF|USD|GBP)|(EUR|CHF|USD|GBP)$", "", text, flags=re.IGNORECASE)
    if "," in text and "." in text:
        decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_sep == "," else ","
        text = text.replace(thousands, "").replace(decimal_sep, ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        # Only thousands separators repeat: "1.500.000" or "1,500,000", in groups of three digits.
        sep = "," if "," in text else "."
        if re.fullmatch(rf"[+-]?\d{{1,3}}(\{sep}\d{{3}})+", text):
            text = text.replace(sep, "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    try:
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise InvalidOperation
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from exc
