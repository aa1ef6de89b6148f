import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from relais.core.models import Brand


def run(*args) -> dict:
    out = StringIO()
    call_command("create_brand", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.django_db
def test_create_then_rerun_then_update():
    first = run("velo", "--name", "Vélo Nord", "--currency", "eur")
    assert first["outcome"] == "created"
    assert first["brand"]["currency"] == "EUR"

    assert run("velo", "--name", "Vélo Nord", "--currency", "EUR")["outcome"] == "unchanged"

    updated = run("velo", "--name", "Vélo Nord SA", "--currency", "CHF")
    assert updated["outcome"] == "updated"
    brand = Brand.objects.get(slug="velo")
    assert (brand.name, brand.currency) == ("Vélo Nord SA", "CHF")
    assert Brand.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [["velo", "--name", "X", "--currency", "EURO"], ["bad slug!", "--name", "X"], ["velo", "--name", " "]],
)
def test_invalid_input_is_refused(args):
    with pytest.raises(CommandError):
        call_command("create_brand", *args, stdout=StringIO())
    assert not Brand.objects.exists()


@pytest.mark.django_db
def test_human_output():
    out = StringIO()
    call_command("create_brand", "velo", "--name", "Vélo Nord", stdout=out)
    assert out.getvalue().strip() == "created: velo (Vélo Nord, EUR)"
