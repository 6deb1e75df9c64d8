from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager, PageViewRestriction
from wagtail.search import index

from consultations.blocks import Question, QuestionsBlock, questions_from_stream
from consultations.page_forms import ConsultationPageForm, OrganisationPageCopyForm
from core.windows import Phase, TimeWindow, TimeWindowPageQuerySet, window_panel


class Stage(models.TextChoices):
    """Where a consultation stands in its whole life, as the public sees it (the `Phase` is only the
    calendar). Each stage follows from facts: dates, a report compiled after closing, a published
    outcome page, follow-up updates."""

    DRAFT = "draft", _("Draft")
    UPCOMING = "upcoming", _("Announced")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ANALYSED = "analysed", _("Analysed")
    OUTCOME_PUBLISHED = "outcome_published", _("Outcome published")
    FOLLOW_UP = "follow_up", _("Follow-up")


class LegalBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", _("A task carried out in the public interest (GDPR art. 6.1.e)")
    CONSENT = "consent", _("Your consent (GDPR art. 6.1.a)")


def default_data_purpose() -> str:
    return str(_("Gather your views to inform the decision described above, and report back publicly on it."))


class ModerationPolicy(models.TextChoices):
    POST = "post", _("Published at once, moderated afterwards")
    PRE = "pre", _("Published once a moderator has approved it")


class Audience(models.TextChoices):
    SIGNED_IN = "signed_in", _("Anyone signed in")
    TERRITORY = "territory", _("Residents of a territory")
    INVITED = "invited", _("Invited participants only")


class Channel(models.TextChoices):
    """How a contribution reached the platform: typed by its author online, typed in by an agent from a
    paper form, or imported from a Pol.is conversation. Reports count contributions by channel."""

    ONLINE = "online", _("Online")
    PAPER = "paper", _("Paper form")
    POLIS = "polis", _("Pol.is import")


def _channel_field():
    # A database default too: bulk loads (COPY) that name no channel are online contributions.
    return models.CharField(
        _("channel"),
        max_length=10,
        choices=Channel.choices,
        default=Channel.ONLINE,
        db_default=Channel.ONLINE,
    )


def _reference_field(label):
    return models.CharField(label, max_length=64, blank=True, default="", db_default="")


class ViewRestrictionsInOneQuery:
    """Wagtail's `get_view_restrictions`, asked in one query rather than two (the page's ancestors,
    then their restrictions): every view of a consultation's statements, ideas and votes asks it, and so
    does every page Wagtail serves. Same answer: the restrictions of the page and of its ancestors, an
    alias among them standing for the page it is an alias of."""

    def get_view_restrictions(self):
        steps = self.steplen
        paths = [self.path[:end] for end in range(steps, len(self.path) + 1, steps)]
        on_the_way = Page.objects.filter(path__in=paths)
        return PageViewRestriction.objects.filter(
            models.Q(page__in=on_the_way.filter(alias_of__isnull=True))
            | models.Q(page__in=on_the_way.filter(alias_of__isnull=False).values("alias_of"))
        )


SECTION_LIST_LENGTH = 12


class OrganisationIndexPage(Page):
    """An organisation's section of the page tree, under the home page. Its officials and editors make
    the organisation's consultations and calls here, and have rights on this part of the tree only, through
    the section's group (consultations/sections.py). Made with the organisation, never in the page
    editor; its public page shows the organisation's open consultations and calls, and past ones."""

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="section",
        editable=False,
    )
    # The Wagtail group with the rights on the section: the organisation's officials and editors.
    group = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, related_name="organisation_section", editable=False
    )
    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["consultations.ConsultationPage", "calls.CallPage"]
    is_creatable = False  # sections.organisation_section_ensure makes it, with its group and rights
    template = "consultations/organisation_index_page.html"

    class Meta:
        verbose_name = _("organisation section")
        verbose_name_plural = _("organisation sections")

    def can_move_to(self, parent):
        # Where its pages' addresses start: it stays under the home page (reordering is not a move).
        return False

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        # The organisation's public pages, wherever they are: those made before sections existed
        # stayed under the home page, at their address.
        card = ("title", "url_path", "path", "depth", "opens_at", "closes_at", "organisation__name")
        for name, pages in (
            ("consultations", self.organisation.consultations),
            ("calls", self.organisation.calls),
        ):
            public = pages.live().public().select_related("organisation").only(*card)
            context[f"open_{name}"] = public.open_at(now).order_by("closes_at")[:SECTION_LIST_LENGTH]
            context[f"closed_{name}"] = public.in_phase(Phase.CLOSED, now).order_by("-closes_at")[
                :SECTION_LIST_LENGTH
            ]
        return context


