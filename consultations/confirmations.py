"""Confirmations shown where the person acted, not at the top of the page.

After an action (answers sent, a statement published, a vote, a support, a comment…) the view redirects
back to the section or item the person acted on (`url#anchor`), and that page renders the confirmation
inside that section, focusable (`tabindex="-1"`, `autofocus`) and announced (`role="status"`); the
page's script moves the focus to it as well (static/js/contribute.js), since browsers skip `autofocus`
on an address with a fragment. Without JavaScript the browser scrolls to the section, where the
confirmation is.

The confirmation travels in the session for the one page it belongs to: the next view of that path
takes it (and only that path, so that a confirmation never shows up on another page later). Django's
messages would be shown by the site's layout at the top of the page, far from the person.
"""

from dataclasses import dataclass

from django.shortcuts import redirect

SESSION_KEY = "consultations_confirmation"


@dataclass(frozen=True)
class Confirmation:
    anchor: str
    message: str


def confirm_and_return(request, *, url: str, anchor: str, message: str):
    """Keep `message` for the page at `url` and send the person back to `anchor` on it."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    request.session[SESSION_KEY] = {"path": path, "anchor": anchor, "message": str(message)}
    return redirect(f"{url}#{anchor}")


def confirmation_take(request) -> Confirmation | None:
    """The confirmation kept for this page, taken once (None when there is none, or for another page)."""
    session = getattr(request, "session", None)
    if session is None or SESSION_KEY not in session:
        return None
    kept = session[SESSION_KEY]
    if kept.get("path") != request.path:
        return None
    del session[SESSION_KEY]
    return Confirmation(anchor=kept["anchor"], message=kept["message"])
