"""The open-data pages: the catalogue, one page per consultation or call listing its files with their
checksums, the downloads (ZIP or one file), and the `dispositif-aide` file of every call.

The files are built by a task and stored (services.py); a request only reads them, and queues their
build when they are missing or out of date."""

import logging
import zipfile

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from core.typography import written_date
from opendata import builders, selectors, services
from opendata.models import OpenDataset

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "pb": "text/plain; charset=utf-8",
    "zip": "application/zip",
}


# What a call's page says of the parts of its data not published yet (builders.call_tables' codes).
NOTES = {
    "laureates": _lazy("The selected projects are published with the laureates."),
    "call_closed": _lazy("The number of dossiers by status is published when the call closes."),
    "vote_closed": _lazy("The ballots and results of the public vote are published when voting closes."),
}


def catalogue(request):
    """Every public consultation and call, and whether its open data is published (two queries)."""
    now = timezone.now()
    consultations = list(selectors.consultations_public())
    calls = list(selectors.calls_public())
    return TemplateResponse(
        request,
        "opendata/catalogue.html",
        {
            "consultations": [(c, builders.consultation_published(c, now)) for c in consultations],
            "calls": calls,
        },
    )


def _localised(moment) -> str:
    return written_date(moment, "DATETIME_FORMAT")


def _consultation_or_404(consultation_id: int):
    return get_object_or_404(selectors.consultations_public(), pk=consultation_id)


def _call_or_404(call_id: int):
    return get_object_or_404(selectors.calls_public(), pk=call_id)


def _file_rows(dataset, url_name: str, pk: int) -> list[dict]:
    return [{**entry, "url": reverse(url_name, args=[pk, entry["name"]])} for entry in dataset.files]


def _preparing() -> str:
    return _(
        "The files of this open data are being prepared: they are built in the background, usually "
        "within a few minutes. Come back shortly."
    )


def _stored(*, kind: str, page, stage: str):
    """The page's stored dataset if it can be served (else None), queueing a build (once) when there is
    none, when it was withdrawn after a moderation, or when it covers an older stage of the page. The
    stored files are served meanwhile, unless withdrawn: the request never builds them."""
    dataset = selectors.dataset_of(**{kind: page})
    if dataset is None or dataset.stage != stage or not dataset.servable:
        services.opendataset_request(kind=kind, pk=page.pk)  # nothing more while one is queued
    return dataset if dataset is not None and dataset.servable else None


def _dataset_page(
    request, *, page, kind: str, dataset, waiting: str = "", file_url: str = ""
) -> TemplateResponse:
    context = {"page": page, "subject": page, "kind": kind, "waiting": waiting}
    if dataset is not None:
        context.update(
            dataset=dataset,
            files=_file_rows(dataset, file_url, page.pk),
            zip_name=dataset.zip_name,
            zip_size=dataset.zip_size,
            zip_sha256=dataset.zip_sha256,
            zip_url=reverse(file_url, args=[page.pk, dataset.zip_name]),
            built_at=dataset.built_at,
            report=dataset.report_version,
            notes=[NOTES[code] for code in dataset.notes],
        )
    elif not waiting:
        context["waiting"] = _preparing()
    return TemplateResponse(request, "opendata/dataset.html", context)


def _waiting_for_closing(consultation) -> str:
    return _(
        "The open data of this consultation (answers, votes, ideas, comments and results) is published "
        "when it closes, on %(date)s: the counts are final then."
    ) % {"date": _localised(consultation.closes_at)}


def consultation_data(request, consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    if not builders.consultation_published(consultation):
        return _dataset_page(
            request,
            page=consultation,
            kind="consultation",
            dataset=None,
            waiting=_waiting_for_closing(consultation),
        )
    stage = selectors.consultation_stage(consultation)
    return _dataset_page(
        request,
        page=consultation,
        kind="consultation",
        dataset=_stored(kind="consultation", page=consultation, stage=stage),
        file_url="opendata_consultation_file",
    )


def _download(request, page, dataset, filename: str):
    """One file of the stored dataset, or its ZIP, read from storage."""
    if dataset is None:  # not built yet (a build is queued)
        return TemplateResponse(
            request, "opendata/unavailable.html", {"page": page, "message": _preparing()}, status=404
        )
    if filename != dataset.zip_name and filename not in {entry["name"] for entry in dataset.files}:
        raise Http404
    try:
        with dataset.archive.open("rb") as stored:
            if filename == dataset.zip_name:
                response = HttpResponse(stored.read(), content_type=CONTENT_TYPES["zip"])
            else:
                with zipfile.ZipFile(stored) as archive:
                    data = archive.read(f"{dataset.slug}/{filename}")
                extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
                response = HttpResponse(
                    data, content_type=CONTENT_TYPES.get(extension, "text/plain; charset=utf-8")
                )
    except FileNotFoundError:
        # The stored ZIP is gone (a storage restored without it): built again on the page's next visit.
        logger.warning("open dataset %s: its ZIP is missing from storage", dataset.pk)
        OpenDataset.objects.filter(pk=dataset.pk).update(built_at=None, archive="")
        return TemplateResponse(
            request, "opendata/unavailable.html", {"page": page, "message": _preparing()}, status=404
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def consultation_file(request, consultation_id: int, filename: str):
    consultation = _consultation_or_404(consultation_id)
    if not builders.consultation_published(consultation):
        return TemplateResponse(
            request,
            "opendata/unavailable.html",
            {"page": consultation, "message": _waiting_for_closing(consultation)},
            status=404,
        )
    stage = selectors.consultation_stage(consultation)
    dataset = _stored(kind="consultation", page=consultation, stage=stage)
    return _download(request, consultation, dataset, filename)


def call_data(request, call_id: int):
    call = _call_or_404(call_id)
    dataset = _stored(kind="call", page=call, stage=selectors.call_stage(call))
    return _dataset_page(request, page=call, kind="call", dataset=dataset, file_url="opendata_call_file")


def call_file(request, call_id: int, filename: str):
    call = _call_or_404(call_id)
    dataset = _stored(kind="call", page=call, stage=selectors.call_stage(call))
    return _download(request, call, dataset, filename)


def calls_dispositif_aide(request):
    """Every public call in the `dispositif-aide` schema, one CSV."""
    response = HttpResponse(
        builders.calls_dispositif_aide(selectors.calls_public()), content_type=CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = 'attachment; filename="dispositif-aide.csv"'
    return response
