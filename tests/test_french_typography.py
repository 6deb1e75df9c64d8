"""French typography on the pages and e-mails a French reader gets (docs/i18n.md): no-break spaces before
: ; ! ? and inside « », thousands grouped, amounts as "20 000,00 €", "1er janvier", no ".." after a
moderator's reason, "Déposer un dossier" (not the admin's "Appliquer") on a call page; and the French
catalogue has no typographic fault (scripts/french_typography.py --check)."""

import re
import subprocess
import sys
from datetime import datetime, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from calls import tasks as call_tasks
from calls.services.dossiers import project_submit
from consultations import tasks
from consultations.models import Idea, Report
from tests.calls.conftest import call_create, project_create
from tests.factories import (
    QUESTIONS,
    ModeratorFactory,
    UserFactory,
    consultation_create,
    outcome_create,
)

ROOT = Path(__file__).resolve().parent.parent
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"


class _Text(HTMLParser):
    """The text a reader sees: no tag, attribute, script or style."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return "\n".join(part for part in parser.parts if part.strip())


def _is_year(digits: str) -> bool:
    return len(digits) == 4 and 1900 <= int(digits) <= 2100


def typography_faults(text: str) -> list[str]:
    """Each French typographic fault of `text` (with some context), empty if none."""
    text = re.sub(r"\bhttps?://\S+", "(address)", text)  # an address is typed as it is
    faults = []

    def found(match, what):
        start, end = match.span()
        faults.append(f"{what}: {text[max(0, start - 30) : end + 20]!r}")

    for match in re.finditer(r"(?<=\w)(?: |)[:;!?](?=\s|$)", text):
        found(match, "an ordinary space or none before : ; ! ?")
    for match in re.finditer(r"«(?![\u00a0\u202f])", text):
        found(match, "« without a no-break space after it")
    for match in re.finditer(r"(?<![\u00a0\u202f])»", text):
        found(match, "» without a no-break space before it")
    for match in re.finditer(r"(?<![\w.,/-])\d{4,}(?![\w/-]|[.,]\d)", text):
        if not _is_year(match.group()):
            found(match, "a figure of 1000 or more not grouped by thousands")
    for match in re.finditer(r"\d{4,}[.,]\d+", text):
        found(match, "an amount not grouped by thousands")
    for match in re.finditer(r"\d(?: ?)[€%]", text):
        found(match, "no no-break space before € or %")
    for match in re.finditer(rf"(?<!\d)1 (?:{MONTHS})\b", text):
        found(match, "“1 janvier” instead of “1er janvier”")
    for match in re.finditer(r"(?<!\.)\.\.(?!\.)", text):
        found(match, "a doubled period")
    for match in re.finditer(r"\w'\w", text):
        found(match, "a straight apostrophe")
    return faults


def test_the_checker_finds_each_fault():
    """A check that could not fail would prove nothing: each fault it looks for is found."""
    for wrong in [
        "Motif : hors sujet",
        "Motif: hors sujet",
        "Vraiment ?",
        "« Tiers-lieux »",
        "Budget : 10000,00 €",
        "20000 participants",
        "le 1 janvier 2027",
        "Publicité..",
        "l'appel",
        "50 %",
    ]:
        assert typography_faults(wrong), wrong
    right = "Motif\u00a0: «\u00a0Tiers-lieux\u00a0», 10\u202f000,00\u00a0€, le 1er janvier 2027"
    right += ", 50\u00a0%\u202f! 14:00 http://127.0.0.1:8000/?q=1"
    assert typography_faults(right) == []


def test_the_french_catalogue_has_no_typographic_fault():
    """What the lead re-runs after merging new strings: `--check` exits 1 on any fault."""
    checked = subprocess.run(
        [sys.executable, "scripts/french_typography.py", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout


def test_the_normalizer_fixes_a_catalogue_and_changes_nothing_the_second_time(tmp_path):
    catalogue = tmp_path / "django.po"
    catalogue.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, python-format\nmsgid "Reason: %(reason)s"\nmsgstr "Motif : %(reason)s"\n\n'
        'msgid "Sure? <a href=\\"http://example.org/?a=1\\">Yes</a>"\n'
        'msgstr "Vraiment? <a href=\\"http://example.org/?a=1\\">Oui</a>"\n\n'
        '#, python-format\nmsgid "%(share)s %% of \\"%(title)s\\"..."\n'
        'msgstr "%(share)s %% de « %(title)s »..."\n\n'
        'msgid "Today\'s"\nmsgstr "Aujourd\'hui"\n',
        encoding="utf-8",
    )

    def run(*arguments):
        return subprocess.run(
            [sys.executable, "scripts/french_typography.py", *arguments, str(catalogue)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )

    assert run("--check").returncode == 1
    assert run().returncode == 0
    fixed = catalogue.read_text(encoding="utf-8")
    assert 'msgstr "Motif\u00a0: %(reason)s"' in fixed
    assert 'msgstr "Vraiment\u202f? <a href=\\"http://example.org/?a=1\\">Oui</a>"' in fixed
    assert 'msgstr "%(share)s\u00a0%% de «\u00a0%(title)s\u00a0»…"' in fixed
    assert 'msgstr "Aujourd’hui"' in fixed
    assert run("--check").returncode == 0
    assert run().returncode == 0
    assert catalogue.read_text(encoding="utf-8") == fixed, "a second run changes nothing"


# --- Pages and e-mails ----------------------------------------------------------------------------

# Contributed texts are the writer's, not ours: questions written as a French editor would.
QUESTIONS_FR = [
    {**question, "value": {**question["value"], "label": question["value"]["label"].replace(" ?", "\u202f?")}}
    for question in QUESTIONS
]


def _first_of_next_january() -> datetime:
    year = timezone.localdate().year + 1
    return datetime.combine(datetime(year, 1, 1).date(), time(18), tzinfo=ZoneInfo("Europe/Paris"))


@pytest.fixture
def french(client, settings):
    settings.LANGUAGE_CODE = "fr"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    return client


@pytest.fixture
def scene(db, organisation):
    """An open consultation (with ideas) and an open call that both close on the first of January, a
    dossier asking more than the call's maximum, and an outcome page."""
    closes = _first_of_next_january()
    # The factories number their names ("Organisation 2355", "Personne 3259"): a long run gets past 999,
    # which the checker would rightly call an ungrouped figure. Names as people give them.
    organisation.name = "Ville de Lyon"
    organisation.save()
    consultation = consultation_create(
        organisation=organisation,
        title="Consultation sur les mobilités",
        closes_in=closes - timezone.now(),
        questions=QUESTIONS_FR,
        ideas_enabled=True,
        statements_enabled=True,
    )
    # The factory's texts, as a French editor would type them.
    consultation.what_can_change = "Le nombre de jours et l’équipement\u202f; le principe est acquis."
    consultation.save()
    call = call_create(
        organisation=organisation,
        title="Appel à projets «\u00a0Tiers-lieux\u00a0»",
        closes_in=closes - timezone.now(),
        total_budget=Decimal("150000"),
        max_amount=Decimal("20000"),
    )
    applicant = UserFactory(pseudonym="Camille")
    dossier = project_create(call, applicant, amount=Decimal("25000"))
    idea = Idea.objects.create(
        consultation=consultation,
        author=UserFactory(pseudonym="Dominique"),
        title="Des pistes cyclables",
        text="Partout.",
    )
    closed = consultation_create(
        organisation=organisation,
        title="Consultation close",
        opens_in=-timedelta(10),
        closes_in=-timedelta(1),
    )
    outcome = outcome_create(closed, title="Ce que vous nous avez dit")
    return {
        "consultation": consultation,
        "call": call,
        "applicant": applicant,
        "dossier": dossier,
        "idea": idea,
        "outcome": outcome,
    }


