"""Loading and finding French territories (the INSEE referential shipped in accounts/data/territoires)."""

import csv
import gzip
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from .models import Territory

DATA_DIR = Path(__file__).resolve().parent / "data" / "territoires"
Kind = Territory.Kind


def search_key(text: str) -> str:
    """`Saint-Étienne` and `saint etienne` give the same key."""
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def _rows(name: str):
    path = DATA_DIR / name
    if path.suffix == ".gz":
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    else:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)


def _upsert(kind: str, rows: list[dict]) -> dict[str, int]:
    """Insert or update the territories of one kind; returns their ids by code."""
    objects = [
        Territory(
            kind=kind,
            code=row["code"],
            name=row["name"],
            search_name=search_key(row["name"]),
            parent_id=row.get("parent_id"),
            epci_id=row.get("epci_id"),
            population=row.get("population"),
            postal_codes=row.get("postal_codes", ""),
        )
        for row in rows
    ]
    Territory.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["kind", "code"],
        update_fields=["name", "search_name", "parent", "epci", "population", "postal_codes"],
    )
    return dict(Territory.objects.filter(kind=kind).values_list("code", "id"))


def _int(value: str) -> int | None:
    return int(value) if value and value.isascii() and value.isdigit() else None


@transaction.atomic
def territories_load() -> dict[str, int]:
    """Load (or refresh) every territory; running it again changes nothing. Returns counts by kind."""
    transaction.on_commit(_within.cache_clear)  # the hierarchy may have changed
    return _territories_load()


def _territories_load() -> dict[str, int]:
    regions = _upsert(Kind.REGION, [{"code": r["code"], "name": r["nom"]} for r in _rows("regions.csv")])
    departements = _upsert(
        Kind.DEPARTEMENT,
        [
            {"code": r["code"], "name": r["nom"], "parent_id": regions.get(r["region"])}
            for r in _rows("departements.csv")
        ],
    )
    epcis = _upsert(
        Kind.EPCI,
        [
            {"code": r["code"], "name": r["nom"], "population": _int(r["population"])}
            for r in _rows("epci.csv")
        ],
    )
    communes_rows = list(_rows("communes.csv.gz"))
    communes = _upsert(
        Kind.COMMUNE,
        [
            {
                "code": r["code"],
                "name": r["nom"],
                "parent_id": departements.get(r["departement"]),
                "epci_id": epcis.get(r["epci"]),
                "population": _int(r["population"]),
                "postal_codes": r["codes_postaux"],
            }
            for r in communes_rows
            if r["type"] == "commune-actuelle"
        ],
    )
    arrondissements = _upsert(
        Kind.ARRONDISSEMENT,
        [
            {
                "code": r["code"],
                "name": r["nom"],
                "parent_id": communes.get(r["commune_parent"]),
                "population": _int(r["population"]),
                "postal_codes": r["codes_postaux"],
            }
            for r in communes_rows
            if r["type"] == "arrondissement-municipal"
        ],
    )
    return {
        Kind.REGION: len(regions),
        Kind.DEPARTEMENT: len(departements),
        Kind.EPCI: len(epcis),
        Kind.COMMUNE: len(communes),
        Kind.ARRONDISSEMENT: len(arrondissements),
    }


def communes_matching(query: str, *, limit: int = 10):
    """Communes (and arrondissements) whose INSEE code, postal code or name is `query`."""
    query = query.strip()
    places = Territory.objects.filter(kind__in=[Kind.COMMUNE, Kind.ARRONDISSEMENT]).select_related("parent")
    # "Name (01)" or "Name (Paris)", as the territories are shown, names one place; but some names
    # have brackets of their own ("Château-Chinon (Ville)"), hence the fallback to the whole text.
    if match := re.fullmatch(r"(.+)\(([^()]+)\)", query):
        name, parent = match[1].strip(), match[2].strip()
        within = places.filter(Q(parent__code=parent) | Q(parent__name=parent), search_name=search_key(name))
        if found := list(within.order_by("-population")[:limit]):
            return found
    if query.isascii() and query.isdigit() and len(query) == 5:
        # An INSEE code or a postal code: 69001 is both Affoux and a postal code of Lyon.
        return list(
            places.filter(Q(code=query) | Q(postal_codes__contains=query)).order_by("-population")[:limit]
        )
    key = search_key(query)
    if not key:
        return []
    return list(places.filter(search_name=key).order_by("-population")[:limit])


# How a territory is written unambiguously: its kind and its code, e.g. DEP-69, COM-69123 (as in the
# geographic codes of the national aid-schemes format).
PREFIXES = {
    "REG": Kind.REGION,
    "DEP": Kind.DEPARTEMENT,
    "EPCI": Kind.EPCI,
    "COM": Kind.COMMUNE,
    "ARM": Kind.ARRONDISSEMENT,
}
PREFIX_OF = {kind: prefix for prefix, kind in PREFIXES.items()}
KIND_ORDER = [Kind.REGION, Kind.DEPARTEMENT, Kind.EPCI, Kind.COMMUNE, Kind.ARRONDISSEMENT]
TOKEN = re.compile(r"(?:^|[\s\[(])(REG|DEP|EPCI|COM|ARM)-([0-9A-Za-z]{1,10})\s*[\])]?\s*$", re.IGNORECASE)


def territory_label(territory: Territory) -> str:
    """A territory as typed back into a form: its name and its unambiguous code, `Rhône [DEP-69]`."""
    return f"{territory.name} [{PREFIX_OF[territory.kind]}-{territory.code}]"


def territories_matching(query: str, *, limit: int = 10) -> list[Territory]:
    """Territories of any kind that `query` names: `DEP-69` (or `Rhône [DEP-69]`), an INSEE code
    (`69123`, `69`: the département and the region numbered 69, if both exist) or a name."""
    query = query.strip()
    territories = Territory.objects.select_related("parent")
    if match := TOKEN.search(query):
        found = territories.filter(kind=PREFIXES[match[1].upper()], code=match[2].upper())
    elif query.isascii() and query.isalnum() and any(c.isdigit() for c in query):
        found = territories.filter(code=query.upper())
    else:
        key = search_key(query)
        if not key:
            return []
        found = territories.filter(search_name=key)
    found = list(found.order_by("-population")[: limit * 2])
    found.sort(key=lambda territory: KIND_ORDER.index(territory.kind))
    return found[:limit]


def territory_within(territory: Territory | None, area: Territory) -> bool:
    """Whether `territory` is `area` or lies inside it: a commune in its département, région or
    intercommunality, an arrondissement in its commune and beyond."""
    if territory is None or area is None:
        return False
    return _within(territory.pk, area.pk)


@lru_cache(maxsize=100_000)
def _within(territory_id: int, area_id: int) -> bool:
    """The walk up the referential, remembered per process: it is asked on every contribution to a
    consultation for residents, and the referential changes only when `territories_load` runs (once a
    year, before a restart)."""
    seen: set[int] = set()
    pending = [territory_id]
    while pending:
        current = pending.pop()
        if current == area_id:
            return True
        seen.add(current)
        parents = Territory.objects.filter(pk=current).values_list("parent_id", "epci_id").first() or ()
        pending += [parent for parent in parents if parent is not None and parent not in seen]
    return False
