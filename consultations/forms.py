from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from consultations.blocks import OTHER, OTHER_TEXT_MAX_LENGTH, Question, Section
from consultations.models import COMMENT_MAX_LENGTH, STATEMENT_MAX_LENGTH, Report, Stance
from core.converters import id_from

FIELD_PREFIX = "q_"
NUMBER_LIMIT = 10**12 - 1
OTHER_SUFFIX = "_other"


def field_name(question: Question) -> str:
    return f"{FIELD_PREFIX}{question.id}"


class RankingWidget(forms.Widget):
    """One rank select per choice (named `<field>_<choice id>`): ranking that works without JavaScript."""

    input_type = "ranking"

    def __init__(self, choices=(), attrs=None):
        super().__init__(attrs)
        self.choices = list(choices)

    def value_from_datadict(self, data, files, name):
        return {choice_id: data.get(f"{name}_{choice_id}", "") for choice_id, _label in self.choices}

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{choice_id}" in data for choice_id, _label in self.choices)


class RankingField(forms.Field):
    """The choices in the participant's order: cleaned to the list of choice ids, first first.

    Ranks must be distinct numbers from 1; when `complete`, every choice must be ranked (a
    permutation), otherwise (a draft) the ranked ones must be 1 to k with no gap or repeat.
    """

    default_error_messages = {
        "required": _("Rank every choice: give each one a different number."),
        "invalid": _("Give each choice a rank from the list."),
        "duplicate": _("Each rank can be given once only: two choices have the same rank."),
        "incomplete": _("Rank every choice: give each one a different number."),
    }

    def __init__(self, *, choices, complete=True, **kwargs):
        self.choices = list(choices)
        self.complete = complete
        super().__init__(widget=RankingWidget(choices=self.choices), **kwargs)

    def to_python(self, value):
        if not isinstance(value, dict):
            return []
        ranks = {}
        for choice_id, rank in value.items():
            rank = (rank or "").strip()
            if not rank:
                continue
            if not (rank.isascii() and rank.isdigit()) or not 1 <= int(rank) <= len(self.choices):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            ranks[choice_id] = int(rank)
        if len(set(ranks.values())) != len(ranks):
            raise ValidationError(self.error_messages["duplicate"], code="duplicate")
        ordered = sorted(ranks, key=ranks.get)
        if ranks and sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")
        return ordered

    def validate(self, value):
        super().validate(value)
        if value and self.complete and len(value) != len(self.choices):
            raise ValidationError(self.error_messages["incomplete"], code="incomplete")


@dataclass
class RankRow:
    choice_id: str
    label: str
    name: str
    id: str
    rank: str
    # The select's positions, 1 to the number of choices, and whether each is this choice's rank.
    positions: list[tuple[int, bool]] = dataclass_field(default_factory=list)


@dataclass
class ChoiceOption:
    """One radio button or checkbox of a question: its `<input>` and the text of its label."""

    input: str
    id: str
    label: str


def choice_input(option: dict) -> str:
    """The `<input>` of one choice, as Django's `input.html` and `attrs.html` write it (same attributes,
    same order), without rendering three templates per choice: a questionnaire has dozens."""
    parts = [f'<input type="{escape(option["type"])}" name="{escape(option["name"])}"']
    if option["value"] is not None:
        parts.append(f' value="{escape(str(option["value"]))}"')
    for name, value in option["attrs"].items():
        if value is False:
            continue
        parts.append(f" {escape(name)}" if value is True else f' {escape(name)}="{escape(str(value))}"')
    parts.append(">")
    return mark_safe("".join(parts))  # noqa: S308 — every part above is escaped


@dataclass
class QuestionRow:
    """What the template needs to render one question: its field, "Other" box, ranking rows."""

    question: Question
    field: forms.BoundField
    other: forms.BoundField | None = None
    ranks: list[RankRow] | None = None
    # The ids of the texts describing the question (help, limits, errors), for aria-describedby.
    described_by: str = ""
    # Its radio buttons or checkboxes, for a question answered by choosing.
    options: list[ChoiceOption] | None = None


