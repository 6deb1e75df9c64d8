"""Themes of the free-text answers to one question: what people wrote about, in a few groups of words.

Plain Python with numpy and scikit-learn, no Django import, so it runs and is tested alone.

Method (see docs/feedback.md): words are lower-cased, French and English stop words dropped, each
answer stemmed with Snowball in its own language (French, or English when it has more English than
French stop words), weighted by TF-IDF, and the answers × stems matrix factorised by NMF. Each answer
joins the theme it weighs most in. A theme is shown by its top words (the most frequent spelling of
each stem, so "transports" and "transport" show once, as people wrote it), its number of answers, the
answers closest to it as quotes, and every answer's id so each figure links back to what was written.

Deterministic: NMF starts from an SVD (`nndsvd`), not from random numbers, and ties are broken by id;
the same answers give the same themes. A theme's id is derived from its three top stems, so the same
theme keeps its id across compiles while the answers grow, which lets officials' names and merges of
themes be kept from one version to the next.
"""

import hashlib
import math
import re
import unicodedata
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import snowballstemmer
from sklearn.decomposition import NMF
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

# Fewer answers than this make no themes: with a handful of answers, reading them is quicker and
# more faithful than any summary, and NMF would only split them at random.
MIN_ANSWERS = 10
MAX_THEMES = 8
TOP_WORDS = 8
KEYWORD_FLOOR = 0.1  # a keyword weighs at least this fraction of its theme's first word
QUOTES = 3
# Only the start of a very long answer is analysed (answers are limited to 5,000 characters by the
# questionnaire, but pasted documents or imports may be longer): beyond it a single answer would weigh
# on the themes as much as dozens of ordinary ones, and the analysis time would grow with it.
MAX_ANALYSED_CHARS = 3000
QUOTE_CHARS = 400
# A stem must be used by at least this many answers to be a theme word: a word written once says
# nothing shared. Lowered for small sets of answers (see `_min_df`).
MIN_ANSWERS_PER_WORD = 2
MIN_WORD_LENGTH = 3
# The most frequent stems only: rarer ones cannot lead a theme, and they bound memory and time.
MAX_WORDS = 5000

# Why there are no themes; the report page words each reason.
NO_ANSWERS = "no_answers"
TOO_FEW_ANSWERS = "too_few_answers"
NO_SHARED_WORDS = "no_shared_words"

