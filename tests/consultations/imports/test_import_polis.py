"""`manage.py import_polis`: a Pol.is export becomes a consultation with its statements and votes, all or
nothing, and its report finds opinion groups."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import User
from consultations.feedback.services import report_compile
from consultations.models import Channel, ConsultationPage, ExternalParticipant, Statement, Vote

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
