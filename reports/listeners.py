"""What reports does when a lower layer announces something (core/events.py); connected once, by
`FeedbackConfig.ready()`."""

from consultations.events import answers_received, conversation_imported
from core.outbox import outbox_enqueue
from reports.services import report_compile_schedule
from reports.tasks import report_compile_request_task


def _compile_request_queue(*, consultation_id: int) -> None:
    # In the import's transaction: the request commits with the imported votes, and the outbox delivers
    # it even if the broker is down then.
    outbox_enqueue(report_compile_request_task, consultation_id)


def connect() -> None:
    # Once the answer is committed (the compile reads it); never failing the answer if the broker is down.
    answers_received.listen(report_compile_schedule, on_commit=True)
    conversation_imported.listen(_compile_request_queue)
