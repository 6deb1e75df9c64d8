from wagtail.admin.forms import WagtailAdminPageForm

from consultations.feedback.models import ReportSnapshot


class OutcomePageForm(WagtailAdminPageForm):
    """The outcome page editor: report versions listed by consultation, without loading their data."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        versions = (
            ReportSnapshot.objects.select_related("consultation")
            .defer("data")
            .order_by("consultation__title", "-version")
        )
        if self.instance.consultation_id:
            versions = versions.filter(consultation_id=self.instance.consultation_id)
        self.fields["report_version"].queryset = versions
