"""The sections of the main navigation: every consultation, call and outcome page, as cards.

Open first (closing soonest first), then upcoming, then the rest (most recent first); filtered by status
and organisation in the address (GET); a page at a time. A wrong filter is answered 400 with the reason
next to the field; a wrong page number shows the first or last page.
"""

from django import forms
from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from calls.models import CallPage
from cms import cards
from consultations.models import ConsultationPage

CARDS_PER_PAGE = 12


class SectionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, statuses, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        if statuses:
            self.fields["status"].choices = [("", _("Any status")), *((s.value, s.label) for s in statuses)]
            self.fields["status"].error_messages["invalid_choice"] = _("Choose a status from the list.")
        else:
            del self.fields["status"]
        self.fields["organisation"].choices = [("", _("All organisations")), *organisations]
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "Choose an organisation from the list."
        )


SECTIONS = {
    "consultations": {
        "title": _("Consultations"),
        "introduction": _(
            "Questions public bodies ask, what they can still change, and what came of them once closed."
        ),
        "statuses": cards.CONSULTATION_STATUSES,
        "organisations": lambda: cards.organisations_of(ConsultationPage),
        "rows": lambda status, organisation: cards.consultations_for_cards(
            status=status, organisation_id=organisation
        ),
        "card": cards.consultation_card,
        "empty": _("No consultation matches these filters."),
    },
    "calls": {
        "title": _("Calls for projects"),
        "introduction": _(
            "Calls for projects and for field initiatives: who may apply, until when, and the laureates."
        ),
        "statuses": cards.CALL_STATUSES,
        "organisations": lambda: cards.organisations_of(CallPage),
        "rows": lambda status, organisation: cards.calls_for_cards(
            status=status, organisation_id=organisation
        ),
        "card": cards.call_card,
        "empty": _("No call matches these filters."),
    },
    "outcomes": {
        "title": _("Outcomes"),
        "introduction": _(
            "What was heard in each consultation, what was decided and why, and what happens next."
        ),
        "statuses": [],
        "organisations": cards.outcome_organisations,
        "rows": lambda status, organisation: cards.outcomes_for_cards(organisation_id=organisation),
        "card": cards.outcome_card,
        "empty": _("No outcome matches these filters."),
    },
}


@require_GET
def section(request, name: str):
    """A section's list of cards, filtered and paged."""
    spec = SECTIONS[name]
    form = SectionFilterForm(
        request.GET or None, statuses=spec["statuses"], organisations=spec["organisations"]()
    )
    status = 200
    data = {}
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
        else:
            status = 400
    rows = spec["rows"](data.get("status", ""), data.get("organisation")) if status == 200 else []
    page = Paginator(rows, CARDS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": name,
        "title": spec["title"],
        "introduction": spec["introduction"],
        "form": form,
        "page_obj": page,
        "cards": [spec["card"](row, request) for row in page.object_list],
        "empty": spec["empty"],
        "filtered": any(request.GET.get(key) for key in ("status", "organisation")),
    }
    return TemplateResponse(request, "search/section.html", context, status=status)
