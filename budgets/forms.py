from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.forms import CommuneField
from budgets import services
from budgets.models import Grade, Method, PublicVote
from budgets.permissions import calls_managed_by
from core.typography import amount
from core.windows import Phase


class BallotForm(forms.Form):
    """A ballot: the projects chosen (approval, basket) or a grade per project (majority judgment), and
    the voter's year of birth and commune (self-declared; what eligibility is judged on)."""

    birth_year = forms.IntegerField(
        label=_("Year of birth"),
        help_text=_("Asked to check the minimum age; it is not published."),
        error_messages={"invalid": _("Give your year of birth as a number, e.g. 1990.")},
    )
    commune = CommuneField(
        label=_("Commune of residence"),
        max_length=200,
        help_text=_("Its name, postal code or INSEE code; it is not published."),
        error_messages={"required": _("Give your commune of residence.")},
    )

    def __init__(self, *args, vote: PublicVote, projects: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.vote = vote
        self.projects = {project.pk: project for project in projects}
        this_year = timezone.localdate().year
        self.fields["birth_year"].validators.append(_year_validator(this_year))
        self.fields["birth_year"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "bday-year"})
        choices = [(str(pk), project.title) for pk, project in self.projects.items()]
        if vote.method == Method.MAJORITY_JUDGMENT:
            for pk, project in self.projects.items():
                self.fields[f"grade_{pk}"] = forms.TypedChoiceField(
                    label=f"{project.title} — {_euros(project.amount_requested)}",
                    help_text=project.summary,
                    choices=[(str(value), label) for value, label in reversed(Grade.choices)],
                    coerce=int,
                    widget=forms.RadioSelect,
                    error_messages={
                        "required": _("Grade this project."),
                        "invalid_choice": _("Choose one of the grades offered."),
                    },
                )
        else:
            self.fields["projects"] = forms.TypedMultipleChoiceField(
                label=_("Projects"),
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _(
                        "This ballot names a project that is not on the ballot: reload the page."
                    )
                },
            )

    def grade_fields(self):
        return [self[f"grade_{pk}"] for pk in self.projects]

    def choices(self) -> dict[int, int | None]:
        if self.vote.method == Method.MAJORITY_JUDGMENT:
            return {
                pk: self.cleaned_data[f"grade_{pk}"]
                for pk in self.projects
                if f"grade_{pk}" in self.cleaned_data
            }
        return dict.fromkeys(self.cleaned_data.get("projects", []))

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                services.ballot_check(vote=self.vote, projects=self.projects, choices=self.choices())
            except services.BallotRefused as refused:
                self.add_error("projects" if "projects" in self.fields else None, refused.message)
        return cleaned

    def chosen_total(self) -> Decimal:
        """What the projects ticked (sent, or stored) cost: the running total shown without JavaScript."""
        if "projects" not in self.fields:
            return Decimal(0)
        return sum((self.projects[pk].amount_requested for pk in self.chosen_ids()), Decimal(0))

    def budget_left(self) -> Decimal:
        return (self.vote.budget_limit or Decimal(0)) - self.chosen_total()

    def budget_over(self) -> Decimal:
        return -self.budget_left()

    def chosen_ids(self) -> set[int]:
        """The projects ticked (sent, or stored), to show them ticked again."""
        if "projects" not in self.fields:
            return set()
        raw = self["projects"].value() or []
        return {int(pk) for pk in raw if str(pk).isascii() and str(pk).isdigit() and int(pk) in self.projects}


def _euros(value) -> str:
    return amount(value, 0)


def _year_validator(this_year: int):
    def validate(value):
        if not 1900 <= value <= this_year:
            raise forms.ValidationError(
                _("Give a year of birth between 1900 and %(year)s."), params={"year": this_year}
            )

    return validate


class PaperBallotForm(BallotForm):
    """A paper ballot as an agent types it in: the same questions, and the number on the paper."""

    paper_reference = forms.CharField(
        label=_("Number of the paper ballot"),
        max_length=50,
        help_text=_("As written on the paper: a number can be typed in only once."),
        error_messages={"required": _("Give the number written on the paper ballot.")},
    )

    field_order = ["paper_reference", "birth_year", "commune"]

    def clean_paper_reference(self):
        value = self.cleaned_data["paper_reference"].strip()
        if not value:
            raise forms.ValidationError(_("Give the number written on the paper ballot."))
        return value


LOCKED_ONCE_VOTED = [
    "call",
    "method",
    "min_projects",
    "max_projects",
    "budget",
    "minimum_age",
    "residence_territory",
]
DATES = ("opens_at", "closes_at")


def _minute(moment):
    """Dates as the admin shows and sends them (to the minute): re-sending one is not a change."""
    return moment.replace(second=0, microsecond=0) if moment else moment


class PublicVoteAdminForm(WagtailAdminModelForm):
    """The back office's form: calls among those the person runs; the residence chosen through the
    territory chooser (accounts/viewsets.py); the rules locked once ballots are cast (changing them
    would change what past ballots meant)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None:
            self.fields["call"].queryset = calls_managed_by(self.for_user)

    def _changed(self, stored: PublicVote | None, name: str) -> bool:
        if name in DATES:
            new = self.cleaned_data.get(name)
            return new is not None and (stored is None or _minute(new) != _minute(getattr(stored, name)))
        return name in self.changed_data

    def clean(self):
        """Once ballots exist, the rules and the call are locked; once voting has opened, its opening
        date and call are locked and its closing date may only move later (the results stay hidden
        until the vote closes: it cannot be closed early to peek, then reopened); once closed,
        everything is final."""
        cleaned = super().clean()
        stored = (
            PublicVote.objects.select_related("call").get(pk=self.instance.pk) if self.instance.pk else None
        )
        now = timezone.now()
        phase = stored.phase(now) if stored else Phase.UPCOMING
        if phase == Phase.CLOSED:
            for name in self.fields:
                if self._changed(stored, name):
                    self.add_error(
                        name,
                        _("Voting has closed: the vote and its results are final and can no longer change."),
                    )
            return cleaned
        if stored and stored.ballots.exists():
            for name in LOCKED_ONCE_VOTED:
                if name in self.changed_data:
                    self.add_error(
                        name,
                        _(
                            "Ballots have been cast: the rules of the vote can no longer change (only its "
                            "closing date may be pushed later)."
                        ),
                    )
        if phase == Phase.OPEN:
            if self._changed(stored, "opens_at"):
                self.add_error("opens_at", _("Voting has opened: its opening date can no longer change."))
            if "call" in self.changed_data and "call" not in self.errors:
                self.add_error("call", _("Voting has opened: the vote can no longer move to another call."))
            closes_at = cleaned.get("closes_at")
            if self._changed(stored, "closes_at") and closes_at < max(stored.closes_at, now):
                self.add_error(
                    "closes_at",
                    _("Voting is open: its closing date can only be pushed later, never brought forward."),
                )
        call, opens_at = cleaned.get("call"), cleaned.get("opens_at")
        if (
            call is not None
            and opens_at is not None
            and opens_at <= now
            and call.laureates_published_at is None
            and "opens_at" not in self.errors
        ):
            self.add_error(
                "opens_at",
                _(
                    "Publish the call's laureates before voting opens: they are the projects on the ballot. "
                    "Until then, choose an opening date to come."
                ),
            )
        return cleaned
