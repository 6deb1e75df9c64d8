"""What reports announce to the layers above them (core/events.py explains events)."""

from core.events import Event

# A new version of a closed consultation's report was compiled (`consultation_id`): its open data quotes
# the report at closing.
report_compiled_after_closing = Event("reports.report_compiled_after_closing")
