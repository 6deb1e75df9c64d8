"""The report's headline counts everyone who took part — respondents, voters, authors of statements and
ideas, supporters, commenters — each person once, in total and by channel, and the method card says who
could take part through each channel."""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultations.models import Comment, ConsultationPage, Idea, Statement, Support, Vote
from consultations.services.responses import responses_paper_enter
from reports import loaders, services
from reports.analysis.participation import people
from tests.factories import OfficialFactory, UserFactory
from tests.reports.test_reports import answer

BREXIT = Path(__file__).resolve().parents[1] / "data" / "polis" / "brexit-consensus"


def figure(page: str, name: str) -> str:
    """The headline figure `name` as the page writes it."""
    return re.search(rf'<dd data-figure="{name}">([^<]*)</dd>', page).group(1)


def channel_row(page: str, channel: str) -> list[str]:
    """The cells of a channel's row in the table of who took part."""
    row = re.search(rf'<tr data-channel="{channel}">(.*?)</tr>', page, re.S).group(1)
    return [cell.strip() for cell in re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row)]


def test_the_counts_make_a_total_and_one_row_per_channel_in_the_order_asked():
    counts = [
        ("online", "respondents", 1),
        ("online", "voters", 1),
        ("online", "idea_authors", 1),
        ("online", "", 2),
        ("polis", "voters", 1),
        ("polis", "", 1),
        ("paper", "respondents", 1),
        ("paper", "", 1),
        ("", "respondents", 2),
        ("", "voters", 2),
        ("", "idea_authors", 1),
        ("", "", 4),
    ]
    counted = people(counts, channels=["online", "paper", "polis"])
    assert counted["total"] == {
        "channel": "",
        "people": 4,
        "respondents": 2,
        "voters": 2,
        "statement_authors": 0,
        "idea_authors": 1,
        "supporters": 0,
        "commenters": 0,
    }
    assert [(row["channel"], row["people"]) for row in counted["channels"]] == [
        ("online", 2),
        ("paper", 1),
        ("polis", 1),
    ]
    assert people([])["total"]["people"] == 0


@pytest.mark.django_db
def test_the_database_counts_each_person_once_in_each_way_and_channel_they_took_part(consultation):
    """An account that answered on line and voted on line and on paper, a paper form, and a vote of a
    deleted account (no one left to count)."""
    consultation.statements_enabled = True
    consultation.save_revision().publish()
    ann, bob = UserFactory.create_batch(2)
    answer(consultation, ann)
    first, second, third = (
        Statement.objects.create(consultation=consultation, text=text) for text in ("Bus", "Vélo", "Tram")
    )
    Vote.objects.create(statement=first, participant=ann, value=1)
    Vote.objects.create(statement=second, participant=ann, value=-1)
    Vote.objects.create(statement=first, participant=bob, value=1, channel="paper")
    Vote.objects.create(statement=third, participant=ann, value=0, channel="paper")
    Vote.objects.create(statement=second, participant=None, external_participant=None, value=1)
    single, open_text = consultation.question_list
    responses_paper_enter(
        consultation=consultation,
        agent=OfficialFactory(organisation=consultation.organisation),
        forms=[("F-001", {single.id: single.choices[0][0], open_text.id: "Sur papier"})],
    )

    counted = set(loaders.people_counts(consultation.pk))
    assert counted == {
        ("online", "respondents", 1),
        ("online", "voters", 1),
        ("online", "", 1),
        ("paper", "respondents", 1),
        ("paper", "voters", 2),
        ("paper", "", 3),
        ("", "respondents", 2),
        ("", "voters", 2),
        ("", "", 3),
    }, "ann online and on paper, bob on paper, one paper form: three people"


@pytest.mark.django_db
def test_an_imported_polis_conversation_heads_its_report_and_the_list_with_its_voters(en, organisation):
    client = en
    call_command("import_polis", str(BREXIT), "--organisation", organisation.slug)
    page = ConsultationPage.objects.get(imported_from="https://pol.is/7wmvbjcjhp")
    snapshot = services.report_compile(consultation=page)
    assert snapshot.report.people.total.people == 204
    assert snapshot.report.people.total.voters == 204

    client.force_login(OfficialFactory(organisation=organisation))
    report = client.get(reverse("feedback_report_detail", args=[page.pk])).content.decode()
    assert figure(report, "participants") == "204"
    assert figure(report, "votes") == "5,303"
    assert 'data-figure="open-answers"' not in report, "no questionnaire: no written answers to count"
    assert channel_row(report, "polis") == ["Pol.is import", "204", "204"]
    # The method card states who could take part through the Pol.is channel, not the online audience.
    audiences = re.findall(r"<li data-channel-audience>([^<]*)</li>", report)
    assert len(audiences) == 1
    assert audiences[0].startswith("Pol.is import: whoever took part in the Pol.is conversation, on Pol.is")
    assert "Anyone signed in" not in report

    listing = client.get(reverse("feedback_report_index")).content.decode()
    row = re.search(rf'<tr>\s*<td><a href="[^"]*/{page.pk}/">.*?</tr>', listing, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row)[-1] == "204"


@pytest.mark.django_db
def test_a_person_who_took_part_in_several_ways_is_counted_once_by_channel(en, consultation):
    client = en
    consultation.statements_enabled = consultation.ideas_enabled = True
    consultation.save_revision().publish()
    respondent, idea_author, supporter, commenter = UserFactory.create_batch(4)
    answer(consultation, respondent)
    statement = Statement.objects.create(consultation=consultation, text="Plus de bus le soir")
    Vote.objects.create(statement=statement, participant=respondent, value=1)
    idea = Idea.objects.create(consultation=consultation, author=idea_author, title="Bus de nuit", text="…")
    Support.objects.create(idea=idea, supporter=supporter)
    Comment.objects.create(consultation=consultation, idea=idea, author=commenter, text="Oui", stance="for")
    single, open_text = consultation.question_list
    agent = OfficialFactory(organisation=consultation.organisation)
    responses_paper_enter(
        consultation=consultation,
        agent=agent,
        forms=[("F-001", {single.id: single.choices[0][0], open_text.id: "Sur papier"})],
    )

    snapshot = services.report_compile(consultation=consultation)
    counted = snapshot.report.people
    assert counted.total.people == 5, "four people online, one paper form"
    online, paper = counted.channels
    assert (online.channel, online.people) == ("online", 4)
    assert (online.respondents, online.voters, online.idea_authors) == (1, 1, 1)
    assert (online.supporters, online.commenters, online.statement_authors) == (1, 1, 0)
    assert (paper.channel, paper.people, paper.respondents, paper.voters) == ("paper", 1, 1, 0)

    client.force_login(agent)
    page = client.get(reverse("feedback_report_detail", args=[consultation.pk])).content.decode()
    assert figure(page, "participants") == "5"
    # People, then who answered, voted, proposed an idea, supported one, commented.
    assert channel_row(page, "online") == ["Online", "4", "1", "1", "1", "1", "1"]
    assert channel_row(page, "paper") == ["Paper form", "1", "1", "0", "0", "0", "0"]
    assert channel_row(page, "") == ["All channels (each person once)", "5", "2", "1", "1", "1", "1"]
    listing = client.get(reverse("feedback_report_index")).content.decode()
    assert re.findall(r"<td>([^<]*)</td>", listing)[-1] == "5"
