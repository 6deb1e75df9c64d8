from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.forms import TerritoryField
from commons.permissions import organisations_publishing_for


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
    """The back office's initiative form: the territory chosen through the territory chooser
    (accounts/viewsets.py), the organisation among those the person may publish for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "organisation" in self.fields:
            self.fields["organisation"].queryset = organisations_publishing_for(self.for_user)