class InOrganisationSection:
    """A page of an organisation (a consultation, a call). Made in the organisation's section, where the
    organisation's officials and editors have rights; its organisation is the section's.

    It never moves out of its organisation's section, nor into another's, not even by an administrator:
    the section decides who edits the page, and the page's organisation who reads its contributions.
    """

    copy_form_class = OrganisationPageCopyForm

    @staticmethod
    def section_organisation(parent):
        """The organisation whose section `parent` is, or None when it is not a section."""
        if parent is None:
            return None
        section = OrganisationIndexPage.objects.filter(pk=parent.pk).select_related("organisation").first()
        return section.organisation if section else None

    def can_move_to(self, parent):
        organisation = self.section_organisation(parent)
        return (
            organisation is not None
            and organisation.pk == self.organisation_id
            and super().can_move_to(parent)
        )


class OrganisationPage(InOrganisationSection, ViewRestrictionsInOneQuery, TimeWindow):
    """What a consultation and a call share: a page of an organisation, in its section, open for a time,
    found by the site search under its organisation's name.

    Each declares its own `organisation`, `opens_at` and `closes_at` fields: their help texts and the
    organisation's related name differ, and the migrations record them as they are.
    """

    # In its organisation's section; under the home page those made before sections existed, and those
    # the site's editors put there.
    parent_page_types = ["consultations.OrganisationIndexPage", "cms.HomePage"]

    @staticmethod
    def search_fields_with(*fields: str) -> list:
        """Found by the site search (search/) by its title, its introduction, `fields` and its
        organisation's name: what a participant would type to find it."""
        return [
            *Page.search_fields,
            index.SearchField("introduction"),
            *(index.SearchField(field) for field in fields),
            index.RelatedFields("organisation", [index.SearchField("name")]),
        ]


