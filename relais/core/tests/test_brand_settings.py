"""A brand's settings: the logo checked by its bytes, the changes returned before/after."""

from __future__ import annotations

import pytest

from relais.core.brand_settings import (
    LOGO_MAX_BYTES,
    brand_languages,
    brand_logo_path,
    brand_settings_save,
    logo_kind,
)
from relais.core.errors import ApplicationError

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'


@pytest.mark.parametrize(
    ("content", "kind"), [(PNG, "png"), (b"\xff\xd8\xff\xe0" + b"\0" * 32, "jpg"), (SVG, "svg")]
)
def test_a_logo_is_known_by_its_first_bytes(content, kind):
    assert logo_kind(content) == kind


@pytest.mark.parametrize(
    "content",
    [
        b"GIF89a" + b"\0" * 10,
        b"%PDF-1.7",
        b"<svg><script>alert(1)</script></svg>",
        b'<svg><a href="javascript:alert(1)"></a></svg>',
        PNG + b"\0" * LOGO_MAX_BYTES,
    ],
)
def test_anything_else_is_refused_on_the_logo_field(content):
    with pytest.raises(ApplicationError) as exc:
        logo_kind(content)
    assert exc.value.extra["field"] == "logo"


def test_save_returns_what_moved_and_keeps_the_logo(brand):
    assert brand_languages(brand=brand) == ["en", "fr"]
    changes = brand_settings_save(
        brand=brand, currency="chf", languages=["fr"], declaration_due_days=15, logo_content=PNG
    )
    assert changes["currency"] == ["EUR", "CHF"]
    assert changes["languages"] == [["en", "fr"], ["fr"]]
    assert changes["declaration_due_days"] == [None, 15]
    assert changes["logo"][0] == "" and changes["logo"][1].endswith(".png")
    brand.refresh_from_db()
    assert brand.currency == "CHF"
    assert brand_languages(brand=brand) == ["fr"]
    path = brand_logo_path(brand)
    assert path is not None
    with open(path, "rb") as logo:
        assert logo.read() == PNG
    again = brand_settings_save(brand=brand, currency="CHF", languages=["fr"], declaration_due_days=15)
    assert again == {}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"currency": "EURO"}, "currency"),
        ({"languages": ["de"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"declaration_due_days": 90}, "declaration_due_days"),
    ],
)
def test_a_bad_value_names_its_field_and_writes_nothing(brand, kwargs, field):
    values = {"currency": "EUR", "languages": ["en"], "declaration_due_days": None, **kwargs}
    with pytest.raises(ApplicationError) as exc:
        brand_settings_save(brand=brand, **values)
    assert exc.value.extra["field"] == field
    brand.refresh_from_db()
    assert brand.currency == "EUR"
    assert brand_languages(brand=brand) == ["en", "fr"]
