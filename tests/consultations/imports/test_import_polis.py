"""`manage.py import_polis`: a Pol.is export becomes a consultation with its statements and votes, all or
nothing, and its report finds opinion groups."""

import shutil
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Revision, Site

from accounts.models import User
from consultations.imports.polis import PolisImportRefused, polis_conversation_import, polis_export_read
from consultations.models import Channel, ConsultationPage, ExternalParticipant, Statement, Vote
from reports.services import report_compile
from tests.consultations.imports.conftest import needs_postgresql, refused_insert
from tests.factories import UserFactory

POLIS = Path(__file__).resolve().parents[2] / "data" / "polis"
BREXIT = POLIS / "brexit-consensus"

pytestmark = pytest.mark.django_db


def polis_import(folder, organisation, *args):
    """The command, its messages in English (the source strings), whatever the site's language."""
    with translation.override("en"):
        call_command("import_polis", str(folder), "--organisation", organisation.slug, *args)


def test_a_polis_export_becomes_a_closed_consultation_whose_report_finds_opinion_groups(organisation, capsys):
    users_before = User.objects.count()
    polis_import(BREXIT, organisation)

    page = ConsultationPage.objects.get(imported_from="https://pol.is/7wmvbjcjhp")
    assert page.title == "Can there be consensus on Brexit?"
    assert page.organisation == organisation
    assert not page.live, "a draft until an official has described the decision at stake"
    assert page.phase() == "closed"
    assert page.statements.count() == 50
    assert set(page.statements.values_list("channel", flat=True)) == {Channel.POLIS}
    assert Vote.objects.filter(statement__consultation=page).count() == 5303
    assert ExternalParticipant.objects.filter(consultation=page).count() == 204
    assert User.objects.count() == users_before, "imported voters are never accounts"
    assert "50 statements, 204 participants, 5303 votes" in capsys.readouterr().out

    snapshot = report_compile(consultation=page)
    statements = snapshot.data["statements"]
    assert statements["participants"] == 204
    assert statements["votes"] == 5303
    assert len(statements["groups"]) >= 2
    assert snapshot.data["method"]["channels"] == ["polis"]
    assert snapshot.data["participation"]["channels"]["votes"] == {"polis": 5303}


def test_moderated_out_statements_are_imported_hidden_with_the_reason(organisation):
    polis_import(POLIS / "vtaiwan.uberx", organisation)
    page = ConsultationPage.objects.get(imported_from__contains="pol.is")
    counts = {status: page.statements.filter(status=status).count() for status in Statement.Status.values}
    assert counts == {"published": 99, "hidden": 78, "pending": 20}
    hidden = page.statements.filter(status="hidden").first()
    assert "Pol.is" in hidden.moderation_reason


def test_importing_the_same_conversation_twice_is_refused_unless_replaced(organisation):
    polis_import(BREXIT, organisation)
    with pytest.raises(CommandError, match="imported already"):
        polis_import(BREXIT, organisation)
    assert ConsultationPage.objects.filter(imported_from__contains="7wmvbjcjhp").count() == 1
    assert Statement.objects.count() == 50

    page = ConsultationPage.objects.get()
    polis_import(BREXIT, organisation, "--replace", "--title", "Brexit (again)")
    page.refresh_from_db()
    assert page.title == "Brexit (again)"
    assert ConsultationPage.objects.count() == 1
    assert Statement.objects.count() == 50
    assert Vote.objects.count() == 5303


def broken_copy(tmp_path, **changes) -> Path:
    """A copy of the Brexit export with files replaced (`name=bytes`) or removed (`name=None`)."""
    folder = tmp_path / "export"
    shutil.copytree(BREXIT, folder)
    for name, content in changes.items():
        path = folder / name.replace("_", "-").replace("-csv", ".csv")
        if content is None:
            path.unlink()
        else:
            path.write_bytes(content)
    return folder


