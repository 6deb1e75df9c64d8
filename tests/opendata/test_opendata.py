"""Open data: what a closed consultation and a call publish, that nothing personal is in it, that the
files agree with each other and with their checksums, and the pages' answers to bad requests."""

import csv
import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse

from calls.models import CallPage
from opendata import services
from opendata.builders import pseudonymiser
from opendata.recompute import compare
from tests.opendata.conftest import KNOWN_IP, SECRETS

pytestmark = pytest.mark.django_db


def download(client, url_name, pk, name):
    response = client.get(reverse(url_name, args=[pk, name]), REMOTE_ADDR=KNOWN_IP)
    assert response.status_code == 200, name
    return response.content


def unpack(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name.rsplit("/", 1)[-1]: archive.read(name) for name in archive.namelist()}


def build(page):
    """Build and store the dataset as the task does (test_worker.py runs it in a real worker)."""
    kind = "call" if isinstance(page, CallPage) else "consultation"
    return services.opendataset_build(kind=kind, pk=page.pk)


def consultation_files(client, consultation) -> dict[str, bytes]:
    build(consultation)
    page = client.get(reverse("opendata_consultation", args=[consultation.pk]))
    assert page.status_code == 200
    return unpack(download(client, "opendata_consultation_file", consultation.pk, page.context["zip_name"]))


def rows(files, name) -> list[dict]:
    return list(csv.DictReader(io.StringIO(files[name].decode("utf-8"))))


def test_a_closed_consultation_publishes_its_tables_with_a_dictionary_licence_and_checksums(en, filled):
    files = consultation_files(en, filled.consultation)
    for table in (
        "questions",
        "responses",
        "answers",
        "statements",
        "statement_votes",
        "ideas",
        "comments",
        "results",
    ):
        assert f"{table}.csv" in files
        assert f"{table}.json" in files
    assert {"README.md", "LICENCE.md", "SHA256SUMS", "datapackage.json"} <= set(files)
    readme = files["README.md"].decode()
    assert "## answers.csv" in readme
    assert "| `respondent_id` |" in readme
    assert "Rows: 3" in readme
    assert "etalab-2.0" in files["LICENCE.md"].decode() + files["datapackage.json"].decode()
    assert len(rows(files, "responses.csv")) == 3, "the draft is not a contribution"
    statements = rows(files, "statements.csv")
    assert [s["body"] for s in statements] == ["Deux jours suffisent.", "Le vendredi, c’est mieux."]
    votes = rows(files, "statement_votes.csv")
    assert len(votes) == 5, "no vote on the hidden statement"
    assert [i["title/fr"] for i in rows(files, "ideas.csv")] == ["Des écrans"]
    idea = rows(files, "ideas.csv")[0]
    assert (idea["votes"], idea["comments"], idea["state"]) == ("2", "2", "received")
    assert idea["decidim_state"] == "not_answered"
    comments = rows(files, "comments.csv")
    assert [(c["alignment"], c["depth"], c["commentable_type"]) for c in comments] == [
        ("1", "0", "idea"),
        ("-1", "1", "idea"),
    ], "the hidden comment is left out"
    assert all(a["text_given"] in ("0", "1") for a in rows(files, "answers.csv"))


def test_nothing_personal_is_in_any_byte_of_the_exports_or_feeds(en, filled, voted_call, people):
    """E-mails, names, pseudonyms, the IP address and database user ids are nowhere: not in the files,
    not in the feeds; free text of the questionnaire (where people wrote their e-mail) is not published."""
    blobs = [
        download(en, "opendata_consultation_file", filled.consultation.pk, name)
        for name in consultation_files(en, filled.consultation)
    ]
    blobs.append(en.get(reverse("opendata_consultation", args=[filled.consultation.pk])).content)
    build(voted_call.call)
    call_page = en.get(reverse("opendata_call", args=[voted_call.call.pk]))
    blobs += [
        download(en, "opendata_call_file", voted_call.call.pk, f["name"]) for f in call_page.context["files"]
    ]
    blobs.append(download(en, "opendata_call_file", voted_call.call.pk, call_page.context["zip_name"]))
    for name in ("consultations_rss", "consultations_ics", "calls_rss", "calls_ics", "calls_dispositif_aide"):
        blobs.append(en.get(reverse(f"opendata_{name}")).content)
    everything = b"\n".join(blobs)
    for zipped in [b for b in blobs if b[:2] == b"PK"]:
        everything += b"\n".join(unpack(zipped).values())
    text = everything.decode("utf-8", errors="replace").lower()
    for secret in SECRETS:
        assert secret.lower() not in text, secret
    files = consultation_files(en, filled.consultation)
    ids = {v["voter_id"] for v in rows(files, "statement_votes.csv")}
    assert not ids & {str(p.pk) for p in people}, "never the database id"


