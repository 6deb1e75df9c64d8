from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm


class CallPageForm(WagtailAdminPageForm):
    """The call editor: criteria already scored, questions already answered and documents already
    attached cannot be removed (their scores, answers and files would be lost)."""

    def clean(self):
        cleaned = super().clean()
        from .models import Attachment, Score

        used = {
            "criteria": (Score, "criterion", _("This criterion has been scored by evaluators: keep it.")),
            "documents": (Attachment, "document", _("Files are attached to this document: keep it.")),
        }
        for name, (model, field, message) in used.items():
            formset = self.formsets.get(name)
            if formset is None:
                continue
            for form in formset.deleted_forms:
                if form.instance.pk and model.objects.filter(**{f"{field}_id": form.instance.pk}).exists():
                    form.add_error(None, message)
                    self.add_error(None, message)
        return cleaned
