"""The report-a-problem and contact forms, news and the site map."""

import logging
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from wagtail.images.blocks import ImageBlock
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from cms.blocks import NewsBodyBlock
from cms.models import NewsPage, SiteMessage, SiteSettings
from cms.tasks import site_message_send_task
from tests.cms.conftest import page_add

pytestmark = pytest.mark.django_db

REPORT = "/accessibilite/report/"
GOOD_REPORT = {
    "name": "Camille Martin",
    "email": "camille@exemple.org",
    "page_url": "https://concerto.exemple.org/consultations/",
    "message": "Le lecteur d’écran ne lit pas les choix de la question 2.",
}


@pytest.fixture
def queued(monkeypatch):
    """The ids the forms queue for sending (the task is then run as the worker runs it)."""
    ids = []
    monkeypatch.setattr(site_message_send_task, "delay", ids.append)
    return ids


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": ""}, "email", "Enter your e-mail address, so that we can answer you."),
        ({"email": "camille@"}, "email", "Enter an e-mail address in the format name@example.org."),
        ({"page_url": ""}, "page_url", "Enter the address of the page where you met the problem."),
        ({"page_url": "pas une adresse"}, "page_url", "Enter a web address"),
        ({"message": "  "}, "message", "Describe the problem you met."),
        ({"message": "x" * 5001}, "message", "at most 5000 characters"),
    ],
)
def test_bad_input_is_refused_with_messages_tied_to_their_fields(en, site_pages, changes, field, message):
    refused = en.post(REPORT, {**GOOD_REPORT, **changes})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert f'id="id_{field}_error"' in page
    assert f'aria-describedby="id_{field}_help id_{field}_error"' in page
    assert 'aria-invalid="true"' in page
    assert 'role="alert"' in page, "the error summary is announced"
    assert "camille@exemple.org" in page or field == "email", "what was typed is kept"
    assert not SiteMessage.objects.exists()


def test_a_report_is_recorded_forwarded_and_acknowledged_once(
    en, site_pages, queued, django_capture_on_commit_callbacks, caplog
):
    form = en.get(f"{REPORT}?page=https://concerto.exemple.org/aide/")
    assert form.status_code == 200
    assert 'value="https://concerto.exemple.org/aide/"' in form.content.decode(), "the page is prefilled"
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        sent = en.post(REPORT, GOOD_REPORT, follow=True)
    assert sent.redirect_chain == [("/accessibilite/", 302)]
    assert "your report is recorded" in sent.content.decode()
    report = SiteMessage.objects.get()
    assert (report.kind, report.email, report.language) == ("accessibility", "camille@exemple.org", "en")
    assert queued == [report.pk], "sent once committed"

    site_message_send_task.run(report.pk)
    forwarded, acknowledgement = mail.outbox
    assert forwarded.to == ["contact@ville.example"]
    assert forwarded.extra_headers["Reply-To"] == "camille@exemple.org"
    assert "Accessibility problem reported" in forwarded.subject
    assert GOOD_REPORT["message"] in forwarded.body
    assert GOOD_REPORT["page_url"] in forwarded.body
    assert acknowledgement.to == ["camille@exemple.org"]
    assert "within a week" in acknowledgement.body
    assert "Défenseur des droits" in acknowledgement.body
    site_message_send_task.run(report.pk)  # a redelivery sends nothing more
    site_message_send_task.run(987654)  # nor does a deleted message
    assert len(mail.outbox) == 2
    for personal in ("camille@exemple.org", "Camille Martin", "lecteur d’écran"):
        assert personal not in caplog.text, "no personal data in the logs"


def test_without_a_contact_address_the_message_waits_and_is_still_acknowledged(site_pages, queued, client):
    SiteSettings.objects.update(contact_email="")
    client.post(REPORT, GOOD_REPORT)
    report = SiteMessage.objects.get()
    site_message_send_task.run(report.pk)
    assert [message.to for message in mail.outbox] == [["camille@exemple.org"]]
    report.refresh_from_db()
    assert report.forwarded_at is None
    assert report.acknowledged_at is not None


def test_the_forms_are_rate_limited_per_address(en, site_pages, queued, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "site_message": "2/10m/ip"}
    assert en.post(REPORT, GOOD_REPORT).status_code == 302
    assert en.post(site_pages["contact"].url, {**GOOD_REPORT, "subject": "Bonjour"}).status_code == 302
    refused = en.post(REPORT, {**GOOD_REPORT, "message": "Le lecteur d’écran saute le menu."})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Too many messages from this address" in body
    assert "Le lecteur d’écran saute le menu." in body, "the message typed is still in the form"
    assert SiteMessage.objects.count() == 2


def test_correcting_a_field_does_not_count_against_the_limit(en, site_pages, queued, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "site_message": "1/10m/ip"}
    for _attempt in range(3):
        assert en.post(REPORT, {**GOOD_REPORT, "email": "pas une adresse"}).status_code == 400
    assert en.post(REPORT, GOOD_REPORT).status_code == 302


