"""The repository's publiccode.yml is valid for the standard v0.4: every required key, French and
English descriptions within their lengths, the AGPL licence, French and English localisation."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOFTWARE_TYPES = {
    "standalone/mobile",
    "standalone/iot",
    "standalone/desktop",
    "standalone/web",
    "standalone/backend",
    "standalone/other",
    "addon",
    "library",
    "configurationFiles",
}


def test_publiccode_yml_has_the_required_keys_of_v0_4():
    data = yaml.safe_load((ROOT / "publiccode.yml").read_text(encoding="utf-8"))
    assert data["publiccodeYmlVersion"] == "0.4"
    for key in ("name", "url", "platforms", "categories", "developmentStatus", "softwareType"):
        assert data[key], key
    assert data["developmentStatus"] in {"concept", "development", "beta", "stable", "obsolete"}
    assert data["softwareType"] in SOFTWARE_TYPES
    assert data["url"].startswith("https://")
    assert set(data["description"]) == {"fr", "en"}
    for description in data["description"].values():
        assert len(description["shortDescription"]) <= 150
        assert 150 <= len(description["longDescription"]) <= 10_000
        assert description["features"]
    assert data["legal"]["license"] == "AGPL-3.0-or-later"
    assert data["maintenance"]["type"] in {"internal", "contract", "community", "none"}
    assert all(contact["name"] for contact in data["maintenance"]["contacts"])
    assert data["localisation"]["localisationReady"] is True
    assert set(data["localisation"]["availableLanguages"]) == {"fr", "en"}
