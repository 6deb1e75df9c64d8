"""Domain events: how a lower layer tells the layers above it what happened without importing them.

A package declares its events in its own `events.py` (`response_submitted = Event("…")`) and announces
them from its services (`response_submitted.announce(consultation_id=…)`). A higher package listens from
its `ready()` (`response_submitted.listen(report_compile_schedule_for)`): consultations never imports
reports, yet a new response schedules the report's compile.

Listeners run in the announcing transaction by default, so that what they write (an outbox row) commits
or rolls back with the change. `on_commit=True` defers one until the transaction has committed, and
skips it if it rolls back: for what lives outside the database (the page cache, the search index).
Arguments are keywords, ids and short values, never model instances a listener could find stale.
"""

from collections.abc import Callable
from functools import partial

from django.db import transaction


class Event:
    def __init__(self, name: str):
        self.name = name
        self._now: list[Callable[..., object]] = []
        self._on_commit: list[Callable[..., object]] = []

    def __repr__(self) -> str:
        return f"<Event {self.name}>"

    def listen(self, handler: Callable[..., object], *, on_commit: bool = False) -> Callable[..., object]:
        """Run `handler(**data)` at every announcement (once, however often `listen` is called)."""
        listeners = self._on_commit if on_commit else self._now
        if handler not in listeners:
            listeners.append(handler)
        return handler

    def announce(self, **data) -> None:
        for handler in self._now:
            handler(**data)
        for handler in self._on_commit:
            transaction.on_commit(partial(handler, **data))

    @property
    def listeners(self) -> tuple[Callable[..., object], ...]:
        return (*self._now, *self._on_commit)
