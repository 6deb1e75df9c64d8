"""Calls for projects ("appels à projets", "appels à témoignages"), the dossiers people submit to them,
and their evaluation: eligibility, evaluators and their scores, decisions, follow-up milestones."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.search import index

from calls.page_forms import CallPageForm
from consultations.models import OrganisationPage
from core.windows import Phase, TimeWindowPageQuerySet, window_panel


def private_storage():
    return storages["private"]


class CallKind(models.TextChoices):
    FUNDING = "funding", _("Call for projects (funding)")
    INITIATIVES = "initiatives", _("Call for field initiatives")


class ApplicantType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ASSOCIATION = "association", _("Association")
    COMPANY = "company", _("Company")
    PUBLIC_BODY = "public_body", _("Public body or public agent")


class CallPage(OrganisationPage, Page):
    """A call for projects or for field initiatives: what it funds or looks for, who may apply, how
    dossiers are judged, and its calendar."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="calls",
        help_text=_("The public body that runs this call and decides on the dossiers."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices, default=CallKind.FUNDING)
    introduction = RichTextField(
        _("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h2", "h3"]
    )
    objectives = models.TextField(_("objectives"), help_text=_("What the call wants to achieve."))
    eligibility = models.TextField(
        _("eligibility"), blank=True, help_text=_("Who may apply and on what conditions, in plain words.")
    )
    accepts_individuals = models.BooleanField(_("individuals may apply"), default=True)
    accepts_associations = models.BooleanField(_("associations may apply (RNA number)"), default=True)
    accepts_companies = models.BooleanField(_("companies may apply (SIRET number)"), default=False)
    accepts_public_bodies = models.BooleanField(_("public bodies or agents may apply"), default=False)
    territory = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Projects must take place in this territory. Leave empty for anywhere."),
    )
    total_budget = models.DecimalField(
        _("total budget (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    min_amount = models.DecimalField(
        _("minimum per project (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("maximum per project (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), help_text=_("Dossiers can be edited until then."))
    decision_expected_on = models.DateField(_("decision expected on"), null=True, blank=True)
    rules = RichTextField(_("rules"), blank=True, features=["bold", "italic", "link", "ol", "ul", "h2", "h3"])
    max_file_size_mb = models.PositiveSmallIntegerField(
        _("largest attachment (MB)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    laureates_published_at = models.DateTimeField(
        _("laureates published at"), null=True, blank=True, editable=False
    )

    objects = PageManager.from_queryset(TimeWindowPageQuerySet)()

    search_fields = OrganisationPage.search_fields_with("objectives", "eligibility")

    content_panels = [
        *Page.content_panels,
        FieldPanel("organisation"),
        FieldPanel("kind"),
        FieldPanel("introduction"),
        FieldPanel("objectives"),
        MultiFieldPanel(
            [
                FieldPanel("eligibility"),
                FieldRowPanel(
                    [
                        FieldPanel("accepts_individuals"),
                        FieldPanel("accepts_associations"),
                        FieldPanel("accepts_companies"),
                        FieldPanel("accepts_public_bodies"),
                    ]
                ),
                FieldPanel("territory"),
            ],
            heading=_("Eligibility"),
        ),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("total_budget"), FieldPanel("min_amount"), FieldPanel("max_amount")])],
            heading=_("Budget"),
        ),
        window_panel(FieldPanel("decision_expected_on")),
        InlinePanel("criteria", heading=_("Scoring grid"), label=_("Criterion"), min_num=1),
        InlinePanel("fields", heading=_("Questions of the dossier"), label=_("Question")),
        InlinePanel("documents", heading=_("Documents to attach"), label=_("Document")),
        FieldPanel("max_file_size_mb"),
        FieldPanel("rules"),
    ]
    subpage_types: list[str] = []
    template = "calls/call_page.html"
    base_form_class = CallPageForm

    class Meta:
        verbose_name = _("call for projects")
        verbose_name_plural = _("calls for projects")

    def clean(self):
        super().clean()
        errors = self.window_errors()
        if self.min_amount is not None and self.max_amount is not None and self.min_amount > self.max_amount:
            errors["max_amount"] = _("The maximum per project must not be below the minimum.")
        if (
            self.max_amount is not None
            and self.total_budget is not None
            and self.max_amount > self.total_budget
        ):
            errors["max_amount"] = _("The maximum per project must not exceed the total budget.")
        if not self.applicant_types:
            errors["accepts_individuals"] = _("Accept at least one kind of applicant.")
        if errors:
            raise ValidationError(errors)

    @property
    def applicant_types(self) -> list[str]:
        flags = [
            (self.accepts_individuals, ApplicantType.INDIVIDUAL),
            (self.accepts_associations, ApplicantType.ASSOCIATION),
            (self.accepts_companies, ApplicantType.COMPANY),
            (self.accepts_public_bodies, ApplicantType.PUBLIC_BODY),
        ]
        return [kind for accepted, kind in flags if accepted]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["is_open"] = self.live and self.is_open(now)
        context["not_yet"] = self.phase(now) == Phase.UPCOMING
        labels = dict(ApplicantType.choices)
        context["applicant_labels"] = [labels[kind] for kind in self.applicant_types]
        return context

    @property
    def max_file_size(self) -> int:
        return self.max_file_size_mb * 1024 * 1024

    def inline_items_in_use(self, name) -> set[int]:
        """The pks of this call's items of the inline `name` (criteria, documents, fields) that dossiers
        or scores rely on: the editor keeps them (`CallPageForm`)."""
        call_id = self.pk
        if not call_id:
            return set()
        if name == "criteria":
            return set(
                Score.objects.filter(criterion__call_id=call_id).values_list("criterion_id", flat=True)
            )
        if name == "documents":
            return set(
                Attachment.objects.filter(document__call_id=call_id).values_list("document_id", flat=True)
            )
        answered = set()
        for field_id in CallField.objects.filter(call_id=call_id).values_list("pk", flat=True):
            if Project.objects.filter(call_id=call_id, answers__has_key=f"field_{field_id}").exists():
                answered.add(field_id)
        return answered


