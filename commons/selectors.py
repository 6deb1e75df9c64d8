"""Reads of the initiatives commons."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.http import urlencode
from django.utils.text import Truncator
from taggit.models import Tag

from accounts.models import Territory
from commons.models import Initiative, InitiativeTheme, Reuse
from core.cards import Card, Figure


def within(area: Territory, prefix: str = "territory") -> Q:
    """Rows whose `prefix` territory is `area` or lies inside it (a commune in its département, region
    or intercommunality, an arrondissement in its commune and beyond): one query, whatever the area."""
    parent = f"{prefix}__parent"
    return (
        Q(**{prefix: area})
        | Q(**{parent: area})
        | Q(**{f"{parent}__parent": area})
        | Q(**{f"{parent}__parent__parent": area})
        | Q(**{f"{prefix}__epci": area})
        | Q(**{f"{parent}__epci": area})
    )


def initiatives_catalogue(*, text: str = "", theme: str = "", area: Territory | None = None):
    """Published initiatives matching every word of `text`, having the theme (a tag slug) and lying in
    `area`, most recently updated first, with what their cards show (a constant number of queries)."""
    initiatives = Initiative.objects.published()
    for word in text.split():
        initiatives = initiatives.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(territory__name__icontains=word)
            | Q(organisation__name__icontains=word)
            | Exists(InitiativeTheme.objects.filter(content_object=OuterRef("pk"), tag__name__icontains=word))
        )
    if theme:
        initiatives = initiatives.filter(
            Exists(InitiativeTheme.objects.filter(content_object=OuterRef("pk"), tag__slug=theme))
        )
    if area is not None:
        initiatives = initiatives.filter(within(area))
    return (
        initiatives.select_related("territory", "territory__parent", "organisation")
        .prefetch_related("themes")
        .annotate(reuse_count=Count("reuses"))
        .order_by("-updated_at", "-pk")
    )


def initiative_card(initiative: Initiative) -> Card:
    """An initiative's card (from `initiatives_catalogue`): its stage when the model records one, where
    it was born, at what scale, by whom, and how many times it was reused."""
    stage = getattr(initiative, "get_stage_display", None)
    return Card(
        kind="initiative",
        title=initiative.title,
        url=initiative.get_absolute_url(),
        status_text=str(stage()) if stage and initiative.stage else "",
        organisation=initiative.organisation.name,
        extra=f"{initiative.territory} · {initiative.get_scale_display()}",
        count=initiative.reuse_count,
        count_of=Figure.REUSES,
        summary=Truncator(initiative.description).words(40, truncate=" …"),
        themes=[(theme.name, f"?{urlencode({'theme': theme.slug})}") for theme in initiative.themes.all()],
    )


def themes_in_use() -> list[tuple[str, str]]:
    """The themes of published initiatives, as (slug, name) choices, by name."""
    return list(
        Tag.objects.filter(
            Exists(InitiativeTheme.objects.filter(tag=OuterRef("pk"), content_object__published=True))
        )
        .order_by("name")
        .values_list("slug", "name")
    )


@dataclass
class ReusePlace:
    territory: Territory
    reuses: list[Reuse] = field(default_factory=list)


def reuses_by_territory(*, initiative: Initiative) -> list[ReusePlace]:
    """Where the initiative has been reused: the territories by name, each with its declarations."""
    places: dict[int, ReusePlace] = {}
    reuses = (
        Reuse.objects.filter(initiative=initiative)
        .select_related("territory", "territory__parent", "person")
        .order_by("territory__name", "territory_id", "-created_at")
    )
    for reuse in reuses:
        places.setdefault(reuse.territory_id, ReusePlace(territory=reuse.territory)).reuses.append(reuse)
    return list(places.values())
