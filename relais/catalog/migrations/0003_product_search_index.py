"""The product search index: FTS5 (accents folded) on SQLite, pg_trgm + unaccent on PostgreSQL.

SQLite keeps an external-content FTS5 table in step with ``catalog_product`` through triggers, so every
write (the catalogue services, the file import's ``bulk_create``/``bulk_update``, the demo) updates the
index in the same statement, set-based inside the database. PostgreSQL needs no copy: a GIN trigram index
on the unaccented, lower-cased name and family. ``relais/catalog/search.py`` reads both.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE catalog_product_fts USING fts5(
        name, family, content='catalog_product', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    "CREATE VIRTUAL TABLE catalog_product_fts_vocab USING fts5vocab(catalog_product_fts, 'row')",
    """CREATE TRIGGER catalog_product_fts_insert AFTER INSERT ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(rowid, name, family) VALUES (new.id, new.name, new.family);
    END""",
    """CREATE TRIGGER catalog_product_fts_delete AFTER DELETE ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(catalog_product_fts, rowid, name, family)
        VALUES ('delete', old.id, old.name, old.family);
    END""",
    """CREATE TRIGGER catalog_product_fts_update AFTER UPDATE OF name, family ON catalog_product BEGIN
        INSERT INTO catalog_product_fts(catalog_product_fts, rowid, name, family)
        VALUES ('delete', old.id, old.name, old.family);
        INSERT INTO catalog_product_fts(rowid, name, family) VALUES (new.id, new.name, new.family);
    END""",
    "INSERT INTO catalog_product_fts(catalog_product_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalog_product_fts_update",
    "DROP TRIGGER IF EXISTS catalog_product_fts_delete",
    "DROP TRIGGER IF EXISTS catalog_product_fts_insert",
    "DROP TABLE IF EXISTS catalog_product_fts_vocab",
    "DROP TABLE IF EXISTS catalog_product_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); an index expression needs IMMUTABLE.
    """CREATE OR REPLACE FUNCTION catalog_search_text(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$""",
    """CREATE INDEX catalog_product_search_trgm ON catalog_product
        USING gin (catalog_search_text(name || ' ' || family) gin_trgm_ops)""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS catalog_product_search_trgm",
    "DROP FUNCTION IF EXISTS catalog_search_text(text)",
]


def _run(statements: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        vendor = schema_editor.connection.vendor
        for sql in statements.get(vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