class ConsultationPage(OrganisationPage, Page):
    """A consultation: its calendar, the organisation that runs it and the questionnaire people answer."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="consultations",
        help_text=_("The public body that runs this consultation and reports back on it."),
    )
    introduction = RichTextField(
        _("introduction"),
        features=["bold", "italic", "link", "ol", "ul", "h2", "h3"],
        help_text=_("What is at stake, what can change, and how the contributions will be used."),
    )
    # The duty to report back: a consultation cannot be published without saying these.
    decision_at_stake = models.TextField(
        _("decision at stake"), help_text=_("What will be decided, by whom, and when.")
    )
    what_can_change = models.TextField(
        _("what can change"),
        help_text=_("What the contributions can still change, and what is already settled."),
    )
    use_of_contributions = models.TextField(
        _("how contributions will be used"),
        help_text=_("How the answers will be analysed, and when and where the outcome will be published."),
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    questions = StreamField(QuestionsBlock(), verbose_name=_("questionnaire"))
    statements_enabled = models.BooleanField(
        _("statements to vote on"),
        default=False,
        help_text=_("Participants write short statements and vote agree, disagree or pass on each other's."),
    )
    ideas_enabled = models.BooleanField(
        _("ideas"), default=False, help_text=_("Participants propose ideas and support each other's.")
    )
    statement_moderation = models.CharField(
        _("moderation of statements"),
        max_length=10,
        choices=ModerationPolicy.choices,
        default=ModerationPolicy.POST,
    )
    # The privacy notice of this consultation (RGPD art. 13): purpose, legal basis, retention.
    data_purpose = models.TextField(_("purpose of the data processing"), default=default_data_purpose)
    legal_basis = models.CharField(
        _("legal basis"), max_length=20, choices=LegalBasis.choices, default=LegalBasis.PUBLIC_TASK
    )
    retention_months = models.PositiveSmallIntegerField(
        _("months answers stay linked to their authors after closing"),
        default=12,
        help_text=_("Afterwards the answers are kept without any link to the people who gave them."),
    )

    # Who may contribute (answer, write statements and ideas, vote, support); decided in permissions.py.
    audience = models.CharField(
        _("who may take part"), max_length=20, choices=Audience.choices, default=Audience.SIGNED_IN
    )
    audience_territory = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "For “residents of a territory”: people whose declared commune is this territory or inside it."
        ),
    )

    # The Pol.is conversation this consultation was imported from, if any: its URL, else a hash of the
    # export's files (consultations/imports/polis.py). Importing the same conversation twice is refused,
    # by the import and by the constraint `consultation_imported_once` when two run at once
    # (`manage.py import_polis --replace` replaces the first import).
    imported_from = models.CharField(max_length=200, blank=True, default="", editable=False, db_index=True)
    # A copy of the page is not the import (it has none of the statements).
    exclude_fields_in_copy = ["imported_from"]

    objects = PageManager.from_queryset(TimeWindowPageQuerySet)()

    search_fields = OrganisationPage.search_fields_with("decision_at_stake", "what_can_change")

    content_panels = [
        *Page.content_panels,
        FieldPanel("organisation"),
        FieldPanel("introduction"),
        MultiFieldPanel(
            [
                FieldPanel("decision_at_stake"),
                FieldPanel("what_can_change"),
                FieldPanel("use_of_contributions"),
            ],
            heading=_("Duty to report back"),
        ),
        window_panel(),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldPanel("audience"),
                FieldPanel("audience_territory"),
                InlinePanel("invited_participants", label=_("Invited e-mail addresses")),
            ],
            heading=_("Who may take part"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("statements_enabled"),
                FieldPanel("statement_moderation"),
                FieldPanel("ideas_enabled"),
            ],
            heading=_("Statements and ideas"),
        ),
        MultiFieldPanel(
            [FieldPanel("data_purpose"), FieldPanel("legal_basis"), FieldPanel("retention_months")],
            heading=_("Personal data"),
        ),
        InlinePanel(
            "updates",
            heading=_("Follow-up updates"),
            label=_("Follow-up update"),
            help_text=_("After closing: what has happened since, dated. Followers get it in their digest."),
        ),
    ]

    template = "consultations/consultation_page.html"
    base_form_class = ConsultationPageForm

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(
                fields=["imported_from"],
                condition=~models.Q(imported_from=""),
                name="consultation_imported_once",
            ),
        ]

    def clean(self):
        super().clean()
        if errors := self.window_errors():
            raise ValidationError(errors)
        if not self.questions and not (self.statements_enabled or self.ideas_enabled):
            raise ValidationError(
                {
                    "questions": _(
                        "Add at least one question, or open the consultation to statements or ideas."
                    )
                }
            )
        if self.audience == Audience.TERRITORY and not self.audience_territory_id:
            raise ValidationError(
                {"audience_territory": _("Choose the territory whose residents may take part.")}
            )

    def save(self, *args, **kwargs):
        # A questionnaire given as raw data (demo content, imports) has no ids on its choices yet;
        # reading every question now gives each one an id that is stored with it, so that answers keep
        # pointing at the same choices from then on.
        list(self.questions)
        return super().save(*args, **kwargs)

    @property
    def anonymised_on(self):
        """When the answers stop being linked to their authors."""
        return self.closes_at + timedelta(days=30 * self.retention_months)

    def stage(self, moment=None) -> Stage:
        moment = moment or timezone.now()
        if not self.live or self.pk is None:
            return Stage.DRAFT
        phase = self.phase(moment)
        if phase != Phase.CLOSED:
            return Stage(phase.value)
        if self.updates.exists():
            return Stage.FOLLOW_UP
        # The outcome pages' model belongs to the site (cms), reached through the relation it declares.
        if self.outcome_pages.live().exists():
            return Stage.OUTCOME_PUBLISHED
        if self.report_snapshots.filter(compiled_at__gte=self.closes_at).exists():
            return Stage.ANALYSED
        return Stage.CLOSED

    def stages(self, moment=None) -> list[dict]:
        """Every stage after the draft, each marked done, current or to come, for the page's timeline."""
        current = self.stage(moment)
        order = list(Stage)[1:]
        position = order.index(current) if current in order else -1
        return [
            {"label": stage.label, "done": index < position, "current": index == position}
            for index, stage in enumerate(order)
        ]

    @cached_property
    def question_list(self) -> list[Question]:
        return questions_from_stream(self.questions)

    def serve(self, request, *args, **kwargs):
        # The view (consultations/views.py) imports these models, so it cannot be imported here:
        # consultations/wagtail_hooks.py registers it under a hook of ours.
        [view] = hooks.get_hooks("serve_consultation_page")
        return view(request, self)

    def serve_preview(self, request, mode_name):
        # The admin's preview shows the page as participants get it, through the same view.
        request.is_preview = True
        return self.serve(request)


