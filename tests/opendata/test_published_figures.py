"""results.csv quotes the report version the public sees (the outcome page's and the API's), the files let
anyone recompute it; datasets are built by the task and stored, never in the request; ballots.csv and
ballots.pb describe the same ballots, as counted."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from budgets.models import Ballot, BallotChoice
from calls.models import Project
from consultations.models import Answer, Response, Vote
from consultations.services.moderation import contribution_moderate
from core.models import OutboxTask
from opendata.models import OpenDataset
from opendata.recompute import compare
from reports.services import report_compile
from tests.budgets.conftest import project_create
from tests.factories import outcome_create
from tests.opendata.conftest import person
from tests.opendata.test_opendata import build, consultation_files, download, rows, unpack

pytestmark = pytest.mark.django_db

BUILD_TASK = "opendata.tasks.opendataset_build_task"


def consultation_figures(files) -> dict[str, dict]:
    return {r["measure"]: r for r in rows(files, "results.csv") if r["subject_type"] == "consultation"}


def test_results_quote_the_pinned_report_version_as_the_api_and_the_outcome_page_show_it(en, filled):
    """The outcome page pins version 1; a vote arrives and version 2 is compiled: the open data still
    quotes version 1, like the page and the API, and recomputing from the files gives its figures."""
    consultation = filled.consultation
    pinned = report_compile(consultation=consultation)
    single = consultation.question_list[1]  # a single choice question, second of the questionnaire
    page = outcome_create(
        consultation,
        snapshot=pinned,
        body=[
            {"type": "report_figure", "value": {"figure": "participants", "caption": ""}},
            {"type": "choice_chart", "value": {"question_number": 2, "caption": ""}},
        ],
    )
    late = person(9)
    Vote.objects.create(statement=filled.statements[0], participant=late, value=1)
    # A response typed in later (a paper form): in the open data, not in the pinned version.
    typed = Response.objects.create(
        consultation=consultation, participant=late, status="submitted", submitted_at=timezone.now()
    )
    Answer.objects.create(response=typed, question_id=single.id, choice_id=single.choices[0][0])
    assert report_compile(consultation=consultation).version == 2

    files = consultation_files(en, consultation)
    quoted = consultation_figures(files)
    api = en.get("/api/v1/outcomes/", headers={"Accept-Language": "en"}).json()["results"]
    [report] = [o["report"] for o in api if o["id"] == page.pk]
    assert report["version"] == pinned.version == 1
    assert quoted["participants"]["value"] == str(report["response_count"]) == "3"
    assert quoted["votes"]["value"] == str(report["vote_count"]) == "6", "the hidden statement's vote too"
    assert quoted["votes_unpublished"]["value"] == "1"
    compiled = datetime.fromisoformat(report["compiled_at"].replace("Z", "+00:00")).astimezone(UTC)
    for row in rows(files, "results.csv"):
        if row["subject_type"] in ("consultation", "question"):
            assert row["report_version"] == "1", row
            assert row["report_compiled_at"] == compiled.replace(microsecond=0).isoformat().replace(
                "+00:00", "Z"
            )
    assert {r["in_report"] for r in rows(files, "statement_votes.csv")} == {"0", "1"}, "the late vote"
    assert len(rows(files, "statement_votes.csv")) == 6
    assert sorted(r["in_report"] for r in rows(files, "responses.csv")) == ["0", "1", "1", "1"]

    body = en.get(page.url).content.decode()
    assert f'data-figure="participants">{quoted["participants"]["value"]}<' in body
    by_question = {
        r["measure"]: r["value"] for r in rows(files, "results.csv") if r["subject_id"] == single.id
    }
    chosen = single.choices[1][0]
    assert by_question[f"choice:{chosen}:count"] == "3"
    assert f"{by_question['respondents']} people answered" in body
    assert f"<td>{by_question[f'choice:{chosen}:count']}</td>" in body

    checks = compare(files)
    assert [c.label for c in checks if not c.ok] == []
    assert [c.label for c in checks if c.given] == [f"consultation/{consultation.pk}/votes_unpublished"]
    assert {c.label: c.recomputed for c in checks}[f"consultation/{consultation.pk}/votes"] == "6"


def test_recompute_says_ok_on_the_quoted_figures_and_different_on_a_tampered_file(en, filled, tmp_path):
    report_compile(consultation=filled.consultation)
    files = consultation_files(en, filled.consultation)
    folder = tmp_path / "data"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    out = io.StringIO()
    call_command("opendata_recompute", str(folder), stdout=out)
    assert "OK         consultation/" in out.getvalue()
    assert "GIVEN      consultation/" in out.getvalue()
    assert " 0 DIFFERENT" in out.getvalue()

    responses = rows(files, "responses.csv")
    responses[0]["in_report"] = "0"  # pretend the report did not count one response
    tampered = io.StringIO()
    writer = csv.DictWriter(tampered, fieldnames=list(responses[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(responses)
    (folder / "responses.csv").write_text(tampered.getvalue())
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("opendata_recompute", str(folder), stdout=out)
    assert f"DIFFERENT  consultation/{filled.consultation.pk}/participants: published 3, recomputed 2" in (
        out.getvalue()
    )


def test_without_a_report_version_results_are_computed_from_the_files_data(en, filled):
    files = consultation_files(en, filled.consultation)
    assert {r["report_version"] for r in rows(files, "results.csv")} == {""}
    assert {r["in_report"] for r in rows(files, "responses.csv")} == {""}
    assert "Report version: none published yet" in files["README.md"].decode()
    assert all(check.ok for check in compare(files))


def test_the_request_never_builds_it_says_it_is_being_prepared_and_queues_the_build_once(en, filled):
    consultation = filled.consultation
    page = en.get(reverse("opendata_consultation", args=[consultation.pk]))
    assert page.status_code == 200
    assert "being prepared" in page.content.decode()
    missing = en.get(reverse("opendata_consultation_file", args=[consultation.pk, "answers.csv"]))
    assert missing.status_code == 404
    assert "being prepared" in missing.content.decode()
    assert OutboxTask.objects.filter(task=BUILD_TASK).count() == 1, "queued once, with its arguments"
    assert OutboxTask.objects.get(task=BUILD_TASK).args == ["consultation", consultation.pk]
    assert not OpenDataset.objects.get(consultation=consultation).built_at

    build(consultation)  # what the task does
    stored = OpenDataset.objects.get(consultation=consultation)
    page = en.get(reverse("opendata_consultation", args=[consultation.pk]))
    assert stored.zip_sha256 in page.content.decode()
    archive = download(en, "opendata_consultation_file", consultation.pk, stored.zip_name)
    assert len(archive) == stored.zip_size
    assert stored.archive.open("rb").read() == archive, "served from storage"
    assert OutboxTask.objects.filter(task=BUILD_TASK).count() == 1, "nothing more queued when up to date"
    assert build(consultation).archive.name == stored.archive.name, "a second build changes nothing"


def test_hiding_content_withdraws_the_stored_files_and_queues_a_build(en, filled, official):
    consultation = filled.consultation
    build(consultation)
    OutboxTask.objects.all().delete()
    contribution_moderate(item=filled.idea, moderator=official, kind="hide", reason="Données personnelles")
    assert OutboxTask.objects.filter(task=BUILD_TASK, args=["consultation", consultation.pk]).count() == 1
    page = en.get(reverse("opendata_consultation", args=[consultation.pk]))
    assert "being prepared" in page.content.decode(), "the files that hold the idea are not served"
    assert (
        en.get(reverse("opendata_consultation_file", args=[consultation.pk, "ideas.csv"])).status_code == 404
    )
    build(consultation)
    assert rows(consultation_files(en, consultation), "ideas.csv") == []


def test_publishing_an_outcome_page_queues_the_build_of_its_consultations_data(filled):
    OutboxTask.objects.all().delete()
    outcome_create(filled.consultation, snapshot=report_compile(consultation=filled.consultation))
    assert OutboxTask.objects.filter(task=BUILD_TASK, args=["consultation", filled.consultation.pk]).exists()


def pb_ballots(pb: bytes) -> dict[str, tuple]:
    """The VOTES section of a Pabulib file: {voter_id: (project ids, points, voting_method)}."""
    text = pb.decode()
    section = text.split("VOTES\n", 1)[1]
    votes = list(csv.DictReader(io.StringIO(section), delimiter=";"))
    return {
        v["voter_id"]: (
            tuple(int(p) for p in v["vote"].split(",") if p),
            tuple(int(p) for p in v.get("points", "").split(",") if p),
            v["voting_method"],
        )
        for v in votes
    }


def csv_ballots(rows_: list[dict], graded: bool) -> dict[str, tuple]:
    ballots: dict[str, tuple] = {}
    for row in rows_:
        projects, points, method = ballots.get(row["ballot_id"], ((), (), row["voting_method"]))
        if row["project_id"]:
            projects += (int(row["project_id"]),)
            if graded:
                points += (int(row["grade"]),)
        ballots[row["ballot_id"]] = (projects, points, method)
    return ballots


def test_ballots_csv_describes_the_same_ballots_as_ballots_pb_blank_ones_included(en, voted_call, people):
    """A ballot that chose nothing is a ballot (it counts); the choice of a project taken off the ballot
    is not counted: ballots.csv says so, as ballots.pb and the published count do."""
    vote = voted_call.vote
    type(vote).objects.filter(pk=vote.pk).update(min_projects=0)
    lyon = Ballot.objects.filter(vote=vote).first().commune
    blank = Ballot.objects.create(
        vote=vote, channel="paper", paper_reference="P-2", birth_year=1970, commune=lyon
    )
    withdrawn = project_create(voted_call.call, "Retiré", "1000", status=Project.Status.NOT_SELECTED)
    BallotChoice.objects.create(ballot=Ballot.objects.get(vote=vote, voter=people[1]), project=withdrawn)
    build(voted_call.call)
    page = en.get(reverse("opendata_call", args=[voted_call.call.pk]))
    files = unpack(download(en, "opendata_call_file", voted_call.call.pk, page.context["zip_name"]))

    from_csv = csv_ballots(rows(files, "ballots.csv"), graded=False)
    from_pb = pb_ballots(files["ballots.pb"])
    assert from_csv == from_pb
    assert from_csv[blank.public_id] == ((), (), "paper")
    assert len(from_csv) == 5
    assert withdrawn.pk not in {p for projects, _points, _m in from_csv.values() for p in projects}
    figures = {c.label: c.published for c in compare(files)}
    assert figures[f"budget_vote/{vote.pk}/ballots"] == str(len(from_csv)) == "5"
    assert all(check.ok for check in compare(files))


def test_majority_judgment_ballots_csv_gives_every_project_its_grade_as_counted(en, voted_call):
    vote = voted_call.vote
    type(vote).objects.filter(pk=vote.pk).update(method="majority_judgment", max_projects=None)
    garden = voted_call.projects[0]
    BallotChoice.objects.filter(ballot__vote=vote).update(grade=5)
    BallotChoice.objects.filter(ballot__vote=vote, project=garden).update(grade=6)
    build(voted_call.call)
    files = unpack(
        download(
            en, "opendata_call_file", voted_call.call.pk, f"concerto-call-{voted_call.call.pk}-open-data.zip"
        )
    )
    from_csv = csv_ballots(rows(files, "ballots.csv"), graded=True)
    assert from_csv == pb_ballots(files["ballots.pb"])
    assert all(len(projects) == 3 for projects, _points, _method in from_csv.values()), "ungraded: 0"
    assert all(check.ok for check in compare(files))


def test_beat_queues_the_builds_of_datasets_missing_or_out_of_date_and_only_those(filled, voted_call):
    from opendata.tasks import opendatasets_refresh_task

    OutboxTask.objects.all().delete()
    assert opendatasets_refresh_task() == 2, "the closed consultation and the call"
    assert opendatasets_refresh_task() == 0, "already queued"
    build(filled.consultation)
    build(voted_call.call)
    OpenDataset.objects.update(requested_at=None)
    assert opendatasets_refresh_task() == 0, "up to date"
    report_compile(consultation=filled.consultation)  # the report at closing: a new stage
    OpenDataset.objects.update(requested_at=None)
    assert opendatasets_refresh_task() == 1


def test_a_build_that_was_reading_when_content_was_hidden_does_not_serve_it_again(
    en, filled, official, monkeypatch
):
    """A moderator hides an idea while a build is reading the data (a redelivered task, a slow worker):
    that build is stored but its files stay withdrawn; the next build, begun after, serves them."""
    from opendata import builders, services

    consultation = filled.consultation
    build(consultation)
    read = builders.consultation_dataset

    def hidden_meanwhile(page, report=None):
        built = read(page, report=report)  # what the build read still holds the idea
        contribution_moderate(item=filled.idea, moderator=official, kind="hide", reason="Hors sujet")
        return built

    monkeypatch.setattr(builders, "consultation_dataset", hidden_meanwhile)
    services.opendataset_build(kind="consultation", pk=consultation.pk)
    monkeypatch.setattr(builders, "consultation_dataset", read)
    assert not OpenDataset.objects.get(consultation=consultation).servable
    assert (
        "being prepared" in en.get(reverse("opendata_consultation", args=[consultation.pk])).content.decode()
    )
    build(consultation)
    assert rows(consultation_files(en, consultation), "ideas.csv") == []


def test_an_older_build_never_replaces_a_newer_one(en, filled, official, monkeypatch):
    """Two builds of the same data overlap; the one that began first finishes last: the files stored
    are the newer build's, which no longer hold the idea hidden in between."""
    from opendata import builders, services

    consultation = filled.consultation
    read = builders.consultation_dataset

    def newer_build_meanwhile(page, report=None):
        built = read(page, report=report)
        monkeypatch.setattr(builders, "consultation_dataset", read)
        contribution_moderate(item=filled.idea, moderator=official, kind="hide", reason="Hors sujet")
        services.opendataset_build(kind="consultation", pk=consultation.pk)  # begins and ends now
        return built

    monkeypatch.setattr(builders, "consultation_dataset", newer_build_meanwhile)
    services.opendataset_build(kind="consultation", pk=consultation.pk)
    stored = OpenDataset.objects.get(consultation=consultation)
    assert stored.servable
    assert rows(consultation_files(en, consultation), "ideas.csv") == []


def test_the_files_are_kept_out_of_the_public_media_folder(filled, settings):
    from pathlib import Path

    stored = build(filled.consultation)
    location = Path(stored.archive.path).resolve()
    assert Path(settings.PRIVATE_ROOT).resolve() in location.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in location.parents


def test_a_zip_missing_from_storage_is_built_again_not_a_server_error(en, filled):
    consultation = filled.consultation
    stored = build(consultation)
    stored.archive.storage.delete(stored.archive.name)  # a storage restored without it
    OutboxTask.objects.all().delete()
    lost = en.get(reverse("opendata_consultation_file", args=[consultation.pk, "ideas.csv"]))
    assert lost.status_code == 404
    assert "being prepared" in lost.content.decode()
    page = en.get(reverse("opendata_consultation", args=[consultation.pk]))
    assert "being prepared" in page.content.decode()
    assert OutboxTask.objects.filter(task=BUILD_TASK, args=["consultation", consultation.pk]).exists()
    build(consultation)
    assert rows(consultation_files(en, consultation), "ideas.csv")