def test_content_hidden_after_closing_leaves_the_open_data_at_once(en, filled, official):
    from consultations.models import Idea
    from consultations.services.moderation import contribution_moderate

    assert len(rows(consultation_files(en, filled.consultation), "ideas.csv")) == 1
    contribution_moderate(item=filled.idea, moderator=official, kind="hide", reason="Données personnelles")
    assert Idea.objects.get(pk=filled.idea.pk).moderation_status == "hidden"
    files = consultation_files(en, filled.consultation)
    assert rows(files, "ideas.csv") == []
    assert rows(files, "comments.csv") == [], "nor the comments on it"


def test_anonymised_ids_are_stable_within_a_dataset_and_differ_across_consultations_and_roles(en, filled):
    files = consultation_files(en, filled.consultation)
    again = consultation_files(en, filled.consultation)
    assert files["statement_votes.csv"] == again["statement_votes.csv"]
    respondents = {a["respondent_id"] for a in rows(files, "answers.csv")}
    assert respondents == {r["respondent_id"] for r in rows(files, "responses.csv")}
    voters = {v["voter_id"] for v in rows(files, "statement_votes.csv")}
    authors = {i["author/id"] for i in rows(files, "ideas.csv")} | {
        c["author/id"] for c in rows(files, "comments.csv")
    }
    assert len(voters) == 4
    assert not voters & authors, "an author's public pseudonym never leads to their votes"
    same_user = 42
    here = pseudonymiser(scope=f"consultation:{filled.consultation.pk}", domain="voter")(same_user)
    elsewhere = pseudonymiser(scope=f"consultation:{filled.consultation.pk + 1}", domain="voter")(same_user)
    assert here != elsewhere
    assert len(here) == 16


def test_checksums_verify_and_csv_and_json_say_the_same(en, filled):
    build(filled.consultation)
    page = en.get(reverse("opendata_consultation", args=[filled.consultation.pk]))
    files = unpack(
        download(en, "opendata_consultation_file", filled.consultation.pk, page.context["zip_name"])
    )
    assert page.context["zip_sha256"] in page.content.decode()
    assert "Published since the consultation closed" in page.content.decode()
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
        assert digest in page.content.decode(), "the page shows every checksum"
    package = json.loads(files["datapackage.json"])
    for resource in package["resources"]:
        assert resource["hash"] == "sha256:" + hashlib.sha256(files[resource["path"]]).hexdigest()
        table = resource["path"][: -len(".csv")]
        from_csv = rows(files, f"{table}.csv")
        from_json = json.loads(files[f"{table}.json"])
        as_text = [{k: "" if v is None else str(v) for k, v in record.items()} for record in from_json]
        assert from_csv == as_text, table
        assert [f["name"] for f in resource["schema"]["fields"]] == list(from_json[0]) if from_json else True


def test_recompute_finds_every_published_figure(en, filled, voted_call, tmp_path):
    files = consultation_files(en, filled.consultation)
    checks = compare(files)
    assert len(checks) > 40
    assert [c for c in checks if not c.ok] == []
    figures = {check.label: check.published for check in checks}
    visible = filled.statements[0]
    assert figures[f"statement/{visible.pk}/agree"] == "2"
    assert figures[f"statement/{visible.pk}/agree_share"] == "0.5"
    scale = filled.consultation.question_list[4]
    assert figures[f"question/{scale.id}/mean"] == "3.67"
    build(voted_call.call)
    call_page = en.get(reverse("opendata_call", args=[voted_call.call.pk]))
    call_files = unpack(download(en, "opendata_call_file", voted_call.call.pk, call_page.context["zip_name"]))
    checks = compare(call_files)
    assert all(check.ok for check in checks)
    garden = voted_call.projects[0]
    assert {c.label: c.published for c in checks}[f"budget_project/{garden.pk}/votes"] == "3"