class ConsultationUpdate(Orderable):
    """A dated follow-up update on a consultation: what has happened since (a decision taken, works
    started). Shown on the consultation page, newest first, and sent in the followers' weekly digest."""

    consultation = ParentalKey(ConsultationPage, on_delete=models.CASCADE, related_name="updates")
    published_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), max_length=5000)

    panels = [FieldPanel("published_on"), FieldPanel("title"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        verbose_name = _("follow-up update")
        verbose_name_plural = _("follow-up updates")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.published_on and self.published_on > timezone.localdate():
            raise ValidationError(
                {"published_on": _("An update tells what has happened: it cannot be dated in the future.")}
            )


class ConsultationUpdateRelease(models.Model):
    """When a follow-up update was first published, which is what the weekly digest goes by.

    A row of its own: publishing a revision of the consultation page rewrites the updates' rows from the
    revision, and the date typed by the editor says when things happened, not when people heard of it.
    """

    update = models.OneToOneField(
        ConsultationUpdate, on_delete=models.CASCADE, primary_key=True, related_name="release"
    )
    released_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.update_id} {self.released_at:%Y-%m-%d %H:%M}"


class LowercaseEmailFormField(forms.EmailField):
    def to_python(self, value):
        return super().to_python(value).lower()


class LowercaseEmailField(models.EmailField):
    """An e-mail address kept in lower case, from the form on: two spellings of one address are then
    one address for the form's duplicate check and for the database's unique constraint."""

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": LowercaseEmailFormField, **kwargs})


class InvitedParticipant(models.Model):
    """An e-mail address invited to a consultation open to invited participants only.

    Whoever confirms this address on their account may take part. Stored in lower case.
    """

    consultation = ParentalKey(
        ConsultationPage, on_delete=models.CASCADE, related_name="invited_participants"
    )
    email = LowercaseEmailField(_("e-mail address"))

    panels = [FieldPanel("email")]

    class Meta:
        verbose_name = _("invited participant")
        verbose_name_plural = _("invited participants")
        constraints = [
            models.UniqueConstraint(fields=["consultation", "email"], name="invited_participant_once"),
        ]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Response.Status.SUBMITTED)