class Criterion(Orderable):
    """One line of the scoring grid; a dossier's mark is the weighted mean of its criteria."""

    call = ParentalKey(CallPage, on_delete=models.CASCADE, related_name="criteria")
    label = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what evaluators look at"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    panels = [
        FieldPanel("label"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("weight"), FieldPanel("max_score")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.label


class FieldKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes or no")
    DATE = "date", _("Date")


class CallField(Orderable):
    """A question of the dossier chosen by the editors of the call, beyond the common ones."""

    call = ParentalKey(CallPage, on_delete=models.CASCADE, related_name="fields")
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind of answer"), max_length=20, choices=FieldKind.choices)
    required = models.BooleanField(_("required to submit"), default=True)

    panels = [
        FieldPanel("label"),
        FieldPanel("help_text"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("required")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question of the dossier")
        verbose_name_plural = _("questions of the dossier")

    def __str__(self):
        return self.label

    @property
    def key(self) -> str:
        return f"field_{self.pk}"


class RequiredDocument(Orderable):
    """A document applicants attach (a PDF, an image, a spreadsheet...)."""

    call = ParentalKey(CallPage, on_delete=models.CASCADE, related_name="documents")
    label = models.CharField(_("document"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    required = models.BooleanField(_("required to submit"), default=True)

    panels = [FieldPanel("label"), FieldPanel("description"), FieldPanel("required")]

    class Meta(Orderable.Meta):
        verbose_name = _("document to attach")
        verbose_name_plural = _("documents to attach")

    def __str__(self):
        return self.label


class Service(models.Model):
    """A service of the organisation to which officials assign dossiers."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="call_services"
    )
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="calls_service_unique_name")
        ]

    def __str__(self):
        return self.name


class Tag(models.Model):
    """A label officials put on dossiers of their organisation's calls."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="call_tags"
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="calls_tag_unique_name")]

    def __str__(self):
        return self.name


class ProjectQuerySet(models.QuerySet):
    def submitted(self):
        return self.exclude(status=Project.Status.DRAFT)

    def laureates(self):
        return self.filter(status=Project.Status.SELECTED, call__laureates_published_at__isnull=False)


class Project(index.Indexed, models.Model):
    """A dossier submitted to a call ("dossier de candidature")."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Not eligible")
        IN_EVALUATION = "in_evaluation", _("Being evaluated")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        CLOSED = "closed", _("Closed without follow-up")

    call = models.ForeignKey(CallPage, on_delete=models.PROTECT, related_name="projects")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    reference = models.CharField(_("reference"), max_length=32, blank=True, editable=False)
    title = models.CharField(_("title of the project"), max_length=200)
    summary = models.TextField(_("summary"), blank=True, max_length=3000)
    amount_requested = models.DecimalField(
        _("amount requested (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    territory = models.ForeignKey(
        "accounts.Territory",
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applicant_type = models.CharField(
        _("applying as"), max_length=20, choices=ApplicantType.choices, blank=True
    )
    organisation_name = models.CharField(_("name of the organisation"), max_length=200, blank=True)
    siret = models.CharField(_("SIRET number"), max_length=14, blank=True)
    rna = models.CharField(_("RNA number"), max_length=10, blank=True)
    # Associations of Moselle, Bas-Rhin and Haut-Rhin (local law of 1908) have no RNA number: they are
    # entered in the register of associations of their local court, and give that entry instead.
    local_register = models.CharField(
        _("Alsace-Moselle association: register entry"), max_length=100, blank=True
    )
    answers = models.JSONField(_("answers to the call's questions"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_reason = models.TextField(_("reason of the last decision"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="projects")
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ProjectQuerySet.as_manager()

    # Found by the site search (search/) once published as a laureate; drafts and the dossiers still
    # being examined are never indexed (the applicant's answers and documents never are).
    search_fields = [
        index.SearchField("title", boost=2),
        index.SearchField("summary"),
        index.SearchField("organisation_name"),
        index.FilterField("id"),
    ]

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="calls_project_submitted_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_requested__gte=0), name="calls_project_amount_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return self.title

    @classmethod
    def get_indexed_objects(cls):
        return cls.objects.laureates()

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class TeamMember(models.Model):
    """A person of the project's team, or a co-applicant sharing the dossier."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role in the project"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    co_applicant = models.BooleanField(_("co-applicant"), default=False)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class BudgetLine(models.Model):
    """One expense of the project's budget; the lines add up to the amount requested."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    label = models.CharField(_("expense"), max_length=200)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="calls_budget_line_positive")
        ]

    def __str__(self):
        return self.label


def attachment_path(instance, filename):
    # The stored name never reuses the uploaded one: it is served only through a permission check.
    return f"calls/{instance.project.call_id}/{instance.project_id}/{instance.token}"


class Attachment(models.Model):
    """A file attached to a dossier, whose type was read from its content; stored privately."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        RequiredDocument, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True, editable=False)
    file = models.FileField(storage=private_storage, upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name


class StatusChange(models.Model):
    """One step of a dossier's life, with its reason; the applicant is told of each by e-mail."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Project.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Project.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.project_id}: {self.from_status} → {self.to_status}"


class Assignment(models.Model):
    """A dossier given to an evaluator, who first declares any conflict of interest."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="assignments")
    # An evaluator's deleted account leaves their scores in the ranking (nothing is lost).
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="call_assignments"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # None until declared: scoring needs a declaration of no conflict.
    has_conflict = models.BooleanField(_("conflict of interest"), null=True, blank=True)
    conflict_note = models.TextField(_("conflict of interest"), blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "evaluator"], name="calls_assignment_unique"),
        ]

    def __str__(self):
        return f"{self.project_id} / {self.evaluator_id}"

    @property
    def may_score(self) -> bool:
        return self.has_conflict is False


class EvaluatorInvitationQuerySet(models.QuerySet):
    def pending(self, moment=None):
        return self.filter(accepted_at=None, expires_at__gt=moment or timezone.now())


class EvaluatorInvitation(models.Model):
    """An e-mailed, expiring, single-use invitation to evaluate a dossier, for an outside expert who has
    no account yet: following the link, they sign up (or sign in) and the dossier is given to them.

    Only a hash of the token is stored, made when the e-mail is sent (as `accounts.Invitation`).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluator_invitations")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    # Set once the e-mail is sent: a task delivered twice sends it once.
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = EvaluatorInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluator invitation")
        verbose_name_plural = _("evaluator invitations")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.project_id} / {self.email}"

    @property
    def is_expired(self) -> bool:
        return self.accepted_at is None and self.expires_at <= timezone.now()


class Score(models.Model):
    """An evaluator's score on one criterion, private until the decision."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="scores")
    # PROTECT: a criterion evaluators have scored cannot be deleted (see page_forms.CallPageForm).
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="calls_score_unique"),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"


class Milestone(models.Model):
    """A follow-up step of a selected project, with its progress."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts the changes that reached followers: each revision is e-mailed to each follower once.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="calls_milestone_progress_max"
            ),
        ]

    def __str__(self):
        return self.title


class ProjectFollow(models.Model):
    """A person follows a published laureate: each new or changed milestone is e-mailed to them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("project follow")
        verbose_name_plural = _("project follows")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="calls_project_follow_once"),
        ]

    def __str__(self):
        return f"{self.user_id} → {self.project_id}"


class MilestoneNotification(models.Model):
    """One revision of a milestone e-mailed to one follower: committed with the sending (in one
    transaction), so that a task run twice sends once and a failed or interrupted sending leaves none."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    progress = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "user", "revision"], name="calls_milestone_notification_once"
            ),
        ]

    def __str__(self):
        return f"{self.milestone_id}@{self.revision} → {self.user_id}"


class AnswerTemplate(models.Model):
    """A prepared reason officials pick when they change the status of many dossiers at once."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="call_answer_templates"
    )
    name = models.CharField(_("name"), max_length=100)
    status = models.CharField(_("for status"), max_length=20, choices=Project.Status.choices)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Export(models.Model):
    """A file of a call's dossiers built in the background."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        ODS = "ods", "ODS"

    call = models.ForeignKey(CallPage, on_delete=models.CASCADE, related_name="exports")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=4, choices=Format.choices)
    file = models.FileField(storage=private_storage, upload_to="calls/exports/", blank=True, max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.call_id}.{self.format}"