def test_the_command_recomputes_a_zip_and_reports_a_tampered_vote(en, filled, tmp_path):
    from django.core.management import CommandError, call_command

    build(filled.consultation)
    page = en.get(reverse("opendata_consultation", args=[filled.consultation.pk]))
    archive = tmp_path / "data.zip"
    archive.write_bytes(
        download(en, "opendata_consultation_file", filled.consultation.pk, page.context["zip_name"])
    )
    out = io.StringIO()
    call_command("opendata_recompute", str(archive), stdout=out)
    assert "DIFFERENT" not in out.getvalue().replace("0 DIFFERENT", "")
    assert "OK         statement/" in out.getvalue()

    folder = tmp_path / "unpacked"
    folder.mkdir()
    for name, data in unpack(archive.read_bytes()).items():
        (folder / name).write_bytes(data)
    votes = list(csv.DictReader(io.StringIO((folder / "statement_votes.csv").read_text())))
    votes[0]["value"] = "-1" if votes[0]["value"] != "-1" else "1"
    tampered = io.StringIO()
    writer = csv.DictWriter(tampered, fieldnames=list(votes[0]))
    writer.writeheader()
    writer.writerows(votes)
    (folder / "statement_votes.csv").write_text(tampered.getvalue())
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("opendata_recompute", str(folder), stdout=out)
    assert failed.value.returncode == 1
    assert "DIFFERENT  statement/" in out.getvalue()

    with pytest.raises(CommandError, match="no such file"):
        call_command("opendata_recompute", str(tmp_path / "missing.zip"))


