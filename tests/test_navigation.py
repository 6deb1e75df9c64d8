"""Every page leads to every section and, for who is signed in, to what is theirs: the main navigation
marks the section one is in, the account menu changes with the person, signing in comes back to the
page, and the footer repeats the sections beside the site's own links."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from calls.models import Assignment
from tests.calls.conftest import call_create, project_create
from tests.factories import UserFactory, consultation_create, outcome_create

pytestmark = pytest.mark.django_db

SECTIONS = {
    "Consultations": "/consultations/",
    "Calls for projects": "/calls/",
    "Citizen votes": "/budgets/",
    "Initiatives": "/commons/",
    "Outcomes": "/outcomes/",
    "Search": "/search/",
}


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def html(client: Client, path: str) -> BeautifulSoup:
    response = client.get(path)
    assert response.status_code == 200, path
    return BeautifulSoup(response.content, "html.parser")


def main_nav(soup) -> dict[str, str]:
    nav = soup.find("nav", attrs={"aria-label": "Main menu"})
    return {link.get_text(" ", strip=True): link["href"] for link in nav.find_all("a")}


def current(soup) -> list[str]:
    """The links of the header marked as the page one is on."""
    header = soup.find("header")
    return [link.get_text(" ", strip=True) for link in header.find_all("a", attrs={"aria-current": "page"})]


def account_menu(soup) -> dict[str, str]:
    nav = soup.find("nav", attrs={"aria-label": "Account"})
    return {link.get_text(" ", strip=True): link["href"] for link in nav.find_all("a")}


def test_a_visitor_finds_every_section_and_signs_in_back_to_the_page():
    client = english(Client())
    consultation = consultation_create(title="Le vélo en ville")
    soup = html(client, consultation.url + "?tab=questions")
    assert main_nav(soup) == SECTIONS
    assert current(soup) == ["Consultations"], "a consultation's page belongs to the consultations"
    menu = account_menu(soup)
    assert menu == {
        "Sign in": f"/accounts/login/?next={consultation.url.replace('/', '%2F')}%3Ftab%3Dquestions",
        "Sign up": "/accounts/signup/",
    }
    assert "My contributions" not in soup.get_text()
    # The sign-in page does not send back to itself.
    login = html(client, reverse("account_login"))
    assert account_menu(login)["Sign in"] == "/accounts/login/"


def test_the_home_page_marks_no_section_and_the_footer_repeats_them():
    soup = html(english(Client()), "/")
    assert current(soup) == []
    footer = soup.find("footer")
    sections = footer.find("nav", attrs={"aria-labelledby": "footer-sections-title"})
    assert {link.get_text(strip=True): link["href"] for link in sections.find_all("a")} == SECTIONS
    assert footer.find("a", href=reverse("opendata_catalogue")).get_text() == "Open data"
    assert footer.find(class_="accessibility-status").get_text().startswith("Accessibility:")
    assert "GNU AGPL 3.0" in footer.get_text()


@pytest.mark.parametrize(
    ("path", "section"),
    [
        ("/budgets/", "Citizen votes"),
        ("/commons/", "Initiatives"),
        ("/search/?q=v%C3%A9lo", "Search"),
        ("/search/?kind=call", "Calls for projects"),  # where the calls' address leads for now
        ("/search/?kind=outcome", "Outcomes"),
        ("/open-data/", None),
    ],
)
def test_the_section_one_is_in_is_marked_by_its_address(path, section):
    soup = html(english(Client()), path)
    assert current(soup) == ([section] if section else [])


def test_a_call_and_an_outcome_page_are_in_their_sections():
    call = call_create(title="Appel « Jardins »")
    outcome = outcome_create(consultation_create(), title="Ce que vous avez dit")
    assert current(html(english(Client()), call.url)) == ["Calls for projects"]
    assert current(html(english(Client()), outcome.url)) == ["Outcomes"]


def test_a_participant_finds_what_is_theirs_in_the_account_menu():
    person = UserFactory(pseudonym="Camille")
    client = english(Client())
    client.force_login(person)
    soup = html(client, reverse("my_contributions"))
    assert account_menu(soup) == {
        "My contributions": "/consultations/mine/",
        "My dossiers": "/calls/dossiers/",
        "My votes": "/consultations/mine/#ballots-title",
        "My data": "/profile/#privacy-title",
        "My account": "/profile/",
        "Sign out": "/accounts/logout/",
    }
    assert "Signed in as Camille" in soup.find("summary").get_text()
    # My contributions are not the consultations section, though their address starts like it.
    assert current(soup) == ["My contributions"]
    assert main_nav(soup) == SECTIONS, "the sections are there for who is signed in too"
    assert "Sign in" not in account_menu(html(client, "/"))


def test_an_evaluator_also_finds_their_evaluations():
    evaluator = UserFactory()
    Assignment.objects.create(project=project_create(call_create(), UserFactory()), evaluator=evaluator)
    client = english(Client())
    client.force_login(evaluator)
    soup = html(client, reverse("calls_evaluations"))
    menu = account_menu(soup)
    assert menu["My evaluations"] == "/calls/evaluations/"
    assert list(menu)[:3] == ["My contributions", "My dossiers", "My evaluations"]
    assert current(soup) == ["My evaluations"], "not the calls section"


def test_the_language_switch_is_one_button_posting_to_set_language():
    client = english(Client())
    soup = html(client, "/commons/")
    form = soup.find("form", class_="language-form")
    assert form["method"] == "post"
    assert form["action"] == reverse("set_language")
    assert form.find("input", attrs={"name": "next"})["value"] == "/commons/"
    buttons = form.find_all("button")
    assert [(b["name"], b["value"], b["lang"], b.get_text(strip=True)) for b in buttons] == [
        ("language", "fr", "fr", "Français")
    ]
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/commons/"})
    assert response["Location"] == "/commons/"
    french = html(client, "/commons/")
    assert french.find("html")["lang"] == "fr"
    assert [b["value"] for b in french.find("form", class_="language-form").find_all("button")] == ["en"]
