from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation, Territory, User
from accounts.territories import communes_matching, territories_matching, territory_label


def pseudonym_clean(value: str) -> str:
    pseudonym = value.strip()
    if not pseudonym:
        raise forms.ValidationError(_("Choose a pseudonym."))
    if "@" in pseudonym:
        raise forms.ValidationError(_("A pseudonym cannot contain an e-mail address."))
    return pseudonym


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form (allauth adds e-mail and passwords)."""

    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=50,
        help_text=_("Shown next to your public contributions. Your e-mail address is never shown."),
    )

    def clean_pseudonym(self):
        return pseudonym_clean(self.cleaned_data["pseudonym"])

    def signup(self, request, user):
        user.pseudonym = self.cleaned_data["pseudonym"]
        # E-mails go out in the language the person signed up in.
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        user.save(update_fields=["pseudonym", "language"])


class CommuneField(forms.CharField):
    """A commune typed as its name, postal code or INSEE code (as in the account's profile)."""

    def prepare_value(self, value):
        return str(value) if value is not None and not isinstance(value, str) else value

    def clean(self, value):
        query = super().clean(value).strip()
        if not query:
            return None
        matches = communes_matching(query)
        if not matches:
            raise forms.ValidationError(
                _("No commune matches “%(query)s”: check the spelling, or give its postal code."),
                params={"query": query},
            )
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several communes match: %(names)s. Give the postal code or the INSEE code."),
                params={"names": ", ".join(str(place) for place in matches)},
            )
        return matches[0]


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


class ProfileForm(forms.ModelForm):
    commune = CommuneField(
        label=_("Commune of residence"),
        required=False,
        max_length=200,
        help_text=_(
            "Optional. Its name, postal code or INSEE code. Some consultations are open to residents only."
        ),
    )

    class Meta:
        model = User
        fields = ["pseudonym", "language", "email_digest", "email_outcomes", "email_moderation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pseudonym"].required = True
        if self.instance.territory_id:
            self.fields["commune"].initial = self.instance.territory

    def clean_pseudonym(self):
        return pseudonym_clean(self.cleaned_data["pseudonym"])

    def save(self, commit=True):
        self.instance.territory = self.cleaned_data["commune"]
        return super().save(commit=commit)


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good."),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the person to invite"), max_length=254)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean(self):
        cleaned = super().clean()
        email, organisation = cleaned.get("email"), cleaned.get("organisation")
        if (
            email
            and organisation
            and organisation.memberships.filter(user__email__iexact=email, role=cleaned.get("role")).exists()
        ):
            raise forms.ValidationError(_("This person already has this role in this organisation."))
        return cleaned


class ApiTokenForm(forms.Form):
    label = forms.CharField(
        label=_("Name of the token"),
        max_length=100,
        help_text=_("What it is for, to recognise it later: for example “Mobile app” or “Our town’s site”."),
    )

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError(_("Name the token."))
        return label