# French function words, and words so common in any consultation answer that they only blur themes;
# a data file, so that adding a word is a one-line change anyone can review.
FRENCH_STOP_WORDS = frozenset(
    line.strip()
    for line in (Path(__file__).with_name("stopwords_fr.txt")).read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
STOP_WORDS = FRENCH_STOP_WORDS | ENGLISH_STOP_WORDS

# Letters only (no digits), so "2024" or "10h" make no theme; apostrophes split "l'eau" from its "l".
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_FRENCH = snowballstemmer.stemmer("french")
_ENGLISH = snowballstemmer.stemmer("english")


def themes(answers: Iterable[tuple[int, str]]) -> dict:
    """The themes of `answers`, given as (answer id, text), or the reason there are none.

    Returns `answers` (how many were given), `analysed` (those with at least one meaningful word),
    `english` (answers read as English), `truncated` (answers cut for the analysis), `unassigned`
    (ids of the analysed answers that fit no theme), `reason` (None, or why there are no themes) and
    `themes`, largest first, each with `id`, `keywords`, `count`, `share` (percent of the analysed
    answers), `quotes` (`answer_id`, `text`) and `answer_ids`.
    """
    answers = sorted((answer_id, text) for answer_id, text in answers if text and text.strip())
    result = {
        "answers": len(answers),
        "analysed": 0,
        "english": 0,
        "truncated": sum(1 for _id, text in answers if len(text) > MAX_ANALYSED_CHARS),
        # The thresholds used, so the page states them as they were for this version.
        "min_answers": MIN_ANSWERS,
        "max_analysed_chars": MAX_ANALYSED_CHARS,
        "unassigned": [],
        "reason": None,
        "themes": [],
    }
    if not answers:
        result["reason"] = NO_ANSWERS
        return result
    if len(answers) < MIN_ANSWERS:
        result["reason"] = TOO_FEW_ANSWERS
        return result

    surface: dict[str, Counter] = defaultdict(Counter)
    cache: dict[tuple[bool, str], str] = {}
    stemmed = []
    for _answer_id, text in answers:
        words, english = _words(text[:MAX_ANALYSED_CHARS])
        result["english"] += english
        stems = _stems(words, english, cache)
        for stem, word in zip(stems, words, strict=True):
            surface[stem][word] += 1
        stemmed.append(stems)

    analysed = [index for index, stems in enumerate(stemmed) if stems]
    result["analysed"] = len(analysed)
    if len(analysed) < MIN_ANSWERS:
        result["reason"] = TOO_FEW_ANSWERS
        return result

    vectorizer = TfidfVectorizer(
        analyzer=lambda stems: stems,
        min_df=MIN_ANSWERS_PER_WORD,
        max_df=0.9,
        max_features=MAX_WORDS,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform([stemmed[index] for index in analysed])
    except ValueError:  # every stem pruned: no word is shared by two answers, or all are everywhere
        result["reason"] = NO_SHARED_WORDS
        result["unassigned"] = [answers[index][0] for index in analysed]
        return result
    vocabulary = vectorizer.get_feature_names_out()
    count = theme_count(len(analysed), len(vocabulary))
    model = NMF(n_components=count, init="nndsvd", max_iter=500, random_state=0)
    with warnings.catch_warnings():
        # On a few dozen short answers NMF may stop before its tolerance; the themes, which only use
        # each answer's largest weight, are then already settled.
        warnings.simplefilter("ignore", ConvergenceWarning)
        weights = model.fit_transform(matrix)  # answers × themes
    topics = model.components_  # themes × stems

    members: dict[int, list[int]] = defaultdict(list)
    for row, index in enumerate(analysed):
        if weights[row].max() > 0:
            members[int(weights[row].argmax())].append(row)
        else:
            result["unassigned"].append(answers[index][0])

    built = []
    for topic, rows in members.items():
        order = np.argsort(-topics[topic], kind="stable")
        # Words far below the theme's first barely belong to it: shown, they would mislead.
        floor = KEYWORD_FLOOR * topics[topic][order[0]]
        top_stems = [vocabulary[i] for i in order[:TOP_WORDS] if topics[topic][i] > max(floor, 0)]
        direction = topics[topic] / (np.linalg.norm(topics[topic]) or 1.0)
        # TF-IDF rows are already of unit length: a dot product is their cosine with the theme. The
        # matrix stays sparse; dense, 50,000 answers by 5,000 words would take 2 GB.
        closeness = np.asarray(matrix[rows] @ direction).ravel()
        ranked = [rows[i] for i in sorted(range(len(rows)), key=lambda i: (-closeness[i], rows[i]))]
        built.append(
            {
                "id": theme_id(top_stems),
                "keywords": [_spelling(surface[stem]) for stem in top_stems],
                "count": len(rows),
                "share": round(100 * len(rows) / len(analysed), 1),
                "quotes": _quotes([answers[analysed[row]] for row in ranked]),
                "answer_ids": sorted(answers[analysed[row]][0] for row in rows),
            }
        )
    built.sort(key=lambda theme: (-theme["count"], theme["id"]))
    _unique_ids(built)
    result["themes"] = built
    return result


def theme_count(answers: int, words: int) -> int:
    """How many themes to look for: √(answers / 2), between 2 and 8, and fewer than the words.

    A rule of thumb, not a fit: 10 answers give 2 themes, 50 give 5, 128 or more give 8. More than 8
    themes is more than an official reads closely, and finer themes are then better found by reading
    the answers of one theme. (Choosing by a fit criterion would make the number jump between
    compiles, and the themes' ids with it.)
    """
    count = round(math.sqrt(answers / 2))
    return max(1, min(MAX_THEMES, max(2, count), words - 1 if words > 2 else 1))


def theme_id(stems: list[str]) -> str:
    """A stable id from the theme's three top stems, in alphabetical order: unchanged while new answers
    only reorder or extend the rest of its words."""
    key = " ".join(sorted(stems[:3]))
    return "t-" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10]


def _words(text: str) -> tuple[list[str], bool]:
    """The meaningful words of a text, lower-cased, and whether it reads as English."""
    text = unicodedata.normalize("NFC", text).lower().replace("’", "'")
    tokens = [token for part in _WORD.findall(text) for token in _split_hyphen(part)]
    # Words of both lists ("on", "a", "me") tell nothing; a tie is read as French, the usual case.
    french = sum(1 for token in tokens if token in FRENCH_STOP_WORDS and token not in ENGLISH_STOP_WORDS)
    english = sum(1 for token in tokens if token in ENGLISH_STOP_WORDS and token not in FRENCH_STOP_WORDS)
    words = [token for token in tokens if len(token) >= MIN_WORD_LENGTH and token not in STOP_WORDS]
    return words, english > french


def stemmed_words(text: str, cache: dict | None = None) -> list[str]:
    """The meaningful words of a text as Snowball stems, in its language (French unless it reads as
    English): what themes and near-duplicate ideas compare."""
    words, english = _words(text)
    return _stems(words, english, {} if cache is None else cache)


def _stems(words: list[str], english: bool, cache: dict) -> list[str]:
    """Snowball stems, each word stemmed once per compile: stemming is most of the time spent, and
    answers repeat the same few hundred words."""
    stemmer = _ENGLISH if english else _FRENCH
    stems = []
    for word in words:
        key = (english, word)
        if key not in cache:
            cache[key] = stemmer.stemWord(word)
        stems.append(cache[key])
    return stems


def _split_hyphen(token: str) -> list[str]:
    # "pistes-cyclables" is two words; so is "peut-être", whose halves are both stop words.
    return token.split("-")


def _spelling(forms: Counter) -> str:
    """The spelling people used most for a stem (ties: alphabetical, for determinism)."""
    return min(forms.items(), key=lambda item: (-item[1], item[0]))[0]


def _quotes(ranked: list[tuple[int, str]]) -> list[dict]:
    """The first `QUOTES` answers of a theme, closest first, each sentence once."""
    return distinct_quotes([{"answer_id": answer_id, "text": text} for answer_id, text in ranked])


def distinct_quotes(candidates: Iterable[dict]) -> list[dict]:
    """The first `QUOTES` of `candidates` (`answer_id`, `text`), each sentence once: the same words sent
    by several people (a copied slogan, a form answer) are quoted once, under the first of them."""
    quotes, seen = [], set()
    for candidate in candidates:
        key = _normalised(candidate["text"])
        if key in seen:
            continue
        seen.add(key)
        quotes.append({"answer_id": candidate["answer_id"], "text": _quote(candidate["text"])})
        if len(quotes) == QUOTES:
            break
    return quotes


def _normalised(text: str) -> str:
    """A text as compared for repeats: case, accents' composition, punctuation and spacing aside."""
    text = unicodedata.normalize("NFC", text).casefold().replace("’", "'")
    return " ".join(re.sub(r"[^\w']+", " ", text).split())


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _unique_ids(themes: list[dict]) -> None:
    """Two themes of one question with the same three top stems would share an id: number the later."""
    seen: Counter = Counter()
    for theme in themes:
        seen[theme["id"]] += 1
        if seen[theme["id"]] > 1:
            theme["id"] = f"{theme['id']}-{seen[theme['id']]}"
