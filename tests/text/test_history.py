"""The narrowed history (band keys and counts looked up) gives the very text facts of the full recompute."""

from __future__ import annotations

import random
from dataclasses import replace

import pandas as pd
import pytest

from evalaudit.model import Goal
from evalaudit.pipeline import parse_files
from evalaudit.resubmission import form_key
from evalaudit.text import minhash
from evalaudit.text.facts import MAX_SHARED_UNITS, text_facts
from evalaudit.text.frame import build_texts
from evalaudit.text.history import FrameHistory
from evalaudit.text.index import COLUMNS
from evalaudit.text.normalize import normalize
from tests.conftest import INBOX, ROOT, SEEDS
from tests.forms import consistent_form, indicator

CORPUS = ROOT.parent / "shared" / "corpus"


def history_frame(evaluations) -> pd.DataFrame:
    """Texts as the store keeps them, with each form's key (for the resubmission exclusion)."""
    keys = {e.evaluation_id: form_key(e) for e in evaluations}
    texts = build_texts(evaluations)[list(COLUMNS)]
    return texts.assign(form_key=texts["evaluation_id"].map(keys))


def assert_same_facts(night, history, exclude=frozenset()):
    texts = build_texts(night)
    kept = history[~history["form_key"].isin(exclude)].drop(columns="form_key").reset_index(drop=True)
    full = text_facts(texts, kept)
    narrowed = text_facts(texts, FrameHistory(history, exclude))
    pd.testing.assert_frame_equal(narrowed, full)
    return full


@pytest.fixture(scope="module")
def real_forms():
    paths = [path for path in (SEEDS, CORPUS, INBOX) if path.is_dir()]
    forms = [e for outcome in parse_files(paths).outcomes for e in outcome.evaluations]
    assert len(forms) > 50
    return forms


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_real_texts_split_into_a_history_and_a_night(real_forms, seed):
    forms = list(real_forms)
    random.Random(seed).shuffle(forms)
    cut = len(forms) * seed // 4
    history, night = forms[:cut], forms[cut:]
    facts = assert_same_facts(night, history_frame(history))
    assert facts["units_with_same_text"].notna().any()


def test_real_texts_audited_again_and_resubmitted(real_forms):
    """The night's own forms already in the history (an index run twice) and resubmissions left out."""
    night = real_forms[::3]
    history = history_frame(real_forms)
    exclude = frozenset(form_key(e) for e in night[::2])
    facts = assert_same_facts(night, history, exclude)
    assert len(facts) and facts["units_with_same_text"].notna().any()


TEMPLATE = "按照年度工作安排稳步推进项目实施各项任务均已按计划完成并通过验收"
NUMBERED = "全年组织开展业务培训和督导检查共计完成服务对象"


