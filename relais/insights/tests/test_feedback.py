import pytest

from relais.insights.feedback import ThemeClassifier, feedback_themes, keywords_parse


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        # French
        ("Emballage abîmé", ["packaging"]),
        ("emballage abime", ["packaging"]),  # typed without accents
        ("L'emballage était déchiré", ["packaging"]),  # elision
        ("Livraison en retard, trop cher", ["delivery", "price"]),
        ("Livrée avec trois jours de retard", ["delivery"]),
        ("Produit en rupture de stock", ["availability"]),
        ("Vendeuse très aimable, bon conseil", ["service"]),
        ("QUALITÉ décevante, cassé au bout d'une semaine", ["quality"]),
        ("Trop chère pour ce que c'est", ["price"]),
        ("Très facile à utiliser", ["usability"]),
        ("Mode d'emploi incompréhensible", ["usability"]),
        ("je cherche un autre modèle", ["other"]),  # "cherche" is not "cher"
        ("Je sais pas", ["other"]),
        ("Car il est bien", ["other"]),  # French "car" never meets Spanish "caro"
        # English
        ("Great quality but expensive", ["price", "quality"]),
        ("Not available in my size", ["availability"]),
        ("Arrived late and the boxes were damaged", ["delivery", "packaging"]),
        ("Broken after two uses", ["quality"]),
        ("Very friendly staff", ["service"]),
        # German
        ("Verpackung beschädigt", ["packaging"]),
        ("Lieferung kam zu spät", ["delivery"]),
        ("Lieferzeit viel zu lang", ["delivery"]),  # liefer*: the compound
        ("Viel zu teuer", ["price"]),
        ("Sehr freundliche Beratung", ["service"]),
        ("Leider nicht auf Lager", ["availability"]),
        ("Schöne Farbe", ["other"]),
        # Spanish, Italian
        ("El embalaje llegó roto", ["packaging"]),
        ("Prezzo troppo alto", ["price"]),
        ("", []),
        ("   ", []),
    ],
)
def test_default_themes_in_five_languages(text, themes):
    assert feedback_themes(text) == themes


def test_a_brands_list_replaces_the_default_of_its_theme_only():
    # Given a brand that adds "rayure" (scratch) to quality and replaces packaging by "blister"
    classifier = ThemeClassifier({"quality": ["rayure", "qualité"], "packaging": ["blister"]})
    # Then its words and their forms count, accent- and case-insensitive; the replaced words no longer do
    assert classifier.themes("Rayures sur le capot") == ["quality"]
    assert classifier.themes("BLISTERS déchirés") == ["packaging"]
    assert classifier.themes("Emballage abîmé") == ["other"]
    # And the other themes keep their defaults
    assert classifier.themes("Livraison rapide") == ["delivery"]


def test_keywords_typed_in_a_box():
    assert keywords_parse("Rayure\n rayure , éclat;;  mode   d'emploi \n\n") == [
        "Rayure",
        "éclat",
        "mode d'emploi",
    ]
    assert keywords_parse("  \n , ") == []
