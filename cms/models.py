from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from consultations.calls.models import CallPage
from consultations.models import ConsultationPage

from .blocks import OutcomeBodyBlock, ReportFigureBlock
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
    """An outcome page ("restitution"): what was heard, what was decided and why, what happens next."""

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
    body = StreamField(OutcomeBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("consultation"),
        FieldPanel("report_version"),
        FieldPanel("summary"),
        FieldPanel("body"),
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
        figures = [block for block in self.body if isinstance(block.block, ReportFigureBlock)]
        if figures and not self.report_version:
            errors["report_version"] = _("Choose the report version that the figures on this page quote.")
        elif self.report_version:
            for block in figures:
                if block.block.figure_data(block.value, self.report_version) is None:
                    errors["report_version"] = _(
                        "A figure block of the body names a question that is not a choice question "
                        "of this report version."
                    )
        if errors:
            raise ValidationError(errors)


class StandardPage(Page):
    """A plain page: legal notice, personal data, help."""

    body = RichTextField(_("body"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
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
