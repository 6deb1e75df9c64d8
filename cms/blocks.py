"""StreamField blocks of the public site's pages.

The outcome page's blocks that show figures, themes, opinion groups or quotes read them from the report
version the page pins (`OutcomePage.report_version`), never from live data, so a published page never
changes silently. Each of them says what it cannot find in that version (`snapshot_error`), which the
page's `clean()` shows against the block before anything is saved.
"""

from dataclasses import replace
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock

from calls.models import CallPage, Project
from consultations.models import Idea
from reports.highlights import report_highlights
from reports.schema import (
    Choice,
    ChoiceQuestion,
    ConsensusStatement,
    MapGroup,
    OpinionGroup,
    OpinionMap,
    Question,
    QuestionThemes,
    Quote,
    Report,
    Representative,
    Statements,
    StatementVotes,
    TextQuestion,
    Theme,
    VoteCounts,
)


def page_snapshot(parent_context):
    """The report version pinned by the page being rendered (or previewed), if any."""
    page = (parent_context or {}).get("page")
    return getattr(page, "report_version", None)


def nth_question(snapshot, position) -> Question | None:
    questions = snapshot.report.questions
    if not position or position < 1 or position > len(questions):
        return None
    return questions[position - 1]


def choice_question(snapshot, position) -> ChoiceQuestion | None:
    """The question at `position` if it has choices to show."""
    question = nth_question(snapshot, position)
    return question if isinstance(question, ChoiceQuestion) and question.choices else None


def sample_snapshot():
    """A small report version, for the previews of the editor's block chooser."""
    changes = _("What should change?")
    return SimpleNamespace(
        version=1,
        report=Report(
            participants=240,
            open_answers=180,
            questions=[
                ChoiceQuestion(
                    id="q1",
                    kind="single_choice",
                    label=_("How many days a week would you like to work from home?"),
                    respondents=240,
                    choices=[
                        Choice(id="a", label="0", count=36, percent=15.0, ci_low=11.0, ci_high=20.1),
                        Choice(id="b", label="1", count=84, percent=35.0, ci_low=29.2, ci_high=41.2),
                        Choice(id="c", label="2+", count=120, percent=50.0, ci_low=43.7, ci_high=56.3),
                    ],
                ),
                TextQuestion(id="q2", kind="open_text", label=changes, respondents=180, answers=180),
            ],
            themes=[
                QuestionThemes(
                    question_id="q2",
                    question_label=changes,
                    answers=180,
                    analysed=180,
                    themes=[
                        Theme(
                            id="t-1",
                            keywords=[_("screen"), _("desk")],
                            count=70,
                            share=38.9,
                            quotes=[
                                Quote(answer_id=1, text=_("A second screen at home would change everything."))
                            ],
                        ),
                        Theme(
                            id="t-2",
                            keywords=[_("hours")],
                            count=50,
                            share=27.8,
                            quotes=[Quote(answer_id=2, text=_("Flexible hours, agreed with the team."))],
                        ),
                    ],
                )
            ],
            statements=Statements(
                participants=120,
                groups=[
                    OpinionGroup(
                        id=1,
                        size=70,
                        representatives=[
                            Representative(
                                id=1,
                                text=_("Fridays should be remote."),
                                direction="agree",
                                percent=85,
                                rest_percent=30,
                            )
                        ],
                    ),
                    OpinionGroup(
                        id=2,
                        size=50,
                        representatives=[
                            Representative(
                                id=2,
                                text=_("The whole team should meet on a fixed day."),
                                direction="agree",
                                percent=80,
                                rest_percent=25,
                            )
                        ],
                    ),
                ],
                consensus=[
                    ConsensusStatement(id=3, text=_("The public desk should stay open every day."), score=0.8)
                ],
                opinion_map=OpinionMap(
                    x_range=[-1.6, 1.4],
                    y_range=[-0.9, 1.1],
                    marks=[
                        [-1.6, 0.2, 1, 30],
                        [-1.2, -0.4, 1, 25],
                        [-0.9, 0.5, 1, 15],
                        [1.0, 1.1, 2, 20],
                        [1.4, -0.9, 2, 18],
                        [0.8, 0.1, 2, 12],
                    ],
                    groups=[
                        MapGroup(
                            id=1,
                            size=70,
                            centre=[-1.27, 0.06],
                            outline=[[-1.6, 0.2], [-1.2, -0.4], [-0.9, 0.5]],
                            label=[-1.27, 0.5],
                        ),
                        MapGroup(
                            id=2,
                            size=50,
                            centre=[1.07, 0.15],
                            outline=[[1.0, 1.1], [0.8, 0.1], [1.4, -0.9]],
                            label=[1.07, 1.1],
                        ),
                    ],
                ),
                statement_votes=[
                    StatementVotes(
                        id=1,
                        text=_("Fridays should be remote."),
                        everyone=VoteCounts(agrees=75, disagrees=40, passes=5),
                        groups=[
                            VoteCounts(agrees=60, disagrees=8, passes=2),
                            VoteCounts(agrees=15, disagrees=32, passes=3),
                        ],
                    ),
                    StatementVotes(
                        id=3,
                        text=_("The public desk should stay open every day."),
                        everyone=VoteCounts(agrees=100, disagrees=12, passes=8),
                        groups=[
                            VoteCounts(agrees=58, disagrees=7, passes=5),
                            VoteCounts(agrees=42, disagrees=5, passes=3),
                        ],
                    ),
                ],
            ),
        ),
    )


