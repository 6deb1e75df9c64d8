"""What consultations announce to the layers above them (core/events.py explains events).

Each event passes `consultation_id`; listeners live in the packages that care (reports, opendata, cms)
and are connected in their `AppConfig.ready()`.
"""

from core.events import Event

# New answers came in through the site (a response, paper forms entered): the report is out of date.
answers_received = Event("consultations.answers_received")

# A Pol.is conversation was imported: many statements and votes at once, outside the site's forms.
conversation_imported = Event("consultations.conversation_imported")

# Published contributions changed (a moderation decision, an official's answer to an idea, a comment
# deleted, ideas merged): the consultation's open data is out of date, and so are the pages kept for
# visitors. `withdraw` is True when something was taken out of public view, which must leave the
# published files at once.
contributions_changed = Event("consultations.contributions_changed")

# A comment's author corrected it (`consultation_id`): the pages kept for visitors show the old text.
comment_edited = Event("consultations.comment_edited")
