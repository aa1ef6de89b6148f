from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import ean, luhn

from relais.core.validators import (
    normalise_country,
    normalise_gtin,
    normalise_region,
    parse_decimal,
    recover_gtin,
    validate_currency,
    validate_gln,
    validate_siren,
    validate_siret,
    validate_vat,
)

bodies13 = st.text(alphabet="0123456789", min_size=13, max_size=13)


def gtin14_from(body13: str) -> str:
    return body13 + ean.calc_check_digit(body13)


@given(st.sampled_from([8, 12, 13, 14]), st.data())
def test_a_valid_gtin_round_trips_through_every_accepted_length(length, data):
    body = data.draw(st.text(alphabet="0123456789", min_size=length - 1, max_size=length - 1))
    gtin = body + ean.calc_check_digit(body)
    assume(gtin.strip("0"))  # all zeros is not a GTIN
    gtin14 = normalise_gtin(gtin)
    assert gtin14 == gtin.zfill(14)
    # The same GTIN written at any other accepted length (zeros added or dropped in front) is the same GTIN.
    for other in (8, 12, 13, 14):
        if len(gtin14.lstrip("0")) <= other:
            assert normalise_gtin(gtin14[-other:]) == gtin14
            assert recover_gtin(gtin14[-other:]) == gtin14
    assert normalise_gtin(gtin14) == gtin14
    assert recover_gtin(int(gtin)) == gtin14


@given(bodies13, st.integers(min_value=0, max_value=13), st.integers(min_value=1, max_value=9))
def test_any_one_digit_corruption_is_rejected(body, position, delta):
    gtin14 = gtin14_from(body)
    corrupted = gtin14[:position] + str((int(gtin14[position]) + delta) % 10) + gtin14[position + 1 :]
    with pytest.raises(ValueError):
        normalise_gtin(corrupted)
    with pytest.raises(ValueError):
        recover_gtin(corrupted)


@given(st.text(alphabet="0123456789", min_size=7, max_size=7))
def test_gtin8_is_padded_to_14_digits(body):
    gtin8 = body + ean.calc_check_digit(body)
    assume(gtin8.strip("0"))
    assert normalise_gtin(gtin8) == "000000" + gtin8
    assert normalise_gtin(" ".join([gtin8[:4], gtin8[4:]])) == "000000" + gtin8


def test_gtin_from_a_number_and_from_an_integral_xlsx_float():
    assert normalise_gtin(3760123456784) == "03760123456784"
    assert normalise_gtin(3760123456784.0) == "03760123456784"


@pytest.mark.parametrize("value", ["3.7612345678901e+12", "3,76123E+12", "3.76012345678E12"])
def test_scientific_notation_is_refused_with_an_explanation(value):
    with pytest.raises(ValueError, match="scientific notation"):
        normalise_gtin(value)
    with pytest.raises(ValueError, match="scientific notation"):
        recover_gtin(value)


@pytest.mark.parametrize(
    "value, message",
    [
        ("", "missing"),
        ("00000000", "not a GTIN"),
        ("37601234567", "has 11"),
        ("376012345678A", "digits only"),
        ("3760123456785", "check digit"),
        (3760123456785.5, "not a whole number"),
        (-5, "negative"),
    ],
)
def test_bad_gtins_say_what_is_wrong(value, message):
    with pytest.raises(ValueError, match=message):
        normalise_gtin(value)


def test_recover_gtin_puts_back_zeros_only_when_the_check_digit_validates():
    # EAN-13 "0012345678905" typed into Excel as a number loses its two leading zeros.
    assert recover_gtin("12345678905") == "00012345678905"
    assert recover_gtin(12345678905) == "00012345678905"
    assert recover_gtin("12345678905.0") == "00012345678905"
    with pytest.raises(ValueError):
        normalise_gtin("12345678905")
    with pytest.raises(ValueError):
        recover_gtin("12345678906")  # padded, the check digit still fails