class Response(models.Model):
    """One participant's answers to one consultation's questionnaire; editable until closing.

    A draft is stored so the participant can come back to it, but it is not a contribution yet: it is
    left out of reports and counts, and gets no receipt, until it is sent.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Sent")

    # PROTECT: deleting a consultation never deletes what people sent (see wagtail_hooks.py).
    consultation = models.ForeignKey(ConsultationPage, on_delete=models.PROTECT, related_name="responses")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="responses"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # When it was first sent; None for a draft.
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)
    # When the receipt e-mail for the latest version of the answers went out.
    receipt_sent_at = models.DateTimeField(null=True, blank=True)
    # A paper form has no participant: its number (`reference`) stands for the person, once per
    # consultation, and the agent who typed it in is recorded.
    channel = _channel_field()
    reference = _reference_field(_("paper form number"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "participant"], name="response_one_per_participant"
            ),
            models.UniqueConstraint(
                fields=["consultation", "channel", "reference"],
                condition=~models.Q(reference=""),
                name="response_reference_once",
            ),
            # Paper and imported responses never belong to an account.
            models.CheckConstraint(
                condition=models.Q(channel="online") | models.Q(participant__isnull=True),
                name="response_offline_without_account",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft", submitted_at__isnull=True)
                | models.Q(status="submitted", submitted_at__isnull=False),
                name="response_sent_when_submitted",
            ),
        ]

    def __str__(self):
        return f"{self.consultation} #{self.pk}"


class Answer(models.Model):
    """One piece of the answer to one question; `question_id` and `choice_id` are the questionnaire's
    block ids.

    A text or a number is one row; a choice question has one row per chosen choice (several for a
    multiple choice), a ranking one row per choice with its `position` (1 for the first), and the
    "Other" choice is `choice_id="other"` with the participant's words in `text`.
    """

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question_id = models.CharField(max_length=64)
    choice_id = models.CharField(max_length=64, blank=True)
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    position = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            # A choice is chosen once; a question has at most one text or number row (choice_id "").
            models.UniqueConstraint(
                fields=["response", "question_id", "choice_id"], name="answer_choice_once"
            ),
            models.UniqueConstraint(
                fields=["response", "question_id", "position"],
                condition=models.Q(position__isnull=False),
                name="answer_rank_once",
            ),
            models.CheckConstraint(
                condition=~(models.Q(choice_id="") & models.Q(text="") & models.Q(number__isnull=True)),
                name="answer_not_empty",
            ),
            # Free text beside a choice is only the "Other" choice's.
            models.CheckConstraint(
                condition=models.Q(text="") | models.Q(choice_id="") | models.Q(choice_id="other"),
                name="answer_text_only_with_other",
            ),
            models.CheckConstraint(
                condition=models.Q(number__isnull=True) | (models.Q(choice_id="") & models.Q(text="")),
                name="answer_number_alone",
            ),
            models.CheckConstraint(
                condition=models.Q(position__isnull=True)
                | (models.Q(position__gte=1) & ~models.Q(choice_id="")),
                name="answer_position_of_a_choice",
            ),
        ]

    def __str__(self):
        return f"{self.response_id}:{self.question_id}"


class Follow(models.Model):
    """A person follows a consultation: its news reach them in the weekly digest."""

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["consultation", "user"], name="follow_once")]

    def __str__(self):
        return f"{self.user_id} → {self.consultation_id}"


class ExternalParticipant(models.Model):
    """Someone who took part outside the platform (in a Pol.is conversation), known only by that
    platform's number for them.

    Not an account: it cannot sign in, receives no e-mail, holds no personal data and is listed nowhere
    as a person. It exists so that their votes keep "one person, one vote" (a unique constraint per
    statement) and group together in the opinion-groups analysis.
    """

    consultation = models.ForeignKey(
        ConsultationPage, on_delete=models.PROTECT, related_name="external_participants"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reference = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "channel", "reference"], name="external_participant_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(channel="online"), name="external_participant_offline"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.reference}"


STATEMENT_MAX_LENGTH = 280


class StatementQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Statement.Status.PUBLISHED)


class Statement(models.Model):
    """A short statement participants vote on (agree, disagree, pass), as in Pol.is."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by moderation")

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.PROTECT, related_name="statements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="statements"
    )
    text = models.CharField(_("statement"), max_length=STATEMENT_MAX_LENGTH)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True)
    # Why a moderator hid it (or restored it), shown to its author.
    moderation_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    channel = _channel_field()
    # An imported statement's number in its source (the Pol.is comment id).
    reference = _reference_field(_("reference in the source"))

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "channel", "reference"],
                condition=~models.Q(reference=""),
                name="statement_reference_once",
            ),
        ]

    def __str__(self):
        return self.text

    def get_absolute_url(self):
        return reverse("statement_detail", args=[self.consultation_id, self.pk])


