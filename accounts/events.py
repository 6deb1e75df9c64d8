"""What accounts announce to the layers above them (core/events.py explains events)."""

from core.events import Event

# A person's public name changed (`user_id`): renamed, or gone with their deleted account. The pages kept
# for visitors show it on the person's ideas and comments.
public_name_changed = Event("accounts.public_name_changed")
