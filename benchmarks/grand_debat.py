"""Part 3 of `make bench-scale`: a Grand Débat questionnaire compiled end to end from PostgreSQL.

500,000 sent responses (BENCH_RESPONSES) to 20 questions — an age band, six single choices, three
yes/no, two multiple choices, two scales, a ranking, a number, a short text and three long texts
answered by 90 %, 60 % and 50 % of the people (1,000,000 free-text answers) — from 500,000 accounts
living in communes drawn from the territory referential, so that cross-tabs by département and by age
band have something to cross.

The texts are French sentences drawn from six latent themes (transport, energy, taxes, farming, housing,
waste), with filler words, so the themes analysis has something real to find.

Setup (not timed): the rows go in by `COPY FROM`, the tables' indexes and constraints dropped first and
put back after, as for a bulk load. Timed: a plain `COPY … TO` of the answers for reference, reading
the rows as the compile does (`loaders.answer_rows` and `loaders.open_texts`), and then `report_compile`
itself, end to end, as the Celery task runs it (first, so that the reference reads do not warm its
cache): its time is the figure `grand_debat_s`. Then the work is checked: the report counts every
response, finds themes in each long-text question and crosses the answers.
"""

import os
import time

import numpy as np

RESPONSES = int(os.environ.get("BENCH_RESPONSES", "500000"))

_THEMES = {
    "transport": "transports bus train voiture vélo covoiturage routes trajets gare ligne pistes cyclables "
    "horaires carburant rural desserte",
    "energy": "énergie nucléaire éolien solaire électricité chauffage isolation rénovation factures "
    "panneaux renouvelables consommation thermique",
    "taxes": "taxe carbone impôts fiscalité prix essence gazole pouvoir achat injuste ménages "
    "entreprises kérosène contribution",
    "farming": "agriculture agriculteurs pesticides bio circuits courts alimentation élevage sols "
    "glyphosate producteurs locaux cantines",
    "housing": "logement logements loyers construction artificialisation terres centres villes "
    "étalement urbain passoires habitat",
    "waste": "déchets plastique emballages recyclage tri consigne compost gaspillage réparation "
    "obsolescence produits vrac",
}
_FILLER = (
    "il faut que nous devons vraiment plus moins mieux aider développer favoriser arrêter soutenir "
    "encourager réduire augmenter simplifier tous chacun aujourd'hui demain"
)

QUESTIONS = [
    {"type": "age_band", "value": {"label": "Votre tranche d’âge", "purpose": "Entendre chaque génération."}},
    *[
        {
            "type": "single_choice",
            "value": {
                "label": f"Question fermée {n}",
                "help_text": "",
                "required": True,
                "choices": ["Tout à fait", "Plutôt", "Plutôt pas", "Pas du tout"],
                "allow_other": n == 1,
            },
        }
        for n in range(1, 7)
    ],
    *[
        {"type": "yes_no", "value": {"label": f"Question oui/non {n}", "help_text": "", "required": True}}
        for n in range(1, 4)
    ],
    *[
        {
            "type": "multiple_choice",
            "value": {
                "label": f"Choix multiples {n}",
                "help_text": "",
                "required": True,
                "choices": ["Transports", "Logement", "Alimentation", "Énergie", "Déchets"],
                "allow_other": False,
                "min_choices": 1,
                "max_choices": 3,
            },
        }
        for n in range(1, 3)
    ],
    *[
        {
            "type": "scale",
            "value": {
                "label": f"Échelle {n}",
                "help_text": "",
                "required": True,
                "scale_min": "1",
                "scale_max": 5,
                "min_label": "Pas du tout",
                "max_label": "Tout à fait",
            },
        }
        for n in range(1, 3)
    ],
    {
        "type": "ranking",
        "value": {
            "label": "Classez vos priorités",
            "help_text": "",
            "required": True,
            "choices": ["Se déplacer", "Se chauffer", "Se nourrir", "Consommer"],
        },
    },
    {
        "type": "number",
        "value": {
            "label": "Distance domicile-travail (km)",
            "help_text": "",
            "required": False,
            "min_value": "0",
            "max_value": "500",
            "decimals": False,
        },
    },
    {
        "type": "short_text",
        "value": {"label": "Votre métier", "help_text": "", "required": False, "max_length": 80},
    },
    *[
        {
            "type": "open_text",
            "value": {
                "label": f"Question ouverte {n}",
                "help_text": "",
                "required": False,
                "max_length": 5000,
            },
        }
        for n in range(1, 4)
    ],
]
TEXT_ANSWER_RATES = (0.9, 0.6, 0.5)  # 2.0 texts per response: 1,000,000 for 500,000 responses