class SnapshotBlock(blocks.StructBlock):
    """A block that shows something from the pinned report version."""

    def get_preview_context(self, value, parent_context=None):
        # The chooser's preview has no page: show the block on a sample report version.
        return {**(parent_context or {}), "page": SimpleNamespace(report_version=sample_snapshot())}

    def snapshot_error(self, value, snapshot) -> str | None:
        """Why this block cannot be shown from `snapshot`, or None when it can."""
        return None

    def snapshot_data(self, value, snapshot):
        raise NotImplementedError

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        snapshot = page_snapshot(parent_context)
        context["snapshot"] = snapshot
        available = snapshot is not None and self.snapshot_error(value, snapshot) is None
        context["data"] = self.snapshot_data(value, snapshot) if available else None
        return context


class ReportFigureBlock(SnapshotBlock):
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
            return {"kind": "number", "number": snapshot.report.participants}
        if value["figure"] == "open_answers":
            return {"kind": "number", "number": snapshot.report.open_answers}
        question = choice_question(snapshot, value.get("question_number"))
        if question is None:
            return None
        return {"kind": "distribution", "question": question}

    def snapshot_error(self, value, snapshot):
        if self.figure_data(value, snapshot) is None:
            return _("Question %(number)s is not a choice question of this report version.") % {
                "number": value.get("question_number") or "?"
            }
        return None

    def snapshot_data(self, value, snapshot):
        return self.figure_data(value, snapshot)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["figure"] = context["data"]
        return context


