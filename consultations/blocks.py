"""Questionnaire blocks that editors assemble in the Wagtail admin.

Each question is a StreamField block: its block id is the question's stable identity, and each choice
keeps the id of its list item, so answers stay attached when an editor fixes a typo or reorders.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

OPEN_TEXT_MAX_LENGTH = 5000


class QuestionBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Question"), max_length=300)
    help_text = blocks.CharBlock(label=_("Help text"), required=False, max_length=500)
    required = blocks.BooleanBlock(label=_("Answer required"), required=False, default=True)


class SingleChoiceQuestionBlock(QuestionBlock):
    choices = blocks.ListBlock(
        blocks.CharBlock(label=_("Choice"), max_length=200),
        label=_("Choices"),
        min_num=2,
        max_num=30,
    )

    class Meta:
        icon = "list-ul"
        label = _("Single choice question")
        help_text = _("Participants pick exactly one of the choices.")


class OpenTextQuestionBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(
        label=_("Maximum length (characters)"),
        default=2000,
        min_value=10,
        max_value=OPEN_TEXT_MAX_LENGTH,
    )

    class Meta:
        icon = "pilcrow"
        label = _("Open-text question")
        help_text = _("Participants write their own answer.")


AGE_BANDS = (
    ("under-18", _("Under 18")),
    ("18-24", _("18 to 24")),
    ("25-34", _("25 to 34")),
    ("35-49", _("35 to 49")),
    ("50-64", _("50 to 64")),
    ("65-plus", _("65 or over")),
)


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


class QuestionsBlock(blocks.StreamBlock):
    single_choice = SingleChoiceQuestionBlock()
    open_text = OpenTextQuestionBlock()
    age_band = AgeBandQuestionBlock()

    class Meta:
        min_num = 1
        max_num = 100


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

    @property
    def has_choices(self) -> bool:
        return bool(self.choices)


def questions_from_stream(stream) -> list[Question]:
    questions = []
    for position, child in enumerate(stream):
        value = child.value
        common = {
            # Blocks get their id when the page is saved; a preview of unsaved blocks numbers them.
            "id": child.id or f"unsaved-{position}",
            "kind": child.block_type,
            "label": value["label"],
            "help_text": value.get("help_text") or "",
            "required": bool(value.get("required")),
        }
        if child.block_type == "single_choice":
            choices = tuple((item.id, item.value) for item in value["choices"].bound_blocks)
            questions.append(Question(**common, choices=choices))
        elif child.block_type == "age_band":
            purpose = _("Why we ask: %(purpose)s") % {"purpose": value.get("purpose") or ""}
            questions.append(
                Question(
                    **{**common, "help_text": str(purpose), "required": False},
                    choices=tuple((key, str(label)) for key, label in AGE_BANDS),
                )
            )
        else:
            questions.append(Question(**common, max_length=value.get("max_length") or OPEN_TEXT_MAX_LENGTH))
    return questions