def texts_generate(count: int, rng) -> list[str]:
    """`count` answers of 8 to 60 words, each mostly about one or two of the latent themes."""
    vocabularies = [np.array(words.split()) for words in _THEMES.values()]
    filler = np.array(_FILLER.split())
    lengths = rng.integers(8, 60, size=count)
    main = rng.integers(0, len(vocabularies), size=count)
    second = rng.integers(0, len(vocabularies), size=count)
    texts = []
    for length, first, other in zip(lengths.tolist(), main.tolist(), second.tolist(), strict=True):
        pick = rng.random(length)
        words = np.where(
            pick < 0.45,
            rng.choice(vocabularies[first], length),
            np.where(pick < 0.6, rng.choice(vocabularies[other], length), rng.choice(filler, length)),
        )
        texts.append(" ".join(words.tolist()).capitalize() + ".")
    return texts


def _bulk_load(connection, table: str, columns: list[str], rows) -> None:
    """COPY rows into `table` with its secondary indexes and constraints off, then put them back."""
    constraints = connection.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('f', 'u', 'c')",
        [table],
    ).fetchall()
    indexes = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT LIKE '%%pkey' "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    ).fetchall()
    for name, _definition in constraints:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        connection.execute(f'DROP INDEX "{name}"')
    with connection.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    for _name, definition in indexes:
        connection.execute(definition)
    for name, definition in constraints:
        connection.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    connection.execute(f"ANALYZE {table}")


def fixture_create(database_url: str, rng) -> object:
    """The consultation, its accounts, responses and answers; returns the consultation."""
    from datetime import timedelta

    import psycopg
    from django.utils import timezone

    from accounts.models import Organisation, Territory, User
    from accounts.territories import territories_load
    from tests.factories import consultation_create

    territories_load()
    consultation = consultation_create(
        organisation=Organisation.objects.create(
            name="Grand débat, questionnaire (banc d’essai)", slug="grand-debat-questionnaire"
        ),
        title="La transition écologique",
        questions=QUESTIONS,
        opens_in=timedelta(days=-60),
        closes_in=timedelta(days=-1),
    )
    questions = consultation.question_list
    communes = np.array(
        Territory.objects.filter(kind=Territory.Kind.COMMUNE).order_by("id").values_list("id", flat=True)
    )
    now = timezone.now()
    opened = consultation.opens_at
    with psycopg.connect(database_url, autocommit=True) as connection:
        first_user = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM accounts_user").fetchone()[0]
        homes = rng.choice(communes, RESPONSES)
        # Every column of the model, at its default unless given: a column added later (a new e-mail
        # preference) gets its default here as it would through the ORM, not a NULL that COPY refuses.
        fields = [field for field in User._meta.concrete_fields if not field.primary_key]
        defaults = {field.attname: field.get_default() for field in fields}
        defaults.update(password="!", is_active=True, date_joined=now, language="fr", email_digest=False)
        template = [defaults[field.attname] for field in fields]
        at = {field.attname: index for index, field in enumerate(fields)}

        def user_row(n: int) -> list:
            row = template.copy()
            row[at["email"]] = f"gd{n}@example.org"
            row[at["pseudonym"]] = f"Participant {n}"
            row[at["territory_id"]] = int(homes[n])
            return [first_user + n, *row]

        _bulk_load(
            connection,
            "accounts_user",
            ["id", *(field.column for field in fields)],
            (user_row(n) for n in range(RESPONSES)),
        )
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('accounts_user', 'id'), %s)", [first_user + RESPONSES]
        )
        first_response = connection.execute(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM consultations_response"
        ).fetchone()[0]
        sent = opened + timedelta(seconds=1) * rng.integers(0, 58 * 86400, size=RESPONSES)
        _bulk_load(
            connection,
            "consultations_response",
            ["id", "consultation_id", "participant_id", "status", "submitted_at", "updated_at"],
            (
                (first_response + n, consultation.pk, first_user + n, "submitted", sent[n], sent[n])
                for n in range(RESPONSES)
            ),
        )
        connection.execute(
            "SELECT setval(pg_get_serial_sequence('consultations_response', 'id'), %s)",
            [first_response + RESPONSES],
        )
        _bulk_load(
            connection,
            "consultations_answer",
            ["response_id", "question_id", "choice_id", "text", "number", "position"],
            _answers(questions, first_response, rng),
        )
    return consultation


