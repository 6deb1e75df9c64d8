"""Ideas in a report: the most supported, and groups of near-duplicates for moderators to merge.

Plain Python over scikit-learn and scipy: no Django import. Two ideas are near-duplicates when the
cosine similarity of their TF-IDF vectors (stemmed words of the title, counted twice, and of the start
of the text) reaches `DUPLICATE_SIMILARITY`; groups are the connected components of that relation.
"""

import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

DUPLICATE_SIMILARITY = 0.5
TOP = 20
TEXT_START = 500
# Words too common to tell two ideas apart (French first, a few English ones).
_STOP_WORDS_TEXT = """a au aux avec ce ces cet cette dans de des du elle en et il ils je la le les leur
leurs mais ne nos notre nous on ou par pas plus pour qu que qui sa se ses son sur ta te tes un une
vos votre vous y est sont etre avoir faire tres tout tous toutes the of and to in for on with is are"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_stemmer = snowballstemmer.stemmer("french")


@dataclass(frozen=True)
class IdeaRow:
    id: int
    title: str
    text: str
    supports: int
    status: str


def _tokens(text: str) -> list[str]:
    plain = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    words = [word for word in re.findall(r"[a-z]{3,}", plain) if word not in STOP_WORDS]
    return _stemmer.stemWords(words)


def summarise_ideas(ideas: list[IdeaRow]) -> dict:
    ideas = list(ideas)
    ranked = sorted(ideas, key=lambda idea: (-idea.supports, idea.id))
    return {
        "count": len(ideas),
        "supports": sum(idea.supports for idea in ideas),
        "top": [_record(idea) | {"status": idea.status} for idea in ranked[:TOP]],
        "duplicates": near_duplicates(ideas),
    }


def near_duplicates(ideas: list[IdeaRow]) -> list[dict]:
    """Groups of two or more ideas that say nearly the same thing, the largest (then most supported)
    first; each with its ideas and their supports together."""
    if len(ideas) < 2:
        return []
    documents = [f"{idea.title} {idea.title} {idea.text[:TEXT_START]}" for idea in ideas]
    vectorizer = TfidfVectorizer(analyzer=_tokens)
    try:
        vectors = vectorizer.fit_transform(documents)
    except ValueError:  # no word left to compare (empty or only stop words)
        return []
    similar = vectors @ vectors.T  # rows are L2-normalised: this is the cosine similarity
    similar.data[similar.data < DUPLICATE_SIMILARITY] = 0
    similar.eliminate_zeros()
    _count, labels = connected_components(similar, directed=False)
    groups: dict[int, list[IdeaRow]] = {}
    for idea, label in zip(ideas, labels, strict=True):
        groups.setdefault(int(label), []).append(idea)
    found = [
        {
            "ideas": [_record(idea) for idea in sorted(members, key=lambda idea: (-idea.supports, idea.id))],
            "supports": sum(idea.supports for idea in members),
        }
        for members in groups.values()
        if len(members) > 1
    ]
    return sorted(found, key=lambda group: (-len(group["ideas"]), -group["supports"]))


def _record(idea: IdeaRow) -> dict:
    return {"id": idea.id, "title": idea.title, "supports": idea.supports}