def comments_with(line: str) -> bytes:
    return (BREXIT / "comments.csv").read_bytes() + line.encode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"comments_csv": None}, "comments.csv is missing"),
        ({"participants_votes_csv": None}, "participants-votes.csv is missing"),
        ({"comments_csv": b""}, "comments.csv: the file is empty"),
        ({"comments_csv": b"\x00\x01\x02binary"}, "not a CSV text file"),
        (
            {
                "comments_csv": "timestamp,comment-id,moderated,comment-body\n1,0,1,Caf\xe9\n".encode(
                    "latin-1"
                )
            },
            "comments.csv, line 2: not UTF-8",
        ),
        (
            {"comments_csv": b"timestamp,comment-id,moderated,comment-body,colour\n1,0,1,x,red\n"},
            "comments.csv, line 1: unknown column “colour”",
        ),
        (
            {"comments_csv": b"timestamp,comment-id,comment-body\n1,0,x\n"},
            "comments.csv, line 1: column “moderated” is missing",
        ),
        (
            {"comments_csv": comments_with("1500000000000,x,49,0,0,0,1,Again\n")},
            "comments.csv, line 52: comment 49 appears twice",
        ),
        (
            {"comments_csv": comments_with('1500000000000,x,50,0,0,0,1,"unterminated\n')},
            "comments.csv, line 52",
        ),
        (
            {"comments_csv": comments_with("1500000000000,x,50,0,0,0,7,Odd\n")},
            "comments.csv, line 52: moderated must be 1, 0 or -1",
        ),
    ],
)
def test_a_bad_export_is_refused_naming_the_file_and_line_and_nothing_is_imported(
    organisation, tmp_path, changes, message
):
    folder = broken_copy(tmp_path, **changes)
    with pytest.raises(CommandError) as refused:
        polis_import(folder, organisation)
    assert message in str(refused.value)
    assert not ConsultationPage.objects.exists()
    assert not Statement.objects.exists()


def test_a_bad_vote_cell_or_unknown_comment_column_is_refused(organisation, tmp_path):
    votes = (BREXIT / "participants-votes.csv").read_text().splitlines()
    votes[0] += ",999"
    votes[1] += ",1"
    cells = votes[3].split(",")
    cells[7] = "maybe"
    votes[3] = ",".join(cells)
    for n in range(2, len(votes)):
        if n != 1:
            votes[n] += ","
    folder = broken_copy(tmp_path, participants_votes_csv="\n".join(votes).encode())
    with pytest.raises(CommandError) as refused:
        polis_import(folder, organisation)
    assert "participants-votes.csv, line 1: column “999” is not a comment of comments.csv" in str(
        refused.value
    )
    assert "participants-votes.csv, line 4, column “1”: a vote is 1, -1 or 0, not “maybe”" in str(
        refused.value
    )
    assert not Vote.objects.exists()


