"""The project-level French catalogue: complete for the shared templates, compiled by `make messages`, used."""

import gettext
import re
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PROJECT_PO = ROOT / "locale/fr/LC_MESSAGES/django.po"
CORE_PO = ROOT / "relais/core/locale/fr/LC_MESSAGES/django.po"
TEMPLATE_STRING = re.compile(r"""\{%\s*translate\s+(["'])(.+?)\1""")


def _catalogue(path: Path) -> dict[Any, Any]:
    with path.open("rb") as po_file:
        return {m.id: m.string for m in read_po(po_file) if m.id and not m.fuzzy}


@pytest.mark.parametrize(
    ("template", "po"),
    [
        ("templates/base.html", PROJECT_PO),
        ("templates/partials/nav.html", PROJECT_PO),
        ("relais/core/templates/core/operator_home.html", CORE_PO),
        ("relais/core/templates/core/partials/job_progress.html", CORE_PO),
    ],
)
def test_every_string_of_the_shared_templates_has_a_french_translation(template, po):
    strings = {match[1] for match in TEMPLATE_STRING.findall((ROOT / template).read_text())}
    catalogue = _catalogue(po)

    assert strings, template
    untranslated = sorted(s for s in strings if not catalogue.get(s))
    assert not untranslated, (
        f"add French for {untranslated} to {po.relative_to(ROOT)} (makemessages, then msgstr)"
    )


def test_make_messages_compiles_the_catalogues(tmp_path):
    # No deleting .mo files here: parallel test workers may be loading them.
    call_command("compile_translations", stdout=(tmp_path / "out.txt").open("w"))

    for po in (PROJECT_PO, CORE_PO):
        mo = po.with_suffix(".mo")
        assert mo.stat().st_mtime >= po.stat().st_mtime
        with mo.open("rb") as mo_file:
            compiled = gettext.GNUTranslations(mo_file)
        assert compiled.info()["language"] == "fr"
    with PROJECT_PO.with_suffix(".mo").open("rb") as mo_file:
        project = gettext.GNUTranslations(mo_file)
    assert project.gettext("My space") == "Mon espace"
    assert project.gettext("Log out") == "Se déconnecter"  # ours, not Django's "Déconnexion"


def _render_nav(user, language: str) -> str:
    request = RequestFactory().get("/")
    request.user = user
    with translation.override(language):
        return render_to_string("base.html", {"user": user}, request=request)


def test_the_app_bar_of_a_brand_user_is_french(brand_admin):
    html = _render_nav(brand_admin, "fr")

    for french in ("Tableau de bord", "Partenaires", "Déclarations", "Analyses", "Se déconnecter", "Langue"):
        assert french in html
    assert '<html lang="fr"' in html


def test_the_app_bar_of_a_partner_admin_is_french(partner_admin):
    html = _render_nav(partner_admin, "fr")

    for french in ("Mon espace", "Mes déclarations", "Clés d’API"):
        assert french in html


def test_the_operator_page_is_french(client, operator, brand):
    client.force_login(operator)
    client.cookies["django_language"] = "fr"

    html = client.get("/operator/").content.decode()

    assert "Marques sur la plateforme" in html
    assert "Acme Outillage" in html
    assert "Administration" in html


APP_TEMPLATE_STRING = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.+?)\1""")


@pytest.mark.parametrize(
    "app", sorted(p.parent.parent.parent.name for p in ROOT.glob("relais/*/locale/fr/LC_MESSAGES"))
)
def test_every_string_of_an_app_has_a_french_translation(app):
    """Each app's catalogue is complete, and covers every ``{% translate "…" %}`` of the app's templates."""
    po = ROOT / "relais" / app / "locale/fr/LC_MESSAGES/django.po"
    with po.open("rb") as po_file:
        messages = [m for m in read_po(po_file) if m.id]
    untranslated = [
        m.id for m in messages if m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert not untranslated, f"{po}: {untranslated[:10]}"
    known = {m.id for m in messages} | set(_catalogue(PROJECT_PO))
    used = {
        match[1].replace("%", "%%")  # as makemessages writes a template string's percent sign
        for template in (ROOT / "relais" / app / "templates").rglob("*.html")
        for match in APP_TEMPLATE_STRING.findall(template.read_text())
    }
    assert not sorted(used - known), f"{app}: strings of its templates missing from {po}"


def _app_templates() -> list[tuple[Path, Path]]:
    """Every app template with its app's catalogue."""
    return [
        (template, app / "locale/fr/LC_MESSAGES/django.po")
        for app in sorted(p.parent for p in ROOT.glob("relais/*/apps.py"))
        for template in sorted((app / "templates").rglob("*.html"))
        if (app / "locale/fr/LC_MESSAGES/django.po").exists()
    ]


def test_every_translate_tag_of_every_app_template_has_a_french_translation():
    project = _catalogue(PROJECT_PO)
    catalogues: dict[Path, dict[Any, Any]] = {}
    missing = []
    for template, po in _app_templates():
        catalogue = catalogues.setdefault(po, _catalogue(po))
        for match in TEMPLATE_STRING.findall(template.read_text()):
            msgid = match[1].replace("%", "%%")  # as makemessages extracts a literal % of a template
            if not (catalogue.get(msgid) or project.get(msgid)):
                missing.append(f"{template.relative_to(ROOT)}: {match[1]}")

    assert not missing, "add French (makemessages in the app, then msgstr):\n" + "\n".join(missing)
