from django.template import Context, Template
from django.utils import translation


def render() -> str:
    return Template("{% load content %}<p{% content_lang %}>Bonjour</p>").render(Context())


def test_french_content_is_marked_on_an_english_page():
    with translation.override("en"):
        assert render() == '<p lang="fr">Bonjour</p>'


def test_nothing_is_added_on_a_french_page():
    with translation.override("fr"):
        assert render() == "<p>Bonjour</p>"
