"""Sending e-mails to people: in their language, with a one-click unsubscribe where it applies."""

import re
import smtplib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser as User
from django.core import signing
from django.core.cache import cache
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

UNSUBSCRIBE_SALT = "concerto.unsubscribe"


@dataclass(frozen=True)
class Topic:
    """A kind of e-mail a person can stop from the link it carries, without signing in.

    `stop(user, key)` does it; `key` names the thing followed when the topic has one (a project).
    """

    question: str
    done: str
    stop: Callable[[User, int | None], None]


TOPICS: dict[str, Topic] = {}


def topic_register(name: str, *, question: str, done: str, stop: Callable[[User, int | None], None]) -> None:
    """Declare an e-mail topic (apps call this from their `ready()`)."""
    TOPICS[name] = Topic(question=question, done=done, stop=stop)


def site_name(request=None) -> str:
    """The platform's name, as its administrators set it: the "Site name" of the Wagtail site
    (Settings → Sites), the request's or else the default one; `WAGTAIL_SITE_NAME` ("Concerto") while
    it is blank. Every e-mail names the platform through this (as `{{ site_name }}`), never by the host
    name and port a request came in on."""
    site = Site.find_for_request(request) if request is not None else None
    if site is not None:
        return site.site_name.strip() or settings.WAGTAIL_SITE_NAME
    # Without a request (tasks sending to thousands), the default site's name is kept in the cache,
    # forgotten whenever a site is saved or deleted (accounts/apps.py), rather than asked per e-mail.
    name = cache.get(_SITE_NAME_KEY)
    if name is None:
        site = Site.objects.filter(is_default_site=True).only("site_name").first()
        name = (site.site_name.strip() if site else "") or settings.WAGTAIL_SITE_NAME
        cache.set(_SITE_NAME_KEY, name, 300)
    return name


_SITE_NAME_KEY = "accounts:site-name"


def site_name_forget(**kwargs) -> None:
    cache.delete(_SITE_NAME_KEY)
    transaction.on_commit(lambda: cache.delete(_SITE_NAME_KEY))  # a reader between save and commit


def unsubscribe_url(user: User, topic: str, key: int | None = None) -> str:
    data = {"u": user.pk, "t": topic} if key is None else {"u": user.pk, "t": topic, "k": key}
    token = signing.dumps(data, salt=UNSUBSCRIBE_SALT, compress=True)
    return f"{settings.WAGTAILADMIN_BASE_URL}{reverse('account_unsubscribe', args=[token])}"


def unsubscribe_target(token: str) -> tuple[User, str, int | None] | None:
    """The person, topic and key a signed unsubscribe token names, or None if it was tampered with."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") not in TOPICS:
        return None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    return (user, data["t"], data.get("k")) if user else None


def unsubscribe(*, user: User, topic: str, key: int | None = None) -> None:
    TOPICS[topic].stop(user, key)


def email_send(
    *, user: User, template: str, context: dict, topic: str | None = None, topic_key: int | None = None
) -> None:
    """Send `<template>_subject.txt` and `<template>_body.txt` to a person, in their language.

    With a `topic`, the e-mail carries a one-click unsubscribe link (RFC 8058 headers and in the body);
    `topic_key` names what the topic is about when it has one (the project followed).
    """
    context = {**context, "user": user}
    headers = {}
    if topic:
        context["unsubscribe_url"] = unsubscribe_url(user, topic, topic_key)
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    email_send_to(
        address=user.email, language=user.language, template=template, context=context, headers=headers
    )


def email_send_to(*, address: str, language: str, template: str, context: dict, headers=None) -> None:
    """Render the two templates of an e-mail in `language` and send it to `address`; they name the
    platform with `{{ site_name }}` and link to it with `{{ site_url }}`."""
    with translation.override(language):
        context = {**context, "site_url": settings.WAGTAILADMIN_BASE_URL, "site_name": site_name()}
        # One line: a title or a subject typed with a line break must not make the header invalid. Only
        # ordinary white space is folded: French no-break spaces (before : and inside « ») stay.
        subject = re.sub(r"[ \t\r\n]+", " ", _render_text(f"{template}_subject.txt", context)).strip(" ")
        body = _render_text(f"{template}_body.txt", context)
    EmailMultiAlternatives(subject, body, to=[address], headers=headers or {}).send()


def refused_for_good(error: Exception) -> bool:
    """Whether the mail server refused every recipient of an e-mail permanently (a 5xx reply, e.g. no
    such mailbox): sending it again would fail again, so a batch moves on to the next person rather than
    retrying, which would hold up everyone after them."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return bool(error.recipients) and all(code >= 500 for code, _reply in error.recipients.values())
    return False


def email_send_once(*, record: Callable[[], object], send: Callable[[], None]) -> str:
    """Send one e-mail of a batch (an outcome to each participant, a milestone to each follower) at least
    once, and once across runs of the batch.

    `record()` writes the row saying it was sent, under a unique constraint; `send()` sends. Both happen
    in one transaction, committed after the sending: a second run meanwhile waits on the row and then
    skips it; a sending that fails, or a worker killed before the commit, leaves no row, so the next run
    sends it. Returns "sent", "already" (another run sent it), or "refused" (the address is refused for
    good: the row is kept, it would be refused again).
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                record()
        except IntegrityError:
            return "already"
        try:
            send()
        except Exception as error:
            if refused_for_good(error):
                return "refused"
            raise
    return "sent"


def _render_text(name: str, context: dict) -> str:
    """A plain-text template, not HTML-escaped: "Plan d'urbanisme & mobilité" stays as written, rather
    than reaching the reader as "Plan d&#x27;urbanisme &amp; mobilité"."""
    return get_template(name).template.render(Context(context, autoescape=False))
