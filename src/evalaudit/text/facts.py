"""Text facts: copies within a form, near-duplicates across forms and runs, irrelevance, template leftovers.

The facts are columns of the `texts` frame; `expectations/texts.json` decides which are findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from evalaudit.facts.words import done_marks, is_generic_result, plan_marks
from evalaudit.frames import FLAG, NUMBER, TEXT, map_distinct
from evalaudit.text import minhash
from evalaudit.text.normalize import MIN_CHARS, TRIVIAL, containment, jaccard
from evalaudit.text.template import template_phrase
from evalaudit.text.topics import foreign_words, kind_of, topic_words

COPY_FIELDS = ("goal_expected", "goal_actual", "explanation")
FIELD_GROUP = {"goal_expected": "goal", "goal_actual": "goal", "explanation": "explanation", "notes": "notes"}
MIN_SIMILARITY = 0.5  # pairs kept as facts; the suite's threshold decides what is a copy
MIN_TRIMMED_COPY = 20  # characters: a shorter result may well be words of the goal ('已完成…')
MAX_SHARED_UNITS = 50  # beyond this many units one text is the template, not a copy


def text_facts(texts: pd.DataFrame, history: pd.DataFrame | Narrowing | None = None) -> pd.DataFrame:
    """`history` is every earlier text as a frame (the full recompute), or a stored history that narrows
    itself to what these texts can meet (`text.history.TextHistory`): the facts are the same either way."""
    texts = texts.copy()
    texts["length"] = texts["norm"].str.len()
    texts["substantive"] = (texts["length"] >= MIN_CHARS) & ~texts["norm"].isin(TRIVIAL)
    _goal_copies(texts)
    _goal_columns(texts)
    _reused_explanations(texts)
    if history is None or isinstance(history, pd.DataFrame):
        _templates(texts, history)
        _relevance(texts)
        _cross_form(texts, history)
        return texts
    part = history.narrow(texts)
    _templates(texts, part.templates)
    _relevance(texts)
    _cross_form(texts, part.rows, common_norms=part.common, oversized=part.oversized)
    return texts


class Narrowing(Protocol):
    def narrow(self, texts: pd.DataFrame) -> Narrowed: ...


@dataclass
class Narrowed:
    """What a night's texts can meet in the history, with the counts that are taken over all of it."""

    templates: pd.DataFrame  # field, norm, unit_key: the history's units for these texts' (field group, norm)
    rows: pd.DataFrame  # history rows (as the history frame) of the norms these texts can match, in history order
    common: frozenset[str]  # norms of more than MAX_SHARED_UNITS units over the whole pool
    oversized: list[np.ndarray]  # per band, keys whose bucket over the whole pool exceeds minhash.MAX_BUCKET


def _goal_copies(texts: pd.DataFrame) -> None:
    """实际完成情况 that repeats 预期目标: similarity of the two texts of the same goal."""
    expected = texts[texts["field"] == "goal_expected"].set_index(["evaluation_id", "row"])["norm"]
    actual = texts["field"] == "goal_actual"
    keys = pd.MultiIndex.from_frame(texts.loc[actual, ["evaluation_id", "row"]])
    partner = expected.reindex(keys).to_numpy()
    # the same text, or the goal with a clause cut out of it ('trimmed copy'): both repeat the goal
    similarity = [
        max(jaccard(a, b), containment(a, b) if len(a) >= MIN_TRIMMED_COPY else 0.0) if isinstance(b, str) else np.nan
        for a, b in zip(texts.loc[actual, "norm"], partner, strict=True)
    ]
    texts["goal_similarity"] = np.nan
    texts.loc[actual, "goal_similarity"] = similarity
    texts.loc[~texts["substantive"], "goal_similarity"] = np.nan


