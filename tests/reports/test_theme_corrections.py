"""Officials rename, merge and split themes and move answers; corrections apply on every compile."""

from reports.analysis.theme_corrections import apply_corrections, official_theme_id


def found():
    return {
        "answers": 7,
        "analysed": 6,
        "reason": None,
        "unassigned": [7],
        "themes": [
            {"id": "t-bus", "keywords": ["bus"], "count": 3, "share": 50.0, "answer_ids": [1, 2, 3],
             "quotes": [{"answer_id": 1, "text": "Des bus"}]},
            {"id": "t-tram", "keywords": ["tram"], "count": 2, "share": 33.3, "answer_ids": [4, 5],
             "quotes": [{"answer_id": 4, "text": "Un tram"}]},
            {"id": "t-velo", "keywords": ["vélo"], "count": 1, "share": 16.7, "answer_ids": [6],
             "quotes": []},
        ],
    }  # fmt: skip


def by_id(result):
    return {theme["id"]: theme for theme in result["themes"]}


def test_rename_merge_and_move_apply_in_order_and_counts_follow():
    night = official_theme_id("Transports de nuit")
    corrections = [
        {"id": 1, "kind": "rename", "theme_id": "t-bus", "label": "Transports en commun"},
        {"id": 2, "kind": "merge", "theme_id": "t-tram", "into": "t-bus"},
        {"id": 3, "kind": "move", "theme_id": night, "answer_id": 2, "label": "Transports de nuit"},
        {"id": 4, "kind": "move", "theme_id": "t-velo", "answer_id": 7},
    ]
    result = apply_corrections(found(), corrections, texts={2: "Le bus de nuit"})
    themes = by_id(result)
    assert themes["t-bus"]["label"] == "Transports en commun"
    assert themes["t-bus"]["answer_ids"] == [1, 3, 4, 5]
    assert (themes["t-bus"]["count"], themes["t-bus"]["share"]) == (4, 66.7)
    assert "t-tram" not in themes
    assert themes[night]["answer_ids"] == [2]
    assert themes[night]["quotes"] == [{"answer_id": 2, "text": "Le bus de nuit"}]
    assert themes["t-velo"]["answer_ids"] == [6, 7]
    assert result["unassigned"] == []
    assert result["corrections"] == {"applied": 4, "stale": []}


def test_corrections_whose_theme_is_gone_are_reported_not_dropped_silently():
    corrections = [
        {"id": 8, "kind": "rename", "theme_id": "t-gone", "label": "Ancien"},
        {"id": 9, "kind": "merge", "theme_id": "t-bus", "into": "t-bus"},
        {"id": 10, "kind": "move", "theme_id": "t-tram", "answer_id": 99},
        {"id": 11, "kind": "move", "theme_id": "t-unknown", "answer_id": 1},
    ]
    result = apply_corrections(found(), corrections)
    assert result["corrections"] == {"applied": 0, "stale": [8, 9, 10, 11]}
    assert [theme["count"] for theme in result["themes"]] == [3, 2, 1]


def test_moving_every_answer_out_of_a_theme_removes_it():
    corrections = [{"id": 1, "kind": "move", "theme_id": "t-bus", "answer_id": 6}]
    assert "t-velo" not in by_id(apply_corrections(found(), corrections))


def test_no_themes_means_nothing_to_correct():
    result = {"answers": 1, "reason": "too_few_answers", "themes": []}
    assert apply_corrections(result, [{"kind": "rename", "theme_id": "t", "label": "x"}]) == result


def test_an_official_theme_id_depends_on_its_name_only():
    assert official_theme_id("Transports  de nuit") == official_theme_id("transports de nuit")
    assert official_theme_id("Nuit").startswith("o-")


# End to end: officials correct through the report pages; the next compile applies it, and so do the
# ones after (corrections survive recompiles).

import pytest  # noqa: E402
from django.urls import reverse  # noqa: E402

from reports import services  # noqa: E402
from reports.models import ThemeCorrection  # noqa: E402
from reports.tasks import report_compile_task  # noqa: E402
from tests.factories import OfficialFactory, OrganisationFactory  # noqa: E402
from tests.reports.test_reports import BIKE_TEXTS, BUS_TEXTS, answer  # noqa: E402


