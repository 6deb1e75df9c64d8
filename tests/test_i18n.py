"""French is complete: every string of ours has a French translation (English is the source)."""

from pathlib import Path

from babel.messages.pofile import read_po
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent


def test_the_french_catalogue_has_no_missing_or_fuzzy_entry():
    with (ROOT / "locale/fr/LC_MESSAGES/django.po").open("rb") as po:
        catalogue = read_po(po)
    missing = [
        m.id for m in catalogue if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_the_compiled_catalogue_is_in_use():
    with translation.override("fr"):
        assert translation.gettext("Send my answers") == "Envoyer mes réponses"
    with translation.override("en"):
        assert translation.gettext("Send my answers") == "Send my answers"


@override_settings(LANGUAGE_CODE="fr")
def test_visitors_can_switch_to_english(client, db):
    assert "Consultations ouvertes" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Open consultations" in client.get("/").content.decode()