def _assert_french(text: str, where: str):
    faults = typography_faults(text)
    assert not faults, f"{where}:\n" + "\n".join(faults)


def test_pages_follow_french_typography(french, scene):
    pages = {
        "home": "/",
        "consultation": scene["consultation"].url,
        "call": scene["call"].url,
        "idea": scene["idea"].get_absolute_url(),
        "outcome": scene["outcome"].url,
    }
    for name, url in pages.items():
        response = french.get(url)
        assert response.status_code == 200, name
        _assert_french(page_text(response.content.decode()), name)

    call_page = page_text(french.get(scene["call"].url).content.decode())
    assert "Appliquer" not in call_page, "the admin's bulk action, not the call's"
    assert "Déposer un dossier" in call_page
    assert "1er janvier" in call_page
    assert "150\u202f000\u00a0€" in call_page
    assert "1er janvier" in page_text(french.get(scene["consultation"].url).content.decode())

    french.force_login(scene["applicant"])
    form = french.get(reverse("calls_project", args=[scene["dossier"].pk]))
    assert form.status_code == 200
    text = page_text(form.content.decode())
    _assert_french(text, "dossier form")
    assert "Cet appel finance les projets jusqu’à 20\u202f000,00\u00a0€." in text, "was “20000.00 €”"


def test_amounts_and_dates_on_english_pages_are_written_the_english_way(en, scene):
    text = page_text(en.get(scene["call"].url).content.decode())
    assert "€150,000" in text
    assert "Jan. 1, " in text
    assert "Apply" in text


