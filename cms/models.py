import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.blocks import StreamBlockValidationError
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.blocks import NewsBodyBlock, OutcomeBodyBlock, OutcomeDecisionsBlock, SnapshotBlock
from cms.page_forms import OutcomePageForm, SiteSettingsForm
from consultations.models import ConsultationPage
from core.contrast import GRAPHIC_RATIO, HEX_COLOUR, TEXT_RATIO, contrast_ratio, darken


class HomePage(Page):
    """The site's home: open consultations and the latest outcomes."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = [
        "consultations.OrganisationIndexPage",
        "consultations.ConsultationPage",
        "calls.CallPage",
        "cms.OutcomePage",
        "cms.StandardPage",
        "cms.NewsIndexPage",
        "cms.ContactPage",
        "cms.SitemapPage",
        "cms.AccessibilityStatementPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # What is open now, what came of past consultations, the latest news: cms/cards.py, which imports
        # these models and so cannot be imported here (cms/wagtail_hooks.py registers it as a hook of ours).
        [home_context] = hooks.get_hooks("home_page_context")
        context.update(home_context(request))
        return context


class OutcomePage(Page):
    """An outcome page ("restitution"): what was heard, what was decided and why, what happens next.

    The three sections are required fields, so every outcome page answers the three questions; the
    blocks that show figures, themes, opinion groups and quotes read the pinned `report_version`.
    """

    consultation = models.ForeignKey(
        ConsultationPage,
        verbose_name=_("consultation"),
        on_delete=models.PROTECT,
        related_name="outcome_pages",
    )
    report_version = models.ForeignKey(
        "feedback.ReportSnapshot",
        verbose_name=_("report version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The figures on this page come from this version; later compiles do not change them."),
    )
    summary = models.TextField(
        _("summary"), max_length=500, help_text=_("What was heard, in a few sentences.")
    )
    body = StreamField(
        OutcomeBodyBlock(),
        verbose_name=_("what we heard"),
        blank=True,
        help_text=_(
            "Figures, charts, themes, opinion groups and quotes from the report version, with your "
            "reading of them. Say who took part and what they said, including what you did not expect."
        ),
    )
    decisions = StreamField(
        OutcomeDecisionsBlock(),
        verbose_name=_("what we decided and why"),
        default=list,
        help_text=_(
            "Each decision and its reason, including what was not taken up and why. The “what became of "
            "each idea” block lists every idea with its status and answer."
        ),
    )
    next_steps = RichTextField(
        _("what happens next"),
        features=["bold", "italic", "link", "ol", "ul"],
        default="",
        help_text=_("Dates, who does what, and how participants will hear of it (follow-up updates)."),
    )

    # What the page quotes from its report version, by id ({"statements": [...], "answers": [...]}),
    # worked out on each save: each participant's contributions page says which of theirs are quoted.
    cited = models.JSONField(default=dict, blank=True, editable=False)

    content_panels = [
        *Page.content_panels,
        FieldPanel("consultation"),
        FieldPanel("report_version"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("decisions"),
        FieldPanel("next_steps"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    base_form_class = OutcomePageForm
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    class Meta:
        verbose_name = _("outcome page")
        verbose_name_plural = _("outcome pages")

    def clean(self):
        super().clean()
        errors = {}
        if (
            self.report_version
            and self.consultation_id
            and self.report_version.consultation_id != self.consultation_id
        ):
            errors["report_version"] = _("Choose a report version of this page's consultation.")
        quoting = [
            block
            for stream in (self.body, self.decisions)
            for block in stream
            if isinstance(block.block, SnapshotBlock)
        ]
        if quoting and not self.report_version:
            errors["report_version"] = _("Choose the report version that the figures on this page quote.")
        elif self.report_version and "report_version" not in errors:
            for name in ("body", "decisions"):
                block_errors = {
                    index: ValidationError(message)
                    for index, block in enumerate(getattr(self, name))
                    if isinstance(block.block, SnapshotBlock)
                    and (message := block.block.snapshot_error(block.value, self.report_version))
                }
                if block_errors:
                    errors[name] = StreamBlockValidationError(block_errors=block_errors)
        if errors:
            raise ValidationError(errors)
        self.cited = self._citations()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Dated follow-up updates of the consultation, newest first, under "what happens next".
        updates = self.consultation.updates.filter(published_on__lte=timezone.localdate())
        context["updates"] = updates.order_by("-published_on", "-pk")
        return context

    def _citations(self) -> dict:
        cited = {"statements": [], "answers": []}
        if not self.report_version:
            return cited
        for stream in (self.body, self.decisions):
            for block in stream:
                if block.block_type == "quote":
                    quote = block.block.quote(block.value, self.report_version)
                    if quote and quote["id"] is not None:
                        cited["statements" if quote["kind"] == "statement" else "answers"].append(quote["id"])
        return cited

    def cites(self, *, statement_ids=(), answer_ids=()) -> bool:
        """Whether this page quotes one of these statements or written answers."""
        cited = self.cited or {}
        return bool(set(cited.get("statements", [])) & set(statement_ids)) or bool(
            set(cited.get("answers", [])) & set(answer_ids)
        )


class OutcomeAnnouncement(models.Model):
    """The e-mail to the participants that an outcome page's first publication sends, once.

    Apart from the page (whose fields are rewritten by each published revision), so that publishing the
    page again never announces it again.
    """

    page = models.OneToOneField(OutcomePage, on_delete=models.CASCADE, related_name="announcement")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outcome announcement")

    def __str__(self):
        return f"{self.page_id}"


class OutcomeNotification(models.Model):
    """One participant was e-mailed about one outcome page: a retry or a second run skips them. Committed
    with the sending (cms.services.outcome_announce), so it never stands for an e-mail not sent."""

    page = models.ForeignKey(OutcomePage, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["page", "user"], name="outcome_notification_once")]

    def __str__(self):
        return f"{self.page_id} → {self.user_id}"


class StandardPage(Page):
    """A plain page: legal notice, personal data, help."""

    body = RichTextField(_("body"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("standard page")


RICH_TEXT = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


class NewsIndexPage(Page):
    """The news: its children, newest first, a page at a time."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count = 1

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        news = (
            NewsPage.objects.child_of(self).live().public().select_related("image").order_by("-date", "-pk")
        )
        context["page_obj"] = Paginator(news, NEWS_PER_PAGE).get_page(request.GET.get("page"))
        return context


