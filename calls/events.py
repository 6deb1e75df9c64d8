"""What calls for projects announce to the layers above them (core/events.py explains events)."""

from core.events import Event

# A call's laureates were published (`call_id`): the call's open data lists them from now on.
laureates_published = Event("calls.laureates_published")
