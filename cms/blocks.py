"""StreamField blocks of the public site's pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class ReportFigureBlock(blocks.StructBlock):
    """A figure quoted from the report version that the outcome page pins, so it never changes silently."""

    figure = blocks.ChoiceBlock(
        label=_("Figure"),
        choices=[
            ("participants", _("Number of participants")),
            ("open_answers", _("Number of written answers")),
            ("question", _("Answers to a choice question")),
        ],
        default="participants",
    )
    question_number = blocks.IntegerBlock(
        label=_("Question number"),
        required=False,
        min_value=1,
        help_text=_(
            "For “answers to a choice question”: its position in the questionnaire (1 for the first)."
        ),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)

    class Meta:
        icon = "table"
        label = _("Figure from the report")
        template = "cms/blocks/report_figure.html"
        help_text = _("Shows a figure from the report version chosen in “Report version” above.")
        preview_value = {"figure": "participants", "caption": ""}
        description = _("A figure quoted from the pinned report version of the consultation.")

    def figure_data(self, value, snapshot) -> dict | None:
        """What to show for this block from the snapshot, or None when it has no such figure."""
        if snapshot is None:
            return None
        if value["figure"] == "participants":
            return {"kind": "number", "number": snapshot.data.get("participants", 0)}
        if value["figure"] == "open_answers":
            return {"kind": "number", "number": snapshot.data.get("open_answers", 0)}
        position = value.get("question_number")
        questions = snapshot.data.get("questions", [])
        if not position or position > len(questions) or not questions[position - 1].get("choices"):
            return None
        return {"kind": "distribution", "question": questions[position - 1]}

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        page = (parent_context or {}).get("page")
        snapshot = getattr(page, "report_version", None)
        context["snapshot"] = snapshot
        context["figure"] = self.figure_data(value, snapshot)
        return context


class OutcomeBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=200,
        form_classname="title",
        icon="title",
        template="cms/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    report_figure = ReportFigureBlock()


LANGUAGES = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("it", "Italiano"),
    ("pt", "Português"),
    ("ar", "العربية"),
    ("br", "Brezhoneg"),
    ("ca", "Català"),
    ("co", "Corsu"),
    ("eu", "Euskara"),
    ("oc", "Occitan"),
    ("fr", "Français"),
]


class OtherLanguageBlock(blocks.StructBlock):
    """A passage in another language than the page's, marked with its `lang` so that screen readers
    pronounce it right (RGAA 8.7)."""

    language = blocks.ChoiceBlock(label=_("Language"), choices=LANGUAGES, default="en")
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "globe"
        label = _("Passage in another language")
        template = "cms/blocks/other_language.html"
        description = _("Text in another language, marked so that screen readers read it correctly.")
        preview_value = {"language": "en", "text": "<p>A passage in English.</p>"}


class NewsBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=200,
        form_classname="title",
        icon="title",
        template="cms/blocks/heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    # Wagtail's ImageBlock refuses an image without a text alternative unless marked decorative.
    image = ImageBlock(label=_("Image"), template="cms/blocks/image.html")
    other_language = OtherLanguageBlock()
