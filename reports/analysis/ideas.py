"""Ideas in a report: the most supported, and groups of near-duplicates for moderators to merge.

Plain Python over scikit-learn and scipy: no Django import. Two ideas are near-duplicates when the
cosine similarity of their TF-IDF vectors reaches `DUPLICATE_SIMILARITY`: the themes' stemmed words
(`themes.stemmed_words`) of the title, counted twice, and of the start of the text. Groups are the
connected components of that relation.
"""

from dataclasses import dataclass

from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer

from reports.analysis.themes import stemmed_words

DUPLICATE_SIMILARITY = 0.5
TOP = 20
TEXT_START = 500


@dataclass(frozen=True)
class IdeaRow:
    id: int
    title: str
    text: str
    supports: int
    status: str


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
    cache: dict = {}
    vectorizer = TfidfVectorizer(analyzer=lambda document: stemmed_words(document, cache))
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
