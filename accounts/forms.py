from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import Membership, Organisation, User
from .territories import communes_matching


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


class ProfileForm(forms.ModelForm):
    commune = forms.CharField(
        label=_("Commune of residence"),
        required=False,
        max_length=200,
        help_text=_(
            "Optional. Its name, postal code or INSEE code. Some consultations are open to residents only."
        ),
    )

    class Meta:
        model = User
        fields = ["pseudonym", "language", "email_digest"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pseudonym"].required = True
        if self.instance.territory_id:
            self.fields["commune"].initial = str(self.instance.territory)

    def clean_pseudonym(self):
        return pseudonym_clean(self.cleaned_data["pseudonym"])

    def clean_commune(self):
        query = self.cleaned_data["commune"].strip()
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
