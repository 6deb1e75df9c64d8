"""Paper questionnaires typed in by officials: the CSV template, the upload of a filled one (all rows or
none, every problem listed with its line), one form at a time; counted in reports with their channel."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from consultations.imports import paper
from consultations.models import Answer, Channel, Response
from consultations.permissions import can
from consultations.services.refusals import PaperRefused
from consultations.services.responses import responses_paper_enter
from reports.services import report_compile
from tests.consultations.imports.conftest import needs_postgresql, refused_insert
from tests.factories import (
    EVERY_KIND,
    OrganisationFactory,
    UserFactory,
    consultation_create,
    person_in_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client, organisation):
    official = person_in_role("official", organisation)
    client.force_login(official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return official


def upload(client, consultation, content: bytes, name="forms.csv"):
    return client.post(
        reverse("consultations_paper_upload", args=[consultation.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def filled(consultation, rows: list[str], *, separator=";", encoding="utf-8-sig") -> bytes:
    """The downloaded template with these rows under its header (cells joined by `separator`)."""
    template = paper.paper_template_csv(consultation).decode("utf-8-sig")
    if separator != ";":
        template = template.replace(";", separator)
    return (template + "".join(row + "\r\n" for row in rows)).encode(encoding)


def errors_of(page) -> list[tuple]:
    return [(e.line, e.column, str(e.message)) for e in page.context["upload"].errors]


def test_the_template_lists_every_question_and_what_it_accepts(client, agent, consultation):
    download = client.get(reverse("consultations_paper_template", args=[consultation.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    text = download.content.decode("utf-8")
    assert text.startswith("\ufeff"), "a BOM, so that a spreadsheet reads the accents right"
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[-1] == "reference;q1;q2"
    assert any(
        "q1 — Combien de jours télétravaillez-vous ? — one of: 1. Aucun | 2. Un" in line for line in lines
    )


def test_a_filled_template_saves_every_paper_form_with_its_channel_and_agent(client, agent, consultation):
    content = filled(
        consultation,
        ["A-001;Un;Plus d’écrans", "A-002;3;Des horaires souples", 'A-003;aucun;"Une ligne; deux"'],
    )
    response = upload(client, consultation, content)
    assert response.status_code == 302
    saved = Response.objects.filter(consultation=consultation).order_by("reference")
    assert [r.reference for r in saved] == ["A-001", "A-002", "A-003"]
    assert {(r.channel, r.participant_id, r.entered_by_id, r.status) for r in saved} == {
        (Channel.PAPER, None, agent.pk, Response.Status.SUBMITTED)
    }
    single, open_text = consultation.question_list
    chosen = dict(
        Answer.objects.filter(question_id=single.id).values_list("response__reference", "choice_id")
    )
    assert chosen == {
        "A-001": single.choices[1][0],
        "A-002": single.choices[2][0],
        "A-003": single.choices[0][0],
    }
    assert Answer.objects.get(response__reference="A-003", question_id=open_text.id).text == "Une ligne; deux"
    page = client.get(reverse("consultations_paper_forms", args=[consultation.pk]))
    assert "3 paper forms saved." in page.content.decode()


def test_commas_and_a_template_without_bom_are_read_too(client, agent, consultation):
    content = filled(consultation, ["B-1,Un,Rien"], separator=",", encoding="utf-8")
    assert upload(client, consultation, content).status_code == 302
    assert Response.objects.get().reference == "B-1"


def test_every_kind_of_question_is_read_as_the_online_form_reads_it(client, agent, organisation):
    consultation = consultation_create(organisation=organisation, questions=EVERY_KIND)
    header = paper.paper_template_csv(consultation).decode("utf-8-sig").splitlines()[-1]
    assert header == "reference;q1;q2;q2_other;q3;q3_other;q4;q5;q6;q7;q8"
    row = "P1;Lyon;;Vélo;Écran|Casque;;Oui;4;Horaires|Formation|Équipement;12,5;"
    assert upload(client, consultation, filled(consultation, [row])).status_code == 302
    answers = {a.question_id: a for a in Answer.objects.all()}
    q = consultation.question_list
    assert (answers[q[1].id].choice_id, answers[q[1].id].text) == ("other", "Vélo")
    assert Answer.objects.filter(question_id=q[2].id).count() == 2
    assert answers[q[3].id].choice_id == "yes"
    assert answers[q[4].id].number == 4
    ranked = (
        Answer.objects.filter(question_id=q[5].id).order_by("position").values_list("choice_id", flat=True)
    )
    assert list(ranked) == [q[5].choices[1][0], q[5].choices[2][0], q[5].choices[0][0]]
    assert float(answers[q[6].id].number) == 12.5


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # Malformed CSV: an unterminated quote.
        (lambda c: filled(c, ['C1;Un;"not closed']), [(7, "", "Malformed CSV")]),
        # Windows-1252 / Latin-1 bytes: refused rather than garbled, with the line.
        (
            lambda c: filled(c, ["C1;Un;Très bien"], encoding="cp1252").replace(b"\xef\xbb\xbf", b""),
            [(1, "", "not in UTF-8")],
        ),
        (lambda c: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", [(None, "", "not a CSV text file")]),
        (
            lambda c: filled(c, ["C1;Un;Oui", "C2;Deux ou plus;Non", "C1;Aucun;Encore"]),
            [(9, "reference", "Paper form C1 is already on line 7 of this file.")],
        ),
        (
            lambda c: filled(c, ["C1;Un;Oui"]).replace(b"reference;q1;q2", b"reference;q1;q2;colour"),
            [(6, "colour", "Unknown column")],
        ),
        (
            lambda c: filled(c, ["C1;Un"]).replace(b"reference;q1;q2", b"reference;q1"),
            [(6, "q2", "This column is missing.")],
        ),
        (
            lambda c: filled(c, ["C1;Un;", "C2;;Rien"]),
            [(7, "q2", "This answer is required."), (8, "q1", "Choose one answer.")],
        ),
        (lambda c: filled(c, ["C1;Quatre;Rien"]), [(7, "q1", "“Quatre” is not one of the choices")]),
        (lambda c: filled(c, [";Un;Rien"]), [(7, "reference", "Give the number written on the paper form.")]),
        (lambda c: filled(c, ["C1;Un;Rien;extra"]), [(7, "", "This row has 4 cells")]),
        (lambda c: filled(c, []), [(None, "", "no paper form under its header")]),
        (
            lambda c: filled(c, [f"R{n};Un;Rien" for n in range(paper.MAX_ROWS + 1)]),
            [(paper.MAX_ROWS + 7, "", "More than 2000 paper forms")],
        ),
    ],
    ids=[
        "malformed",
        "cp1252",
        "binary",
        "duplicate-in-file",
        "unknown-column",
        "missing-column",
        "required-answers",
        "unknown-choice",
        "no-reference",
        "extra-cells",
        "no-rows",
        "too-many-rows",
    ],
)
def test_a_bad_file_is_refused_with_every_problem_and_its_line_and_nothing_is_saved(
    client, agent, consultation, content, expected
):
    page = upload(client, consultation, content(consultation))
    assert page.status_code == 400
    found = errors_of(page)
    assert len(found) == len(expected), found
    for (line, column, message), (got_line, got_column, got_message) in zip(expected, found, strict=True):
        assert (got_line, got_column) == (line, column), found
        assert message in got_message
    html = page.content.decode()
    assert "The file was not imported: nothing was saved" in html
    assert not Response.objects.exists()


def test_a_file_too_large_is_refused_before_reading(client, agent, consultation, settings):
    content = filled(consultation, ["C1;Un;" + "x" * (paper.MAX_BYTES + 10)])
    page = upload(client, consultation, content)
    assert page.status_code == 413
    assert "larger than 2 MB" in page.content.decode()
    assert not Response.objects.exists()


def test_a_form_typed_before_is_refused_in_a_later_file_and_nothing_of_it_is_saved(
    client, agent, consultation
):
    assert upload(client, consultation, filled(consultation, ["D1;Un;Oui"])).status_code == 302
    page = upload(client, consultation, filled(consultation, ["D2;Un;Oui", "D1;Aucun;Non"]))
    assert page.status_code == 400
    assert errors_of(page) == [(8, "reference", "Paper form D1 was typed in before.")]
    assert list(Response.objects.values_list("reference", flat=True)) == ["D1"]


def test_an_empty_file_is_refused(client, agent, consultation):
    page = upload(client, consultation, b"")
    assert page.status_code == 400
    assert "The file is empty." in page.content.decode()
    assert not Response.objects.exists()


def test_no_file_chosen_is_refused(client, agent, consultation):
    page = client.post(reverse("consultations_paper_upload", args=[consultation.pk]), {})
    assert page.status_code == 400
    assert "Choose the CSV file to upload." in page.content.decode()


def test_an_agent_types_one_paper_form_in_and_the_same_number_twice_is_refused(client, agent, consultation):
    url = reverse("consultations_paper_form_enter", args=[consultation.pk])
    form = client.get(url)
    assert form.status_code == 200
    single, open_text = consultation.question_list
    data = {"reference": "F-7", f"q_{single.id}": single.choices[0][0], f"q_{open_text.id}": "Rien"}
    assert client.post(url, data).status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.reference, response.entered_by, response.participant) == (
        Channel.PAPER,
        "F-7",
        agent,
        None,
    )
    again = client.post(url, data)
    assert again.status_code == 409
    assert "Paper form F-7 was typed in before" in again.content.decode()
    assert Response.objects.count() == 1


def test_a_paper_form_with_bad_answers_is_refused_with_its_errors(client, agent, consultation):
    url = reverse("consultations_paper_form_enter", args=[consultation.pk])
    single, open_text = consultation.question_list
    refused = client.post(
        url, {"reference": " ", f"q_{single.id}": "nonsense", f"q_{open_text.id}": "x" * 300}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Give the number written on the paper form." in html
    assert "This paper form was not saved" in html
    assert not Response.objects.exists()


def test_paper_forms_are_no_receipt_no_account_and_counted_by_channel_in_the_report(
    client, agent, consultation, django_capture_on_commit_callbacks, mailoutbox
):
    online = UserFactory()
    from consultations.services.responses import response_submit

    response_submit(
        consultation=consultation,
        participant=online,
        answers={
            consultation.question_list[0].id: consultation.question_list[0].choices[0][0],
            consultation.question_list[1].id: "En ligne",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, consultation, filled(consultation, ["E1;Un;Papier", "E2;Un;Papier"]))
    assert not [m for m in mailoutbox if "E1" in m.body]
    snapshot = report_compile(consultation=consultation, force=True)
    assert snapshot.response_count == 3
    assert snapshot.data["participation"]["channels"]["responses"] == {"online": 1, "paper": 2}
    assert snapshot.data["method"]["channels"] == ["online", "paper"]
    page = client.get(reverse("feedback_report_detail", args=[consultation.pk]))
    html = page.content.decode()
    assert "Contributions by channel" in html
    assert "Online, Paper form" in html


ROLES = ["anonymous", "participant", "official", "official_elsewhere", "moderator", "editor", "administrator"]
ALLOWED = {"official", "administrator"}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_organisations_officials_and_administrators_handle_its_paper_forms(
    client, role, organisation
):
    consultation = consultation_create(organisation=organisation)
    user = person_in_role(role, organisation)
    assert can(user, "view_paper_forms", consultation) == (role in ALLOWED)
    assert can(user, "enter_paper_forms", consultation) == (role in ALLOWED)
    if role != "anonymous":
        client.force_login(user)
    urls = [
        reverse("consultations_paper_forms", args=[consultation.pk]),
        reverse("consultations_paper_template", args=[consultation.pk]),
        reverse("consultations_paper_form_enter", args=[consultation.pk]),
    ]
    for url in urls:
        status = client.get(url).status_code
        if role in ALLOWED:
            assert status == 200, url
        else:  # the back office sends them to sign in, or to its home with a refusal, or refuses (403)
            assert status in (302, 403), url
    posted = upload(client, consultation, filled(consultation, ["G1;Un;Oui"]))
    assert posted.status_code == (302 if role in ALLOWED else posted.status_code)
    assert Response.objects.exists() == (role in ALLOWED)


@pytest.mark.parametrize(
    ("phase", "allowed"),
    [
        ({"opens_in": timedelta(days=2), "closes_in": timedelta(days=9)}, False),
        ({}, True),
        ({"opens_in": timedelta(days=-9), "closes_in": timedelta(days=-2)}, True),
        ({"publish": False}, False),
    ],
    ids=["upcoming", "open", "closed", "draft"],
)
def test_paper_forms_are_typed_in_once_the_consultation_is_published_and_open_even_after_closing(
    client, agent, organisation, phase, allowed
):
    consultation = consultation_create(organisation=organisation, **phase)
    assert can(agent, "enter_paper_forms", consultation) == allowed
    response = client.post(
        reverse("consultations_paper_form_enter", args=[consultation.pk]),
        {"reference": "H1"},
    )
    assert (response.status_code == 403) == (not allowed)
    refused = upload(client, consultation, filled(consultation, ["H2;Un;Oui"]))
    assert (refused.status_code == 302) == allowed
    assert Response.objects.filter(reference="H2").exists() == allowed


def test_the_index_lists_the_officials_consultations_only(client, agent, consultation):
    other = consultation_create(organisation=OrganisationFactory(), title="Ailleurs")
    html = client.get(reverse("consultations_paper_index")).content.decode()
    assert consultation.title in html
    assert other.title not in html


def test_the_agent_finds_the_forms_they_typed_in_their_data_and_deleting_them_keeps_the_forms(consultation):
    from accounts.services import account_delete, account_export
    from consultations.services.responses import responses_paper_enter

    agent = person_in_role("official", consultation.organisation)
    single, open_text = consultation.question_list
    responses_paper_enter(
        consultation=consultation,
        agent=agent,
        forms=[("K1", {single.id: single.choices[0][0], open_text.id: "Sur papier"})],
    )
    exported = account_export(user=agent)["paper_forms_typed_in"]
    assert [(row["consultation"], row["paper_form_number"]) for row in exported] == [
        (consultation.title, "K1")
    ]
    account_delete(user=agent)
    kept = Response.objects.get()
    assert (kept.reference, kept.entered_by, kept.participant) == ("K1", None, None)
    assert kept.answers.filter(text="Sur papier").exists()


def test_a_form_numbered_with_a_hash_is_typed_in_not_skipped(client, agent, consultation):
    """Only the instructions above the header are comments: a form numbered "#12" is a form."""
    content = filled(consultation, ["#12;Un;Rien", "A-3;Un;Rien"])
    assert upload(client, consultation, content).status_code == 302
    assert sorted(Response.objects.values_list("reference", flat=True)) == ["#12", "A-3"]


@needs_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_refused_midway_saves_no_paper_form_and_the_file_goes_through_later(
    client, agent, consultation
):
    """PostgreSQL refuses the 5th of the 6 answers (its own transaction, committed or not as a whole):
    the three responses written before them are gone too, so the same file is not refused afterwards
    for numbers "typed in before"."""
    content = filled(
        consultation, ["A-001;Un;Plus d’écrans", "A-002;3;Des horaires souples", "A-003;aucun;Rien"]
    )
    client.raise_request_exception = False
    with refused_insert("consultations_answer", 5):
        failed = upload(client, consultation, content)
    assert failed.status_code == 500
    assert not Response.objects.filter(consultation=consultation).exists()
    assert not Answer.objects.filter(response__consultation=consultation).exists()

    assert upload(client, consultation, content).status_code == 302
    assert Response.objects.filter(consultation=consultation).count() == 3
    assert Answer.objects.filter(response__consultation=consultation).count() == 6


@pytest.mark.parametrize(
    ("forms", "message"),
    [
        (
            [("K1", {"removed-question": "Un"})],
            "This questionnaire has changed; download the template again.",
        ),
        ([("K1", {})], "Answer at least one question before sending."),
    ],
)
def test_a_stale_template_or_an_empty_form_is_refused_with_what_to_do_and_nothing_is_saved(
    consultation, forms, message
):
    agent = person_in_role("official", consultation.organisation)
    with translation.override("en"), pytest.raises(PaperRefused) as refused:
        responses_paper_enter(consultation=consultation, agent=agent, forms=forms)
    assert refused.value.message == message
    assert not Response.objects.exists()