def _answers(questions, first_response: int, rng):
    """Every answer row, question by question (a generator: the rows are never all in memory)."""
    responses = np.arange(first_response, first_response + RESPONSES)
    open_questions = iter(TEXT_ANSWER_RATES)
    for question in questions:
        choices = [choice_id for choice_id, _label in question.all_choices]
        if question.kind == "age_band":
            answered = responses[rng.random(RESPONSES) < 0.8]
            picks = rng.choice(len(choices), answered.size, p=[0.05, 0.1, 0.17, 0.26, 0.24, 0.18])
            for response, pick in zip(answered.tolist(), picks.tolist(), strict=True):
                yield response, question.id, choices[pick], "", None, None
        elif question.kind in ("single_choice", "yes_no"):
            weights = rng.dirichlet(np.ones(len(choices)) * 2)
            picks = rng.choice(len(choices), RESPONSES, p=weights)
            for response, pick in zip(responses.tolist(), picks.tolist(), strict=True):
                other = choices[pick] == "other"
                yield response, question.id, choices[pick], "Autre idée" if other else "", None, None
        elif question.kind == "multiple_choice":
            chosen = rng.random((RESPONSES, len(choices))) < 0.4
            chosen[~chosen.any(axis=1), 0] = True
            for response, row in zip(responses.tolist(), chosen.tolist(), strict=True):
                for choice_id, picked in zip(choices, row, strict=True):
                    if picked:
                        yield response, question.id, choice_id, "", None, None
        elif question.kind == "scale":
            values = rng.integers(1, 6, size=RESPONSES)
            for response, value in zip(responses.tolist(), values.tolist(), strict=True):
                yield response, question.id, "", "", value, None
        elif question.kind == "ranking":
            for response in responses.tolist():
                for position, pick in enumerate(rng.permutation(len(choices)).tolist(), start=1):
                    yield response, question.id, choices[pick], "", None, position
        elif question.kind == "number":
            answered = responses[rng.random(RESPONSES) < 0.6]
            values = rng.gamma(2.0, 8.0, size=answered.size).round()
            for response, value in zip(answered.tolist(), values.tolist(), strict=True):
                yield response, question.id, "", "", value, None
        elif question.kind == "short_text":
            answered = responses[rng.random(RESPONSES) < 0.3]
            for response in answered.tolist():
                yield response, question.id, "", "Agent", None, None
        elif question.kind == "open_text":
            answered = responses[rng.random(RESPONSES) < next(open_questions)]
            for start in range(0, answered.size, 50_000):
                part = answered[start : start + 50_000]
                for response, text in zip(part.tolist(), texts_generate(part.size, rng), strict=True):
                    yield response, question.id, "", text, None, None


def run(database_url: str) -> tuple[float, str, list[str]]:
    """Set up, then time the compile; (seconds of the compile, report lines, what the report got wrong)."""
    import psycopg

    from consultations.models import Answer
    from reports import loaders, services

    rng = np.random.default_rng(2019)
    start = time.perf_counter()
    consultation = fixture_create(database_url, rng)
    loaded = time.perf_counter() - start
    answers = Answer.objects.filter(response__consultation=consultation).count()

    # The compile first, right after the load, so that it does not profit from the reads below.
    start = time.perf_counter()
    snapshot = services.report_compile(consultation=consultation, force=True)
    compiled = time.perf_counter() - start

    with psycopg.connect(database_url) as connection:
        start = time.perf_counter()
        size = 0
        sql = (
            "COPY (SELECT a.response_id, a.question_id, a.choice_id, a.text, a.number, a.position "
            "FROM consultations_answer a JOIN consultations_response r ON r.id = a.response_id "
            "WHERE r.consultation_id = %s AND r.status = 'submitted') TO STDOUT"
        )
        with connection.cursor().copy(sql, [consultation.pk]) as copy:
            for chunk in copy:
                size += len(chunk)
        plain_copy = time.perf_counter() - start

    start = time.perf_counter()
    rows = sum(1 for _row in loaders.answer_rows(consultation.pk))
    open_ids = [q.id for q in consultation.question_list if q.kind == "open_text"]
    texts = sum(len(found) for found in loaders.open_texts(consultation.pk, question_ids=open_ids).values())
    read = time.perf_counter() - start

    report = snapshot.report
    themes = [len(result.themes) for result in report.themes]
    failures = []
    if report.participants != RESPONSES:
        failures.append(f"the report counts {report.participants:,} of {RESPONSES:,} responses")
    if len(themes) != len(open_ids) or not all(themes):
        failures.append(f"themes per long-text question {themes}, for {len(open_ids)} questions")
    if not report.crosstabs:
        failures.append("no cross-tab")
    lines = (
        f"Grand Débat: {RESPONSES:,} responses, {answers:,} answers ({texts:,} long texts) loaded in "
        f"{loaded:.0f} s (setup, not timed); plain COPY TO {plain_copy:.1f} s ({size / 1e6:.0f} MB)\n"
        f"reading the rows as the compile does: {rows:,} answers and the texts in {read:.1f} s\n"
        f"report_compile end to end {compiled:.1f} s (reading and computing); themes per long-text "
        f"question: {themes}; cross-tabs: {len(report.crosstabs)}"
    )
    return compiled, lines, failures
