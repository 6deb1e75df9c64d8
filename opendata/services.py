"""Writes of the open data: queueing the build of a dataset (through the outbox, with the change that
calls for it) and storing the built files. The web request never builds a dataset (docs/opendata.md)."""

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from calls.models import CallPage
from consultations.models import ConsultationPage
from core.outbox import outbox_enqueue
from core.windows import Phase
from opendata import builders, selectors
from opendata.models import OpenDataset
from opendata.tables import sha256

logger = logging.getLogger(__name__)

# A build queued longer ago than this and never started is taken as lost, and may be queued again.
STALE_AFTER = timedelta(minutes=10)

CONSULTATION = "consultation"
CALL = "call"


def _subject(kind: str) -> str:
    if kind not in (CONSULTATION, CALL):
        raise ValueError(f"unknown open data subject {kind!r}")
    return kind


@transaction.atomic
def opendataset_request(*, kind: str, pk: int, withdraw: bool = False) -> bool:
    """Queue the build of a consultation's or call's dataset, in the caller's transaction (the outbox
    publishes it once committed); once: while a build is queued and not started, nothing more is queued.

    `withdraw` stops serving the stored files until the next build is stored: content a moderator hides
    leaves the open data at once. A consultation that is not closed has no dataset: nothing to do.
    Returns whether a build was queued.
    """
    field = _subject(kind)
    if kind == CONSULTATION:
        closes_at = ConsultationPage.objects.live().filter(pk=pk).values_list("closes_at", flat=True).first()
        if closes_at is None or closes_at > timezone.now():
            return False  # not published (a draft, an imported conversation) or not closed: no data yet
    elif not CallPage.objects.live().filter(pk=pk).exists():
        return False
    dataset, _created = OpenDataset.objects.get_or_create(**{f"{field}_id": pk})
    if withdraw:
        OpenDataset.objects.filter(pk=dataset.pk).update(withdrawn=True, withdrawals=F("withdrawals") + 1)
    now = timezone.now()
    claimed = (
        OpenDataset.objects.filter(pk=dataset.pk)
        .filter(Q(requested_at__isnull=True) | Q(requested_at__lt=now - STALE_AFTER))
        .update(requested_at=now)
    )
    if not claimed:
        return False
    outbox_enqueue("opendata.tasks.opendataset_build_task", kind, pk)
    return True


def opendataset_request_for(*, consultation_id: int, withdraw: bool = False) -> bool:
    """`opendataset_request` for a consultation whose content changed (moderation, an answer to an
    idea, a comment deleted by its author, a new report version)."""
    return opendataset_request(kind=CONSULTATION, pk=consultation_id, withdraw=withdraw)


def opendataset_build(*, kind: str, pk: int) -> OpenDataset | None:
    """Build the dataset from the database and store it (safe to run twice: the same data gives the
    same bytes, and an unchanged ZIP is not written again). None when there is nothing to publish (a
    consultation not closed, a page no longer live and public)."""
    field = _subject(kind)
    started = timezone.now()
    OpenDataset.objects.filter(**{f"{field}_id": pk}).update(requested_at=None)
    # Read before the data: a withdrawal committed after this read may not be in what is read next.
    withdrawals = (
        OpenDataset.objects.filter(**{f"{field}_id": pk}).values_list("withdrawals", flat=True).first() or 0
    )
    if kind == CONSULTATION:
        page = selectors.consultations_public().filter(pk=pk).first()
        if page is None or not builders.consultation_published(page):
            return None
        report = selectors.report_published(page)
        stage = selectors.consultation_stage(page, report)
        built = builders.consultation_dataset(page, report=report)
    else:
        page = selectors.calls_public().filter(pk=pk).first()
        if page is None:
            return None
        report, stage = None, selectors.call_stage(page)
        built = builders.call_dataset(page)
    return _store(field, pk, built, stage=stage, report=report, started=started, withdrawals=withdrawals)


def _store(field: str, pk: int, built, *, stage: str, report, started, withdrawals: int) -> OpenDataset:
    archive = built.zip()
    digest = sha256(archive)
    manifest = [
        {
            "name": name,
            "size": len(data),
            "rows": built.row_counts.get(name.rsplit(".", 1)[0])
            if name.endswith((".csv", ".json"))
            else None,
            "sha256": file_digest,
        }
        for (name, data), file_digest in zip(built.files.items(), built.checksums().values(), strict=True)
    ]
    content = None
    current = OpenDataset.objects.filter(**{f"{field}_id": pk}).first()
    if current is None or current.zip_sha256 != digest or not current.archive:
        content = ContentFile(archive)
    with transaction.atomic():
        dataset, _created = OpenDataset.objects.select_for_update().get_or_create(**{f"{field}_id": pk})
        if dataset.build_started_at and dataset.build_started_at > started:
            # A build that began later was stored meanwhile (a redelivered task, two workers): keep it.
            logger.info("open dataset %s=%s: an older build not stored", field, pk)
            return dataset
        old_name = dataset.archive.name if content is not None else None
        if content is not None:
            dataset.archive.save(f"{built.slug}-{digest[:16]}.zip", content, save=False)
        dataset.slug = built.slug
        dataset.files = manifest
        dataset.notes = list(built.notes)
        dataset.zip_size = len(archive)
        dataset.zip_sha256 = digest
        dataset.stage = stage
        dataset.report_version = report
        dataset.built_at = timezone.now()
        dataset.build_started_at = started
        # Content withdrawn after this build began reading (a hidden idea, say) may still be in what it
        # read: the files stay withdrawn until a build that began after that withdrawal is stored.
        if dataset.withdrawals == withdrawals:
            dataset.withdrawn = False
        dataset.save()
        if old_name and old_name != dataset.archive.name:
            storage = dataset.archive.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    logger.info("open dataset built %s=%s zip=%s", field, pk, digest[:12])
    return dataset


def opendatasets_refresh() -> int:
    """Queue a build for every public dataset missing or of another stage than its page's now (a
    consultation that closed, a call whose vote closed, a newly pinned report version…). Run by beat,
    so a milestone reached with nobody writing anything still publishes its data."""
    queued = 0
    stored = {
        (d.consultation_id, d.call_id): d
        for d in OpenDataset.objects.only("consultation_id", "call_id", "stage", "requested_at")
    }
    now = timezone.now()
    for consultation in selectors.consultations_public().in_phase(Phase.CLOSED, now):
        dataset = stored.get((consultation.pk, None))
        if dataset is None or dataset.stage != selectors.consultation_stage(consultation):
            queued += opendataset_request(kind=CONSULTATION, pk=consultation.pk)
    for call in selectors.calls_public().select_related("public_vote"):
        dataset = stored.get((None, call.pk))
        if dataset is None or dataset.stage != selectors.call_stage(call):
            queued += opendataset_request(kind=CALL, pk=call.pk)
    return queued
