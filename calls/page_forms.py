from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from consultations.page_forms import OrganisationPageFormMixin


class CallPageForm(OrganisationPageFormMixin, WagtailAdminPageForm):
    """The call editor: criteria already scored, questions already answered and documents already
    attached cannot be removed (their scores, answers and files would be lost) — neither deleted from
    the form nor left out by restoring an older revision; a scored criterion's highest score cannot
    change (a 10/10 would read 10/100, or 100/100 would read 100/10). `Score.criterion` is also
    PROTECT in the database, as a last resort."""

    def clean(self):
        cleaned = super().clean()
        messages = {
            "criteria": _("This criterion has been scored by evaluators: keep it."),
            "documents": _("Files are attached to this document: keep it."),
            "fields": _("Applicants have answered this question: keep it."),
        }
        for name, message in messages.items():
            formset = self.formsets.get(name)
            if formset is None:
                continue
            used = self.instance.inline_items_in_use(name)
            if not used:
                continue
            deleted = [form for form in formset.deleted_forms if form.instance.pk]
            for form in deleted:
                if form.instance.pk in used:
                    form.add_error(None, message)
                    self.add_error(None, message)
            kept = {form.instance.pk for form in formset.forms if form.instance.pk} - {
                form.instance.pk for form in deleted
            }
            missing = used - kept - {form.instance.pk for form in deleted}
            if missing:  # left out of the form, e.g. by restoring a revision from before they existed
                self.add_error(
                    None,
                    _("%(message)s (%(count)s item(s) missing from this version.)")
                    % {"message": message, "count": len(missing)},
                )
            if name == "criteria":
                for form in formset.forms:
                    pk = form.instance.pk
                    if pk in used and "max_score" in form.changed_data and form not in formset.deleted_forms:
                        form.add_error(
                            "max_score",
                            _("This criterion has been scored: its highest score can no longer change."),
                        )
                        self.add_error(None, _("A scored criterion's highest score can no longer change."))
        return cleaned