@pytest.fixture
def themed(consultation, client, monkeypatch):
    for text in BIKE_TEXTS + BUS_TEXTS:
        answer(consultation, text=text)
    services.report_compile(consultation=consultation)
    monkeypatch.setattr(report_compile_task, "apply_async", lambda *args, **kwargs: None)
    client.force_login(OfficialFactory(organisation=consultation.organisation))
    return consultation


def latest_themes(consultation):
    return (
        services.report_up_to_date(consultation_id=consultation.pk) or consultation.report_snapshots.first()
    )


def correct(client, consultation, **data):
    return client.post(reverse("feedback_theme_correct", args=[consultation.pk]), data)


@pytest.mark.django_db
def test_a_rename_and_a_move_survive_recompiles(client, themed, django_capture_on_commit_callbacks):
    [result] = themed.report_snapshots.first().data["themes"]
    bus = next(theme for theme in result["themes"] if "bus" in theme["keywords"])
    bike = next(theme for theme in result["themes"] if theme is not bus)
    question = result["question_id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            correct(
                client, themed, kind="rename", question=question, theme=bus["id"], label="Bus"
            ).status_code
            == 302
        )
        moved = bike["answer_ids"][0]
        assert (
            correct(client, themed, kind="move", question=question, answer=moved, label="Divers").status_code
            == 302
        )
    assert services.report_up_to_date(consultation_id=themed.pk) is None, (
        "a correction calls for a new version"
    )

    services.report_compile(consultation=themed)
    answer(themed, text="Encore des bus plus fréquents")  # a new answer, a new compile: still applied
    version = services.report_compile(consultation=themed)
    [result] = version.data["themes"]
    by_id = {theme["id"]: theme for theme in result["themes"]}
    assert by_id[bus["id"]]["label"] == "Bus"
    divers = next(theme for theme in result["themes"] if theme.get("label") == "Divers")
    assert divers["answer_ids"] == [moved]
    assert result["corrections"]["applied"] == 2

    page = client.get(reverse("feedback_report_detail", args=[themed.pk])).content.decode()
    assert "Corrections des thèmes par les agents" in page
    undo = ThemeCorrection.objects.get(kind="rename")
    client.post(reverse("feedback_theme_correction_undo", args=[themed.pk, undo.pk]))
    [result] = services.report_compile(consultation=themed).data["themes"]
    assert "label" not in {theme["id"]: theme for theme in result["themes"]}[bus["id"]]


@pytest.mark.django_db
def test_a_merge_joins_two_themes(client, themed):
    [result] = themed.report_snapshots.first().data["themes"]
    first, second = result["themes"][:2]
    assert (
        correct(
            client, themed, kind="merge", question=result["question_id"], theme=first["id"], into=second["id"]
        ).status_code
        == 302
    )
    [merged] = services.report_compile(consultation=themed).data["themes"]
    by_id = {theme["id"]: theme for theme in merged["themes"]}
    assert first["id"] not in by_id
    assert by_id[second["id"]]["count"] == first["count"] + second["count"]
    assert len(merged["themes"]) == len(result["themes"]) - 1


@pytest.mark.django_db
def test_bad_corrections_are_refused_and_change_nothing(client, themed):
    [result] = themed.report_snapshots.first().data["themes"]
    question, theme = result["question_id"], result["themes"][0]["id"]
    for data in [
        {"kind": "rename", "question": question, "theme": theme, "label": "   "},
        {"kind": "rename", "question": question, "theme": "t-nope", "label": "X"},
        {"kind": "merge", "question": question, "theme": theme, "into": theme},
        {"kind": "move", "question": question, "theme": theme, "answer": "999999"},
        {
            "kind": "move",
            "question": question,
            "theme": "t-nope",
            "answer": str(result["themes"][1]["answer_ids"][0]),
        },
        {"kind": "explode", "question": question, "theme": theme},
        {"kind": "rename", "question": "nope", "theme": theme, "label": "X"},
    ]:
        assert correct(client, themed, **data).status_code == 400, data
    assert not ThemeCorrection.objects.exists()

    client.force_login(OfficialFactory(organisation=OrganisationFactory()))
    refused = correct(client, themed, kind="rename", question=question, theme=theme, label="X")
    assert refused.status_code in (302, 403)
    assert not ThemeCorrection.objects.exists()
