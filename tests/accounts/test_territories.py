"""The French territories referential, and choosing one's commune of residence."""

import pytest
from django.core.management import call_command

from accounts.models import Territory
from accounts.territories import communes_matching, search_key
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = Territory.Kind


def test_the_referential_loads_completely_and_once(capsys):
    call_command("territories_load")
    assert "commune: 34969" in capsys.readouterr().out
    call_command("territories_load")
    counts = {kind: Territory.objects.filter(kind=kind).count() for kind in Kind.values}
    assert counts == {"region": 26, "departement": 109, "epci": 1255, "commune": 34969, "arrondissement": 45}
    lyon = Territory.objects.get(kind=Kind.COMMUNE, code="69123")
    assert (lyon.name, lyon.parent.code, lyon.parent.parent.name) == ("Lyon", "69", "Auvergne-Rhône-Alpes")
    assert lyon.epci.kind == Kind.EPCI
    assert Territory.objects.get(kind=Kind.ARRONDISSEMENT, code="75104").parent.name == "Paris"
    assert [str(place) for place in communes_matching("saint etienne")] == ["Saint-Étienne (42)"]
    assert len(communes_matching("Saint-Denis")) > 1, "several communes share this name"
    assert [place.code for place in communes_matching("Saint-Denis (93)")] == ["93066"]
    assert {place.name for place in communes_matching("42000")} == {"Saint-Étienne"}
    assert {place.name for place in communes_matching("69001")} == {
        "Affoux",
        "Lyon",
        "Lyon 1er Arrondissement",
    }, "an INSEE code that is also a postal code"


def test_search_keys_ignore_case_accents_and_punctuation():
    assert search_key("L'Abergement-Clémenciat") == search_key("l abergement clemenciat")


@pytest.fixture
def communes():
    ain = Territory.objects.create(kind=Kind.DEPARTEMENT, code="01", name="Ain", search_name="ain")
    loire = Territory.objects.create(kind=Kind.DEPARTEMENT, code="42", name="Loire", search_name="loire")
    for code, name, parent, postal in [
        ("01053", "Bourg-en-Bresse", ain, "01000"),
        ("42218", "Saint-Étienne", loire, "42000 42100"),
        ("01100", "Valserhône", ain, "01200"),
        ("42999", "Valserhône", loire, "42300"),
    ]:
        Territory.objects.create(
            kind=Kind.COMMUNE,
            code=code,
            name=name,
            search_name=search_key(name),
            parent=parent,
            postal_codes=postal,
        )


def test_a_participant_declares_their_commune(client, communes):
    user = UserFactory()
    client.force_login(user)
    saved = client.post("/profile/", {"pseudonym": "Camille", "language": "fr", "commune": "saint-etienne"})
    assert saved.status_code == 302
    user.refresh_from_db()
    assert user.territory.code == "42218"
    shown = client.get("/profile/").content.decode()
    assert 'value="Saint-Étienne (42)"' in shown
    assert (
        client.post("/profile/", {"pseudonym": "Camille", "language": "fr", "commune": "Saint-Étienne (42)"})[
            "Location"
        ]
        == "/profile/"
    ), "the value shown is accepted as it is"
    assert (
        client.post("/profile/", {"pseudonym": "Camille", "language": "fr", "commune": ""}).status_code == 302
    )
    user.refresh_from_db()
    assert user.territory is None


@pytest.mark.parametrize(
    ("commune", "message"),
    [
        ("Atlantide", "Aucune commune ne correspond"),
        ("Valserhône", "Plusieurs communes correspondent"),
        ("99999", "Aucune commune ne correspond"),
        ("x" * 201, "200 caractères"),
    ],
)
def test_an_unknown_or_ambiguous_commune_is_explained(client, communes, commune, message):
    user = UserFactory()
    client.force_login(user)
    refused = client.post("/profile/", {"pseudonym": "Camille", "language": "fr", "commune": commune})
    assert refused.status_code == 400
    assert message in refused.content.decode()
    user.refresh_from_db()
    assert user.territory is None


def test_a_commune_with_brackets_in_its_name_can_be_kept(client):
    nievre = Territory.objects.create(kind=Kind.DEPARTEMENT, code="58", name="Nièvre", search_name="nievre")
    name = "Château-Chinon (Ville)"
    Territory.objects.create(
        kind=Kind.COMMUNE,
        code="58062",
        name=name,
        search_name=search_key(name),
        parent=nievre,
        postal_codes="58120",
    )
    user = UserFactory()
    client.force_login(user)
    assert client.post("/profile/", {"pseudonym": "A", "language": "fr", "commune": name}).status_code == 302
    shown = "Château-Chinon (Ville) (58)"
    assert f'value="{shown}"' in client.get("/profile/").content.decode()
    assert client.post("/profile/", {"pseudonym": "A", "language": "en", "commune": shown}).status_code == 302
