"""Files of a call's dossiers, built in the background for the officials who ask for them."""

from django.db import transaction
from django.utils.translation import gettext as _

from calls.models import CallPage, Export
from calls.services.refusals import refuse
from core.outbox import outbox_enqueue


@transaction.atomic
def export_request(*, call: CallPage, requested_by, file_format: str):
    """Ask for a file of a call's dossiers; a background task builds it."""
    if file_format not in Export.Format.values:
        refuse(_("Choose CSV, XLSX or ODS."), "format")
    export = Export.objects.create(call=call, requested_by=requested_by, format=file_format)
    outbox_enqueue("calls.tasks.export_build_task", export.pk)
    return export