def _moderation_emails(client, scene, reason, monkeypatch, capture):
    """Hide the idea (reported by a French participant) with `reason`; the e-mails sent."""
    idea, consultation = scene["idea"], scene["consultation"]
    idea.author.language = "fr"
    idea.author.save()
    Report.objects.create(
        idea=idea, reporter=UserFactory(language="fr", pseudonym="Sacha"), reason="spam", details="Pub"
    )
    client.force_login(ModeratorFactory(organisation=consultation.organisation))
    queued = []
    monkeypatch.setattr(tasks.moderation_notify_task, "delay", lambda *args: queued.append(args))
    with capture(execute=True):
        hidden = client.post(
            reverse("consultations_moderate", args=["idea", idea.pk]), {"kind": "hide", "reason": reason}
        )
    assert hidden.status_code in (200, 302)
    mail.outbox.clear()
    for args in queued:
        tasks.moderation_notify_task(*args)
    return list(mail.outbox)


def _email_texts(message) -> list[tuple[str, str]]:
    texts = [("subject", message.subject), ("body", message.body)]
    for content, kind in getattr(message, "alternatives", []):
        if kind == "text/html":
            texts.append(("html", page_text(content)))
    return texts


@pytest.mark.parametrize("reason", ["Publicité.", "Publicité"])
def test_moderation_emails_follow_french_typography(
    french, scene, reason, monkeypatch, django_capture_on_commit_callbacks
):
    sent = _moderation_emails(french, scene, reason, monkeypatch, django_capture_on_commit_callbacks)
    assert len(sent) == 2, "to the author and to the reporter"
    for message in sent:
        for part, text in _email_texts(message):
            _assert_french(text, f"moderation e-mail {part}")
        assert "Motif\u00a0: Publicité.\n" in message.body, "one period, the moderator's or ours"


def test_account_emails_follow_french_typography(french, scene):
    person = UserFactory(language="fr", pseudonym="Alix")
    mail.outbox.clear()
    french.post(reverse("account_reset_password"), {"email": person.email})
    password = "un-mot-de-passe-solide-2026"
    signed_up = french.post(
        reverse("account_signup"),
        {
            "email": "nouvelle@example.org",
            "pseudonym": "Nouvelle",
            "password1": password,
            "password2": password,
        },
    )
    assert signed_up.status_code == 302
    assert len(mail.outbox) >= 2, "a password reset and an address to confirm"
    for message in mail.outbox:
        for part, text in _email_texts(message):
            _assert_french(text, f"account e-mail {part} ({message.subject})")


def test_call_emails_follow_french_typography(french, scene, monkeypatch, django_capture_on_commit_callbacks):
    """The dossier's receipt: its deadline on the first of January."""

    task = call_tasks.status_change_notify_task
    monkeypatch.setattr(task, "delay", lambda *args: task.apply(args=args))
    dossier = scene["dossier"]
    dossier.amount_requested = Decimal("15000")
    dossier.save()
    dossier.budget_lines.filter(label="Travaux").update(amount=Decimal("14000"))
    dossier.applicant.language = "fr"
    dossier.applicant.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        project_submit(project=dossier, actor=dossier.applicant)
    assert mail.outbox, "the receipt"
    for message in mail.outbox:
        for part, text in _email_texts(message):
            _assert_french(text, f"call e-mail {part}")
    assert "1er janvier" in mail.outbox[0].body


def test_templates_write_dates_and_amounts_through_the_filters():
    """`|date:"DATE_FORMAT"` writes "1 janvier" and `{{ … }} €` puts the sign after the amount in English
    too: every template goes through |day_date, |day_datetime and |amount instead (docs/i18n.md)."""
    packages = [path for path in ROOT.iterdir() if (path / "__init__.py").exists() and path.name != "tests"]
    wrong = re.compile(r"""\|date:["'](?:DATE_FORMAT|DATETIME_FORMAT)["']|\}\}\s*€|\)s\s*€""")
    found = [
        f"{template.relative_to(ROOT)}:{number}"
        for package in packages
        for template in package.rglob("templates/**/*")
        if template.suffix in (".html", ".txt")
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), 1)
        if wrong.search(line)
    ]
    assert not found, found
