from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import TerritoryField
from search.selectors import KIND_LABELS, STATUS_LABELS


class SearchForm(forms.Form):
    """The site search (GET): words, and optional filters by type, territory, theme and status."""

    q = forms.CharField(
        label=_("Words to search for"),
        required=False,
        max_length=200,
        help_text=_("Or leave it empty and choose a type or a filter to list everything that matches."),
        error_messages={"max_length": _("Type at most %(limit_value)d characters.")},
    )
    kind = forms.ChoiceField(label=_("Type"), required=False)
    territory = TerritoryField(
        label=_("Territory"),
        required=False,
        help_text=_("A name or an INSEE code; a département or a region also finds what is in its communes."),
    )
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, themes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All types")), *KIND_LABELS.items()]
        self.fields["kind"].error_messages["invalid_choice"] = _("Choose a type from the list.")
        self.fields["theme"].choices = [("", _("All themes")), *((theme, theme) for theme in themes)]
        self.fields["theme"].error_messages["invalid_choice"] = _("Nothing public has this theme.")
        self.fields["status"].choices = [("", _("Any status")), *STATUS_LABELS.items()]
        self.fields["status"].error_messages["invalid_choice"] = _("Choose a status from the list.")

    def clean(self):
        data = super().clean()
        filters = ("kind", "territory", "theme", "status")
        if not self.errors and not data.get("q", "").strip() and not any(data.get(name) for name in filters):
            self.add_error("q", _("Type the words to search for, or choose a type or a filter."))
        return data
