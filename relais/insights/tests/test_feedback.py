import pytest

from relais.insights.feedback import feedback_themes


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("Livraison en retard, trop cher", ["delivery", "price"]),
        ("Great quality but expensive", ["price", "quality"]),
        ("Produit en rupture de stock", ["availability"]),
        ("Not available in my size", ["availability"]),
        ("Vendeuse très aimable, bon conseil", ["service"]),
        ("QUALITÉ décevante, cassé au bout d'une semaine", ["quality"]),
        ("Emballage abîmé", ["packaging"]),
        ("Très facile à utiliser", ["usability"]),
        ("je cherche un autre modèle", ["other"]),  # "cher" only as a whole word
        ("Je sais pas", ["other"]),  # "sav" only as a whole word
        ("", []),
        ("   ", []),
    ],
)
def test_feedback_themes(text, themes):
    assert feedback_themes(text) == themes
