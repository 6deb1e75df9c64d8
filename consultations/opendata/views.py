"""The open-data pages: the catalogue, one page per consultation or call listing its files with their
checksums, the downloads (ZIP or one file), and the `dispositif-aide` file of every call."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from . import builders, selectors
from .tables import sha256

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
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _consultation_or_404(consultation_id: int):
    return get_object_or_404(selectors.consultations_public(), pk=consultation_id)


def _call_or_404(call_id: int):
    return get_object_or_404(selectors.calls_public(), pk=call_id)


def _file_rows(dataset, url_name: str, pk: int) -> list[dict]:
    return [
        {
            "name": name,
            "size": len(data),
            "rows": dataset.row_counts.get(name.rsplit(".", 1)[0])
            if name.endswith((".csv", ".json"))
            else None,
            "sha256": digest,
            "url": reverse(url_name, args=[pk, name]),
        }
        for (name, data), digest in zip(dataset.files.items(), dataset.checksums().values(), strict=True)
    ]


def _dataset_page(
    request, *, page, kind: str, dataset, waiting: str = "", file_url: str = ""
) -> TemplateResponse:
    context = {"page": page, "subject": page, "kind": kind, "waiting": waiting}
    if dataset is not None:
        archive = dataset.zip()
        context.update(
            dataset=dataset,
            files=_file_rows(dataset, file_url, page.pk),
            zip_name=dataset.zip_name,
            zip_size=len(archive),
            zip_sha256=sha256(archive),
            zip_url=reverse(file_url, args=[page.pk, dataset.zip_name]),
            notes=[NOTES[code] for code in dataset.notes],
        )
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
    return _dataset_page(
        request,
        page=consultation,
        kind="consultation",
        dataset=selectors.consultation_dataset(consultation),
        file_url="opendata_consultation_file",
    )


def _download(dataset, filename: str) -> HttpResponse:
    if filename == dataset.zip_name:
        data = dataset.zip()
    elif filename in dataset.files:
        data = dataset.files[filename]
    else:
        raise Http404
    extension = filename.rsplit(".", 1)[-1] if "." in filename else ""
    response = HttpResponse(data, content_type=CONTENT_TYPES.get(extension, "text/plain; charset=utf-8"))
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
    return _download(selectors.consultation_dataset(consultation), filename)


def call_data(request, call_id: int):
    call = _call_or_404(call_id)
    return _dataset_page(
        request, page=call, kind="call", dataset=selectors.call_dataset(call), file_url="opendata_call_file"
    )


def call_file(request, call_id: int, filename: str):
    return _download(selectors.call_dataset(_call_or_404(call_id)), filename)


def calls_dispositif_aide(request):
    """Every public call in the `dispositif-aide` schema, one CSV."""
    response = HttpResponse(
        builders.calls_dispositif_aide(selectors.calls_public()), content_type=CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = 'attachment; filename="dispositif-aide.csv"'
    return response