class ChoiceChartBlock(SnapshotBlock):
    """The answers to one choice question as a bar chart, with the same figures in a table."""

    question_number = blocks.IntegerBlock(
        label=_("Question number"),
        min_value=1,
        help_text=_("The choice question's position in the questionnaire (1 for the first)."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        label = _("Chart of a choice question")
        template = "cms/blocks/choice_chart.html"
        preview_value = {"question_number": 1, "caption": ""}
        description = _(
            "The share of each answer to a choice question, with its margin of error, as a chart and a "
            "table, from the pinned report version."
        )

    def snapshot_error(self, value, snapshot):
        if choice_question(snapshot, value.get("question_number")) is None:
            return _("Question %(number)s is not a choice question of this report version.") % {
                "number": value.get("question_number")
            }
        return None

    def snapshot_data(self, value, snapshot):
        return choice_question(snapshot, value["question_number"])


class ThemesBlock(SnapshotBlock):
    """The themes found in the written answers to one open question: keywords, counts and quotes."""

    question_number = blocks.IntegerBlock(
        label=_("Question number"),
        min_value=1,
        help_text=_("The open (long text) question's position in the questionnaire (1 for the first)."),
    )
    quotes = blocks.IntegerBlock(
        label=_("Quotes per theme"),
        min_value=0,
        max_value=3,
        default=1,
        help_text=_("How many of each theme's most typical answers to quote (0 to 3)."),
    )

    class Meta:
        icon = "list-ul"
        label = _("Themes of an open question")
        template = "cms/blocks/themes.html"
        preview_value = {"question_number": 2, "quotes": 1}
        description = _(
            "The themes of the written answers to an open question (their words, how many answers, "
            "typical quotes), from the pinned report version."
        )

    @staticmethod
    def section(value, snapshot) -> QuestionThemes | None:
        question = nth_question(snapshot, value.get("question_number"))
        if question is None:
            return None
        return snapshot.report.themes_of(question.id)

    def snapshot_error(self, value, snapshot):
        section = self.section(value, snapshot)
        if section is None:
            return _("Question %(number)s has no themes in this report version (not an open question).") % {
                "number": value.get("question_number")
            }
        if not section.themes:
            return _("This report version found no themes in the answers to question %(number)s.") % {
                "number": value.get("question_number")
            }
        return None

    def snapshot_data(self, value, snapshot):
        section = self.section(value, snapshot)
        limit = value.get("quotes") or 0
        themes = [
            {
                "label": theme.label,
                "keywords": theme.keywords,
                "count": theme.count,
                "quotes": theme.quotes[:limit],
                "percent": theme.share,  # already a percent of the analysed answers, one decimal
            }
            for theme in section.themes
        ]
        return {"question_label": section.question_label, "analysed": section.analysed, "themes": themes}


class OpinionGroupsBlock(SnapshotBlock):
    """The opinion groups of the statements vote: their size, what sets each apart, and consensus."""

    show_consensus = blocks.BooleanBlock(
        label=_("Show the statements every group agrees on"), required=False, default=True
    )

    class Meta:
        icon = "group"
        label = _("Opinion groups")
        template = "cms/blocks/opinion_groups.html"
        preview_value = {"show_consensus": True}
        description = _(
            "The groups of people who voted alike on the statements, what sets each group apart, and what "
            "they all agree on, from the pinned report version."
        )

    def snapshot_error(self, value, snapshot):
        section = snapshot.report.statements
        if section is None or not section.groups:
            return _("This report version has no opinion groups.")
        return None

    def snapshot_data(self, value, snapshot):
        section = snapshot.report.statements
        return {
            "participants": section.participants,
            "groups": section.groups,
            "consensus": section.agreed() if value.get("show_consensus") else [],
        }


class HighlightsBlock(SnapshotBlock):
    """The "À retenir" block: who took part, the opinion groups, what all agree on, the main division, the
    top themes and the most supported ideas, as the report page's first screen shows them, from the
    pinned version (reports/highlights.py)."""

    show_ideas = blocks.BooleanBlock(
        label=_("Show the most supported ideas"),
        required=False,
        default=True,
        help_text=_("Leave it out when the ideas are answered in their own section of this page."),
    )

    class Meta:
        icon = "list-ul"
        label = _("Key points")
        template = "cms/blocks/highlights.html"
        preview_value = {"show_ideas": True}
        description = _(
            "What to take away from the pinned report version: who took part, the opinion groups, what "
            "every group agrees on, the main division, the main themes and the most supported ideas."
        )

    def snapshot_data(self, value, snapshot):
        highlights = report_highlights(snapshot.report)
        return highlights if value.get("show_ideas") else replace(highlights, ideas=[])


class OpinionMapBlock(SnapshotBlock):
    """The map of opinions of the statements vote, drawn from the pinned report version, with its table."""

    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)

    class Meta:
        icon = "site"
        label = _("Map of opinions")
        template = "cms/blocks/opinion_map.html"
        preview_value = {"caption": ""}
        description = _(
            "The people who voted on the statements, placed on a map where those who voted alike are "
            "close, each opinion group outlined and named, with a table of the groups, from the pinned "
            "report version."
        )

    def snapshot_error(self, value, snapshot):
        section = snapshot.report.statements
        if section is None or section.opinion_map is None or not section.opinion_map.groups:
            return _(
                "This report version has no map of opinions (too few votes, or compiled before maps "
                "were drawn: compile a new version and choose it)."
            )
        return None

    def snapshot_data(self, value, snapshot):
        return snapshot.report.statements


class StatementGroupsBlock(SnapshotBlock):
    """How everyone and each opinion group voted on every statement, as bars and figures, from the
    pinned report version; readers order it by consensus or division."""

    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=300)

    class Meta:
        icon = "list-ol"
        label = _("Votes of each group, statement by statement")
        template = "cms/blocks/statement_groups.html"
        preview_value = {"caption": ""}
        description = _(
            "For each statement, the shares of agree, disagree and pass of everyone and of each opinion "
            "group, as bars and figures, from the pinned report version."
        )

    def snapshot_error(self, value, snapshot):
        section = snapshot.report.statements
        if section is None or not section.statement_votes:
            return _(
                "This report version has no votes per statement (none cast, or compiled before they "
                "were stored: compile a new version and choose it)."
            )
        return None

    def snapshot_data(self, value, snapshot):
        return snapshot.report.statements