def generated_forms(count: int, seed: int):
    """Units over three years pasting each other's words; a sentence every other form keeps verbatim (more
    units than MAX_SHARED_UNITS over the history, fewer in a night); one that nearly every form keeps with a
    number of its own (buckets far above MAX_BUCKET over the history, not in a night)."""
    rng = random.Random(seed)
    words = "推进加强完善落实开展提升优化建设服务管理工作群众企业制度机制平台数据资金项目培训检查考核"
    own = ["".join(rng.choice(words) for _ in range(rng.randint(14, 40))) for _ in range(count // 3)]
    forms, last_goal = [], {}
    for number in range(count):
        unit = f"清溪县第{number % (count // 3)}单位"
        year = 2021 + number // (count // 3)
        goal = rng.choice(own) if rng.random() < 0.5 else NUMBERED + f"{rng.randint(0, 999999):06d}人次"
        if unit in last_goal and rng.random() < 0.3:
            goal = last_goal[unit]  # the unit's words of the year before
        last_goal[unit] = goal
        result = goal[:-3] + rng.choice(words) * 3 if rng.random() < 0.3 else rng.choice(own)
        explanation = TEMPLATE if rng.random() < 0.5 else rng.choice(own)[: rng.randint(12, 30)] + "偏差"
        form = consistent_form(
            number,
            unit=unit,
            year=year,
            goals=[Goal(goal, result), Goal(rng.choice(own), NUMBERED + f"{rng.randint(0, 999):03d}户")],
            indicators=[
                indicator("完成数量", "≥100个", "90个", 30, 27, explanation=explanation),
                indicator("合格率", "≥95%", "90%", 20, 19, explanation=rng.choice(own)),
            ],
            project_name=f"项目{number % 7}",
        )
        forms.append(replace(form, evaluation_id=f"gen-{seed}-{number}", source_file=f"g{number}.txt"))
    return forms


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_generated_near_duplicates_and_oversized_buckets(seed):
    forms = generated_forms(900, seed)
    random.Random(seed).shuffle(forms)
    history, night = forms[:-60], forms[-60:]
    facts = assert_same_facts(night, history_frame(history), frozenset(form_key(e) for e in night[::5]))
    # the set does exercise what only the whole pool counts: buckets above MAX_BUCKET, norms too common
    texts = build_texts(night)
    pool = [n for n in pd.concat([texts["norm"], history_frame(history)["norm"]]).drop_duplicates() if len(n) >= 12]
    keys = minhash.band_keys(minhash.signatures(pool))
    assert max(pd.Series(keys[:, band]).value_counts().max() for band in range(minhash.BANDS)) > minhash.MAX_BUCKET
    assert facts["units_with_same_text"].max() > MAX_SHARED_UNITS
    assert facts["previous_year_similarity"].notna().any() and facts["other_unit_similarity"].notna().any()


def test_a_night_of_one_form_against_a_history_that_holds_it():
    forms = generated_forms(120, 9)
    assert_same_facts(forms[:1], history_frame(forms))
    assert_same_facts(forms[:1], history_frame(forms[1:]), frozenset({form_key(forms[0])}))


def test_an_empty_history():
    forms = generated_forms(30, 4)
    assert_same_facts(forms, history_frame([]).iloc[0:0])


def explaining(number: int, text: str, unit: str | None = None, year: int = 2023):
    form = consistent_form(
        number,
        unit=unit or f"清溪县第{number}单位",
        year=year,
        indicators=[indicator("完成数量", "≥100个", "90个", 30, 27, explanation=text)],
    )
    return replace(form, evaluation_id=f"x-{number}-{year}", source_file=f"x{number}.txt")


def same_signature(count: int) -> list[str]:
    """Distinct sentences with one MinHash signature: a long sentence whose two added characters never hold
    a minimum, so every band puts them all in one bucket."""
    base = "本年度围绕重点任务持续加强监督检查和业务指导工作成效明显群众满意度稳步提升" * 2
    tails = [chr(0x4E00 + 7 * i % 20000) + chr(0x4E00 + 13 * i % 20000) for i in range(3000)]
    tails = [tail for tail in tails if normalize(base + tail) == base + tail]  # compared as written
    signature = minhash.signatures([base + tail for tail in tails])
    modal = pd.DataFrame(signature).value_counts().index[0]
    chosen = [base + tail for tail, row in zip(tails, signature, strict=True) if tuple(row) == modal]
    assert len(chosen) >= count
    return chosen[:count]


def test_a_bucket_at_the_limit_once_a_resubmitted_form_is_left_out():
    """65 variants of one sentence share their band keys: over the whole history a bucket too large, but the
    night resubmits the form holding one of them, and without it the bucket is at the limit (64) again."""
    variants = same_signature(minhash.MAX_BUCKET + 1)
    night = [explaining(0, variants[0])]
    earlier = replace(explaining(64, variants[64]), unit=night[0].unit, project_name=night[0].project_name)
    history = history_frame([explaining(i, variants[i]) for i in range(1, 64)] + [earlier])
    facts = assert_same_facts(night, history, frozenset({form_key(night[0])}))
    assert facts["other_unit_similarity"].notna().any()  # found only because the bucket is not too large


def test_earlier_versions_left_out_of_the_counts_and_a_changed_reading_of_the_same_form():
    """Resubmitted forms' earlier versions hold other units' words (left out of every count), and the history
    holds the night's own forms as an older reading with other texts (left out of the cross-form pool)."""
    forms = generated_forms(300, 11)
    night = forms[-40:]
    donors = forms[:40]
    earlier = [
        replace(
            donor,
            evaluation_id=f"{form.evaluation_id}-earlier",
            unit=form.unit,
            year=form.year,
            project_name=form.project_name,
        )
        for form, donor in zip(night[::2], donors, strict=False)
    ]
    older_reading = [replace(donor, evaluation_id=form.evaluation_id) for form, donor in zip(night[1::2], donors[::-1])]
    history = history_frame(forms[:-40] + earlier + older_reading)
    assert_same_facts(night, history, frozenset(form_key(e) for e in night[::2]))


def test_a_norm_at_the_unit_limit_once_an_older_reading_of_a_night_form_is_left_out():
    """50 units share a sentence; an older reading of another of tonight's forms, by a 51st unit, holds it
    too: it counts for the template check but not in the cross-form pool, where the sentence stays a copy."""
    sentence = "严格落实项目资金管理办法按进度拨付资金未发生截留挪用情况"
    night = [explaining(0, sentence), explaining(1000, "本项目按照实施方案推进各项工作有序开展完成情况良好")]
    older = replace(explaining(999, sentence), evaluation_id=night[1].evaluation_id)
    history = history_frame([explaining(i, sentence) for i in range(1, MAX_SHARED_UNITS)] + [older])
    facts = assert_same_facts(night, history)
    copied = facts[facts["norm"] == sentence]
    assert copied["units_with_same_text"].tolist() == [MAX_SHARED_UNITS + 1]
    assert copied["other_unit_similarity"].tolist() == [1.0]