def _goal_columns(texts: pd.DataFrame) -> None:
    """What each goal's two columns say of each other: a stock phrase of a result against a long goal, and
    a goal that reports results beside a result that plans (the columns swapped).

    On 实际完成情况 rows: `generic_result` (only completion words, no number) and `goal_length` (its goal's
    characters, as compared). On 预期目标 rows: `done_marks` / `plan_marks` of the goal itself and
    `result_done_marks` / `result_plan_marks` of its result, with `result_excerpt`."""
    is_goal = texts["field"].isin(["goal_expected", "goal_actual"])
    goal_text = texts["text"].where(is_goal, "")
    texts["done_marks"] = map_distinct(goal_text, done_marks, NUMBER).where(is_goal)  # NaN: not a goal's text
    texts["plan_marks"] = map_distinct(goal_text, plan_marks, NUMBER).where(is_goal)
    expected = texts["field"] == "goal_expected"
    actual = texts["field"] == "goal_actual"
    texts["generic_result"] = actual & map_distinct(texts["text"].where(actual, ""), is_generic_result, FLAG)

    def partner(side: pd.Series, column: str, rows: pd.Series) -> np.ndarray:
        """`column` of the other side's text of the same goal (the same evaluation and row)."""
        values = texts[side].drop_duplicates(["evaluation_id", "row"]).set_index(["evaluation_id", "row"])[column]
        keys = pd.MultiIndex.from_frame(texts.loc[rows, ["evaluation_id", "row"]])
        return values.reindex(keys).to_numpy()

    texts["goal_length"] = np.nan
    texts.loc[actual, "goal_length"] = partner(expected, "length", actual)
    for column in ("done_marks", "plan_marks"):
        texts[f"result_{column}"] = np.nan
        texts.loc[expected, f"result_{column}"] = partner(actual, column, expected)
    texts["result_excerpt"] = ""
    texts.loc[expected, "result_excerpt"] = pd.Series(partner(actual, "excerpt", expected)).fillna("").to_numpy()
    texts["goal_length"] = texts["goal_length"].astype(NUMBER)
    texts["result_excerpt"] = texts["result_excerpt"].astype(TEXT)


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
    texts["template_phrase"] = map_distinct(texts["text"], template_phrase, TEXT)  # NaN: none
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
    texts["relevance"], texts["foreign_kind"], texts["foreign_words"] = np.nan, None, None
    judged = texts[(texts["field"] == "explanation") & texts["substantive"]]
    relevance: list[float] = []
    kinds: list[str | None] = []
    words: list[str | None] = []
    for text, context in zip(judged["text"], judged["context"], strict=True):
        found = topic_words(text)
        own_kinds = {kind_of(word) for word in topic_words(context)}
        foreign = [w for w in foreign_words(text, context) if kind_of(w) not in own_kinds]
        total = sum(text.count(word) for word in found)
        outside = sum(text.count(word) for word in foreign)
        if outside == 0:
            relevance.append(np.nan if total == 0 else 1.0)
            kinds.append(None)
            words.append(None)
            continue
        relevance.append(1 - outside / total)
        kinds.append("、".join(dict.fromkeys(kind_of(w) for w in foreign)))
        words.append("、".join(foreign[:5]))
    texts.loc[judged.index, "relevance"] = relevance
    texts.loc[judged.index, "foreign_kind"] = kinds
    texts.loc[judged.index, "foreign_words"] = words


