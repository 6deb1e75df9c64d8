"""French is complete: every string of ours has a French translation (English is the source)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
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


def test_every_translation_keeps_the_placeholders_of_its_source():
    """What `make messages` checks when it compiles: a translation whose placeholders differ from the
    source's would break the build (and show the wrong figure)."""
    with (ROOT / "locale/fr/LC_MESSAGES/django.po").open("rb") as po:
        catalogue = read_po(po)
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalogue.check()]
    assert not problems


def test_the_compiled_catalogue_is_in_use():
    with translation.override("fr"):
        assert translation.gettext("Send my answers") == "Envoyer mes réponses"
    with translation.override("en"):
        assert translation.gettext("Send my answers") == "Send my answers"


@override_settings(LANGUAGE_CODE="fr")
def test_visitors_can_switch_to_english(client, db):
    assert "Ouverts en ce moment" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Open now" in client.get("/").content.decode()


def test_every_string_of_ours_is_in_the_french_catalogue(tmp_path):
    """Extract the strings again from a copy of the code: none may be missing from the catalogue."""
    if shutil.which("xgettext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("GNU gettext is missing: .ci/run installs it")
        pytest.skip("needs GNU gettext (apt-get install gettext) to extract strings")
    # Every package of ours (the apps left the consultations package: calls, reports, core…), not the tests.
    packages = [path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()]
    for name in [*(name for name in packages if name not in ("tests", "benchmarks")), "manage.py"]:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static"))
        else:
            shutil.copy(source, tmp_path / name)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=tmp_path,
        env={**os.environ, "CONCERTO_VAR_DIR": str(tmp_path / "var")},
        check=True,
        capture_output=True,
        timeout=120,
    )
    with (tmp_path / "locale/fr/LC_MESSAGES/django.po").open("rb") as po:
        extracted = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(po) if m.id}
    with (ROOT / "locale/fr/LC_MESSAGES/django.po").open("rb") as po:
        committed = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in read_po(po) if m.id}
    missing = sorted(extracted - committed, key=lambda pair: (pair[0] or "", pair[1]))  # contexts may be None
    assert not missing, f"run `make makemessages` and translate: {missing}"
