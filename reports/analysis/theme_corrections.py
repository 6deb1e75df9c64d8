"""Officials' corrections of the themes of a question, applied to what `themes.themes` found.

Plain Python: no Django import. Corrections name a theme by its id, which stays the same from one
compile to the next while its top words do (`themes.theme_id`), so they survive recompiles; one whose
theme has gone is counted as no longer applying, never silently dropped. They apply in the order they
were made:

- `rename`: the theme gets `label`, the officials' name for it;
- `merge`: the theme's answers join `into`, and the theme disappears;
- `move`: the answer `answer_id` leaves its theme (or the unassigned ones) for `theme_id`; an id that
  starts with `OFFICIAL_PREFIX` and does not exist yet is a new theme, named by `label` — this is how
  officials split a theme.
"""

import hashlib

from reports.analysis.themes import distinct_quotes

OFFICIAL_PREFIX = "o-"


def official_theme_id(label: str) -> str:
    """The id of a theme officials create, from its name (the same name gives the same theme)."""
    key = " ".join(label.lower().split())
    return OFFICIAL_PREFIX + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:10]


def apply_corrections(result: dict, corrections: list[dict], texts: dict[int, str] | None = None) -> dict:
    """`result` with `corrections` applied, counts and shares recomputed, and `corrections` stating how
    many applied and which no longer do. `texts` (answer id → text) gives new themes their quotes."""
    if not corrections or result.get("reason"):
        return result
    themes = {theme["id"]: {**theme, "answer_ids": list(theme["answer_ids"])} for theme in result["themes"]}
    unassigned = list(result.get("unassigned", []))
    applied, stale = 0, []
    for correction in corrections:
        if _apply(correction, themes, unassigned, texts or {}):
            applied += 1
        else:
            stale.append(correction.get("id"))
    analysed = result.get("analysed") or 1
    kept = []
    for theme in themes.values():
        if not theme["answer_ids"] and not theme.get("official"):
            continue
        members = set(theme["answer_ids"])
        theme["answer_ids"] = sorted(members)
        theme["count"] = len(members)
        theme["share"] = round(100 * len(members) / analysed, 1)
        # Merged themes bring their quotes along: a sentence both quoted is kept once.
        theme["quotes"] = distinct_quotes(
            [quote for quote in theme.get("quotes", []) if quote["answer_id"] in members]
        )
        if not theme["quotes"] and texts:
            theme["quotes"] = distinct_quotes(
                [
                    {"answer_id": answer_id, "text": texts[answer_id][:300]}
                    for answer_id in theme["answer_ids"]
                    if answer_id in texts
                ]
            )
        kept.append(theme)
    kept.sort(key=lambda theme: (-theme["count"], theme["id"]))
    return {
        **result,
        "themes": kept,
        "unassigned": sorted(unassigned),
        "corrections": {"applied": applied, "stale": [item for item in stale if item is not None]},
    }


def _apply(correction: dict, themes: dict, unassigned: list, texts: dict) -> bool:
    kind, theme_id = correction.get("kind"), correction.get("theme_id")
    if kind == "rename":
        if theme_id not in themes or not correction.get("label"):
            return False
        themes[theme_id]["label"] = correction["label"]
        return True
    if kind == "merge":
        into = correction.get("into")
        if theme_id not in themes or into not in themes or into == theme_id:
            return False
        source = themes.pop(theme_id)
        themes[into]["answer_ids"] += source["answer_ids"]
        themes[into]["quotes"] = themes[into].get("quotes", []) + source.get("quotes", [])
        themes[into].setdefault("merged", []).append(source.get("label") or ", ".join(source["keywords"]))
        return True
    if kind == "move":
        answer_id = correction.get("answer_id")
        current = next((t for t in themes.values() if answer_id in t["answer_ids"]), None)
        if current is None and answer_id not in unassigned:
            return False  # not an analysed answer of this question (or no longer)
        if theme_id not in themes:
            if not (theme_id or "").startswith(OFFICIAL_PREFIX) or not correction.get("label"):
                return False
            themes[theme_id] = {
                "id": theme_id,
                "label": correction["label"],
                "keywords": [],
                "quotes": [],
                "answer_ids": [],
                "official": True,
            }
        if current is not None:
            current["answer_ids"].remove(answer_id)
        else:
            unassigned.remove(answer_id)
        themes[theme_id]["answer_ids"].append(answer_id)
        return True
    return False
