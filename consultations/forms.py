from django import forms
from django.utils.translation import gettext_lazy as _

from .blocks import Question
from .models import COMMENT_MAX_LENGTH, STATEMENT_MAX_LENGTH, Report, Stance

FIELD_PREFIX = "q_"


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.id}"


class ResponseForm(forms.Form):
    """The questionnaire of a consultation, one field per question, pre-filled with a previous answer."""

    def __init__(
        self, *args, questions: list[Question], initial_answers: dict[str, str] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        initial_answers = initial_answers or {}
        for question in questions:
            name = field_name(question)
            if question.has_choices:
                self.fields[name] = forms.ChoiceField(
                    label=question.label,
                    help_text=question.help_text,
                    required=question.required,
                    choices=list(question.choices),
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose one answer.")},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.label,
                    help_text=question.help_text,
                    required=question.required,
                    max_length=question.max_length,
                    widget=forms.Textarea(attrs={"rows": 5}),
                    error_messages={"required": _("This answer is required.")},
                )
            if question.id in initial_answers:
                self.fields[name].initial = initial_answers[question.id]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(field_name(q)) for q in self.questions):
            raise forms.ValidationError(_("Answer at least one question before sending."))
        return cleaned

    def answers(self) -> dict[str, str]:
        """The given answers, keyed by question id; empty optional answers are left out."""
        return {
            question.id: value
            for question in self.questions
            if (value := self.cleaned_data.get(field_name(question)))
        }


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Your statement"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One idea, in at most 280 characters, that others can agree or disagree with."),
        error_messages={"required": _("Write your statement before sending it.")},
    )

    def clean_text(self):
        text = " ".join(self.cleaned_data["text"].split())
        if not text:
            raise forms.ValidationError(_("Write your statement before sending it."))
        return text


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title of your idea"), max_length=150)
    text = forms.CharField(label=_("Describe it"), max_length=3000, widget=forms.Textarea(attrs={"rows": 6}))
    theme = forms.CharField(label=_("Theme (optional)"), max_length=100, required=False)
    # Set once the person has seen the similar ideas and still wants to publish theirs.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Give your idea a title."))
        return title


class CommentForm(forms.Form):
    """A comment or a reply: plain text (escaped when shown) and a stance."""

    text = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text, at most 2000 characters."),
        error_messages={
            "required": _("Write your comment before sending it."),
            "max_length": _("A comment has at most %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    stance = forms.ChoiceField(
        label=_("Your position"),
        choices=Stance.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose for, against or neutral."),
            "invalid_choice": _("Choose for, against or neutral."),
        },
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write your comment before sending it."))
        return text


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why do you report it?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose one of the reasons offered."),
            "invalid_choice": _("Choose one of the reasons offered."),
        },
    )
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the moderators should know; at most 500 characters."),
    )