NEWS_PER_PAGE = 10


class NewsPage(Page):
    """A piece of news: a date, a short introduction, an optional image (with its text alternative)
    and a body."""

    date = models.DateField(_("date"), default=timezone.localdate)
    introduction = models.TextField(_("introduction"), max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("image text alternative"),
        max_length=250,
        blank=True,
        help_text=_("Required with an image: what the image shows, for people who cannot see it (RGAA 1.1)."),
    )
    body = StreamField(NewsBodyBlock(), verbose_name=_("body"), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("introduction"), index.SearchField("body")]
    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("introduction"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("body"),
    ]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news page")
        verbose_name_plural = _("news pages")

    def clean(self):
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Describe the image: a page's images need a text alternative.")}
            )


class SiteMessage(models.Model):
    """A message sent through the contact form or the accessibility-problem form, kept for the team and
    forwarded to the site's contact address."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Contact")
        ACCESSIBILITY = "accessibility", _("Accessibility problem")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail address"))
    page_url = models.URLField(_("page address"), max_length=500, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    message = models.TextField(_("message"), max_length=5000)
    language = models.CharField(_("language"), max_length=10)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class SiteMessageFormPageMixin:
    """Serves a page with a message form: GET shows it, POST records the message (400 with the errors
    on bad input, 429 when sent too often) and redirects to the page with a thank-you message."""

    message_kind: str
    form_template: str

    def message_form_serve(self, request, *, initial=None):
        # The view (cms/views.py) imports these models, so it cannot be imported here: cms/wagtail_hooks.py
        # registers it under a hook of ours.
        [view] = hooks.get_hooks("serve_site_message_page")
        return view(request, self, initial=initial)


class ContactPage(SiteMessageFormPageMixin, Page):
    """The contact page: an introduction and a form whose messages go to the site's contact address."""

    introduction = RichTextField(_("introduction"), blank=True, features=RICH_TEXT)

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    message_kind = SiteMessage.Kind.CONTACT
    form_template = "cms/contact_page.html"

    class Meta:
        verbose_name = _("contact page")

    def serve(self, request, *args, **kwargs):
        return self.message_form_serve(request)


