from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form (allauth adds e-mail and passwords)."""

    pseudonym = forms.CharField(
        label=_("Pseudonym"),
        max_length=50,
        help_text=_("Shown next to your public contributions. Your e-mail address is never shown."),
    )

    def clean_pseudonym(self):
        pseudonym = self.cleaned_data["pseudonym"].strip()
        if not pseudonym:
            raise forms.ValidationError(_("Choose a pseudonym."))
        if "@" in pseudonym:
            raise forms.ValidationError(_("A pseudonym cannot contain an e-mail address."))
        return pseudonym

    def signup(self, request, user):
        user.pseudonym = self.cleaned_data["pseudonym"]
        user.save(update_fields=["pseudonym"])


class AdminLoginForm(LoginForm):
    """Wagtail's sign-in form, with a translated label on the password field (Wagtail leaves it bare)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")
