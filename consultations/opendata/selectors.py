"""Reads of the open data: which consultations and calls have a public dataset, and their files
(built from the database, remembered for a while)."""

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from ..calls.models import CallPage
from ..models import Comment, ConsultationPage, Idea, ModerationAction
from . import builders
from .tables import Dataset

# Built datasets are remembered this long, the page and its downloads then showing the same files and
# checksums; what can change after closing is part of a consultation's key (`_after_closing_changes`).
DATASET_SECONDS = 10 * 60


def consultations_public():
    """Live consultations anyone may see (no view restriction), latest closing first."""
    return (
        ConsultationPage.objects.live().public().select_related("organisation").order_by("-closes_at", "pk")
    )


def calls_public():
    """Live calls anyone may see, latest closing first."""
    return (
        CallPage.objects.live()
        .public()
        .select_related("organisation", "territory")
        .order_by("-closes_at", "pk")
    )


def _cached(key: str, build) -> Dataset:
    dataset = cache.get(key)
    if dataset is None:
        dataset = build()
        cache.set(key, dataset, DATASET_SECONDS)
    return dataset


def _after_closing_changes(consultation: ConsultationPage) -> str:
    """What can still change a closed consultation's data, in a few numbers: moderation (anywhere: one
    cheap query), comments deleted by their authors, answers to ideas. A change makes a new dataset at
    once, so that content a moderator hides leaves the open data with it."""
    moderation = ModerationAction.objects.aggregate(last=Max("id"))["last"] or 0
    comments = Comment.objects.filter(consultation=consultation, status=Comment.Status.PUBLISHED).count()
    answered = Idea.objects.filter(consultation=consultation).aggregate(last=Max("answered_at"))["last"]
    return f"{moderation}:{comments}:{int(answered.timestamp()) if answered else 0}"


def consultation_dataset(consultation: ConsultationPage) -> Dataset:
    """The dataset of a closed consultation (the caller checks `builders.consultation_published`)."""
    stamp = int((consultation.last_published_at or consultation.closes_at).timestamp())
    changes = _after_closing_changes(consultation)
    return _cached(
        f"opendata:consultation:{consultation.pk}:{stamp}:{changes}",
        lambda: builders.consultation_dataset(consultation),
    )


def call_dataset(call: CallPage) -> Dataset:
    # What is published changes at the call's closing and the vote's: part of the key.
    now = timezone.now()
    vote = getattr(call, "public_vote", None)  # None when the call has no public vote
    milestones = (
        call.closes_at <= now,
        call.laureates_published_at,
        vote is not None and vote.closes_at <= now,
    )
    phases = "".join("1" if reached else "0" for reached in milestones)
    stamp = int((call.last_published_at or call.closes_at).timestamp())
    return _cached(f"opendata:call:{call.pk}:{stamp}:{phases}", lambda: builders.call_dataset(call))
