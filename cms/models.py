from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.blocks import StreamBlockValidationError
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from consultations.calls.models import CallPage
from consultations.models import ConsultationPage

from .blocks import OutcomeBodyBlock, OutcomeDecisionsBlock, SnapshotBlock
from .forms import OutcomePageForm


class HomePage(Page):
    """The site's home: open consultations and the latest outcomes."""

    introduction = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("introduction")]
    subpage_types = [
        "consultations.ConsultationPage",
        "calls.CallPage",
        "cms.OutcomePage",
        "cms.StandardPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        context["open_consultations"] = (
            ConsultationPage.objects.open_at(now).select_related("organisation").order_by("closes_at")
        )
        context["open_calls"] = (
            CallPage.objects.open_at(now).select_related("organisation").order_by("closes_at")
        )
        context["outcomes"] = OutcomePage.objects.live().order_by("-first_published_at")[:6]
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
        context["updates"] = self.consultation.updates.order_by("-published_on", "-pk")
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
    """One participant was e-mailed about one outcome page: a retry or a second run skips them."""

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
    parent_page_types = ["cms.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("standard page")


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Pages every page links to, chosen by editors."""

    privacy_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("personal data page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The site-wide privacy notice, linked from the footer of every page."),
    )

    panels = [FieldPanel("privacy_page")]

    class Meta:
        verbose_name = _("site settings")