class Vote(models.Model):
    """One person's current vote on one statement (the coding of Pol.is exports)."""

    class Value(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="votes")
    participant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="votes"
    )
    # The voter of an imported vote (instead of an account).
    external_participant = models.ForeignKey(
        ExternalParticipant, on_delete=models.PROTECT, null=True, blank=True, related_name="votes"
    )
    value = models.SmallIntegerField(choices=Value.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    channel = _channel_field()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "participant"], name="vote_one_per_participant"),
            models.UniqueConstraint(
                fields=["statement", "external_participant"], name="vote_one_per_external_participant"
            ),
            models.CheckConstraint(
                condition=models.Q(participant__isnull=True) | models.Q(external_participant__isnull=True),
                name="vote_one_voter",
            ),
            models.CheckConstraint(condition=models.Q(value__in=[-1, 0, 1]), name="vote_value_known"),
        ]

    def __str__(self):
        return f"{self.participant_id} → {self.statement_id}: {self.value}"


class Visibility(models.TextChoices):
    """Where moderation left an idea or a comment."""

    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by moderation")


class IdeaQuerySet(models.QuerySet):
    def published(self):
        return self.filter(moderation_status=Visibility.PUBLISHED)

    def visible_to(self, user):
        """Published ideas, and the viewer's own hidden ones (shown to them with the reason)."""
        if not user.is_authenticated:
            return self.published()
        return self.filter(models.Q(moderation_status=Visibility.PUBLISHED) | models.Q(author=user))


class Idea(index.Indexed, models.Model):
    """An idea proposed by a participant, supported by others, answered by the organisation."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_STUDY = "under_study", _("Under study")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        DONE = "done", _("Done")

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.PROTECT, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="ideas"
    )
    title = models.CharField(_("title"), max_length=150)
    text = models.TextField(_("description"), max_length=3000)
    theme = models.CharField(_("theme"), max_length=100, blank=True)
    territory = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("territory"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    # The organisation's answer, shown on the idea: why this status.
    answer = models.TextField(_("official answer"), max_length=3000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Moderation, apart from the organisation's answer: a hidden idea leaves the public lists.
    moderation_status = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PUBLISHED, db_index=True
    )
    moderation_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # A duplicate merged into another idea: its supports moved there, it takes no new ones.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_ideas"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = IdeaQuerySet.as_manager()

    # Found by the site search (search/) while published and not merged into another idea.
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("text"),
        index.SearchField("theme"),
        index.SearchField("answer"),
        index.FilterField("id"),
    ]

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")), name="idea_not_merged_into_itself"
            )
        ]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("idea_detail", args=[self.consultation_id, self.pk])

    @classmethod
    def get_indexed_objects(cls):
        return cls.objects.published().filter(merged_into=None)


class Support(models.Model):
    """One person's support for one idea."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    supporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="supports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "supporter"], name="support_one_per_person")]

    def __str__(self):
        return f"{self.supporter_id} → {self.idea_id}"


COMMENT_MAX_LENGTH = 2000
# The author may correct a comment this long after posting it; after that it stands as written.
COMMENT_EDIT_WINDOW = timedelta(minutes=15)
# Levels of a thread (0, 1, 2): replies deeper than this are shown at the last level.
COMMENT_MAX_DEPTH = 3