class SitemapPage(Page):
    """The site map: every public page of the site, as nested lists."""

    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("site map page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        root = self.get_site().root_page if self.get_site() else self.get_parent()
        descendants = root.get_descendants().live().public().only("title", "url_path", "path", "depth")
        pages = [root, *descendants.order_by("path")]
        context["sitemap"] = sitemap_tree(pages, request)
        return context


def sitemap_tree(pages, request) -> list[dict]:
    """Pages ordered by tree path, as nested {"page", "url", "children"} dicts."""
    tree: list[dict] = []
    stack: list[tuple[int, list]] = [(pages[0].depth - 1, tree)] if pages else []
    for page in pages:
        while stack and stack[-1][0] >= page.depth:
            stack.pop()
        node = {"title": page.title, "url": page.get_url(request), "children": []}
        stack[-1][1].append(node)
        stack.append((page.depth, node["children"]))
    return tree


class AccessibilityStatus(models.TextChoices):
    """The three levels of the RGAA, in the words the law uses."""

    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NONE = "none", _("not compliant")


class AccessibilityStatementPage(SiteMessageFormPageMixin, RoutablePageMixin, Page):
    """The "Accessibilité" page: the accessibility statement in the RGAA's official layout, and the
    form to report an accessibility problem (at `report/`).

    The compliance status is computed from the audit result the editors enter: "not compliant" until
    an audit date and rate exist.
    """

    organisation_name = models.CharField(
        _("organisation"), max_length=200, help_text=_("The body that commits to accessibility.")
    )
    service_name = models.CharField(
        _("site or service"),
        max_length=200,
        help_text=_("The site the statement applies to, e.g. “the participation site of the city of …”."),
    )
    multi_year_plan_url = models.URLField(_("multi-year plan (address)"), blank=True)
    action_plan_url = models.URLField(_("current year's action plan (address)"), blank=True)
    # The audit result.
    rgaa_version = models.CharField(_("RGAA version"), max_length=20, default="4.1.2")
    audit_date = models.DateField(_("audit date"), null=True, blank=True)
    audit_rate = models.DecimalField(
        _("rate of RGAA criteria met (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Criteria met ÷ applicable criteria over the whole sample, as the audit reports it."),
    )
    average_rate = models.DecimalField(
        _("average conformance rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("Optional: the mean of the pages' rates."),
    )
    auditor = models.CharField(
        _("audit carried out by"), max_length=200, blank=True, help_text=_("“In-house” or the company.")
    )
    audit_report_url = models.URLField(_("audit report or grid (address)"), blank=True)
    sample_pages = RichTextField(
        _("pages checked"),
        blank=True,
        features=["ul", "link"],
        help_text=_("The pages of the audit's sample."),
    )
    # Non-accessible content.
    non_conformities = RichTextField(_("non-conformities"), blank=True, features=RICH_TEXT)
    derogations = RichTextField(
        _("derogations for disproportionate burden"),
        blank=True,
        features=RICH_TEXT,
        help_text=_("Each derogation explained and justified, with the accessible alternative offered."),
    )
    exemptions = RichTextField(_("content not subject to the obligation"), blank=True, features=RICH_TEXT)
    # Establishment of the statement.
    established_on = models.DateField(_("statement established on"), default=timezone.localdate)
    updated_on = models.DateField(_("statement updated on"), null=True, blank=True)
    technologies = models.CharField(_("technologies used"), max_length=300, default="HTML5, CSS, JavaScript")
    test_environment = models.TextField(
        _("test environment"),
        blank=True,
        default="Firefox et NVDA ; Safari et VoiceOver",
        help_text=_("The browsers and assistive technologies used together."),
    )
    evaluation_tools = models.TextField(_("tools used for the evaluation"), blank=True)
    # Feedback and contact.
    contact_details = RichTextField(
        _("responsible entity and contact details"),
        blank=True,
        features=["bold", "italic", "link"],
        help_text=_("Who answers reports, and how to reach them (e-mail, postal address)."),
    )

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("organisation_name"),
                FieldPanel("service_name"),
                FieldPanel("multi_year_plan_url"),
                FieldPanel("action_plan_url"),
            ],
            heading=_("Commitment"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("rgaa_version"),
                FieldPanel("audit_date"),
                FieldPanel("audit_rate"),
                FieldPanel("average_rate"),
                FieldPanel("auditor"),
                FieldPanel("audit_report_url"),
                FieldPanel("sample_pages"),
            ],
            heading=_("Audit result (the status is “not compliant” until one is entered)"),
        ),
        MultiFieldPanel(
            [FieldPanel("non_conformities"), FieldPanel("derogations"), FieldPanel("exemptions")],
            heading=_("Non-accessible content"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("established_on"),
                FieldPanel("updated_on"),
                FieldPanel("technologies"),
                FieldPanel("test_environment"),
                FieldPanel("evaluation_tools"),
            ],
            heading=_("Establishment of this statement"),
        ),
        FieldPanel("contact_details"),
    ]
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    message_kind = SiteMessage.Kind.ACCESSIBILITY
    form_template = "cms/accessibility_report.html"

    class Meta:
        verbose_name = _("accessibility statement")

    @property
    def status(self) -> str:
        return accessibility_status(audit_date=self.audit_date, audit_rate=self.audit_rate)

    def get_status_display(self) -> str:
        return AccessibilityStatus(self.status).label

    def clean(self):
        super().clean()
        errors = {}
        if self.audit_rate is not None and self.audit_date is None:
            errors["audit_date"] = _("Enter the date of the audit that gave this rate.")
        if self.audit_date is not None and self.audit_rate is None:
            errors["audit_rate"] = _("Enter the rate of criteria met that the audit found.")
        if self.audit_date and self.audit_date > timezone.localdate():
            errors["audit_date"] = _("The audit date cannot be in the future.")
        if self.audit_date and not self.auditor.strip():
            errors["auditor"] = _("Say who carried out the audit (“in-house” or the company).")
        if self.established_on and self.established_on > timezone.localdate():
            errors["established_on"] = _("The statement cannot be established at a future date.")
        if self.updated_on and self.established_on and self.updated_on < self.established_on:
            errors["updated_on"] = _("The update cannot come before the date the statement was established.")
        elif self.updated_on and self.updated_on > timezone.localdate():
            errors["updated_on"] = _("The update cannot be at a future date.")
        if errors:
            raise ValidationError(errors)

    @path("")
    def statement(self, request):
        return self.render(request)

    @path("report/", name="report")
    def report(self, request):
        page_url = request.GET.get("page", "")
        return self.message_form_serve(
            request,
            initial={"page_url": page_url} if page_url.startswith(("http://", "https://")) else None,
        )


