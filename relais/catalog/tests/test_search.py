"""product_search on the database the suite runs on (SQLite by default, PostgreSQL with DB=postgres)."""

import pytest
from django.db import connection

from relais.catalog.models import Product
from relais.catalog.search import close_terms, edit_distance, normalise, product_search
from relais.catalog.services import product_create, product_update
from relais.catalog.tests.factories import ProductFactory
from relais.core.tests.factories import BrandFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(brand, other_brand):
    return {
        "bare": ProductFactory(brand=brand, name="Perceuse-visseuse brushless 18V nue", family="Perçage"),
        "kit": ProductFactory(brand=brand, name="Perceuse à percussion 18V + 2 batteries", family="Perçage"),
        "saw": ProductFactory(brand=brand, name="Scie sauteuse brushless", family="Sciage"),
        "old": ProductFactory(brand=brand, name="Perceuse brushless nue (ancien)", is_active=False),
        "foreign": ProductFactory(brand=other_brand, name="Perceuse brushless nue", family="Perçage"),
    }


def names(products):
    return [p.name for p in products]


def test_words_in_any_order_find_the_product(brand, catalogue):
    found = product_search(brand=brand, query="nue brushless perceuse", active_only=True)
    assert names(found) == ["Perceuse-visseuse brushless 18V nue"]


def test_accents_are_folded_both_ways(brand, catalogue):
    assert names(product_search(brand=brand, query="percéuse brushless", active_only=True)) == [
        "Perceuse-visseuse brushless 18V nue"
    ]
    # The family "Perçage" is found without its cedilla, and its products with it.
    assert set(names(product_search(brand=brand, query="percage", active_only=True))) == {
        "Perceuse-visseuse brushless 18V nue",
        "Perceuse à percussion 18V + 2 batteries",
    }


def test_a_small_typo_is_forgiven(brand, catalogue):
    assert names(product_search(brand=brand, query="perceuze nue", active_only=True)) == [
        "Perceuse-visseuse brushless 18V nue"
    ]
    assert names(product_search(brand=brand, query="brushles sauteuze", active_only=True)) == [
        "Scie sauteuse brushless"
    ]


def test_a_word_being_typed_matches_as_a_prefix(brand, catalogue):
    assert set(names(product_search(brand=brand, query="perc 18", active_only=True))) == {
        "Perceuse-visseuse brushless 18V nue",
        "Perceuse à percussion 18V + 2 batteries",
    }


def test_a_word_found_nowhere_finds_nothing(brand, catalogue):
    assert product_search(brand=brand, query="perceuse tronçonneuse", active_only=True) == []
    assert product_search(brand=brand, query="p") == []


def test_another_brands_products_and_inactive_ones_stay_out(brand, other_brand, catalogue):
    assert "Perceuse brushless nue (ancien)" not in names(
        product_search(brand=brand, query="perceuse nue", active_only=True)
    )
    assert "Perceuse brushless nue (ancien)" in names(product_search(brand=brand, query="perceuse nue"))
    assert names(product_search(brand=other_brand, query="perceuse")) == ["Perceuse brushless nue"]


def test_digits_look_up_the_gtin(brand):
    product = ProductFactory(brand=brand, gtin="03760000000017", name="Perceuse")
    assert product_search(brand=brand, query="3760000000017") == [product]
    assert product_search(brand=brand, query="0000000017") == [product]


def test_the_index_follows_the_services_and_the_bulk_paths(brand):
    product = product_create(brand=brand, gtin="3760000000017", name="Meuleuse d'angle")
    assert product_search(brand=brand, query="meuleuse") == [product]
    product_update(product=product, name="Ponceuse excentrique")
    assert product_search(brand=brand, query="meuleuse") == []
    assert product_search(brand=brand, query="excentrique ponceuse") == [product]
    Product.objects.bulk_create(
        [Product(brand=brand, gtin=f"0999000000{n:04d}", name=f"Rabot {n}") for n in range(30)]
    )
    assert len(product_search(brand=brand, query="rabot", limit=50)) == 30
    Product.objects.filter(brand=brand, name__startswith="Rabot").update(name="Défonceuse")
    assert len(product_search(brand=brand, query="defonceuse", limit=50)) == 30
    Product.objects.filter(brand=brand).delete()
    assert product_search(brand=brand, query="defonceuse") == []


def test_the_limit_caps_the_results(brand):
    BrandFactory()  # a second brand's index rows do not count against the limit
    for n in range(5):
        ProductFactory(brand=brand, name=f"Clé à choc {n}")
    assert len(product_search(brand=brand, query="cle choc", limit=3)) == 3


def test_the_search_index_is_installed():
    # SQLite: a migration that rebuilds catalog_product (Django remakes the table) drops its triggers; this
    # fails then, and that migration must recreate them (see migration 0003). PostgreSQL: the trigram index.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'catalog_product'"
            )
            expected = {
                "catalog_product_fts_insert",
                "catalog_product_fts_update",
                "catalog_product_fts_delete",
            }
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'catalog_product'")
            expected = {"catalog_product_search_trgm"}
        assert expected <= {row[0] for row in cursor.fetchall()}


def test_normalise_folds_case_and_accents():
    assert normalise("PERÇÉUSE Élagueuse") == "percéuse élagueuse".replace("é", "e")


def test_edit_distance_counts_a_transposition_as_one_edit():
    assert edit_distance("perceuse", "preceuse", 2) == 1
    assert edit_distance("perceuze", "perceuse", 2) == 1
    assert edit_distance("abc", "xyzw", 1) == 2


def test_close_terms_keeps_short_words_exact_and_accepts_a_prefix():
    assert close_terms("nux", ["nue", "nus"]) == []
    assert close_terms("perceuz", ["perceuse", "scie"]) == ["perceuse"]
