from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cms.models import SiteMessage

# What `str.splitlines` breaks a line on: in a name or subject, any of them would start a new line of the
# e-mail forwarded to the site's team (a forged "Page:" or "From:" line) or of its headers.
LINE_BREAKS = frozenset("\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def one_line(value: str) -> None:
    """Refuse a value typed over several lines (a browser's one-line field never sends one)."""
    if any(character in LINE_BREAKS for character in value):
        raise ValidationError(_("Type it on one line, without line breaks."), code="line_break")


class SiteMessageForm(forms.Form):
    """The contact form and the accessibility-problem form: name optional, an address to answer, the
    page concerned (accessibility) and the message. Help texts and errors are tied to their fields."""

    name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=150,
        required=False,
        validators=[one_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("To answer you. Format: name@example.org"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your e-mail address, so that we can answer you."),
            "invalid": _("Enter an e-mail address in the format name@example.org."),
        },
    )
    page_url = forms.URLField(
        label=_("Address of the page concerned"),
        max_length=500,
        help_text=_("Copy it from your browser's address bar, e.g. https://example.org/consultations/"),
        assume_scheme="https",
        error_messages={
            "required": _("Enter the address of the page where you met the problem."),
            "invalid": _("Enter a web address, e.g. https://example.org/consultations/"),
        },
    )
    subject = forms.CharField(
        label=_("Subject"),
        max_length=200,
        validators=[one_line],
        error_messages={"required": _("Enter the subject of your message.")},
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 5,000 characters."),
        error_messages={"required": _("Write your message.")},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == SiteMessage.Kind.ACCESSIBILITY:
            del self.fields["subject"]
            self.fields["message"].label = _("Describe the problem")
            self.fields["message"].help_text = _(
                "What you tried to do, what prevented you, and the browser or assistive technology "
                "you use if you know it. At most 5,000 characters."
            )
            self.fields["message"].error_messages["required"] = _("Describe the problem you met.")
            self.thanks = _(
                "Thank you: your report is recorded. You will receive an acknowledgement by e-mail, "
                "and an answer within a week."
            )
        else:
            self.fields["page_url"].required = False
            self.fields["page_url"].label = _("Address of the page concerned (optional)")
            self.thanks = _("Thank you: your message is sent. You will receive an acknowledgement by e-mail.")
        self.describe()

    def describe(self):
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}_help")
            if self.is_bound and name in self.errors:
                ids.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
            if field.required:
                field.widget.attrs["aria-required"] = "true"

    def full_clean(self):
        super().full_clean()
        self.describe()

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())  # tabs and runs of spaces: one space

    @property
    def cleaned_message(self) -> dict:
        data = dict(self.cleaned_data)
        data.setdefault("subject", "")
        return data