@dataclass
class SectionGroup:
    section: Section | None
    rows: list[QuestionRow]


class ResponseForm(forms.Form):
    """The questionnaire of a consultation, one field per question, pre-filled with a previous answer.

    `draft=True` (the "Save as draft" button) checks types and lengths but not required answers nor
    minimum counts, so a half-filled questionnaire can be kept. `answers()` and
    `selectors.answers_by_question` share one shape per kind: a text (str), a choice id (str), or
    `(OTHER, text)`, a list of those (multiple choice), a list of choice ids first first (ranking), a
    `Decimal` (scale, number).
    """

    def __init__(
        self, *args, questions: list[Question], initial_answers: dict | None = None, draft=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.draft = draft
        initial_answers = initial_answers or {}
        for question in questions:
            name = field_name(question)
            self.fields[name] = self._field(question, required=question.required and not draft)
            if question.allow_other:
                self.fields[name + OTHER_SUFFIX] = forms.CharField(
                    # Named with its question in the error summary; shown as "If “Other”, what is it?".
                    label=_("%(question)s — your “Other” answer") % {"question": question.label},
                    required=False,
                    max_length=OTHER_TEXT_MAX_LENGTH,
                )
            if question.id in initial_answers:
                self._set_initial(question, initial_answers[question.id])

    def _field(self, question: Question, *, required: bool) -> forms.Field:
        common = {"label": question.label, "help_text": question.help_text, "required": required}
        kind = question.kind
        if kind in ("single_choice", "yes_no", "age_band"):
            return forms.ChoiceField(
                **common,
                choices=list(question.all_choices),
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer.")},
            )
        if kind == "multiple_choice":
            return forms.MultipleChoiceField(
                **common,
                choices=list(question.all_choices),
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "required": _("Choose at least one answer."),
                    "invalid_choice": _("Choose among the answers offered."),
                },
            )
        if kind == "ranking":
            return RankingField(**common, choices=question.choices, complete=not self.draft)
        if kind == "scale":
            low, high = int(question.min_value), int(question.max_value)
            labels = {low: question.min_label, high: question.max_label}
            return forms.TypedChoiceField(
                **common,
                coerce=Decimal,
                choices=[
                    (str(v), f"{v} – {labels[v]}" if labels.get(v) else str(v)) for v in range(low, high + 1)
                ],
                widget=forms.RadioSelect,
                error_messages={
                    "required": _("Choose a value on the scale."),
                    "invalid_choice": _("Choose a value on the scale."),
                },
            )
        if kind == "number":
            bounds = {"min_value": question.min_value, "max_value": question.max_value}
            attrs = {"inputmode": "decimal" if question.decimals else "numeric"}
            if question.decimals:
                return forms.DecimalField(
                    **common,
                    **bounds,
                    max_digits=18,
                    decimal_places=6,
                    localize=True,
                    widget=forms.TextInput(attrs=attrs),
                    error_messages={"required": _("This answer is required.")},
                )
            # Without bounds of the editor's, the column's own (12 digits before the decimal point).
            bounds = {
                "min_value": -NUMBER_LIMIT if question.min_value is None else question.min_value,
                "max_value": NUMBER_LIMIT if question.max_value is None else question.max_value,
            }
            return forms.IntegerField(
                **common,
                **bounds,
                localize=True,
                widget=forms.TextInput(attrs=attrs),
                error_messages={"required": _("This answer is required.")},
            )
        widget = forms.TextInput if kind == "short_text" else forms.Textarea(attrs={"rows": 5})
        return forms.CharField(
            **common,
            max_length=question.max_length,
            widget=widget,
            error_messages={"required": _("This answer is required.")},
        )

    def _set_initial(self, question: Question, value) -> None:
        name = field_name(question)
        other_text = ""
        if isinstance(value, tuple):
            value, other_text = value
        elif isinstance(value, list) and question.kind == "multiple_choice":
            items = []
            for item in value:
                if isinstance(item, tuple):
                    item, other_text = item
                items.append(item)
            value = items
        if question.kind == "ranking":
            value = {choice_id: str(rank) for rank, choice_id in enumerate(value, start=1)}
        elif question.kind == "scale":
            value = str(int(value))
        elif question.kind == "number":
            # Stored with 6 decimal places: shown as the participant typed it (12.5, not 12.500000).
            value = Decimal(f"{value.normalize():f}") if question.decimals else int(value)
        self.fields[name].initial = value
        if other_text and question.allow_other:
            self.fields[name + OTHER_SUFFIX].initial = other_text

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            name = field_name(question)
            if name not in cleaned:
                continue
            value = cleaned[name]
            if question.kind == "multiple_choice" and value:
                low, high = question.min_choices, question.max_choices
                if high and len(value) > high:
                    self.add_error(
                        name,
                        ngettext_lazy(
                            "Choose at most %(count)d answer.", "Choose at most %(count)d answers.", high
                        )
                        % {"count": high},
                    )
                elif low and len(value) < low and not self.draft:
                    self.add_error(
                        name,
                        ngettext_lazy(
                            "Choose at least %(count)d answer.", "Choose at least %(count)d answers.", low
                        )
                        % {"count": low},
                    )
            if question.allow_other and not self.draft:
                chosen = value if isinstance(value, list) else [value]
                if OTHER in chosen and not cleaned.get(name + OTHER_SUFFIX, "").strip():
                    self.add_error(name + OTHER_SUFFIX, _("You chose “Other”: say what it is."))
        if not self.errors and not self.answers():
            raise forms.ValidationError(_("Answer at least one question before sending."))
        return cleaned

    def answers(self) -> dict:
        """The given answers, keyed by question id; empty optional answers are left out."""
        answers = {}
        for question in self.questions:
            name = field_name(question)
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if question.allow_other:
                other = " ".join(self.cleaned_data.get(name + OTHER_SUFFIX, "").split())
                if isinstance(value, list):
                    value = [(OTHER, other) if item == OTHER else item for item in value]
                elif value == OTHER:
                    value = (OTHER, other)
            if question.kind == "number":
                value = Decimal(value)
            answers[question.id] = value
        return answers

    def groups(self) -> list[SectionGroup]:
        """The questions grouped by section, in order, as the template renders them."""
        groups: list[SectionGroup] = []
        for question in self.questions:
            name = field_name(question)
            row = QuestionRow(question=question, field=self[name], described_by=self._described_by(question))
            if question.allow_other:
                row.other = self[name + OTHER_SUFFIX]
            if question.kind == "ranking":
                row.ranks = self._rank_rows(question, row.field)
            elif getattr(row.field.field.widget, "input_type", "") in ("radio", "checkbox"):
                row.options = [
                    ChoiceOption(
                        input=choice_input(option.data), id=option.id_for_label, label=option.choice_label
                    )
                    for option in row.field
                ]
            if not groups or groups[-1].section != question.section:
                groups.append(SectionGroup(section=question.section, rows=[]))
            groups[-1].rows.append(row)
        return groups

    def _described_by(self, question: Question) -> str:
        """The ids of the help text, the limits and the errors of a question, as the template names
        them. A single control carries them itself (with aria-invalid on error); a group carries them
        on its fieldset."""
        name = field_name(question)
        bound = self[name]
        ids = [f"{bound.auto_id}_helptext"] if bound.help_text else []
        if (question.kind == "multiple_choice" and (question.min_choices or question.max_choices)) or (
            question.kind in ("ranking", "number")
            and (question.kind == "ranking" or None not in (question.min_value, question.max_value))
        ):
            ids.append(f"{bound.auto_id}_limits")
        if bound.errors:
            ids.append(f"{bound.auto_id}_error")
        if getattr(self.fields[name].widget, "input_type", "") not in ("radio", "checkbox", "ranking"):
            attrs = self.fields[name].widget.attrs
            attrs.pop("aria-describedby", None)
            if ids:
                attrs["aria-describedby"] = " ".join(ids)
            if bound.errors:
                attrs["aria-invalid"] = "true"
        return " ".join(ids)

    def _rank_rows(self, question: Question, bound: forms.BoundField) -> list[RankRow]:
        value = bound.value()
        if isinstance(value, list):  # initial: ids in order
            value = {choice_id: str(rank) for rank, choice_id in enumerate(value, start=1)}
        value = value or {}
        count = len(question.choices)
        rows = []
        for index, (choice_id, label) in enumerate(question.choices):
            rank = str(value.get(choice_id, ""))
            rows.append(
                RankRow(
                    choice_id=choice_id,
                    label=label,
                    name=f"{bound.html_name}_{choice_id}",
                    id=f"{bound.auto_id}_{index}",
                    rank=rank,
                    positions=[(position, str(position) == rank) for position in range(1, count + 1)],
                )
            )
        return rows


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