class Stance(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    NEUTRAL = "neutral", _("Neutral")


class Comment(models.Model):
    """A comment on an idea or a statement, with a stance; replies form a thread of bounded depth."""

    class Status(models.TextChoices):
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden by moderation")
        DELETED = "deleted", _("Deleted by its author")

    consultation = models.ForeignKey(ConsultationPage, on_delete=models.PROTECT, related_name="comments")
    idea = models.ForeignKey(Idea, on_delete=models.PROTECT, null=True, blank=True, related_name="comments")
    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="comments"
    )
    # The comment replied to (always on the same idea or statement).
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="comments"
    )
    # Plain text, escaped when shown; emptied when its author deletes it.
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH, blank=True)
    stance = models.CharField(_("stance"), max_length=10, choices=Stance.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED, db_index=True)
    moderation_reason = models.CharField(_("reason"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(idea__isnull=False, statement__isnull=True)
                | models.Q(idea__isnull=True, statement__isnull=False),
                name="comment_on_idea_or_statement",
            ),
            models.CheckConstraint(
                condition=models.Q(stance__in=["for", "against", "neutral"]), name="comment_stance_known"
            ),
            models.CheckConstraint(
                condition=models.Q(depth__lt=COMMENT_MAX_DEPTH), name="comment_depth_bounded"
            ),
        ]

    def __str__(self):
        return self.text[:50]

    def get_absolute_url(self):
        return f"{self.target.get_absolute_url()}#comment-{self.pk}"

    @property
    def target(self):
        """The idea or statement commented on."""
        return self.idea if self.idea_id else self.statement

    def editable_until(self):
        return self.created_at + COMMENT_EDIT_WINDOW


def _exactly_one_of(*fields: str) -> models.Q:
    """A condition true when exactly one of these foreign keys is set."""
    conditions = [models.Q(**{f"{field}__isnull": field != chosen for field in fields}) for chosen in fields]
    condition = conditions[0]
    for other in conditions[1:]:
        condition |= other
    return condition


CONTRIBUTION_FIELDS = ("statement", "idea", "comment")


class Report(models.Model):
    """A participant signals a statement, an idea or a comment to the moderators, with a reason.

    One open report per person and item (partial unique constraints); handling the item closes its
    reports (`resolved_at`), after which the person may report it again.
    """

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive, hateful or abusive")
        PERSONAL_DATA = "personal_data", _("Reveals personal data")
        OFF_TOPIC = "off_topic", _("Off topic")
        OTHER = "other", _("Other")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="reports"
    )
    statement = models.ForeignKey(
        Statement, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="reports")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The moderation action that decided it (hidden or kept), and when its reporter was told.
    decided_by = models.ForeignKey(
        "ModerationAction", on_delete=models.SET_NULL, null=True, blank=True, related_name="decided_reports"
    )
    reporter_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=_exactly_one_of(*CONTRIBUTION_FIELDS), name="report_one_target"),
            models.CheckConstraint(
                condition=models.Q(reason__in=["spam", "offensive", "personal_data", "off_topic", "other"]),
                name="report_reason_known",
            ),
            *(
                models.UniqueConstraint(
                    fields=["reporter", field],
                    condition=models.Q(resolved_at__isnull=True),
                    name=f"report_open_once_per_{field}",
                )
                for field in CONTRIBUTION_FIELDS
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} #{self.pk}"


class ModerationAction(models.Model):
    """The audit log of moderation: who did what to which statement, idea or comment, when and why."""

    class Kind(models.TextChoices):
        APPROVE = "approve", _("Approved")
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Reports dismissed (kept)")
        MERGE = "merge", _("Merged into another idea")

    statement = models.ForeignKey(
        Statement, on_delete=models.PROTECT, null=True, blank=True, related_name="moderation_actions"
    )
    idea = models.ForeignKey(
        Idea, on_delete=models.PROTECT, null=True, blank=True, related_name="moderation_actions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.PROTECT, null=True, blank=True, related_name="moderation_actions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the author of what was hidden was told (once, however often the task runs).
    author_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=_exactly_one_of(*CONTRIBUTION_FIELDS), name="moderation_action_one_target"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.statement_id or self.idea_id or self.comment_id}"

    @property
    def item(self):
        return self.statement or self.idea or self.comment
