"""Questionnaire blocks that editors assemble in the Wagtail admin.

Each question is a StreamField block: its block id is the question's stable identity, and each choice
keeps the id of its list item, so answers stay attached when an editor fixes a typo or reorders.
A section block is not a question: it titles the questions that follow it, up to the next section.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

OPEN_TEXT_MAX_LENGTH = 5000
SHORT_TEXT_MAX_LENGTH = 300
OTHER_TEXT_MAX_LENGTH = 200
# The id of the "Other" choice; never a list item's id (those are UUIDs).
OTHER = "other"


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Question"), max_length=300)
    help_text = blocks.CharBlock(label=_("Help text"), required=False, max_length=500)
    required = blocks.BooleanBlock(label=_("Answer required"), required=False, default=True)
    personal = blocks.BooleanBlock(
        label=_("Personal question"),
        required=False,
        default=False,
        help_text=_(
            "Tick it for a question about the participants themselves (income, health, household…): "
            "its answers are never published one by one in the open data, only as totals with small "
            "groups hidden."
        ),
    )


def _choices_block(max_num: int = 30):
    return blocks.ListBlock(
        blocks.CharBlock(label=_("Choice"), max_length=200), label=_("Choices"), min_num=2, max_num=max_num
    )


def _allow_other_block():
    return blocks.BooleanBlock(
        label=_("Offer “Other”"),
        required=False,
        default=False,
        help_text=_("Adds an “Other” choice with a box where participants write their own answer."),
    )


class SingleChoiceQuestionBlock(QuestionBlock):
    choices = _choices_block()
    allow_other = _allow_other_block()

    class Meta:
        icon = "list-ul"
        label = _("Single choice question")
        help_text = _("Participants pick exactly one of the choices.")


class MultipleChoiceQuestionBlock(QuestionBlock):
    choices = _choices_block()
    allow_other = _allow_other_block()
    min_choices = blocks.IntegerBlock(
        label=_("At least (choices)"),
        required=False,
        min_value=1,
        max_value=30,
        help_text=_("Leave empty for no minimum."),
    )
    max_choices = blocks.IntegerBlock(
        label=_("At most (choices)"),
        required=False,
        min_value=1,
        max_value=30,
        help_text=_("Leave empty for no maximum."),
    )

    class Meta:
        icon = "tasks"
        label = _("Multiple choice question")
        help_text = _("Participants tick one or more choices, within the limits you set.")

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_choices"), value.get("max_choices")
        if low and high and low > high:
            raise blocks.StructBlockValidationError(
                block_errors={"max_choices": ValidationError(_("The maximum cannot be below the minimum."))}
            )
        return value


class ShortTextQuestionBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(
        label=_("Maximum length (characters)"), default=200, min_value=10, max_value=SHORT_TEXT_MAX_LENGTH
    )

    class Meta:
        icon = "edit"
        label = _("Short-text question")
        help_text = _("Participants write a few words on one line (a name, a place, a title).")


class OpenTextQuestionBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(
        label=_("Maximum length (characters)"),
        default=2000,
        min_value=10,
        max_value=OPEN_TEXT_MAX_LENGTH,
    )

    class Meta:
        icon = "pilcrow"
        label = _("Long-text question")
        help_text = _("Participants write their own answer, in as many lines as they need.")


class ScaleQuestionBlock(QuestionBlock):
    scale_min = blocks.ChoiceBlock(
        label=_("From"), choices=[("0", "0"), ("1", "1")], default="1", help_text=_("The lowest value.")
    )
    scale_max = blocks.IntegerBlock(label=_("To"), default=5, min_value=2, max_value=10)
    min_label = blocks.CharBlock(
        label=_("Label of the lowest value"), max_length=50, help_text=_("e.g. “Not at all satisfied”.")
    )
    max_label = blocks.CharBlock(
        label=_("Label of the highest value"), max_length=50, help_text=_("e.g. “Very satisfied”.")
    )

    class Meta:
        icon = "order"
        label = _("Scale question")
        help_text = _("Participants pick a value on a scale, e.g. from 1 to 5, with a label at each end.")


class RankingQuestionBlock(QuestionBlock):
    choices = _choices_block(max_num=10)

    class Meta:
        icon = "list-ol"
        label = _("Ranking question")
        help_text = _("Participants put the choices in their order of preference (1 for the first).")


class YesNoQuestionBlock(QuestionBlock):
    class Meta:
        icon = "tick"
        label = _("Yes/no question")
        help_text = _("Participants answer yes or no.")


class NumberQuestionBlock(QuestionBlock):
    min_value = blocks.DecimalBlock(label=_("Lowest accepted value"), required=False)
    max_value = blocks.DecimalBlock(label=_("Highest accepted value"), required=False)
    decimals = blocks.BooleanBlock(
        label=_("Accept decimals"),
        required=False,
        default=False,
        help_text=_("Otherwise whole numbers only."),
    )

    class Meta:
        icon = "decimal"
        label = _("Number question")
        help_text = _("Participants give a number, e.g. a distance in kilometres.")

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_value"), value.get("max_value")
        if low is not None and high is not None and low > high:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "max_value": ValidationError(_("The highest value cannot be below the lowest."))
                }
            )
        return value


AGE_BANDS = (
    ("under-18", _("Under 18")),
    ("18-24", _("18 to 24")),
    ("25-34", _("25 to 34")),
    ("35-49", _("35 to 49")),
    ("50-64", _("50 to 64")),
    ("65-plus", _("65 or over")),
)

YES_NO = (("yes", _("Yes")), ("no", _("No")))


class AgeBandQuestionBlock(blocks.StructBlock):
    """A demographic question, asked only where a consultation needs it, with its purpose beside it."""

    label = blocks.CharBlock(label=_("Question"), max_length=300, default=_("Your age band"))
    purpose = blocks.CharBlock(
        label=_("Why you ask it"),
        max_length=500,
        help_text=_("Shown beside the question, e.g. “to check that every generation was heard”."),
    )

    class Meta:
        icon = "user"
        label = _("Age band (demographic question)")
        help_text = _("Optional for participants; figures are shown only for groups of at least 5 people.")


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Section title"), max_length=200)
    intro = blocks.TextBlock(label=_("Introduction"), required=False, max_length=1000)

    class Meta:
        icon = "title"
        label = _("Section")
        help_text = _("Groups the questions that follow it, up to the next section, under a title.")


class QuestionsBlock(blocks.StreamBlock):
    section = SectionBlock()
    short_text = ShortTextQuestionBlock()
    open_text = OpenTextQuestionBlock()
    single_choice = SingleChoiceQuestionBlock()
    multiple_choice = MultipleChoiceQuestionBlock()
    yes_no = YesNoQuestionBlock()
    scale = ScaleQuestionBlock()
    ranking = RankingQuestionBlock()
    number = NumberQuestionBlock()
    age_band = AgeBandQuestionBlock()

    class Meta:
        # None is allowed for a consultation of statements or ideas only (an imported Pol.is
        # conversation); `ConsultationPage.clean` asks for one otherwise.
        min_num = 0
        max_num = 100


# Kinds whose answer is one or more of the question's choices.
CHOICE_KINDS = {"single_choice", "multiple_choice", "yes_no", "age_band", "ranking"}
TEXT_KINDS = {"short_text", "open_text"}
NUMBER_KINDS = {"scale", "number"}


@dataclass(frozen=True)
class Section:
    id: str
    heading: str
    intro: str = ""


@dataclass(frozen=True)
class Question:
    """A question as the rest of the code sees it, detached from Wagtail's block values."""

    id: str
    kind: str
    label: str
    help_text: str = ""
    required: bool = True
    choices: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    max_length: int = OPEN_TEXT_MAX_LENGTH
    allow_other: bool = False
    min_choices: int | None = None
    max_choices: int | None = None
    # Scale: the integer bounds and their labels. Number: optional bounds, and whether decimals count.
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    min_label: str = ""
    max_label: str = ""
    decimals: bool = False
    section: Section | None = None
    # About the participant themselves (an age band always is): its answers stay out of the row-level
    # open data, which publishes only its totals with small groups hidden (docs/opendata.md).
    personal: bool = False

    @property
    def has_choices(self) -> bool:
        return bool(self.choices)

    @property
    def all_choices(self) -> tuple[tuple[str, str], ...]:
        """The choices, with "Other" last when the question offers it."""
        if self.allow_other:
            return (*self.choices, (OTHER, str(_("Other"))))
        return self.choices

    def display(self, value) -> str:
        """An answer in words, as the participant's receipt and data export show it."""
        labels = dict(self.all_choices)
        if self.kind == "ranking":
            return "; ".join(f"{rank}. {labels.get(c, c)}" for rank, c in enumerate(value, start=1))
        if isinstance(value, list):
            return "; ".join(self.display(item) for item in value)
        if isinstance(value, tuple):  # (OTHER, the participant's words)
            return f"{labels[OTHER]}: {value[1]}" if value[1] else labels[OTHER]
        if self.kind in NUMBER_KINDS:
            return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
        if self.kind in CHOICE_KINDS:
            return str(labels.get(value, value))
        return value