def _cross_form(
    texts: pd.DataFrame,
    history: pd.DataFrame | None,
    common_norms: frozenset[str] = frozenset(),
    oversized: list[np.ndarray] | None = None,
) -> None:
    """For each text, its closest match in another form: of another unit, of the same unit's previous year,
    and of the same unit's other forms of the same year.

    A narrowed history (`Narrowed.rows`) lacks the rows that only the whole pool's counts need: `common_norms`
    (norms shared by too many units) and `oversized` (LSH buckets too large) are then given as counted there."""
    for prefix in ("other_unit", "previous_year", "same_unit"):
        texts[f"{prefix}_similarity"] = np.nan
        texts[f"{prefix}_form"] = None
    current = texts[texts["field"].isin(COPY_FIELDS) & texts["substantive"]]
    if current.empty:
        return
    columns = ["evaluation_id", "source_file", "form_index", "unit", "unit_key", "year", "field", "norm"]
    pool = current[columns].assign(current=True, position=current.index)
    if history is not None and not history.empty:
        past = history[
            history["field"].isin(COPY_FIELDS) & ~history["evaluation_id"].isin(set(current["evaluation_id"]))
        ]
        past = past[past["norm"].str.len() >= MIN_CHARS]
        pool = pd.concat([pool, past[columns].assign(current=False, position=-1)], ignore_index=True)
    pool = pool.reset_index(drop=True)
    # Integer codes only from here on: merges over millions of candidate rows must not copy strings.
    uid, norms = pd.factorize(pool["norm"])
    norms = list(norms)
    keys = pd.DataFrame(
        {
            "form": pd.factorize(pool["evaluation_id"])[0],
            "unit": pd.factorize(pool["unit_key"])[0],
            "year": pd.to_numeric(pool["year"], errors="coerce").to_numpy(dtype="float64"),
            "group": pool["field"].map(FIELD_GROUP).map({"goal": 0, "explanation": 1}).to_numpy(),
            "uid": uid,
            "current": pool["current"].to_numpy(dtype=bool),
            "position": pool["position"].to_numpy(),
        }
    )
    shared_units = keys.drop_duplicates(["uid", "unit"]).groupby("uid").size()
    signature = minhash.signatures(norms)
    pairs = minhash.candidate_pairs(signature, oversized=oversized)
    # The MinHash estimate ranks candidates; the exact similarity is computed for the reported match only.
    estimate = minhash.estimated_similarity(signature, pairs)
    keep = estimate >= MIN_SIMILARITY
    a, b, estimate = pairs[keep, 0], pairs[keep, 1], estimate[keep]
    del signature, pairs, keep  # a night's candidates run to millions: hold only the kept ones
    every = np.arange(len(norms))
    links = pd.DataFrame(
        {
            "a": np.concatenate([a, b, every]),
            "b": np.concatenate([b, a, every]),
            "estimate": np.concatenate([estimate, estimate, np.ones(len(norms))]),
        }
    )
    common = shared_units.index[shared_units.to_numpy() > MAX_SHARED_UNITS]
    if common_norms:
        common = common.union(pd.Index([uid for uid, norm in enumerate(norms) if norm in common_norms]))
    links = links[~links["a"].isin(common) & ~links["b"].isin(common)]

    mine = keys[keys["current"]].reset_index().rename(columns={"index": "mine"})
    theirs = keys.reset_index().rename(columns={"index": "theirs"})
    best = _best_matches(mine, links, theirs)
    if best.empty:
        return
    best = best.assign(
        similarity=[1.0 if x == y else jaccard(norms[x], norms[y]) for x, y in zip(best["a"], best["b"], strict=True)]
    )
    best = best[best["similarity"] >= MIN_SIMILARITY]
    other = pool.loc[best["theirs"].to_numpy()]
    year = pd.to_numeric(other["year"], errors="coerce").astype("Int64").astype(str).str.replace("<NA>", "年度不详")
    best["form_name"] = (
        other["unit"].fillna("").astype(str)
        + "《"
        + other["source_file"].astype(str)
        + "》第"
        + other["form_index"].astype(str)
        + "张表（"
        + year
        + "）"
    ).to_numpy()
    for prefix in ("other_unit", "previous_year", "same_unit"):
        chosen = best[best["relation"] == prefix]
        rows = chosen["position"].to_numpy()
        texts.loc[rows, f"{prefix}_similarity"] = chosen["similarity"].to_numpy()
        texts.loc[rows, f"{prefix}_form"] = chosen["form_name"].to_numpy()


MATCH_ROWS = 250_000  # candidate rows held at once: a night of mass near-copies must not hold them all


def _best_matches(mine: pd.DataFrame, links: pd.DataFrame, theirs: pd.DataFrame) -> pd.DataFrame:
    """Each current text's closest candidate per relation, found over slices of the current texts.

    A text joins every row of every norm it links to, so a night full of near-copies makes billions of
    candidate rows; a slice holds about `MATCH_ROWS` of them. A text's candidates are all in its slice and the
    sort is stable, so the choice is the one a single join would make."""
    per_norm = theirs.groupby(["uid", "group"]).size().rename("rows").reset_index()
    fan_out = links.merge(per_norm, left_on="b", right_on="uid").groupby(["a", "group"])["rows"].sum()
    rows = fan_out.reindex(pd.MultiIndex.from_arrays([mine["uid"], mine["group"]])).fillna(0).to_numpy()
    slices = np.cumsum(rows) // MATCH_ROWS
    found = []
    for _, part in mine.groupby(slices, sort=True):
        matches = part.merge(links, left_on="uid", right_on="a").merge(
            theirs, left_on=["b", "group"], right_on=["uid", "group"], suffixes=("", "_other")
        )
        matches = matches[matches["form"] != matches["form_other"]]
        same_unit = matches["unit"] == matches["unit_other"]
        matches["relation"] = np.select(
            [
                ~same_unit,
                same_unit & (matches["year_other"] == matches["year"] - 1),
                same_unit & (matches["year_other"] == matches["year"]),
            ],
            ["other_unit", "previous_year", "same_unit"],
            default="",
        )
        matches = matches[matches["relation"] != ""]
        found.append(
            matches.sort_values(["estimate", "current_other"], ascending=False).drop_duplicates(["mine", "relation"])
        )
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame()