def accessibility_status(*, audit_date, audit_rate) -> str:
    """The RGAA status: all criteria met, at least half, or less (or no valid audit)."""
    if audit_date is None or audit_rate is None:
        return AccessibilityStatus.NONE
    if audit_rate >= 100:
        return AccessibilityStatus.FULL
    if audit_rate >= 50:
        return AccessibilityStatus.PARTIAL
    return AccessibilityStatus.NONE


class Theme(models.TextChoices):
    CONCERTO = "concerto", _("Concerto")
    DSFR = "dsfr", _("French State design system (DSFR)")


_colour = RegexValidator(HEX_COLOUR, _("Enter a colour as # and six hexadecimal digits, as in #1f4fa3."))
PAPER = "#ffffff"
# The default theme's colours a site's colours are checked against (config/static/css/theme.css;
# tests/cms/test_branding.py keeps the two the same).
DEFAULT_COLOURS = {"ink": "#1b1b1f", "muted": "#4a4a55", "accent": "#1f4fa3", "focus-ring": "#1b1b1f"}


def _too_low(message, ratio: float, **values) -> ValidationError:
    # Rounded down, so that a ratio just under the threshold never reads as reaching it.
    shown = formats.number_format(math.floor(ratio * 100) / 100, decimal_pos=2)
    return ValidationError(message, code="contrast", params={"ratio": shown, **values})


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Pages every page links to, the address the site's messages go to, and the site's brand (name,
    logo, colours, home image, theme), chosen by editors."""

    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("personal data page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The site-wide privacy notice, linked from the footer of every page."),
    )
    legal_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("legal notice page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    help_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("help page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    contact_email = models.EmailField(
        _("contact address"),
        blank=True,
        help_text=_("Messages from the contact and accessibility forms are sent here."),
    )

    # The site's brand (docs/cms.md, "Branding"). Its name is the Wagtail site's "Site name", the one
    # every page and e-mail shows (core.notifications.site_name); the form edits it in place.
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Shown at the left of the header, 3 rem high. Its text alternative is the site's name: "
            "a logo that says something else should say it in the name too."
        ),
    )
    show_name = models.BooleanField(
        _("show the name beside the logo"),
        default=True,
        help_text=_("Untick when the logo already reads the site's name."),
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        blank=True,
        validators=[_colour],
        help_text=_(
            "Links and buttons, as #rrggbb. White text on it needs a contrast of 4.5:1 at least, and so "
            "does this colour on white. Empty: the theme's own."
        ),
    )
    accent_dark_colour = models.CharField(
        _("dark accent colour"),
        max_length=7,
        blank=True,
        validators=[_colour],
        help_text=_("Links and buttons under the pointer, as #rrggbb. Empty: the accent, a quarter darker."),
    )
    header_colour = models.CharField(
        _("header and footer background"),
        max_length=7,
        blank=True,
        validators=[_colour],
        help_text=_(
            "As #rrggbb, a light colour: the text, the secondary text and the links on it need a "
            "contrast of 4.5:1 at least. Empty: the theme's own."
        ),
    )
    home_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("home page image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "A wide photograph at the top of the home page, decorative (the page says what it shows)."
        ),
    )
    theme = models.CharField(
        _("theme"),
        max_length=20,
        choices=Theme.choices,
        default=Theme.CONCERTO,
        help_text=_(
            "The State's design system (DSFR) is reserved to the services of the French State, and its "
            "Marianne font and logo with it: other public bodies keep Concerto's theme. With the DSFR, "
            "the State's colours replace the colours above."
        ),
    )

    base_form_class = SiteSettingsForm
    panels = [
        FieldPanel("privacy_page"),
        FieldPanel("legal_notice_page"),
        FieldPanel("help_page"),
        FieldPanel("contact_email"),
        MultiFieldPanel(
            [
                FieldPanel("site_name"),
                FieldPanel("logo"),
                FieldPanel("show_name"),
                FieldPanel("accent_colour"),
                FieldPanel("accent_dark_colour"),
                FieldPanel("header_colour"),
                FieldPanel("home_image"),
                FieldPanel("theme"),
            ],
            heading=_("Branding"),
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    def colours(self) -> dict[str, str]:
        """The theme's custom properties this site sets (`--accent`…), each checked by `clean()`; none
        with the DSFR, whose colours are the State's."""
        if self.theme == Theme.DSFR or not (self.accent_colour or self.header_colour):
            return {}
        colours = {}
        if self.accent_colour:
            colours["accent"] = self.accent_colour.lower()
            colours["accent-dark"] = (self.accent_dark_colour or darken(self.accent_colour, 0.25)).lower()
        if self.header_colour:
            colours["tint"] = self.header_colour.lower()
        return colours

    def clean(self):
        super().clean()
        if any(
            not HEX_COLOUR.match(value)
            for value in (self.accent_colour, self.accent_dark_colour, self.header_colour)
            if value
        ):
            return  # the field's own error says it
        errors = {}
        accent = self.accent_colour or DEFAULT_COLOURS["accent"]
        if self.accent_colour and (ratio := contrast_ratio(accent, PAPER)) < TEXT_RATIO:
            # The accent also draws borders (secondary buttons, the current step): 4.5:1 on white
            # gives them the 3:1 they need.
            errors["accent_colour"] = _too_low(
                _(
                    "White text on this colour, and this colour on white, have a contrast of %(ratio)s:1; "
                    "links and buttons need 4.5:1 at least. Choose a darker colour."
                ),
                ratio,
            )
        if self.accent_dark_colour and (ratio := contrast_ratio(self.accent_dark_colour, PAPER)) < TEXT_RATIO:
            errors["accent_dark_colour"] = _too_low(
                _(
                    "White text on this colour, and this colour on white, have a contrast of %(ratio)s:1; "
                    "links and buttons need 4.5:1 at least. Choose a darker colour."
                ),
                ratio,
            )
        if self.header_colour:
            ratios = [
                (contrast_ratio(DEFAULT_COLOURS["ink"], self.header_colour), _("the text"), TEXT_RATIO),
                (
                    contrast_ratio(DEFAULT_COLOURS["muted"], self.header_colour),
                    _("the secondary text"),
                    TEXT_RATIO,
                ),
                (contrast_ratio(accent, self.header_colour), _("the links in the accent colour"), TEXT_RATIO),
                (
                    contrast_ratio(DEFAULT_COLOURS["focus-ring"], self.header_colour),
                    _("the focus outline"),
                    GRAPHIC_RATIO,
                ),
            ]
            ratio, what, needed = min(ratios, key=lambda item: item[0] / item[2])
            if ratio < needed:
                errors["header_colour"] = _too_low(
                    _(
                        "On this background, %(what)s would have a contrast of %(ratio)s:1; %(needed)s:1 at "
                        "least is needed. Choose a lighter colour."
                    ),
                    ratio,
                    what=what,
                    needed=formats.number_format(needed, decimal_pos=1),
                )
        if errors:
            raise ValidationError(errors)


class DashboardVisit(models.Model):
    """When a member of staff last looked at the back office's first screen (cms/dashboard.py), so that
    it shows what came in since their last visit: one row per person, written at most every few minutes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="dashboard_visit"
    )
    # The last time the dashboard was opened (to within `SEEN_REFRESH`, cms/dashboard.py).
    seen_at = models.DateTimeField()
    # Where the current visit's "since your last visit" starts: when the dashboard was last seen before
    # this visit began. None during the first visit.
    new_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("dashboard visit")
        verbose_name_plural = _("dashboard visits")

    def __str__(self):
        return f"{self.user_id} {self.seen_at:%Y-%m-%d %H:%M}"