def test_a_missing_folder_or_organisation_is_refused(organisation, tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        polis_import(tmp_path / "nowhere", organisation)
    with pytest.raises(CommandError, match="no organisation has the slug"), translation.override("en"):
        call_command("import_polis", str(BREXIT), "--organisation", "unknown")


# Limits, identity, concurrency and atomicity ----------------------------------------------------------


def test_an_export_over_the_size_limit_is_refused_before_anything_is_read(organisation, tmp_path, settings):
    settings.POLIS_IMPORT_MAX_BYTES = 10_000
    folder = broken_copy(tmp_path, comments_csv=b"\x00" * 20_000)
    with pytest.raises(CommandError) as refused:
        polis_import(folder, organisation)
    message = str(refused.value)
    assert "more than the limit of 9.8\xa0KB (setting POLIS_IMPORT_MAX_BYTES). Nothing was read." in message
    assert "not a CSV" not in message, "refused on its size, before its content was read"
    assert not ConsultationPage.objects.exists()


def test_an_export_of_too_many_rows_is_refused_naming_the_limit(organisation, settings):
    settings.POLIS_IMPORT_MAX_ROWS = 100  # Brexit: 51 rows of comments, 205 of participants
    with pytest.raises(CommandError) as refused:
        polis_import(BREXIT, organisation)
    assert str(refused.value) == (
        "Nothing was imported:\nparticipants-votes.csv: more than 100 rows, the limit (setting "
        "POLIS_IMPORT_MAX_ROWS)."
    )
    assert not ConsultationPage.objects.exists()
    assert not Statement.objects.exists()


def test_a_source_url_too_long_to_remember_is_refused_clearly(organisation, tmp_path):
    summary = (
        (BREXIT / "summary.csv")
        .read_text()
        .replace("https://pol.is/7wmvbjcjhp", "https://pol.is/" + "x" * 200)
    )
    folder = broken_copy(tmp_path, summary_csv=summary.encode())
    with pytest.raises(CommandError) as refused:
        polis_import(folder, organisation)
    assert "summary.csv, line 2: the conversation's URL is longer than 200 characters." in str(refused.value)
    assert not ConsultationPage.objects.exists()


def without_url(source: Path, folder: Path) -> Path:
    """A copy of an export whose summary.csv names no URL, in `folder`."""
    shutil.copytree(source, folder)
    summary = folder / "summary.csv"
    lines = [line for line in summary.read_text().splitlines(keepends=True) if not line.startswith("url,")]
    summary.write_text("".join(lines))
    return folder


def test_exports_without_url_are_told_apart_by_their_content_not_their_folder_name(organisation, tmp_path):
    """Two conversations saved as `export/` in two places are two imports; the same export under
    another folder name is the same conversation."""
    brexit = without_url(BREXIT, tmp_path / "one" / "export")
    bowling_green = without_url(POLIS / "bg2050-volunteers", tmp_path / "two" / "export")
    polis_import(brexit, organisation)
    polis_import(bowling_green, organisation)
    sources = list(ConsultationPage.objects.values_list("imported_from", flat=True))
    assert len(set(sources)) == 2
    assert all(source.startswith("sha256:") for source in sources)

    shutil.copytree(brexit, tmp_path / "renamed")
    with pytest.raises(CommandError, match="imported already"):
        polis_import(tmp_path / "renamed", organisation)
    assert ConsultationPage.objects.count() == 2
    assert "Imported from the Pol.is conversation export." in ConsultationPage.objects.first().introduction


def table_counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "consultations": ConsultationPage.objects.count(),
        "statements": Statement.objects.count(),
        "voters": ExternalParticipant.objects.count(),
        "votes": Vote.objects.count(),
    }


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_refused_midway_leaves_nothing_of_the_import(organisation):
    """The database refuses the 3,000th of 5,303 votes (its own transaction, committed or not as a
    whole): the page, its revision, statements, voters and the first 2,999 votes are all gone."""
    before = table_counts()
    with refused_insert("consultations_vote", 3000), pytest.raises(CommandError) as refused:
        polis_import(BREXIT, organisation)
    assert str(refused.value).startswith("Nothing was imported: the database refused a write")
    assert "the test refuses row 3000 of consultations_vote" in str(refused.value)
    assert table_counts() == before

    polis_import(BREXIT, organisation)  # and nothing left behind stands in the way
    assert Vote.objects.count() == before["votes"] + 5303


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_replacement_refused_midway_keeps_the_first_import_whole(organisation):
    polis_import(BREXIT, organisation)
    page = ConsultationPage.objects.get(imported_from="https://pol.is/7wmvbjcjhp")
    statements = sorted(page.statements.values_list("pk", "text"))
    before = table_counts()
    with refused_insert("consultations_vote", 3000), pytest.raises(CommandError, match="refused a write"):
        polis_import(BREXIT, organisation, "--replace", "--title", "Brexit, remplacé")
    page.refresh_from_db()
    assert page.title == "Can there be consensus on Brexit?"
    assert sorted(page.statements.values_list("pk", "text")) == statements
    assert table_counts() == before


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_one_conversation_at_once_make_one_and_the_second_is_told(organisation):
    """The second import cannot see the first (not committed yet) and writes too, under another parent
    page: the constraint makes it wait for the first, then refuses it with the usual message."""
    home = Site.objects.get(is_default_site=True).root_page
    elsewhere = Page.get_first_root_node().add_child(instance=Page(title="Ailleurs", slug="ailleurs"))
    first_written, commit_first = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def run(parent, hold: bool):
        try:
            with translation.override("en"), transaction.atomic():
                polis_conversation_import(
                    export=polis_export_read(BREXIT), organisation=organisation, parent=parent
                )
                if hold:
                    first_written.set()
                    commit_first.wait(60)
            outcome[parent.slug] = "imported"
        except PolisImportRefused as refused:
            outcome[parent.slug] = str(refused)
        except Exception as error:  # shown by the assertion below
            outcome[parent.slug] = repr(error)
        finally:
            first_written.set()
            connection.close()

    first = threading.Thread(target=run, args=(home, True))
    first.start()
    assert first_written.wait(60)
    second = threading.Thread(target=run, args=(elsewhere, False))
    second.start()
    deadline = time.monotonic() + 60
    while not waiting_for_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting_for_a_lock(), "the second import waits for the first"
    commit_first.set()
    first.join(60)
    second.join(60)

    assert outcome[home.slug] == "imported"
    assert outcome["ailleurs"].startswith("This conversation was imported already"), outcome
    assert "Use --replace" in outcome["ailleurs"]
    assert ConsultationPage.objects.filter(imported_from="https://pol.is/7wmvbjcjhp").count() == 1
    assert Statement.objects.count() == 50
    assert Vote.objects.count() == 5303


def waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


DECISION = "La motion du congrès sur le Brexit, votée en septembre par les délégués."
CHANGE = "Le texte de la motion ; la sortie de l’Union est actée."


def test_publishing_is_refused_while_the_export_leaves_a_field_undescribed(organisation):
    """The page would show citizens "Not stated in the Pol.is export: describe it here…" twice."""
    with pytest.raises(CommandError) as refused:
        polis_import(BREXIT, organisation, "--publish")
    message = str(refused.value)
    assert message.startswith("Nothing was imported: --publish would show citizens placeholders")
    assert "decision at stake (--decision-at-stake" in message
    assert "what can change (--what-can-change" in message
    assert "import without --publish" in message
    assert not ConsultationPage.objects.exists()
    assert not Statement.objects.exists()

    with pytest.raises(CommandError, match="--what-can-change") as refused:
        polis_import(BREXIT, organisation, "--publish", "--decision-at-stake", DECISION)
    assert "--decision-at-stake" not in str(refused.value), "only what is still missing is named"
    assert not ConsultationPage.objects.exists()


def test_a_draft_import_says_what_to_describe_before_publishing(organisation, capsys):
    polis_import(BREXIT, organisation)
    out = capsys.readouterr().out
    page = ConsultationPage.objects.get()
    assert f"To publish it, describe first in the admin (page {page.pk})" in out
    assert "--replace --publish" in out


def test_a_conversation_published_with_its_descriptions_shows_citizens_no_placeholder_nor_invitation(
    organisation, client
):
    """Imported with --publish: a closed consultation of statements, without a questionnaire, whose
    page invites to nothing and promises no date already past."""
    polis_import(
        BREXIT, organisation, "--publish", "--decision-at-stake", DECISION, "--what-can-change", CHANGE
    )
    page = ConsultationPage.objects.get()
    assert page.live
    assert (page.decision_at_stake, page.what_can_change) == (DECISION, CHANGE)

    client.cookies["django_language"] = "en"
    html = client.get(page.url).content.decode()
    html = html[html.index("<article>") : html.rindex("</article>")]  # the page, not the site's header
    assert DECISION in html
    assert "Pol.is export" not in html, "no placeholder"
    assert "Questionnaire" not in html, "no questionnaire, no heading"
    for invitation in ("Sign in", "Statements to vote on", "Write a statement", "Create an account"):
        assert invitation not in html, invitation
    assert "Voting closed on" in html
    assert f'href="{reverse("opendata_consultation", args=[page.pk])}"' in html, "what was said stays public"
    assert "stay linked to your account until" not in html, "no date already past given as a promise"
    assert "Since " in html

    client.force_login(UserFactory(language="en"))
    html = client.get(page.url).content.decode()
    html = html[html.index("<article>") : html.rindex("</article>")]
    for invitation in ("Statements to vote on", "Write a statement", "You voted on"):
        assert invitation not in html, invitation
    statements = reverse("statement_list", args=[page.pk])
    assert f'href="{statements}"' in html
    listed = client.get(statements)
    assert listed.status_code == 200
    assert page.statements.filter(status="published").first().text in listed.content.decode()


def test_a_replace_keeps_what_officials_described_and_may_then_publish(organisation):
    """Described in the admin in a draft (not published), then replaced with --publish: the officials'
    words are kept and published; with a placeholder left, the replace is refused and changes nothing."""
    polis_import(BREXIT, organisation)
    page = ConsultationPage.objects.get()
    with pytest.raises(CommandError, match="placeholders"):
        polis_import(BREXIT, organisation, "--replace", "--publish")
    assert page.statements.count() == 50, "the earlier import stands"

    draft = page.get_latest_revision_as_object()
    draft.decision_at_stake, draft.what_can_change = DECISION, CHANGE
    draft.save_revision()
    polis_import(BREXIT, organisation, "--replace", "--publish")
    page.refresh_from_db()
    assert page.live
    assert (page.decision_at_stake, page.what_can_change) == (DECISION, CHANGE)
    assert page.statements.count() == 50
