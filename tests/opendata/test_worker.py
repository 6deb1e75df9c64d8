"""A real worker process builds and stores a closed consultation's open data, queued by the page that
found none, and builds it again without what a moderator hid."""

import pytest
from django.urls import reverse

from consultations.services.moderation import contribution_moderate
from opendata.models import OpenDataset
from tests.opendata.test_opendata import download, rows, unpack
from tests.worker import celery_worker_process, wait_for  # noqa: F401  (fixture)

pytestmark = pytest.mark.worker


def test_the_worker_builds_the_dataset_the_page_asked_for_and_rebuilds_it_after_moderation(
    celery_worker_process,  # noqa: F811
    en,
    filled,
    official,
):
    consultation = filled.consultation
    page = en.get(reverse("opendata_consultation", args=[consultation.pk]))
    assert "being prepared" in page.content.decode()
    first = wait_for(
        lambda: OpenDataset.objects.filter(consultation=consultation, built_at__isnull=False).first(),
        what="the worker to build the dataset",
    )
    files = unpack(download(en, "opendata_consultation_file", consultation.pk, first.zip_name))
    assert [idea["title/fr"] for idea in rows(files, "ideas.csv")] == ["Des écrans"]
    assert len(rows(files, "statement_votes.csv")) == 5

    contribution_moderate(item=filled.idea, moderator=official, kind="hide", reason="Données personnelles")
    rebuilt = wait_for(
        lambda: OpenDataset.objects.filter(
            consultation=consultation, withdrawn=False, built_at__gt=first.built_at
        ).first(),
        what="the worker to rebuild the dataset without the hidden idea",
    )
    assert rebuilt.zip_sha256 != first.zip_sha256
    files = unpack(download(en, "opendata_consultation_file", consultation.pk, rebuilt.zip_name))
    assert rows(files, "ideas.csv") == []
    assert celery_worker_process.poll() is None, "the worker is still running"
