import re

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.models import Territory
from accounts.territories import search_key

Kind = Territory.Kind
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


class TerritoryField(forms.CharField):
    """A territory typed as a name, an INSEE code or `KIND-code`; cleaned to the one it names."""

    default_error_messages = {
        "required": _("Give a territory: its name or its INSEE code."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault(
            "help_text",
            _(
                "Its name or its INSEE code, e.g. “Villeurbanne”, “69266”, or “DEP-69” for the Rhône "
                "département."
            ),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Territory):
            return territory_label(value)
        if isinstance(value, int):
            territory = Territory.objects.filter(pk=value).first()
            return territory_label(territory) if territory else ""
        return value

    def has_changed(self, initial, data):
        """Compared by the territory named, not by the text (`69` and `Rhône [DEP-69]` are the same)."""
        initial_pk = initial.pk if isinstance(initial, Territory) else initial
        try:
            territory = self.clean(data)
        except forms.ValidationError:
            return True
        return (territory.pk if territory else None) != (initial_pk or None)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        matches = territories_matching(text)
        if not matches:
            raise forms.ValidationError(
                _("No territory matches “%(query)s”: check the spelling, or give its INSEE code."),
                params={"query": text},
                code="unknown",
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several territories match “%(query)s”: %(names)s. Type one of them as shown."),
                params={"query": text, "names": ", ".join(territory_label(t) for t in matches)},
                code="ambiguous",
            )
        return matches[0]


class CatalogueFilterForm(forms.Form):
    """The catalogue's search and filters (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    territory = TerritoryField(
        label=_("Territory"),
        required=False,
        help_text=_(
            "A name or an INSEE code; a département or a region also finds the initiatives of its communes."
        ),
    )

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("All themes")), *themes]
        self.fields["theme"].error_messages["invalid_choice"] = _("No initiative has this theme.")


class ReuseForm(forms.Form):
    """ "We reuse this here": where, and optionally how."""

    territory = TerritoryField(label=_("Where do you reuse it?"))
    comment = forms.CharField(
        label=_("How do you reuse it? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_comment(self):
        return self.cleaned_data["comment"].strip()


class InitiativeAdminForm(WagtailAdminModelForm):
    """The back office's initiative form: the territory typed (there are 40,000 of them), the
    organisation chosen among those the person may publish for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .permissions import organisations_publishing_for

        self.fields["territory"] = TerritoryField(label=self.fields["territory"].label)
        if self.for_user is not None and "organisation" in self.fields:
            self.fields["organisation"].queryset = organisations_publishing_for(self.for_user)
