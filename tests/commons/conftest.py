"""A small territory referential (a region, two départements, an intercommunality, communes, an
arrondissement) and initiatives placed in it."""

from types import SimpleNamespace

import pytest

from accounts.models import Territory
from accounts.territories import search_key
from commons.models import Initiative

Kind = Territory.Kind


def territory(kind, code, name, **fields):
    return Territory.objects.create(kind=kind, code=code, name=name, search_name=search_key(name), **fields)


@pytest.fixture
def places(db):
    region = territory(Kind.REGION, "84", "Auvergne-Rhône-Alpes")
    rhone = territory(Kind.DEPARTEMENT, "69", "Rhône", parent=region)
    loire = territory(Kind.DEPARTEMENT, "42", "Loire", parent=region)
    metropole = territory(Kind.EPCI, "200046977", "Métropole de Lyon")
    lyon = territory(Kind.COMMUNE, "69123", "Lyon", parent=rhone, epci=metropole, population=520_000)
    lyon_4 = territory(Kind.ARRONDISSEMENT, "69384", "Lyon 4e Arrondissement", parent=lyon)
    villeurbanne = territory(Kind.COMMUNE, "69266", "Villeurbanne", parent=rhone, epci=metropole)
    saint_etienne = territory(Kind.COMMUNE, "42218", "Saint-Étienne", parent=loire, population=170_000)
    # A second "Saint-Étienne" elsewhere: a name alone is ambiguous.
    vaucluse = territory(Kind.DEPARTEMENT, "84", "Vaucluse")
    other_saint_etienne = territory(Kind.COMMUNE, "84999", "Saint-Étienne", parent=vaucluse, population=300)
    return SimpleNamespace(**locals())


def initiative_create(
    *, organisation, territory, title="Repair café municipal", published=True, themes=(), **fields
):
    initiative = Initiative(
        title=title,
        description=fields.pop("description", "Un atelier de réparation ouvert à tous, un samedi par mois."),
        organisation=organisation,
        territory=territory,
        contact=fields.pop("contact", "https://ville.example.fr/repair-cafe"),
        published=published,
        **fields,
    )
    initiative.save()
    if themes:
        initiative.themes.add(*themes)
        initiative.save()
    return initiative


@pytest.fixture
def initiative(organisation, places):
    return initiative_create(
        organisation=organisation, territory=places.lyon_4, themes=["réparation", "déchets"]
    )