class QuoteBlock(SnapshotBlock):
    """A written answer or a statement quoted from the pinned report version (never from live data)."""

    source = blocks.ChoiceBlock(
        label=_("Quote"),
        choices=[("answer", _("A written answer quoted by a theme")), ("statement", _("A statement"))],
        default="answer",
    )
    question_number = blocks.IntegerBlock(
        label=_("Question number"),
        required=False,
        min_value=1,
        help_text=_("For a written answer: the open question's position in the questionnaire."),
    )
    theme_number = blocks.IntegerBlock(
        label=_("Theme number"),
        required=False,
        min_value=1,
        help_text=_("For a written answer: the theme's position on the report page (1 for the first)."),
    )
    quote_number = blocks.IntegerBlock(
        label=_("Quote number"),
        required=False,
        min_value=1,
        max_value=3,
        help_text=_("For a written answer: which of the theme's quotes (1 to 3)."),
    )
    statement_id = blocks.IntegerBlock(
        label=_("Statement number"),
        required=False,
        min_value=1,
        help_text=_("For a statement: its number, as in the address of its page (…/statements/<number>/)."),
    )
    comment = blocks.CharBlock(
        label=_("What it illustrates"), required=False, max_length=300, help_text=_("Shown under the quote.")
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"
        preview_value = {"source": "answer", "question_number": 2, "theme_number": 1, "quote_number": 1}
        description = _(
            "A participant's words — a written answer quoted by a theme or a statement — as the pinned "
            "report version holds them."
        )

    def quote(self, value, snapshot) -> dict | None:
        if value.get("source") == "statement":
            section = snapshot.report.statements
            texts = section.texts() if section else {}
            statement_id = value.get("statement_id")
            if statement_id not in texts:
                return None
            return {"kind": "statement", "id": statement_id, "text": texts[statement_id]}
        section = ThemesBlock.section(value, snapshot)
        themes = section.themes if section else []
        theme_number, quote_number = value.get("theme_number") or 0, value.get("quote_number") or 1
        if not 1 <= theme_number <= len(themes):
            return None
        quotes = themes[theme_number - 1].quotes
        if not 1 <= quote_number <= len(quotes):
            return None
        quote = quotes[quote_number - 1]
        return {
            "kind": "answer",
            "id": quote.answer_id,
            "text": quote.text,
            "question": section.question_label,
        }

    def snapshot_error(self, value, snapshot):
        if self.quote(value, snapshot) is not None:
            return None
        if value.get("source") == "statement":
            return _(
                "Statement %(number)s is not quoted in this report version (only statements the report "
                "lists can be quoted)."
            ) % {"number": value.get("statement_id") or "?"}
        return _(
            "This report version has no quote %(quote)s in theme %(theme)s of question %(question)s."
        ) % {
            "quote": value.get("quote_number") or 1,
            "theme": value.get("theme_number") or "?",
            "question": value.get("question_number") or "?",
        }

    def snapshot_data(self, value, snapshot):
        return self.quote(value, snapshot)


class AccountabilityBlock(blocks.StructBlock):
    """What became of each contribution: the consultation's ideas with their status and the
    organisation's answer, or the decided projects of a call with their status and its reason.

    Statuses and answers are the current ones (they are decisions, kept up to date by officials), not
    the report version's. A call's projects are listed once its laureates are published (before, a
    decision may still change and applicants hear of it first), and only while the call itself is
    public. The laureates are named with the reason of their selection; the other decided dossiers are
    counted by status, never named: a dossier is seen only by its applicant, the call's officials and
    its evaluators, and the reason of a refusal is written to the applicant.
    """

    SOURCES = [("ideas", _("Ideas of the consultation")), ("projects", _("Projects of a call"))]
    DECIDED = (Project.Status.SELECTED, Project.Status.NOT_SELECTED, Project.Status.CLOSED)

    source = blocks.ChoiceBlock(label=_("List"), choices=SOURCES, default="ideas")
    call = blocks.PageChooserBlock(
        label=_("Call for projects"),
        page_type="calls.CallPage",
        required=False,
        help_text=_("For “projects of a call”: the call whose decided projects are listed."),
    )
    statuses = blocks.MultipleChoiceBlock(
        label=_("Statuses shown"),
        required=False,
        choices=Idea.Status.choices,
        help_text=_("Ideas only. Leave empty to list every idea."),
    )

    class Meta:
        icon = "tasks"
        label = _("What became of each idea or project")
        template = "cms/blocks/accountability.html"
        preview_value = {"source": "ideas", "statuses": []}
        description = _(
            "Lists each idea of the consultation with its status and the organisation's answer, or the "
            "laureates of a call with the reason of their selection and how many other dossiers were "
            "decided, kept up to date."
        )

    def clean(self, value):
        value = super().clean(value)
        if value.get("source") == "projects":
            call = value.get("call")
            if call is None:
                raise blocks.StructBlockValidationError(
                    block_errors={"call": ValidationError(_("Choose the call whose projects are listed."))}
                )
            if not call.specific.laureates_published_at:
                raise blocks.StructBlockValidationError(
                    block_errors={
                        "call": ValidationError(
                            _("Publish this call's laureates first: its decisions are not public yet.")
                        )
                    }
                )
        return value

    def items(self, value, page) -> list[dict]:
        if value.get("source") == "projects":
            return self._projects(value.get("call"))
        if page is None or not getattr(page, "consultation_id", None):
            return []
        ideas = Idea.objects.published().filter(consultation_id=page.consultation_id, merged_into=None)
        if value.get("statuses"):
            ideas = ideas.filter(status__in=value["statuses"])
        ideas = ideas.order_by("status", "title").only("id", "consultation_id", "title", "status", "answer")
        return [_row(idea, idea.get_absolute_url(), idea.answer) for idea in ideas]

    def _decided(self, call):
        """The call's decided projects, if its decisions are public: laureates published, call public."""
        if call is None:
            return Project.objects.none()
        public_calls = CallPage.objects.live().public().filter(laureates_published_at__isnull=False)
        return Project.objects.filter(call_id=call.pk, call__in=public_calls, status__in=self.DECIDED)

    def _projects(self, call) -> list[dict]:
        laureates = self._decided(call).filter(status=Project.Status.SELECTED).order_by("title")
        return [
            _row(project, "", project.status_reason)
            for project in laureates.only("id", "title", "status", "status_reason")
        ]

    def _others(self, call) -> list[dict]:
        """How many other dossiers were decided, by status (their titles stay private)."""
        others = (
            self._decided(call)
            .exclude(status=Project.Status.SELECTED)
            .values("status")
            .annotate(count=Count("pk"))
            .order_by("status")
        )
        labels = dict(Project.Status.choices)
        return [{"status": labels[row["status"]], "count": row["count"]} for row in others]

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        parent_context = parent_context or {}
        if "preview_items" in parent_context:
            context["items"] = parent_context["preview_items"]
        else:
            context["items"] = self.items(value, parent_context.get("page"))
        context["projects"] = value.get("source") == "projects"
        if context["projects"] and "preview_items" not in parent_context:
            context["others"] = self._others(value.get("call"))
        return context

    def get_preview_context(self, value, parent_context=None):
        # The chooser's preview has no consultation: two sample ideas, never saved.
        samples = [
            Idea(
                pk=1,
                consultation_id=1,
                title=_("A second screen for everyone"),
                status=Idea.Status.ACCEPTED,
                answer=_("Ordered for September."),
            ),
            Idea(
                pk=2,
                consultation_id=1,
                title=_("A four-day week"),
                status=Idea.Status.REJECTED,
                answer=_("Not possible under the current rules on working time."),
            ),
        ]
        return {**(parent_context or {}), "preview_items": [_row(idea, "", idea.answer) for idea in samples]}


def _row(item, url: str, answer: str) -> dict:
    return {
        "pk": item.pk,
        "title": item.title,
        "url": url,
        "status": item.get_status_display(),
        "answer": answer,
    }


class OutcomeBodyBlock(blocks.StreamBlock):
    """What we heard: headings, text, and what the pinned report version shows."""

    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=200,
        form_classname="title",
        icon="title",
        template="cms/blocks/section_heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    highlights = HighlightsBlock()
    report_figure = ReportFigureBlock()
    choice_chart = ChoiceChartBlock()
    themes = ThemesBlock()
    opinion_groups = OpinionGroupsBlock()
    opinion_map = OpinionMapBlock()
    statement_groups = StatementGroupsBlock()
    quote = QuoteBlock()


class OutcomeDecisionsBlock(blocks.StreamBlock):
    """What we decided and why: text, what became of each idea, and quotes."""

    heading = blocks.CharBlock(
        label=_("Heading"),
        max_length=200,
        form_classname="title",
        icon="title",
        template="cms/blocks/section_heading.html",
    )
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul"], icon="pilcrow"
    )
    accountability = AccountabilityBlock()
    quote = QuoteBlock()
    report_figure = ReportFigureBlock()

    class Meta:
        min_num = 1


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
