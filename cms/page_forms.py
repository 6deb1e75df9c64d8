"""The editors' forms of the site's own page types (Wagtail's `base_form_class`): the models import
them, so they import no model of cms."""

from django.db.models import Q
from wagtail.admin.forms import WagtailAdminPageForm

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
