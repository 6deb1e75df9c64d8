"""Report snapshots: compiled in the background, versioned, immutable; read by officials only."""

import pytest
from django.urls import reverse

from consultations.services.responses import response_submit
from reports import services
from reports.models import ReportSnapshot
from reports.tasks import report_compile_task, reports_refresh_task
from tests.factories import OfficialFactory, OrganisationFactory, UserFactory
from tests.reports.test_themes import BUSES as BUS_TEXTS

pytestmark = pytest.mark.django_db


def answer(consultation, participant=None, *, choice=0, text="Plus de souplesse"):
    single, open_text = consultation.question_list
    return response_submit(
        consultation=consultation,
        participant=participant or UserFactory(),
        answers={single.id: single.choices[choice][0], open_text.id: text},
    )


def test_a_compile_counts_participants_choices_and_open_answers(consultation):
    answer(consultation, choice=0)
    answer(consultation, choice=2)
    answer(consultation, choice=2)
    snapshot = services.report_compile(consultation=consultation)
    assert snapshot.version == 1
    assert snapshot.participants == 3
    single, open_text = snapshot.questions
    assert [c.count for c in single.choices] == [1, 0, 2]
    assert open_text.answers == 3
    assert snapshot.data["open_answers"] == 3


def test_each_compile_with_new_responses_writes_a_new_version_and_keeps_the_old(consultation):
    answer(consultation)
    first = services.report_compile(consultation=consultation)
    assert services.report_compile(consultation=consultation) is None, "nothing new: no new version"
    answer(consultation)
    second = services.report_compile(consultation=consultation)
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.participants == 1, "an earlier version is never rewritten"
    assert second.participants == 2


def test_a_snapshot_cannot_be_changed(consultation):
    answer(consultation)
    snapshot = services.report_compile(consultation=consultation)
    snapshot.data = {"participants": 999}
    with pytest.raises(ValueError, match="immutable"):
        snapshot.save()


def test_a_failed_compile_leaves_the_previous_version_visible(consultation, monkeypatch):
    answer(consultation)
    services.report_compile(consultation=consultation)
    answer(consultation)

    def broken(*args, **kwargs):
        raise RuntimeError("analysis failed")

    monkeypatch.setattr(services, "summarise", broken)
    with pytest.raises(RuntimeError):
        services.report_compile(consultation=consultation)
    assert list(ReportSnapshot.objects.values_list("version", flat=True)) == [1]


def test_responses_queue_one_compile_until_it_starts(
    consultation, django_capture_on_commit_callbacks, monkeypatch
):
    queued = []
    monkeypatch.setattr(report_compile_task, "apply_async", lambda args, **options: queued.append(args[0]))
    with django_capture_on_commit_callbacks(execute=True):
        answer(consultation)
    with django_capture_on_commit_callbacks(execute=True):
        answer(consultation)
    assert queued == [consultation.pk], "a second response while a compile is queued queues nothing more"
    report_compile_task.run(consultation.pk)  # the task, as the worker runs it
    assert ReportSnapshot.objects.get().participants == 2
    with django_capture_on_commit_callbacks(execute=True):
        answer(consultation)
    assert queued == [consultation.pk, consultation.pk]


def test_the_task_is_safe_to_run_twice_and_on_a_deleted_consultation(consultation):
    answer(consultation)
    report_compile_task.run(consultation.pk)
    report_compile_task.run(consultation.pk)
    assert ReportSnapshot.objects.count() == 1
    report_compile_task.run(987654)  # no such consultation: nothing happens


def test_the_schedule_catches_up_with_consultations_left_behind(consultation, monkeypatch):
    queued = []
    monkeypatch.setattr(report_compile_task, "apply_async", lambda args, **options: queued.append(args[0]))
    answer(consultation)
    assert reports_refresh_task.run() == 1
    assert queued == [consultation.pk]
    services.report_compile_started(consultation_id=consultation.pk)
    report_compile_task.run(consultation.pk)
    assert reports_refresh_task.run() == 0, "up to date: nothing queued"


def test_a_draft_queues_no_compile_and_is_not_in_the_report(consultation, monkeypatch):
    queued = []
    monkeypatch.setattr(report_compile_task, "apply_async", lambda args, **options: queued.append(args[0]))
    answer(consultation)
    services.report_compile(consultation=consultation)
    _single, open_text = consultation.question_list
    response_submit(
        consultation=consultation, participant=UserFactory(), answers={open_text.id: "Pas fini"}, draft=True
    )
    assert reports_refresh_task.run() == 0, "a draft is nothing new to compile"
    assert services.report_compile(consultation=consultation) is None
    assert services.report_compile(consultation=consultation, force=True).participants == 1


