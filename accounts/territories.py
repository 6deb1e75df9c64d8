"""Loading and finding French territories (the INSEE referential shipped in accounts/data/territoires)."""

import csv
import gzip
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from accounts.models import Territory

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
            parent_label=row.get("parent_label", ""),
        )
        for row in rows
    ]
    Territory.objects.bulk_create(
        objects,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["kind", "code"],
        update_fields=["name", "search_name", "parent", "epci", "population", "postal_codes", "parent_label"],
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
                # What `Territory.save` would store (as `parent_label_of`), without reading the parents.
                "parent_label": r["departement"] if r["departement"] in departements else "",
            }
            for r in communes_rows
            if r["type"] == "commune-actuelle"
        ],
    )
    commune_names = {r["code"]: r["nom"] for r in communes_rows if r["type"] == "commune-actuelle"}
    arrondissements = _upsert(
        Kind.ARRONDISSEMENT,
        [
            {
                "code": r["code"],
                "name": r["nom"],
                "parent_id": communes.get(r["commune_parent"]),
                "population": _int(r["population"]),
                "postal_codes": r["codes_postaux"],
                "parent_label": commune_names[r["commune_parent"]] if r["commune_parent"] in communes else "",
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


def territories_search(query: str, *, kind: str | None = None, within: QuerySet | None = None) -> QuerySet:
    """Territories whose name contains `query` (as typed: case, accents and hyphens do not matter) or
    whose INSEE code starts with it (`93066`, `93`, `2A`, `DEP-69`), best first: the exact name, then
    names starting so, then the rest; larger kinds before smaller ones, the most populated first."""
    territories = Territory.objects.all() if within is None else within
    if kind:
        territories = territories.filter(kind=kind)
    query = query.strip()
    by_kind = Case(
        *(When(kind=k, then=Value(i)) for i, k in enumerate(KIND_ORDER)), output_field=IntegerField()
    )
    if match := TOKEN.search(query):
        territories = territories.filter(kind=PREFIXES[match[1].upper()], code=match[2].upper())
        return territories.order_by(by_kind, "name")
    if query.isascii() and query.isalnum() and any(c.isdigit() for c in query):
        territories = territories.filter(code__startswith=query.upper())
        return territories.order_by(by_kind, "code")
    key = search_key(query)
    if not key:
        return territories.order_by(by_kind, "name", "code")
    closeness = Case(
        When(search_name=key, then=Value(0)),
        When(search_name__startswith=key, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return territories.filter(search_name__contains=key).order_by(
        closeness, by_kind, F("population").desc(nulls_last=True), "name", "code"
    )


def territory_chooser_label(territory: Territory) -> str:
    """A territory as the back office's chooser shows it: a commune with its INSEE code and its
    département, `Saint-Denis (93066, Seine-Saint-Denis)`; a larger one with its kind and code,
    `Rhône (département 69)`. Reads the parent and its parent: select them (`parent__parent`)."""
    if territory.kind in (Kind.COMMUNE, Kind.ARRONDISSEMENT):
        departement = territory.parent
        if territory.kind == Kind.ARRONDISSEMENT and departement is not None:
            departement = departement.parent or departement
        if departement is None:
            return f"{territory.name} ({territory.code})"
        return f"{territory.name} ({territory.code}, {departement.name})"
    return _("%(name)s (%(kind)s %(code)s)") % {
        "name": territory.name,
        "kind": territory.get_kind_display(),
        "code": territory.code,
    }


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
