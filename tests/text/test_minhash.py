"""MinHash/LSH finds near-duplicates among many texts without comparing every pair."""

from __future__ import annotations

import random

import numpy as np

from evalaudit.text.minhash import BANDS, band_keys, candidate_pairs, estimated_similarity, signatures

WORDS = "推进加强完善落实开展提升优化建设服务管理工作群众企业制度机制平台数据资金项目培训检查考核"


def random_texts(count: int, length: int = 40, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(WORDS) for _ in range(length)) for _ in range(count)]


def test_near_duplicates_become_candidates_and_unrelated_texts_do_not():
    texts = random_texts(2000)
    texts[10] = texts[5][:-3] + "改三字"  # Jaccard ≈ 0.85 with text 5
    pairs = candidate_pairs(signatures(texts))
    assert [5, 10] in pairs.tolist()
    assert len(pairs) < 20  # random texts of a small vocabulary rarely collide


def test_estimate_tracks_the_true_similarity():
    texts = random_texts(2)
    texts.append(texts[0][:30] + texts[1][:10])
    sig = signatures(texts)
    estimate = estimated_similarity(sig, np.array([[0, 2]]))[0]
    assert 0.4 < estimate < 0.9


def test_signatures_are_stable_between_runs():
    texts = random_texts(3)
    assert (signatures(texts) == signatures(list(texts))).all()


def test_huge_buckets_are_left_to_the_template_check():
    texts = ["请在此处简要说明发现的问题及其所涉及的金额"] * 100
    assert len(candidate_pairs(signatures(texts), max_bucket=64)) == 0


def test_buckets_a_larger_pool_found_too_large_are_skipped_here_too():
    texts = random_texts(50)
    texts[10] = texts[5][:-3] + "改三字"
    signature = signatures(texts)
    keys = band_keys(signature)
    assert [5, 10] in candidate_pairs(signature).tolist()
    oversized = [keys[[5], band] for band in range(BANDS)]  # every bucket text 5 is in
    assert [5, 10] not in candidate_pairs(signature, oversized=oversized).tolist()
    assert (keys[5] == keys[10]).any()