def test_gln():
    assert validate_gln("3 012345 000010".replace(" ", "")[:12] + ean.calc_check_digit("301234500001")) == (
        "3012345000010"[:12] + ean.calc_check_digit("301234500001")
    )
    with pytest.raises(ValueError, match="13 digits"):
        validate_gln("96385074")
    with pytest.raises(ValueError, match="check digit"):
        validate_gln("3012345000011" if ean.calc_check_digit("301234500001") != "1" else "3012345000012")


def test_siren_and_siret():
    siren = "73282932" + luhn.calc_check_digit("73282932")
    assert validate_siren(siren) == siren
    assert validate_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValueError, match="SIRET"):
        validate_siret("73282932000075")
    with pytest.raises(ValueError, match="SIREN"):
        validate_siren("732829321")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("FR 40 303 265 045", "FR40303265045"),
        ("de136695976", "DE136695976"),
        ("BE 0403.170.701", "BE0403170701"),
        ("CHE-107.787.577 MWST", "CHE107787577"),
        ("CHE-107.787.577", "CHE107787577"),
    ],
)
def test_vat_numbers(value, expected):
    assert validate_vat(value) == expected


@pytest.mark.parametrize("value", ["FR40303265046", "DE136695977", "40303265045", "CHE-107.787.578", ""])
def test_bad_vat_numbers(value):
    with pytest.raises(ValueError):
        validate_vat(value)


@pytest.mark.parametrize(
    "value, code",
    [
        ("France", "FR"),
        ("Allemagne", "DE"),
        ("DE", "DE"),
        ("deu", "DE"),
        ("fr", "FR"),
        ("Espagne", "ES"),
        ("España", "ES"),
        ("Suisse", "CH"),
        ("Switzerland", "CH"),
        ("Italie", "IT"),
        ("belgique", "BE"),
        ("  Royaume-Uni ", "GB"),
        ("250", "FR"),
    ],
)
def test_countries_by_code_or_name(value, code):
    assert normalise_country(value) == code


@pytest.mark.parametrize("value", ["", "Atlantis", "XX", "ZZZ"])
def test_unknown_countries(value):
    with pytest.raises(ValueError):
        normalise_country(value)


def test_region_is_trimmed_free_text():
    assert normalise_region("  Auvergne-Rhône-Alpes ") == "Auvergne-Rhône-Alpes"
    assert normalise_region("Provence   Alpes") == "Provence Alpes"
    with pytest.raises(ValueError):
        normalise_region("x" * 101)


def test_currency():
    assert validate_currency(" eur") == "EUR"
    assert validate_currency("CHF") == "CHF"
    for bad in ("EURO", "XYZ", ""):
        with pytest.raises(ValueError):
            validate_currency(bad)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1 234,50", Decimal("1234.50")),
        ("1.234,50", Decimal("1234.50")),
        ("1,234.50", Decimal("1234.50")),
        ("12,5", Decimal("12.5")),
        ("12.5", Decimal("12.5")),
        ("99 €", Decimal("99")),
        (12, Decimal("12")),
        (12.25, Decimal("12.25")),
        ("1.500.000", Decimal("1500000")),
        ("1,500,000", Decimal("1500000")),
    ],
)
def test_decimals_with_comma_or_point(value, expected):
    assert parse_decimal(value) == expected


@pytest.mark.parametrize("value", ["", "abc", "1,2,3", "1.50.000", None])
def test_bad_decimals(value):
    with pytest.raises(ValueError):
        parse_decimal(value)


def test_messages_are_translated():
    from django.utils import translation

    with translation.override("fr"), pytest.raises(ValueError, match="Un GTIN a 8, 12, 13 ou 14 chiffres"):
        normalise_gtin("123")
    with translation.override("fr"), pytest.raises(ValueError, match="pays connu"):
        normalise_country("Atlantide")


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_amounts_written_the_french_or_english_way_parse_back(amount):
    french = f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",")  # 1 234,56 with narrow spaces
    english = f"{amount:,.2f}"  # 1,234.56
    german = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")  # 1.234,56
    for text in (french, english, german, str(amount)):
        assert parse_decimal(text) == amount, text