def test_a_call_publishes_its_dispositif_aide_row_laureates_and_vote(en, voted_call):
    build(voted_call.call)
    page = en.get(reverse("opendata_call", args=[voted_call.call.pk]))
    assert page.status_code == 200
    files = unpack(download(en, "opendata_call_file", voted_call.call.pk, page.context["zip_name"]))
    [row] = rows(files, "dispositif-aide.csv")
    assert list(row) == [
        "id",
        "titre",
        "promesse",
        "description",
        "eligibilite",
        "types_aides",
        "porteurs",
        "programmes_parents",
        "url_source",
        "cibles",
        "eligibilite_geographique",
        "eligibilite_geographique_exclusions",
        "date_ouverture",
        "date_cloture",
        "date_mise_a_jour",
    ]
    import re
    import uuid

    uuid.UUID(row["id"])
    assert re.fullmatch(r"^[A-Z]+-\d+(\|[A-Z]+-\d+)*$", row["eligibilite_geographique"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["date_cloture"])
    assert row["types_aides"] == "financement"
    assert json.loads(row["porteurs"])[0]["roles"] == ["financeur", "instructeur"]
    projects = rows(files, "projects.csv")
    assert sorted(p["title"] for p in projects) == ["Boîte à livres", "Jardin partagé", "Skatepark"]
    assert "ballots.pb" in files
    assert len(rows(files, "ballots.csv")) == 6
    everything = en.get(reverse("opendata_calls_dispositif_aide"))
    assert everything.status_code == 200
    assert row["id"] in everything.content.decode()


def test_corsica_is_covered_by_its_region():
    from types import SimpleNamespace

    from opendata.builders import geographic_code

    assert geographic_code(SimpleNamespace(kind="departement", code="2A")) == "REG-94"
    assert geographic_code(SimpleNamespace(kind="commune", code="2B033")) == "REG-94"
    assert geographic_code(SimpleNamespace(kind="departement", code="69")) == "DEP-69"
    assert geographic_code(None) == "PAYS-99100"


def test_a_municipal_arrondissement_is_published_as_such(en, organisation):
    import re

    from calls.models import CallPage
    from opendata.builders import geographic_code
    from tests.budgets.conftest import call_create, territory

    paris = territory("commune", "75056", "Paris")
    first = territory("arrondissement", "75101", "Paris 1er Arrondissement", parent=paris)
    assert geographic_code(first) == "ARM-75101"
    assert geographic_code(paris) == "COM-75056"
    call = call_create(organisation=organisation)
    CallPage.objects.filter(pk=call.pk).update(territory=first)
    build(CallPage.objects.get(pk=call.pk))
    page = en.get(reverse("opendata_call", args=[call.pk]))
    files = unpack(download(en, "opendata_call_file", call.pk, page.context["zip_name"]))
    [row] = rows(files, "dispositif-aide.csv")
    assert row["eligibilite_geographique"] == "ARM-75101"
    assert re.fullmatch(r"^[A-Z]+-\d+(\|[A-Z]+-\d+)*$", row["eligibilite_geographique"])


def test_ideas_have_decidim_columns_and_states(en, filled):
    from consultations.models import Idea
    from opendata.builders import DECIDIM_STATES

    Idea.objects.filter(pk=filled.idea.pk).update(status=Idea.Status.UNDER_STUDY, answer="Nous regardons.")
    [idea] = rows(consultation_files(en, filled.consultation), "ideas.csv")
    header = list(idea)
    assert header[:7] == ["id", "author/id", "title/fr", "body/fr", "theme", "state", "decidim_state"]
    assert {"answer/fr", "answered_at", "votes", "comments", "published_at", "url"} <= set(header)
    assert not {"title", "body", "answer"} & set(header)
    assert (idea["title/fr"], idea["answer/fr"]) == ("Des écrans", "Nous regardons.")
    assert (idea["state"], idea["decidim_state"]) == ("under_study", "evaluating")
    assert DECIDIM_STATES == {
        "received": "not_answered",
        "under_study": "evaluating",
        "accepted": "accepted",
        "rejected": "rejected",
        "done": "accepted",
    }
    assert set(DECIDIM_STATES) == set(Idea.Status.values), "every status has its Decidim state"


def test_before_closing_the_page_says_when_and_files_are_not_served(en, consultation_open):
    page = en.get(reverse("opendata_consultation", args=[consultation_open.pk]))
    assert page.status_code == 200
    assert "is published when it closes" in page.content.decode()
    refused = en.get(reverse("opendata_consultation_file", args=[consultation_open.pk, "answers.csv"]))
    assert refused.status_code == 404
    assert "is published when it closes" in refused.content.decode()


def test_unknown_drafts_and_unknown_files_are_404(en, filled, organisation):
    from tests.factories import consultation_create

    draft = consultation_create(organisation=organisation, publish=False, title="Brouillon")
    assert en.get(reverse("opendata_consultation", args=[draft.pk])).status_code == 404
    assert en.get(reverse("opendata_consultation", args=[999999])).status_code == 404
    assert en.get(reverse("opendata_call", args=[999999])).status_code == 404
    assert (
        en.get(reverse("opendata_consultation_file", args=[filled.consultation.pk, "nope.csv"])).status_code
        == 404
    )
    assert en.get("/open-data/consultations/99999999999999999999999/").status_code == 404


def test_the_catalogue_lists_datasets_in_a_constant_number_of_queries(
    en, filled, voted_call, organisation, django_assert_max_num_queries
):
    from tests.budgets.conftest import call_create
    from tests.factories import consultation_create

    with django_assert_max_num_queries(12) as few:
        page = en.get(reverse("opendata_catalogue"))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("opendata_consultation", args=[filled.consultation.pk]) in body
    assert reverse("opendata_call", args=[voted_call.call.pk]) in body
    for i in range(3):
        consultation_create(organisation=organisation, title=f"Autre {i}")
        call_create(organisation=organisation, title=f"Appel {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert en.get(reverse("opendata_catalogue")).status_code == 200


def test_pages_link_to_their_open_data_and_feeds(en, filled, voted_call):
    for page, url_name in (
        (filled.consultation, "opendata_consultation"),
        (voted_call.call, "opendata_call"),
    ):
        body = en.get(page.url).content.decode()
        assert reverse(url_name, args=[page.pk]) in body
        assert '<link rel="alternate" type="application/rss+xml"' in body
        assert reverse("opendata_consultations_ics") in body


def test_feeds_parse_and_list_consultations_and_calls(en, filled, voted_call):
    import xml.etree.ElementTree as ET

    from icalendar import Calendar

    # Our own feed, parsed to check it is well-formed XML.
    rss = ET.fromstring(en.get(reverse("opendata_consultations_rss")).content)  # noqa: S314
    assert filled.consultation.title in [item.findtext("title") for item in rss.iter("item")]
    rss = ET.fromstring(en.get(reverse("opendata_calls_rss")).content)  # noqa: S314
    assert voted_call.call.title in [item.findtext("title") for item in rss.iter("item")]
    response = en.get(reverse("opendata_consultations_ics"))
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    summaries = [str(event["SUMMARY"]) for event in events]
    assert f"Opening: {filled.consultation.title}" in summaries
    assert f"Closing: {filled.consultation.title}" in summaries
    closing = next(e for e in events if str(e["SUMMARY"]).startswith("Closing"))
    assert closing.decoded("DTSTART") == filled.consultation.closes_at.replace(microsecond=0)


def test_imported_voters_keep_one_id_each_and_every_row_says_its_channel(en, filled):
    """Votes imported from Pol.is have no account: each imported person still has one voter id for
    all their votes (the opinion groups can be recomputed), and the channel column says where a row
    came from."""
    from consultations.models import Channel, ExternalParticipant, Statement, Vote

    statements = list(Statement.objects.filter(consultation=filled.consultation, status="published"))
    imported = ExternalParticipant.objects.create(
        consultation=filled.consultation, channel=Channel.POLIS, reference="17"
    )
    for statement, value in zip(statements, (1, -1), strict=False):
        Vote.objects.create(statement=statement, external_participant=imported, value=value, channel="polis")
    files = consultation_files(en, filled.consultation)
    votes = rows(files, "statement_votes.csv")
    from_polis = [vote for vote in votes if vote["channel"] == "polis"]
    assert len(from_polis) == min(2, len(statements))
    assert len({vote["voter_id"] for vote in from_polis}) == 1, "one person, one id"
    assert {vote["channel"] for vote in votes} == {"online", "polis"}
    assert {row["channel"] for row in rows(files, "responses.csv")} == {"online"}


def test_texts_that_read_as_formulas_are_neutralised_in_the_csv_and_the_figures_still_recompute(
    en, filled, people
):
    """The rule of every spreadsheet file (core/spreadsheets.py): in the CSV, a text a
    spreadsheet would read as a formula has an apostrophe before it; the JSON keeps it exactly; numbers
    (a vote of -1) stay numbers, and every published figure recomputes from the files."""
    from consultations.models import Comment, Idea, Statement, Vote
    from core.spreadsheets import text_cell

    link = '=HYPERLINK("http://x","y")'
    statement = Statement.objects.create(consultation=filled.consultation, author=people[0], text=link)
    Vote.objects.create(statement=statement, participant=people[1], value=-1)
    idea = Idea.objects.create(
        consultation=filled.consultation, author=people[2], title="-1+1", text="@SUM(1)"
    )
    Comment.objects.create(
        consultation=filled.consultation, idea=idea, author=people[3], text="@SUM(1)", stance="for"
    )
    files = consultation_files(en, filled.consultation)

    statements = {row["id"]: row for row in rows(files, "statements.csv")}
    assert statements[str(statement.pk)]["body"] == "'" + link
    assert next(s for s in json.loads(files["statements.json"]) if s["id"] == statement.pk)["body"] == link
    votes = [row for row in rows(files, "statement_votes.csv") if row["statement_id"] == str(statement.pk)]
    assert [row["value"] for row in votes] == ["-1"], "a number stays a number"
    ideas = {row["id"]: row for row in rows(files, "ideas.csv")}
    assert ideas[str(idea.pk)]["title/fr"] == "'-1+1"
    assert ideas[str(idea.pk)]["body/fr"] == "'@SUM(1)"
    assert "'@SUM(1)" in [row["body"] for row in rows(files, "comments.csv")]
    assert all(
        not value.startswith(("=", "+", "@"))
        for name in files
        if name.endswith(".csv")
        for row in rows(files, name)
        for value in row.values()
    ), "no formula in any CSV"
    for name in (n for n in files if n.endswith(".csv")):  # the same rule in every CSV
        from_json = json.loads(files[name.replace(".csv", ".json")])
        as_cells = [{k: "" if v is None else text_cell(v) if isinstance(v, str) else str(v)
                     for k, v in record.items()} for record in from_json]  # fmt: skip
        assert rows(files, name) == as_cells, name
    assert [check for check in compare(files) if not check.ok] == [], "opendata_recompute says OK"
