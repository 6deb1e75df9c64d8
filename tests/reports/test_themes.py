"""Themes of free-text answers: plain Python, tested with no database."""

from reports.analysis.themes import (
    MAX_ANALYSED_CHARS,
    NO_ANSWERS,
    NO_SHARED_WORDS,
    QUOTE_CHARS,
    TOO_FEW_ANSWERS,
    theme_count,
    theme_id,
    themes,
)

BIKES = [
    "Plus de pistes cyclables sécurisées pour les vélos",
    "Des pistes cyclables le long du canal",
    "Je voudrais des parkings à vélos près de la gare",
    "Les cyclistes ont besoin de pistes séparées des voitures",
    "Sécuriser les pistes cyclables autour des écoles",
    "Un garage à vélos couvert",
    "Des vélos en libre-service et des pistes",
    "La piste cyclable s’arrête brutalement",
    "Plus de vélos, moins de voitures",
    "Pistes cyclables continues",
]
BUSES = [
    "Des bus plus fréquents le soir",
    "Les bus sont toujours en retard",
    "Un bus toutes les dix minutes aux heures de pointe",
    "Des horaires de bus le dimanche",
    "Les arrêts de bus sans abri",
    "Plus de lignes de bus vers la zone industrielle",
    "Le bus de nuit manque",
    "Des bus électriques et fréquents",
    "Les horaires des bus ne sont pas respectés",
    "Un abri à l’arrêt de bus",
]


def numbered(texts, start=1):
    return list(enumerate(texts, start=start))


def test_two_obviously_different_topics_make_separate_themes():
    answers = numbered(BIKES + BUSES)
    result = themes(answers)
    assert result["reason"] is None
    assert result["analysed"] == 20
    bikes, buses = set(range(1, 11)), set(range(11, 21))
    for theme in result["themes"]:
        ids = set(theme["answer_ids"])
        assert ids <= bikes or ids <= buses, f"a theme mixes both topics: {theme['keywords']}"
        assert theme["count"] == len(ids)
        assert [quote["answer_id"] for quote in theme["quotes"]][:3] == [
            q["answer_id"] for q in theme["quotes"]
        ]
        assert {quote["answer_id"] for quote in theme["quotes"]} <= ids, "quotes come from the theme"
    assert sum(theme["count"] for theme in result["themes"]) + len(result["unassigned"]) == 20
    keywords = [word for theme in result["themes"] for word in theme["keywords"]]
    assert {"bus", "pistes"} <= set(keywords), "words as people wrote them, not stems (« pist »)"
    assert not {"les", "des", "de", "plus"} & set(keywords), "no stop words"
    biggest = result["themes"][0]
    assert biggest["keywords"][0] == "bus"
    assert biggest["count"] == 10
    assert len(biggest["quotes"]) == 3


def test_the_same_answers_give_the_same_themes_and_ids_in_any_order():
    first = themes(numbered(BIKES + BUSES))
    again = themes(list(reversed(numbered(BIKES + BUSES))))
    assert first == again
    assert len({theme["id"] for theme in first["themes"]}) == len(first["themes"])


def test_a_theme_id_depends_on_its_three_top_words_only():
    assert theme_id(["bus", "horair", "abri", "arret"]) == theme_id(["horair", "bus", "abri", "soir"])
    assert theme_id(["bus", "horair", "abri"]) != theme_id(["bus", "horair", "vélo"])


def test_no_one_or_few_answers_give_a_reason_instead_of_themes():
    assert themes([])["reason"] == NO_ANSWERS
    assert themes([(1, "   ")])["reason"] == NO_ANSWERS, "a blank answer is no answer"
    one = themes([(1, "Plus de pistes cyclables")])
    assert (one["reason"], one["answers"], one["themes"]) == (TOO_FEW_ANSWERS, 1, [])
    assert themes(numbered(BIKES[:5]))["reason"] == TOO_FEW_ANSWERS
    stop_words_only = themes(numbered(["oui", "non", "rien", "ok"] * 3))
    assert stop_words_only["reason"] == TOO_FEW_ANSWERS
    assert stop_words_only["analysed"] == 0


def test_answers_sharing_no_word_make_no_themes():
    words = ["arbres", "parking", "musique", "piscine", "trottoirs", "cantine", "marché", "éclairage"]
    words += ["bibliothèque", "poubelles", "stade"]
    result = themes(numbered(words))
    assert result["reason"] == NO_SHARED_WORDS
    assert sorted(result["unassigned"]) == list(range(1, 12)), "every answer is still accounted for"


def test_a_huge_answer_is_cut_for_the_analysis_and_the_quote():
    huge = "Les pistes cyclables du centre. " + "Un paragraphe collé sans fin sur les vélos. " * 30_000
    result = themes(numbered(BIKES + BUSES + [huge]))
    assert result["truncated"] == 1
    assert result["reason"] is None
    quotes = [quote for theme in result["themes"] for quote in theme["quotes"]]
    assert all(len(quote["text"]) <= QUOTE_CHARS for quote in quotes)
    assert len(huge) > 100 * MAX_ANALYSED_CHARS


def test_english_answers_are_stemmed_as_english():
    english = [
        "We need more bike lanes and safer bikes parking",
        "Bike lanes should be separated from cars",
        "More bikes and fewer cars in the centre",
        "Safe bike lanes near the schools",
        "Bike parking at the station",
        "Buses should run more often in the evening",
        "The buses are always late",
        "Buses on Sunday would help",
        "More bus shelters at the stops",
        "Night buses are missing",
    ]
    result = themes(numbered(english))
    assert result["english"] == 10
    assert result["reason"] is None
    keywords = {word for theme in result["themes"] for word in theme["keywords"]}
    assert {"bike", "buses"} <= keywords or {"bikes", "buses"} <= keywords
    assert not {"the", "and", "more", "should"} & keywords


def test_the_number_of_themes_follows_the_documented_rule():
    assert [theme_count(n, 100) for n in (10, 50, 128, 10_000)] == [2, 5, 8, 8]
    assert theme_count(200, 3) == 2, "fewer themes than words"


def test_text_in_another_language_still_gives_themes_by_shared_words():
    german = [f"Mehr Radwege in der Stadt {i}" for i in range(6)] + [
        f"Busse fahren zu selten {i}" for i in range(6)
    ]
    result = themes(numbered(german))
    assert result["reason"] is None
    groups = [set(theme["answer_ids"]) for theme in result["themes"]]
    assert set(range(1, 7)) in groups
    assert set(range(7, 13)) in groups


def test_a_theme_never_quotes_the_same_sentence_twice():
    """The same words sent by several people (a slogan, a copied answer) are quoted once: the theme's
    other quotes are other sentences."""
    copied = [
        "Des bus plus fréquents le soir",
        "des bus plus fréquents, le soir !",
        "Des bus plus fréquents le soir",
    ]
    result = themes(numbered(BIKES + copied + BUSES[1:]))
    bus = next(theme for theme in result["themes"] if "bus" in theme["keywords"])
    texts = [
        " ".join(quote["text"].casefold().replace(",", "").replace("!", "").split())
        for quote in bus["quotes"]
    ]
    assert len(texts) == len(set(texts)) == 3, texts
