"""The editors' forms of the site's own page types (Wagtail's `base_form_class`): the models import
them, so they import no model of cms."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from reports.models import ReportSnapshot


class OutcomePageForm(WagtailAdminPageForm):
    """The outcome page editor: report versions of published consultations, without their data.

    Which version goes with which consultation is checked by `OutcomePage.clean()`, so an editor may
    change both in one save.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_version"].queryset = (
            ReportSnapshot.objects.filter(Q(consultation__live=True) | Q(pk=self.instance.report_version_id))
            .select_related("consultation")
            .defer("data")
            .order_by("consultation__title", "-version")
        )


class SiteSettingsForm(WagtailAdminModelForm):
    """The site settings, with the site's name: the Wagtail site's own "Site name" (Settings → Sites),
    which every page and e-mail shows, edited here so that the brand is set in one place and the name
    kept in one."""

    site_name = forms.CharField(
        label=_("site name"),
        max_length=255,
        required=False,
        help_text=_(
            "Shown in the header and in every e-mail; the alternative text of the logo. It is also the "
            "site's name under Settings → Sites. Empty: “Concerto”."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.site_id:
            self.fields["site_name"].initial = self.instance.site.site_name

    def save(self, commit=True):
        settings = super().save(commit=commit)
        site = settings.site
        if commit and site.site_name != self.cleaned_data["site_name"]:
            site.site_name = self.cleaned_data["site_name"]
            site.save(update_fields=["site_name"])
        return settings