class PaperResponseForm(ResponseForm):
    """A paper questionnaire as an agent types it in: the online questionnaire and the form's number."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"] = forms.CharField(
            label=_("Number of the paper form"),
            max_length=64,
            help_text=_("As written on the paper: a number can be typed in only once."),
            error_messages={"required": _("Give the number written on the paper form.")},
        )
        self.order_fields(["reference"])

    def clean_reference(self):
        value = " ".join(self.cleaned_data["reference"].split())
        if not value:
            raise forms.ValidationError(_("Give the number written on the paper form."))
        return value


class PaperUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Filled template (CSV)"),
        help_text=_("The template filled in, saved as “CSV UTF-8”; at most 2 MB and 2,000 paper forms."),
        error_messages={"required": _("Choose the CSV file to upload."), "empty": _("The file is empty.")},
    )


# How many contributions one bulk decision takes at most (a page of the queue is 50).
BULK_MODERATION_MAX = 100


class ModerationBulkForm(forms.Form):
    """One decision, with one reason, on the contributions ticked in the moderation queue.

    `items` are "statement:12", "idea:5", "comment:9", looked up in `scopes` (the moderator's querysets
    per kind): anything malformed or outside them makes the form invalid, so that nothing is changed.
    """

    ACTIONS = [
        ("approve", _("Publish, or keep (dismiss the reports)")),
        ("hide", _("Hide")),
    ]
    items = forms.Field(
        label=_("Contributions"),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Tick at least one item in the list.")},
    )
    action = forms.ChoiceField(label=_("Decision"), choices=ACTIONS)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        help_text=_("Required to hide: each author receives it. Reporters are told the decision too."),
    )

    def __init__(self, *args, scopes: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes = scopes

    def ticked(self) -> set[str]:
        """The items ticked when the form was sent (ticked again when it comes back with an error)."""
        return set(self.data.getlist("items")) if self.is_bound else set()

    def clean_items(self):
        invalid = ValidationError(_("This selection is not valid: reload the page and tick the items again."))
        wanted: dict[str, set[int]] = {}
        order = []
        for value in self.cleaned_data["items"]:
            kind, _sep, raw = str(value).partition(":")
            pk = id_from(raw)
            if kind not in self.scopes or pk is None:
                raise invalid
            if (kind, pk) not in order:
                order.append((kind, pk))
                wanted.setdefault(kind, set()).add(pk)
        if len(order) > BULK_MODERATION_MAX:
            raise ValidationError(
                _("Tick at most %(count)d items at a time.") % {"count": BULK_MODERATION_MAX}
            )
        found = {}
        for kind, pks in wanted.items():
            for item in self.scopes[kind].filter(pk__in=pks):
                found[kind, item.pk] = item
        if len(found) != len(order):
            raise ValidationError(
                _(
                    "Some of the ticked items are not among those you moderate, or no longer exist: "
                    "reload the page."
                )
            )
        return [found[key] for key in order]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "hide" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for hiding them: their authors will see it."))
        return cleaned
