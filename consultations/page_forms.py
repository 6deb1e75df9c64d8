"""The page editors' forms of the organisations' pages (consultations here, calls in calls/page_forms)."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm

from consultations.placeholders import placeholders_left


class OrganisationPageFormMixin:
    """In an organisation's section, the page's organisation is the section's: shown, not chosen (a
    value sent for another organisation is ignored). Outside sections (under the home page), only
    those with rights there (the site's editors) choose it: an official editing their organisation's
    older page there cannot hand it to another organisation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("organisation")
        if field is None or self.parent_page is None:
            return
        organisation = self._meta.model.section_organisation(self.parent_page)
        if organisation is not None:
            fixed = organisation.pk
        elif (
            self.for_user is not None
            and not self.parent_page.permissions_for_user(self.for_user).can_add_subpage()
        ):
            fixed = self.instance.organisation_id
        else:
            return
        field.queryset = field.queryset.filter(pk=fixed)
        field.disabled = True
        self.initial["organisation"] = fixed


class ConsultationPageForm(OrganisationPageFormMixin, WagtailAdminPageForm):
    def clean(self):
        """Publishing is refused while a field still holds an import's placeholder (citizens would read
        "Not stated in the Pol.is export…"); a draft may keep it."""
        cleaned_data = super().clean()
        if not self.is_deferred_validation:
            for name in placeholders_left(cleaned_data):
                self.add_error(
                    name,
                    _("Replace the text the import wrote here before publishing: citizens would read it."),
                )
        return cleaned_data


class OrganisationPageCopyForm(CopyForm):
    """A consultation or call is not copied into another organisation's section: the copy would be
    the first organisation's, edited by the second's officials."""

    def clean(self):
        cleaned_data = super().clean()
        destination = cleaned_data.get("new_parent_page")
        organisation = self.page.specific_class.section_organisation(destination)
        if organisation is not None and organisation.pk != self.page.specific_deferred.organisation_id:
            self.add_error(
                "new_parent_page",
                _(
                    "This page belongs to another organisation: "
                    "it cannot be copied into the section of %(name)s."
                )
                % {"name": organisation.name},
            )
        return cleaned_data
