"""Filters of the lists (django-filter): by organisation, territory, status, theme, dates."""

from datetime import UTC, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField

from consultations.models import ConsultationPage, Idea
from core.converters import ID_MAX
from core.windows import Phase, in_phase


class DateTimeField(IsoDateTimeField):
    """An ISO 8601 moment the database can compare: offsets within ±15:59 (PostgreSQL's range), and
    a moment that stays within years 1–9999 in UTC. Outside, a 400 rather than a database error."""

    def to_python(self, value):
        try:
            moment = super().to_python(value)
            if moment is not None:
                offset = moment.utcoffset()
                if offset is not None and abs(offset) >= timedelta(hours=16):
                    raise forms.ValidationError(_("Enter a valid date and time."), code="invalid")
                moment.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(_("Enter a valid date and time."), code="invalid") from None
        return moment


class IdField(forms.IntegerField):
    """A database id: a whole number from 1 to `ID_MAX` (core/converters.py, as in paths); anything
    else (a decimal, an exponent, a number beyond range) is a 400 that says so, not a database error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """Rows whose foreign key (`field_name`) is the id given: every filter by id uses it."""

    field_class = IdField


class MomentFilter(django_filters.IsoDateTimeFilter):
    field_class = DateTimeField


class PhaseFilter(django_filters.ChoiceFilter):
    """upcoming, open or closed, now."""

    def __init__(self, **kwargs):
        super().__init__(choices=Phase.choices, method=self.by_phase, **kwargs)

    @staticmethod
    def by_phase(queryset, name, value):
        if value not in Phase.values:
            return queryset
        return queryset.filter(in_phase(Phase(value), timezone.now()))


def _territory_q(prefix: str, value: str) -> Q:
    """The rows whose territory is the one named, or inside it (arrondissement → commune → département →
    région; commune → EPCI). `value` is `kind:code` (`departement:84`) or a bare code (any kind: 84 is
    both a région and a département)."""
    kind, _sep, code = value.rpartition(":")
    query = Q()
    for path in ("", "__parent", "__parent__parent", "__parent__parent__parent", "__epci"):
        match = {f"{prefix}{path}__code": code}
        if kind:
            match[f"{prefix}{path}__kind"] = kind
        query |= Q(**match)
    return query


class TerritoryFilter(django_filters.CharFilter):
    def __init__(self, prefix: str, **kwargs):
        self.prefix = prefix
        kwargs.setdefault(
            "help_text",
            "A territory and what it contains: `kind:code` (`departement:69`, `commune:69123`, "
            "`epci:200046977`) or a bare INSEE code.",
        )
        super().__init__(method=self.by_territory, max_length=40, **kwargs)

    def by_territory(self, queryset, name, value):
        return queryset.filter(_territory_q(self.prefix, value)) if value else queryset


class ConsultationFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__slug", help_text="Organisation slug.")
    phase = PhaseFilter()
    territory = TerritoryFilter("audience_territory")
    opens_after = MomentFilter(field_name="opens_at", lookup_expr="gte")
    closes_before = MomentFilter(field_name="closes_at", lookup_expr="lte")

    class Meta:
        model = ConsultationPage
        fields = []


class StatementFilter(django_filters.FilterSet):
    consultation = IdFilter(field_name="consultation_id")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")


class IdeaFilter(django_filters.FilterSet):
    consultation = IdFilter(field_name="consultation_id")
    organisation = django_filters.CharFilter(field_name="consultation__organisation__slug")
    status = django_filters.MultipleChoiceFilter(choices=Idea.Status.choices)
    theme = django_filters.CharFilter(field_name="theme", lookup_expr="iexact", max_length=100)
    territory = TerritoryFilter("territory")
    created_after = MomentFilter(field_name="created_at", lookup_expr="gte")
    created_before = MomentFilter(field_name="created_at", lookup_expr="lte")


class CallFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__slug", help_text="Organisation slug.")
    kind = django_filters.ChoiceFilter(choices=[("funding", "funding"), ("initiatives", "initiatives")])
    phase = PhaseFilter()
    territory = TerritoryFilter("territory")


class ProjectFilter(django_filters.FilterSet):
    call = IdFilter(field_name="call_id")
    organisation = django_filters.CharFilter(field_name="call__organisation__slug")
    territory = TerritoryFilter("territory")


class InitiativeFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__slug")
    theme = django_filters.CharFilter(
        field_name="themes__name", lookup_expr="iexact", distinct=True, max_length=100
    )
    territory = TerritoryFilter("territory")
    scale = django_filters.CharFilter(field_name="scale", max_length=20)


class OutcomeFilter(django_filters.FilterSet):
    consultation = IdFilter(field_name="consultation_id")
