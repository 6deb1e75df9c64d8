"""What open data does when a lower layer announces something (core/events.py); connected once, by
`OpenDataConfig.ready()`. Each request is queued in the announcing transaction (the outbox)."""

from calls.events import laureates_published
from consultations.events import contributions_changed
from opendata.services import CALL, opendataset_request, opendataset_request_for
from reports.events import report_compiled_after_closing


def _call_laureates_published(*, call_id: int) -> None:
    opendataset_request(kind=CALL, pk=call_id)


def connect() -> None:
    contributions_changed.listen(opendataset_request_for)
    report_compiled_after_closing.listen(opendataset_request_for)
    laureates_published.listen(_call_laureates_published)
