"""Discovery: every file in a named folder is found, wherever the folder is named from."""

from __future__ import annotations

import os

import pytest

from evalaudit.inbox import scan


def test_folders_named_through_parent_directories_are_read(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "a.txt").write_text("x", encoding="utf-8")
    (inbox / "sub" / "b.txt").write_text("x", encoding="utf-8")
    (inbox / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "work").mkdir()
    cwd = os.getcwd()
    os.chdir(tmp_path / "work")
    try:
        found = scan(["../inbox"])
    finally:
        os.chdir(cwd)
    assert [file.name for file in found.files] == ["a.txt", "sub/b.txt"]
    assert [(problem.source_file, problem.status) for problem in found.problems] == [(".hidden.txt", "skipped")]


def test_a_large_batch_is_parsed_on_every_core_into_the_same_outcomes_in_file_order(tmp_path):
    from evalaudit.pipeline import PARALLEL_FROM, parse_file, parse_many
    from tests.conftest import TEXT_SAMPLES

    for copy in range(PARALLEL_FROM // len(TEXT_SAMPLES) + 1):
        for source in TEXT_SAMPLES:
            text = source.read_text(encoding="utf-8").replace("清溪", f"清溪{copy}号")
            (tmp_path / f"{copy:03d}_{source.name}").write_text(text, encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(b"")
    files = sorted(scan([tmp_path]).files, key=lambda file: file.name)
    assert len(files) > PARALLEL_FROM
    in_pool, alone = parse_many(files, workers=2), [parse_file(file) for file in files]
    assert [o.file.name for o in in_pool] == [f.name for f in files]
    assert [(o.status, o.reason, [e.to_dict() for e in o.evaluations]) for o in in_pool] == [
        (o.status, o.reason, [e.to_dict() for e in o.evaluations]) for o in alone
    ]


def setting(name: str) -> str | None:
    """What a worker process sees of a setting (module level: the pool pickles it by name)."""
    return os.environ.get(name)


def test_the_shared_workers_see_the_settings_of_each_call(monkeypatch):
    from evalaudit.workers import on_every_core

    monkeypatch.setenv("EVALAUDIT_PROBE", "first")
    assert on_every_core(setting, ["EVALAUDIT_PROBE"] * 4, workers=2) == ["first"] * 4
    monkeypatch.setenv("EVALAUDIT_PROBE", "second")  # the same workers, started before
    assert on_every_core(setting, ["EVALAUDIT_PROBE"] * 4, workers=2) == ["second"] * 4
    monkeypatch.delenv("EVALAUDIT_PROBE")
    assert on_every_core(setting, ["EVALAUDIT_PROBE"] * 4, workers=2) == [None] * 4


def _real_outcomes():
    from evalaudit.pipeline import parse_files
    from tests.conftest import INBOX, SEEDS

    return parse_files([SEEDS, SEEDS.parent / "corpus", INBOX]).outcomes


def test_a_night_checked_in_slices_finds_what_one_batch_finds(monkeypatch, tmp_path):
    """Each form's own checks run a slice at a time (memory stays bounded); its texts are still compared with
    every other form of the run, so slicing changes no finding, fact or text fact."""
    import pandas as pd

    import evalaudit.pipeline as pipeline

    outcomes, copy = _with_copy(_real_outcomes(), tmp_path)
    slices: list[int] = []
    real_check_forms = pipeline.check_forms

    def counting(evaluations, checker):
        slices.append(len(evaluations))
        return real_check_forms(evaluations, checker)

    whole = pipeline.check_isolated(outcomes)
    monkeypatch.setattr(pipeline, "check_forms", counting)
    sliced = pipeline.check_isolated(outcomes, slice_forms=3)
    assert len(slices) > 10 and max(slices) < 3 + 10  # a file's forms stay together
    assert sliced.findings == whole.findings
    # the copy, in the last slice, is found to copy the first: texts are compared across slices
    copied = [f for f in whole.findings if f.check_id == "text_copy.other_unit" and f.evaluation_id in copy]
    assert copied and all(outcomes[0].file.name in f.message for f in copied)
    assert sliced.facts("computed_total") == whole.facts("computed_total")
    pd.testing.assert_frame_equal(sliced.texts, whole.texts)


def _with_copy(outcomes, tmp_path):
    """The first file again at the end, filed by another unit: its texts copy another unit's."""
    from evalaudit.inbox import scan
    from evalaudit.pipeline import parse_file

    first = next(o for o in outcomes if o.forms)
    target = tmp_path / "copied.txt"
    forms = first.evaluations
    source = next(p for p in _sources() if p.name == first.file.name.split("/")[-1])
    target.write_text(source.read_text(encoding="utf-8").replace(forms[0].unit, "某某抄写单位"), encoding="utf-8")
    [file] = scan([target]).files
    copy = parse_file(file)
    return [first] + [o for o in outcomes if o is not first] + [copy], set(copy.evaluation_ids)


def _sources():
    from tests.conftest import INBOX, SEEDS

    return [*SEEDS.iterdir(), *(SEEDS.parent / "corpus").iterdir(), *INBOX.iterdir()]


def _poisoned(outcomes, tmp_path):
    """The sample inbox's first text form again under a unit of its own, as one more file."""
    from evalaudit.inbox import scan
    from evalaudit.pipeline import parse_file
    from tests.conftest import TEXT_SAMPLES

    source = TEXT_SAMPLES[0]
    poison = tmp_path / "poison.txt"
    poison.write_text(source.read_text(encoding="utf-8").replace("清溪", "投毒"), encoding="utf-8")
    [file] = scan([poison]).files
    bad = parse_file(file)
    assert bad.forms and all("投毒" in e.unit for e in bad.evaluations)
    return outcomes[:3] + [bad] + outcomes[3:], bad


@pytest.mark.parametrize("step", ["forms", "texts"])
def test_a_form_that_makes_its_slice_or_the_texts_raise_costs_only_its_file(step, monkeypatch, tmp_path):
    import evalaudit.pipeline as pipeline
    from evalaudit.checks import Checker

    outcomes = _real_outcomes()
    clean = pipeline.check_isolated(outcomes, slice_forms=20)
    mixed, bad = _poisoned(outcomes, tmp_path)
    if step == "forms":
        real = pipeline.check_forms

        def raising(evaluations, checker):
            if any("投毒" in e.unit for e in evaluations):
                raise ValueError("测试")
            return real(evaluations, checker)

        monkeypatch.setattr(pipeline, "check_forms", raising)
    else:
        real_texts = Checker.text_findings

        def raising_texts(self, texts, forms, history):
            if texts["evaluation_id"].isin(bad.evaluation_ids).any():
                raise ValueError("测试")
            return real_texts(self, texts, forms, history)

        monkeypatch.setattr(Checker, "text_findings", raising_texts)
    checked = pipeline.check_isolated(mixed, slice_forms=20)
    assert checked.failed == {bad.file.sha256: "检查时出错（ValueError: 测试）"}
    assert checked.outcome(bad).status == "check_failed" and checked.outcome(bad).forms == 0
    assert checked.findings == clean.findings  # the others as if the file had not been there
    assert not set(checked.forms["evaluation_id"]) & set(bad.evaluation_ids)
