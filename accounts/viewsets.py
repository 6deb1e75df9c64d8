"""The back office's territory chooser: every form field that points to a territory (page editors,
public votes, initiatives) opens a search of the referential in Wagtail's chooser modal instead of
listing its 36,000 territories. Registered in wagtail_hooks.py."""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet
from wagtail.admin.widgets.chooser import BaseChooser

from accounts.models import Territory
from accounts.territories import territories_search, territory_chooser_label


class TerritoryFilterForm(BaseFilterForm):
    """The modal's search: a name or an INSEE code, and optionally a kind of territory."""

    q = forms.CharField(
        label=_("Name or INSEE code"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("e.g. Saint-Denis or 93066")}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Territory.Kind.choices],
        widget=forms.Select(attrs={"data-chooser-modal-search-filter": True}),
    )

    def filter(self, objects):
        query, kind = self.cleaned_data.get("q", "").strip(), self.cleaned_data.get("kind")
        self.is_searching = bool(query or kind)
        self.search_query = query
        return territories_search(query, kind=kind or None, within=objects)


class TerritoryChooseMixin:
    filter_form_class = TerritoryFilterForm

    def get_object_list(self):
        return Territory.objects.select_related("parent__parent")

    @property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("Territory"),
                accessor=territory_chooser_label,
                get_url=self.chosen_url,
                link_attrs={"data-chooser-modal-choice": True},
            ),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
        ]

    def chosen_url(self, territory):
        return self.append_preserved_url_parameters(reverse(self.chosen_url_name, args=(territory.pk,)))


class TerritoryChooseView(TerritoryChooseMixin, chooser_views.ChooseView):
    pass


class TerritoryChooseResultsView(TerritoryChooseMixin, chooser_views.ChooseResultsView):
    pass


class TerritoryChosenView(chooser_views.ChosenView):
    def get_object(self, pk):
        return Territory.objects.select_related("parent__parent").get(pk=pk)

    def get_display_title(self, instance):
        return territory_chooser_label(instance)


class TerritoryChooserWidget(BaseChooser):
    """The chosen territory as its label (`Saint-Denis (93066, Seine-Saint-Denis)`): one query,
    whatever the size of the referential."""

    show_edit_link = False  # the referential is loaded, not edited in the back office

    def get_instance(self, value):
        if isinstance(value, Territory) and Territory.parent.is_cached(value):
            return value
        pk = value.pk if isinstance(value, Territory) else value
        try:
            return Territory.objects.select_related("parent__parent").filter(pk=int(pk)).first()
        except (TypeError, ValueError):  # nothing chosen, or a form sent back with a bad value
            return None

    def get_display_title(self, instance):
        return territory_chooser_label(instance)


class TerritoryChooserViewSet(ChooserViewSet):
    model = Territory
    icon = "site"
    choose_one_text = _("Choose a territory")
    choose_another_text = _("Choose another territory")
    page_title = _("Choose a territory")
    search_tab_label = _("Search")
    per_page = 20
    choose_view_class = TerritoryChooseView
    choose_results_view_class = TerritoryChooseResultsView
    chosen_view_class = TerritoryChosenView
    base_widget_class = TerritoryChooserWidget
    # Every ForeignKey to Territory in the back office's forms gets this chooser (register_widget).


territory_chooser_viewset = TerritoryChooserViewSet("territory_chooser", url_prefix="territories/chooser")
