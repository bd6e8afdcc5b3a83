"""The bundled samples of each format read back as the forms they were made from (tests/samples/formats.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalaudit.parse.accuracy import extraction
from evalaudit.pipeline import parse_files
from tests.conftest import INBOX
from tests.samples.formats import FORMS, ZIP_MEMBER, text_evaluation


@pytest.fixture(scope="module")
def read() -> dict[str, dict]:
    batch = parse_files([INBOX / name for name in FORMS])
    assert not batch.problems
    return {e.source_file: extraction(e) for e in batch.evaluations}


@pytest.mark.parametrize("name", [name for name in FORMS if not name.endswith(".png")])
def test_each_sample_reads_exactly_as_its_text(read, name: str) -> None:
    shown = f"{name}/{ZIP_MEMBER}" if name.endswith(".zip") else name
    assert read[shown] == extraction(text_evaluation(name))


def test_the_scanned_sample_reads_its_numbers_by_ocr(read) -> None:
    name = "12_health_scanned.png"
    expected, scanned = extraction(text_evaluation(name)), read[name]

    def numbers(funds: list[dict]) -> list[dict]:  # a label may lose a character to OCR; its kind and values not
        return [{key: value for key, value in row.items() if key != "label"} for row in funds]

    assert (
        numbers(scanned["funds"]) == numbers(expected["funds"]) and scanned["stated_total"] == expected["stated_total"]
    )
    values = [(i["weight"], i["score"]) for i in expected["indicators"]]
    assert [(i["weight"], i["score"]) for i in scanned["indicators"]] == values


def test_every_format_has_a_sample() -> None:
    suffixes = {Path(name).suffix for name in FORMS}
    assert suffixes == {".docx", ".xlsx", ".doc", ".pdf", ".png", ".zip"}
    assert all((INBOX / name).is_file() for name in FORMS)


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> tuple[dict, dict]:
    """Each sample's findings, audited as sent and as its text, by the sample's name."""
    from evalaudit.pipeline import audit

    folder = tmp_path_factory.mktemp("as_text")
    for name in FORMS:
        (folder / f"{name}.txt").write_text(FORMS[name][0])
    sent, typed = audit([INBOX / name for name in FORMS]), audit([folder])

    def by_sample(run, name_of) -> dict:
        found: dict[str, list] = {}
        for f in run.findings:
            found.setdefault(name_of(f.source_file), []).append(
                (f.check_id, f.location, f.stated, f.expected, f.severity)
            )
        return {name: sorted(rows) for name, rows in found.items()}

    return by_sample(sent, lambda source: source.split("/")[0]), by_sample(typed, lambda source: source[:-4])


@pytest.mark.parametrize("name", [name for name in FORMS if not name.endswith(".png")])
def test_each_sample_gets_the_findings_of_its_text(findings, name: str) -> None:
    sent, typed = findings
    assert sent.get(name, []) == typed.get(name, [])


def test_the_scanned_sample_gets_its_texts_findings_as_warnings_and_says_it_was_scanned(findings) -> None:
    sent, typed = findings
    name = "12_health_scanned.png"
    assert typed[name] and all(severity == "error" for *_, severity in typed[name])
    numbers = [row for row in sent[name] if not row[0].startswith("completeness.parse.")]
    assert [row[:4] for row in numbers] == [row[:4] for row in typed[name]]
    assert all(severity == "warning" for *_, severity in numbers)
