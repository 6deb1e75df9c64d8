"""Sending e-mails to people: in their language, with a one-click unsubscribe where it applies."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

from .models import User

UNSUBSCRIBE_SALT = "concerto.unsubscribe"
TOPICS = {"digest": "email_digest"}  # topic → the user's field that turns it on


def unsubscribe_url(user: User, topic: str) -> str:
    token = signing.dumps({"u": user.pk, "t": topic}, salt=UNSUBSCRIBE_SALT, compress=True)
    return f"{settings.WAGTAILADMIN_BASE_URL}{reverse('account_unsubscribe', args=[token])}"


def unsubscribe_target(token: str) -> tuple[User, str] | None:
    """The person and topic a signed unsubscribe token names, or None if it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") not in TOPICS:
        return None
    user = User.objects.filter(pk=data.get("u")).first()
    return (user, data["t"]) if user else None


def unsubscribe(*, user: User, topic: str) -> None:
    User.objects.filter(pk=user.pk).update(**{TOPICS[topic]: False})


def email_send(*, user: User, template: str, context: dict, topic: str | None = None) -> None:
    """Send `<template>_subject.txt` and `<template>_body.txt` to a person, in their language.

    With a `topic`, the e-mail carries a one-click unsubscribe link (RFC 8058 headers and in the body).
    """
    context = {**context, "user": user}
    headers = {}
    if topic:
        context["unsubscribe_url"] = unsubscribe_url(user, topic)
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    email_send_to(
        address=user.email, language=user.language, template=template, context=context, headers=headers
    )


def email_send_to(*, address: str, language: str, template: str, context: dict, headers=None) -> None:
    """Render the two templates of an e-mail in `language` and send it to `address`."""
    with translation.override(language):
        context = {**context, "site_url": settings.WAGTAILADMIN_BASE_URL}
        subject = _render_text(f"{template}_subject.txt", context).strip()
        body = _render_text(f"{template}_body.txt", context)
    EmailMultiAlternatives(subject, body, to=[address], headers=headers or {}).send()


def _render_text(name: str, context: dict) -> str:
    """A plain-text template, not HTML-escaped: "Plan d'urbanisme & mobilité" stays as written, rather
    than reaching the reader as "Plan d&#x27;urbanisme &amp; mobilité"."""
    return get_template(name).template.render(Context(context, autoescape=False))
