from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm

from .models import User


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
    class Meta:
        model = User
        fields = ["pseudonym", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pseudonym"].required = True

    def clean_pseudonym(self):
        return pseudonym_clean(self.cleaned_data["pseudonym"])


class AccountDeleteForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my personal data will be deleted for good."),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )


class AdminLoginForm(LoginForm):
    """Wagtail's sign-in form, with a translated label on the password field (Wagtail leaves it bare)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
