"""Text facts: copies within a form, near-duplicates across forms and runs, irrelevance, template leftovers.

The facts are columns of the `texts` frame; `expectations/texts.json` decides which are findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evalaudit.text import minhash
from evalaudit.text.normalize import MIN_CHARS, is_trivial, jaccard
from evalaudit.text.template import template_phrase
from evalaudit.text.topics import foreign_words, kind_of, topic_words

COPY_FIELDS = ("goal_expected", "goal_actual", "explanation")
FIELD_GROUP = {"goal_expected": "goal", "goal_actual": "goal", "explanation": "explanation", "notes": "notes"}
MIN_SIMILARITY = 0.5  # pairs kept as facts; the suite's threshold decides what is a copy
MAX_SHARED_UNITS = 50  # beyond this many units one text is the template, not a copy


def text_facts(texts: pd.DataFrame, history: pd.DataFrame | None = None) -> pd.DataFrame:
    texts = texts.copy()
    texts["length"] = texts["norm"].str.len()
    texts["substantive"] = (texts["length"] >= MIN_CHARS) & ~texts["norm"].map(is_trivial)
    _goal_copies(texts)
    _reused_explanations(texts)
    _templates(texts, history)
    _relevance(texts)
    _cross_form(texts, history)
    return texts


def _goal_copies(texts: pd.DataFrame) -> None:
    """实际完成情况 that repeats 预期目标: similarity of the two texts of the same goal."""
    expected = texts[texts["field"] == "goal_expected"].set_index(["evaluation_id", "row"])["norm"]
    actual = texts["field"] == "goal_actual"
    keys = pd.MultiIndex.from_frame(texts.loc[actual, ["evaluation_id", "row"]])
    partner = expected.reindex(keys).to_numpy()
    similarity = [jaccard(a, b) if isinstance(b, str) else np.nan for a, b in zip(texts.loc[actual, "norm"], partner, strict=True)]
    texts["goal_similarity"] = np.nan
    texts.loc[actual, "goal_similarity"] = similarity
    texts.loc[~texts["substantive"], "goal_similarity"] = np.nan


def _reused_explanations(texts: pd.DataFrame) -> None:
    """The same explanation under several indicators of one form: every repeat names the first."""
    eligible = (texts["field"] == "explanation") & texts["substantive"]
    group = texts[eligible].groupby(["evaluation_id", "norm"], sort=False)
    first_label = group["label"].transform("first")
    position = group.cumcount()
    texts["reused_from"] = None
    repeats = position[position > 0].index
    texts.loc[repeats, "reused_from"] = first_label.loc[repeats]
    texts["is_reuse"] = texts["reused_from"].notna()


def _templates(texts: pd.DataFrame, history: pd.DataFrame | None) -> None:
    unique = pd.unique(texts["text"])
    phrases = dict(zip(unique, map(template_phrase, unique), strict=True))
    texts["template_phrase"] = texts["text"].map(phrases)
    texts["has_template_phrase"] = texts["template_phrase"].notna()
    # The same words in the same cell of many units' forms: the template's sample text left in place.
    pool = texts[["field", "norm", "unit_key"]]
    if history is not None and not history.empty:
        pool = pd.concat([pool, history[["field", "norm", "unit_key"]]], ignore_index=True)
    pool = pool.assign(group=pool["field"].map(FIELD_GROUP))
    counts = pool.drop_duplicates(["group", "norm", "unit_key"]).groupby(["group", "norm"]).size()
    keys = pd.MultiIndex.from_arrays([texts["field"].map(FIELD_GROUP), texts["norm"]])
    shared = counts.reindex(keys).fillna(1).to_numpy()
    texts["units_with_same_text"] = np.where(texts["substantive"], shared, np.nan)


def _relevance(texts: pd.DataFrame) -> None:
    """Share of an explanation's topic words (counted each time they occur) that fit the form's own work."""
    relevance, kinds, words = [], [], []
    for field, text, context in zip(texts["field"], texts["text"], texts["context"], strict=True):
        if field != "explanation":
            relevance.append(np.nan), kinds.append(None), words.append(None)
            continue
        found = topic_words(text)
        own_kinds = {kind_of(word) for word in topic_words(context)}
        foreign = [w for w in foreign_words(text, context) if kind_of(w) not in own_kinds]
        total = sum(text.count(word) for word in found)
        outside = sum(text.count(word) for word in foreign)
        if outside == 0:
            relevance.append(np.nan if total == 0 else 1.0), kinds.append(None), words.append(None)
            continue
        relevance.append(1 - outside / total)
        kinds.append("、".join(dict.fromkeys(kind_of(w) for w in foreign)))
        words.append("、".join(foreign[:5]))
    texts["relevance"] = relevance
    texts["foreign_kind"] = kinds
    texts["foreign_words"] = words


def _cross_form(texts: pd.DataFrame, history: pd.DataFrame | None) -> None:
    """For each text, its closest match in another form: of another unit, of the same unit's previous year,
    and of the same unit's other forms of the same year."""
    for prefix in ("other_unit", "previous_year", "same_unit"):
        texts[f"{prefix}_similarity"] = np.nan
        texts[f"{prefix}_form"] = None
    current = texts[texts["field"].isin(COPY_FIELDS) & texts["substantive"]]
    if current.empty:
        return
    columns = ["evaluation_id", "source_file", "form_index", "unit", "unit_key", "year", "field", "label", "norm"]
    pool = current[columns].assign(current=True, position=current.index)
    if history is not None and not history.empty:
        past = history[history["field"].isin(COPY_FIELDS) & ~history["evaluation_id"].isin(set(current["evaluation_id"]))]
        past = past[past["norm"].str.len() >= MIN_CHARS]
        pool = pd.concat([pool, past[columns].assign(current=False, position=-1)], ignore_index=True)
    pool["group"] = pool["field"].map(FIELD_GROUP)
    pool["year"] = pd.to_numeric(pool["year"], errors="coerce")
    norms = pd.unique(pool["norm"])
    uid = pd.Series(np.arange(len(norms)), index=norms)
    pool["uid"] = uid.reindex(pool["norm"]).to_numpy()

    # Exact repeats share a uid; near-duplicates come from LSH over the distinct texts.
    shared_units = pool.drop_duplicates(["uid", "unit_key"]).groupby("uid").size()
    signature = minhash.signatures(list(norms))
    pairs = minhash.candidate_pairs(signature)
    similar = [jaccard(norms[a], norms[b]) for a, b in pairs]
    links = pd.DataFrame({"a": pairs[:, 0], "b": pairs[:, 1], "similarity": similar})
    links = links[links["similarity"] >= MIN_SIMILARITY]
    links = pd.concat(
        [links, links.rename(columns={"a": "b", "b": "a"}), pd.DataFrame({"a": uid.values, "b": uid.values, "similarity": 1.0})],
        ignore_index=True,
    )
    common = shared_units[shared_units > MAX_SHARED_UNITS].index
    links = links[~links["a"].isin(common) & ~links["b"].isin(common)]

    mine = pool[pool["current"]][["position", "evaluation_id", "unit_key", "year", "group", "uid"]]
    theirs = pool[["evaluation_id", "source_file", "form_index", "unit", "unit_key", "year", "group", "uid", "current"]]
    matches = mine.merge(links, left_on="uid", right_on="a").merge(
        theirs, left_on=["b", "group"], right_on=["uid", "group"], suffixes=("", "_other")
    )
    matches = matches[matches["evaluation_id"] != matches["evaluation_id_other"]]
    same_unit = matches["unit_key"] == matches["unit_key_other"]
    relation = np.select(
        [~same_unit, same_unit & (matches["year_other"] == matches["year"] - 1), same_unit & (matches["year_other"] == matches["year"])],
        ["other_unit", "previous_year", "same_unit"],
        default="",
    )
    matches = matches.assign(relation=relation)
    matches = matches[matches["relation"] != ""]
    if matches.empty:
        return
    matches["form"] = (
        matches["unit"].fillna("").astype(str)
        + "《"
        + matches["source_file"].astype(str)
        + "》第"
        + matches["form_index"].astype(str)
        + "张表（"
        + matches["year_other"].astype("Int64").astype(str).str.replace("<NA>", "年度不详")
        + "）"
    )
    best = matches.sort_values(["similarity", "current"], ascending=False).drop_duplicates(["position", "relation"])
    for prefix in ("other_unit", "previous_year", "same_unit"):
        chosen = best[best["relation"] == prefix].set_index("position")
        texts.loc[chosen.index, f"{prefix}_similarity"] = chosen["similarity"]
        texts.loc[chosen.index, f"{prefix}_form"] = chosen["form"]
