"""The page editors' forms of the organisations' pages (consultations here, calls in calls/page_forms)."""

from wagtail.admin.forms import WagtailAdminPageForm


class OrganisationPageFormMixin:
    """In an organisation's section, the page's organisation is the section's: shown, not chosen (a
    value sent for another organisation is ignored)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        organisation = self._meta.model.section_organisation(self.parent_page)
        if field is not None and organisation is not None:
            field.queryset = field.queryset.filter(pk=organisation.pk)
            field.disabled = True
            self.initial["organisation"] = organisation.pk


class ConsultationPageForm(OrganisationPageFormMixin, WagtailAdminPageForm):
    pass
