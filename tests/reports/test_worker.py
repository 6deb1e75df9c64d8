"""A real worker process compiles the report after a response is committed."""

import pytest

from consultations.services.responses import response_submit
from reports.models import ReportSnapshot
from tests.factories import UserFactory, consultation_create
from tests.worker import celery_worker_process, wait_for  # noqa: F401  (fixture)

pytestmark = pytest.mark.worker


def test_a_response_is_compiled_into_a_report_by_the_worker(celery_worker_process):  # noqa: F811
    consultation = consultation_create()
    single, open_text = consultation.question_list
    for choice in (0, 1, 1):
        response_submit(
            consultation=consultation,
            participant=UserFactory(),
            answers={single.id: single.choices[choice][0], open_text.id: "Des horaires souples"},
        )
    snapshot = wait_for(
        lambda: ReportSnapshot.objects.filter(consultation=consultation, response_count=3).first(),
        what="the worker to compile the report with every response",
    )
    assert snapshot.participants == 3
    assert [c.count for c in snapshot.questions[0].choices] == [1, 2, 0]
    assert celery_worker_process.poll() is None, "the worker is still running"