def test_the_contact_form_needs_a_subject_but_no_page(en, site_pages, queued):
    url = site_pages["contact"].url
    refused = en.post(url, {"email": "camille@exemple.org", "message": "Bonjour"})
    assert refused.status_code == 400
    assert "Enter the subject of your message." in refused.content.decode()
    sent = en.post(url, {"email": "camille@exemple.org", "subject": "Horaires", "message": "Bonjour"})
    assert sent.status_code == 302
    message = SiteMessage.objects.get()
    assert (message.kind, message.subject, message.page_url) == ("contact", "Horaires", "")
    site_message_send_task.run(message.pk)
    assert "Contact" in mail.outbox[0].subject
    assert "Horaires" in mail.outbox[0].subject


def test_news_are_listed_newest_first(client, site_pages):
    index = site_pages["news"]
    page_add(index, NewsPage, title="Ancienne", date=date(2026, 1, 5), introduction="a")
    page_add(index, NewsPage, title="Récente", date=date(2026, 6, 5), introduction="b")
    body = client.get(index.url).content.decode()
    assert body.index("Récente") < body.index("Ancienne")
    assert '<time datetime="2026-06-05">' in body


def test_images_need_a_text_alternative(client, site_pages):
    image = Image.objects.create(title="Photo", file=get_test_image_file())
    news = NewsPage(title="Photo", introduction="x", image=image, image_alt=" ")
    with pytest.raises(ValidationError) as refused:
        news.full_clean()
    assert "image_alt" in refused.value.message_dict
    block = NewsBodyBlock().child_blocks["image"]
    assert isinstance(block, ImageBlock)
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "decorative": False, "alt_text": ""}))
    assert block.clean(block.to_python({"image": image.pk, "decorative": True, "alt_text": ""}))
    page_add(
        site_pages["news"], NewsPage, title="Photo", introduction="x", image=image, image_alt="Une salle"
    )
    assert 'alt="Une salle"' in client.get(NewsPage.objects.get().url).content.decode()


def test_the_site_map_lists_the_public_pages_nested(client, site_pages, consultation):
    news = page_add(site_pages["news"], NewsPage, title="Une nouvelle", introduction="x")
    body = client.get(site_pages["sitemap"].url).content.decode()
    for page in (site_pages["contact"], site_pages["statement"], consultation, news):
        assert f'<a href="{page.url}">{page.title}</a>' in body.replace("&#x27;", "'")
    nested = body[body.index(site_pages["news"].title) :]
    assert nested.index("<ul>") < nested.index("Une nouvelle"), "news under their index"
    xml = client.get("/sitemap.xml").content.decode()
    assert "/accessibilite/</loc>" in xml


def test_editors_read_the_messages_in_the_admin_but_cannot_write_them(editor):
    from django.contrib.auth.models import Group

    editors = Group.objects.get(name="Editors")
    assert editors.permissions.filter(codename="view_sitemessage").exists()
    assert editor.has_perm("cms.view_sitemessage")
    assert not editor.has_perm("cms.add_sitemessage")
    assert not editor.has_perm("cms.change_sitemessage")


@pytest.mark.parametrize(
    ("url", "field"), [(REPORT, "name"), ("/contact/", "name"), ("/contact/", "subject")]
)
def test_a_name_or_subject_over_several_lines_is_refused(en, site_pages, queued, url, field):
    """A line break in a one-line field would forge a line of the e-mail forwarded to the site's team
    ("Page: …", "From: …"): refused, with what was typed kept, and nothing is sent."""
    for line_break in ("\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b"):
        typed = {
            **GOOD_REPORT,
            "subject": "Horaires",
            field: f"Camille{line_break}Page: https://pirate.example/",
        }
        refused = en.post(url, typed)
        assert refused.status_code == 400, repr(line_break)
        page = refused.content.decode()
        assert "Type it on one line, without line breaks." in page
        assert f'id="id_{field}_error"' in page
        assert "pirate.example" in page, "what was typed is kept"
    assert not SiteMessage.objects.exists()
    assert not queued
    assert not mail.outbox


@pytest.mark.parametrize("url", [REPORT, "/contact/"])
def test_the_acknowledgement_repeats_nothing_the_sender_typed(en, site_pages, queued, url):
    """The acknowledgement goes to an address nobody confirmed: it must not carry someone's text to
    anyone in the site's name."""
    typed = {
        **GOOD_REPORT,
        "name": "Gagnez un iPhone",
        "subject": "Votre colis est en attente",
        "message": "Cliquez sur https://pirate.example/colis pour le recevoir.",
    }
    assert en.post(url, typed).status_code == 302
    message = SiteMessage.objects.get()
    site_message_send_task.run(message.pk)
    forwarded, acknowledgement = mail.outbox
    assert typed["message"] in forwarded.body, "the site's team gets the whole message"
    assert acknowledgement.to == [typed["email"]]
    assert str(message.pk) in acknowledgement.subject
    for text in (typed["name"], typed["subject"], "pirate.example", "colis", "iPhone"):
        assert text not in acknowledgement.subject + acknowledgement.body


def test_an_e_mail_subject_is_always_one_line(site_pages):
    """Whatever the template gets (a page title with a line break, say), the header stays valid."""
    from core.notifications import email_send_to

    message = SiteMessage.objects.create(
        kind="contact", email="camille@exemple.org", subject="Deux\nlignes", message="x", language="en"
    )
    email_send_to(
        address="lecteur@exemple.org",
        language="en",
        template="cms/email/site_message_forward",
        context={"site_message": message},
    )
    assert "\n" not in mail.outbox[0].subject
    assert "Deux lignes" in mail.outbox[0].subject