def _decimal(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(value)


def questions_from_stream(stream) -> list[Question]:
    """The questions of a questionnaire, in order, each knowing the section it belongs to."""
    questions = []
    section = None
    for position, child in enumerate(stream):
        value = child.value
        # Blocks get their id when the page is saved; a preview of unsaved blocks numbers them.
        block_id = child.id or f"unsaved-{position}"
        kind = child.block_type
        if kind == "section":
            section = Section(id=block_id, heading=value["heading"], intro=value.get("intro") or "")
            continue
        common = {
            "id": block_id,
            "kind": kind,
            "label": value["label"],
            "help_text": value.get("help_text") or "",
            "required": bool(value.get("required")),
            "section": section,
            "personal": kind == "age_band" or bool(value.get("personal")),
        }
        if kind in ("single_choice", "multiple_choice", "ranking"):
            choices = tuple((item.id, item.value) for item in value["choices"].bound_blocks)
            extra = {"choices": choices, "allow_other": bool(value.get("allow_other"))}
            if kind == "multiple_choice":
                extra |= {"min_choices": value.get("min_choices"), "max_choices": value.get("max_choices")}
            questions.append(Question(**common, **extra))
        elif kind == "yes_no":
            questions.append(Question(**common, choices=tuple((key, str(label)) for key, label in YES_NO)))
        elif kind == "age_band":
            purpose = _("Why we ask: %(purpose)s") % {"purpose": value.get("purpose") or ""}
            questions.append(
                Question(
                    **{**common, "help_text": str(purpose), "required": False},
                    choices=tuple((key, str(label)) for key, label in AGE_BANDS),
                )
            )
        elif kind == "scale":
            questions.append(
                Question(
                    **common,
                    min_value=Decimal(value.get("scale_min") or 1),
                    max_value=Decimal(value.get("scale_max") or 5),
                    min_label=value.get("min_label") or "",
                    max_label=value.get("max_label") or "",
                )
            )
        elif kind == "number":
            questions.append(
                Question(
                    **common,
                    min_value=_decimal(value.get("min_value")),
                    max_value=_decimal(value.get("max_value")),
                    decimals=bool(value.get("decimals")),
                )
            )
        else:
            default = SHORT_TEXT_MAX_LENGTH if kind == "short_text" else OPEN_TEXT_MAX_LENGTH
            questions.append(Question(**common, max_length=value.get("max_length") or default))
    return questions