def test_a_broker_outage_does_not_lose_the_response(
    consultation, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(report_compile_task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = answer(consultation)
    assert response.pk is not None
    assert consultation.responses.count() == 1


# The report page ---------------------------------------------------------------------------------------


def report_url(consultation):
    return reverse("feedback_report_detail", args=[consultation.pk])


def test_an_official_reads_the_report_of_their_organisation(client, consultation):
    answer(consultation, choice=1)
    services.report_compile(consultation=consultation)
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    page = client.get(report_url(consultation))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-figure="participants">1<' in body
    assert "Combien de jours télétravaillez-vous ?" in body
    assert (
        reverse("feedback_report_detail", args=[consultation.pk])
        in client.get(reverse("feedback_report_index")).content.decode()
    )


def test_others_cannot_read_the_report(client, consultation):
    answer(consultation)
    services.report_compile(consultation=consultation)
    url = report_url(consultation)
    assert client.get(url)["Location"].startswith("/accounts/login/?next="), "visitors are sent to sign in"
    client.force_login(UserFactory())
    assert client.get(url).status_code in (302, 403), "participants have no back office"
    assert "data-figure" not in client.get(url, follow=True).content.decode()
    client.force_login(OfficialFactory(organisation=OrganisationFactory()))
    refused = client.get(url, follow=True)
    assert refused.redirect_chain == [("/admin/", 302)], "officials of another organisation"
    assert "data-figure" not in refused.content.decode()
    assert url not in client.get(reverse("feedback_report_index")).content.decode()


def test_an_official_asks_for_a_compile(client, consultation, monkeypatch):
    queued = []
    monkeypatch.setattr(report_compile_task, "apply_async", lambda args, **options: queued.append(args[0]))
    answer(consultation)
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    url = reverse("feedback_report_compile", args=[consultation.pk])
    done = client.post(url, follow=True)
    assert "en cours de compilation" in done.content.decode()
    assert queued == [consultation.pk]
    report_compile_task.run(consultation.pk)
    again = client.post(url, follow=True)
    assert "est à jour" in again.content.decode()
    assert client.get(url).status_code == 405


def test_a_bad_version_number_is_a_clear_4xx(client, consultation):
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    assert client.get(report_url(consultation) + "?version=abc").status_code == 400
    assert client.get(report_url(consultation) + "?version=²").status_code == 400, "a digit, but not 0-9"
    assert client.get(report_url(consultation) + "?version=-1").status_code == 400
    assert client.get(report_url(consultation) + "?version=42").status_code == 404
    assert client.get(reverse("feedback_report_detail", args=[999999])).status_code == 404


def test_the_report_list_costs_the_same_queries_for_one_or_many_consultations(client, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import consultation_create

    client.force_login(OfficialFactory(organisation=organisation))
    url = reverse("feedback_report_index")

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    consultation = consultation_create(organisation=organisation, title="Première")
    answer(consultation)
    services.report_compile(consultation=consultation)
    queries()  # the first request also fills the site's caches
    one = queries()
    for index in range(4):
        more = consultation_create(organisation=organisation, title=f"Autre {index}")
        answer(more)
        services.report_compile(consultation=more)
    assert queries() == one


# Statistics and themes, end to end ---------------------------------------------------------------------

BIKE_TEXTS = [
    "Plus de pistes cyclables sécurisées pour les vélos",
    "Des pistes cyclables le long du canal",
    "Des parkings à vélos près de la gare",
    "Des pistes cyclables séparées des voitures",
    "Sécuriser les pistes cyclables autour des écoles",
    "Un garage à vélos couvert",
    "Des vélos en libre-service et des pistes",
    "La piste cyclable s’arrête brutalement",
    "Plus de vélos, moins de voitures",
    "Pistes cyclables continues",
]


def resident_of(departement_code: str, name: str, commune_code: str):
    from accounts.models import Territory

    departement, _ = Territory.objects.get_or_create(
        kind=Territory.Kind.DEPARTEMENT, code=departement_code, defaults={"name": name, "search_name": name}
    )
    commune, _ = Territory.objects.get_or_create(
        kind=Territory.Kind.COMMUNE,
        code=commune_code,
        defaults={"name": f"Commune {commune_code}", "search_name": commune_code, "parent": departement},
    )
    return UserFactory(territory=commune)


def test_a_report_shows_intervals_a_cross_tab_by_departement_and_themes(client, consultation):
    """Bike people live in the Rhône and mostly answer "Aucun", bus people in the Loire "Deux ou plus"."""
    for index, text in enumerate(BIKE_TEXTS):
        answer(consultation, resident_of("69", "Rhône", "69123"), choice=0 if index < 8 else 2, text=text)
    for index, text in enumerate(BUS_TEXTS):
        answer(consultation, resident_of("42", "Loire", "42218"), choice=2 if index < 8 else 0, text=text)
    answer(consultation, UserFactory(), choice=1, text="Rien à ajouter")  # no commune in the account

    snapshot = services.report_compile(consultation=consultation)
    [table] = snapshot.data["crosstabs"]
    assert [row["label"] for row in table["rows"][:2]] == ["Loire", "Rhône"]
    assert table["test"]["statistic"] == 7.2, "8/2 against 2/8: expected 5 in each cell"
    [themes] = snapshot.data["themes"]
    assert themes["answers"] == 21
    bus_answer_ids = set(
        consultation.responses.filter(answers__text__in=BUS_TEXTS).values_list("answers__id", flat=True)
    )
    bus_theme = next(theme for theme in themes["themes"] if "bus" in theme["keywords"])
    assert set(bus_theme["answer_ids"]) <= bus_answer_ids, "a theme's answers link back to what was written"

    client.force_login(OfficialFactory(organisation=consultation.organisation))
    body = client.get(report_url(consultation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "95 % confidence interval" in body
    aucun = snapshot.questions[0].choices[0]
    assert f"{aucun.ci_low} – {aucun.ci_high}\xa0%" in body, "a percent never splits from its sign"
    assert 'data-crosstab="territory"' in body
    assert '<th scope="row">Rhône</th>' in body
    assert "Chi-square test of independence: χ² = 7.2, 1 degree of freedom, 20 people compared." in body
    assert "<td>hidden</td>" in body, "2 people of a département choosing an answer is not shown"
    assert f'data-theme="{bus_theme["id"]}"' in body
    assert "bus, " in body
    assert bus_theme["quotes"][0]["text"] in body


NO_TABLE_BY_DEPARTEMENT = (
    "No table by département of residence: fewer than two départements have 5 people or more who answered, "
    "and smaller groups could be recognised."
)


def test_an_empty_consultation_still_compiles_and_says_why_parts_are_missing(client, consultation):
    snapshot = services.report_compile(consultation=consultation, force=True)
    assert snapshot.participants == 0
    assert snapshot.data["crosstabs"][0]["skipped"] == "too_few_groups"
    assert snapshot.data["themes"][0]["reason"] == "no_answers"
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    body = client.get(report_url(consultation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NO_TABLE_BY_DEPARTEMENT in body
    assert 'class="listing" data-crosstab' not in body, (
        "a table of fewer than two groups of five is not drawn"
    )
    assert "No themes: nobody has written an answer yet." in body


def test_a_single_participant_gets_figures_but_no_comparison_and_no_themes(client, consultation):
    answer(consultation, resident_of("69", "Rhône", "69123"), text="Des pistes cyclables")
    snapshot = services.report_compile(consultation=consultation)
    assert snapshot.participants == 1
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    body = client.get(report_url(consultation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>100.0\xa0%</td>" in body
    assert NO_TABLE_BY_DEPARTEMENT in body
    assert "No themes: 1 written answer is too few to group (10 with meaningful words are needed)" in body
    assert "Rhône" not in body, "one person's département is not shown"


def test_scales_numbers_and_rankings_are_crossed_by_departement_on_the_report(client, organisation):
    from tests.factories import EVERY_KIND, consultation_create

    consultation = consultation_create(organisation=organisation, questions=EVERY_KIND)
    *_before, scale, ranking, number, _long = consultation.question_list
    bus, bike, walk = (choice_id for choice_id, _label in ranking.choices)
    for n in range(12):  # the Rhône is satisfied and puts the bus first; the Loire neither
        rhone = n < 6
        response_submit(
            consultation=consultation,
            participant=resident_of("69", "Rhône", "69123") if rhone else resident_of("42", "Loire", "42218"),
            answers={
                scale.id: "5" if rhone else "1",
                number.id: str(10 + n),
                ranking.id: [bus, bike, walk] if rhone else [walk, bike, bus],
            },
        )

    snapshot = services.report_compile(consultation=consultation)
    tables = {table["question_id"]: table for table in snapshot.data["crosstabs"]}
    assert tables[scale.id]["test"]["method"] == "kruskal_wallis"
    means = [(row["label"], row["mean"]) for row in tables[scale.id]["rows"]]
    assert means == [("Loire", 1.0), ("Rhône", 5.0)]
    assert tables[number.id]["rows"][1]["median"] == 12.5
    assert tables[ranking.id]["kind"] == "first_choice"

    client.force_login(OfficialFactory(organisation=organisation))
    body = client.get(report_url(consultation), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Kruskal–Wallis test: H = " in body
    assert "the choice each person ranked first" in body
    assert body.count('data-crosstab="territory"') == len(snapshot.data["crosstabs"])
