"""The run's steps as plain functions: scan → parse → check → write. The CLI and the flow call these."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from secrets import token_hex
from typing import TypeVar

import pandas as pd
from pandas.api.types import union_categoricals

from evalaudit.checks import Checker, FormChecks, check_forms, conclude, facts_by_form
from evalaudit.checks.ocr import OcrReadings
from evalaudit.inbox import (
    AUDITED,
    CHECK_FAILED,
    SKIPPED,
    UNPARSEABLE,
    UNREADABLE,
    FileProblem,
    Inbox,
    SubmittedFile,
    scan,
    suffix,
)
from evalaudit.ingest import (
    max_file_bytes,
)
from evalaudit.model import Evaluation, Finding, Severity
from evalaudit.reading import PARALLEL_FROM, FileOutcome, parse_file, parse_many, read_ahead  # noqa: F401
from evalaudit.text.history import FrameHistory, TextHistory
from evalaudit.text.index import append_run, load_history
from evalaudit.timing import Stopwatch
from evalaudit.workers import release

T = TypeVar("T")


@dataclass
class ParsedBatch:
    """The files of a one-off audit: what each yielded, and the entries that could not be read at all."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files: int = 0

    @property
    def forms(self) -> int:
        return sum(outcome.forms for outcome in self.outcomes)

    def iter_evaluations(self) -> Iterator[Evaluation]:
        """Every form, decoded one file at a time: a province's batch is never held decoded at once."""
        for outcome in self.outcomes:
            yield from outcome.evaluations

    @property
    def evaluations(self) -> list[Evaluation]:
        """Every form decoded at once (small batches and tests; a large one streams `iter_evaluations`)."""
        return list(self.iter_evaluations())


@dataclass
class Snapshot:
    """What a report shows: the forms, their open findings and the files that could not be audited.

    A one-off audit is its own snapshot; the nightly flow's snapshot is the store's view of the whole inbox,
    with the findings each resubmission fixed.
    """

    run_id: str
    files: int
    evaluations: list[Evaluation]
    findings: list[Finding]
    problems: list[FileProblem]
    computed_totals: dict[str, float] = field(default_factory=dict)
    exec_rates: dict[str, float] = field(default_factory=dict)
    fixed: list[Finding] = field(default_factory=list)
    audited_this_run: set[str] | None = None  # None: every form was read by this run


@dataclass
class AuditRun:
    run_id: str
    batch: ParsedBatch
    findings: list[Finding]
    checked: Checked

    def snapshot(self) -> Snapshot:
        return Snapshot(
            run_id=self.run_id,
            files=self.batch.files,
            evaluations=self.batch.evaluations,
            findings=self.findings,
            problems=self.batch.problems,
            computed_totals=self.checked.facts("computed_total"),
            exec_rates=self.checked.facts("exec_rate"),
        )


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC time plus a random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{token_hex(3)}"


def submitted_files(inbox: Path) -> Inbox:
    """Every entry of the inbox: files with their SHA-256 (the hash decides what a run audits), and the
    entries that cannot be read, each with its reason."""
    return scan([inbox], max_bytes=max_file_bytes())


def one_per_content(files: Sequence[SubmittedFile]) -> list[SubmittedFile]:
    """The same content under several names is one submission, read once, every name listed.

    Names with another suffix are read apart: what a file is depends on its name as well as its bytes.
    """
    first: dict[tuple[str, str], SubmittedFile] = {}
    for file in files:
        key = (file.sha256, suffix(file.name))
        if key in first:
            first[key].duplicates.append(file.name)
        else:
            first[key] = replace(file, duplicates=list(file.duplicates))
    return list(first.values())


def parse_files(paths: Sequence[str | Path]) -> ParsedBatch:
    """Every entry is accounted for: parsed into evaluations, or recorded with the reason it was not."""
    inbox = scan(paths, max_bytes=max_file_bytes())
    batch = ParsedBatch(files=len(inbox.files) + len(inbox.problems), problems=list(inbox.problems))
    files = one_per_content(inbox.files)
    read_ahead(files)
    for outcome in parse_many(files):
        batch.outcomes.append(outcome)
        if outcome.status != AUDITED:
            batch.problems += [FileProblem(name, outcome.status, outcome.reason) for name in outcome.file.names]
    return batch


PROBLEM_MESSAGES: dict[str, tuple[Severity, str]] = {
    UNREADABLE: ("error", "文件无法读取："),
    UNPARSEABLE: ("error", "文件中未找到可识别的自评表："),
    CHECK_FAILED: ("error", "文件审核时出错，已记录，下次运行时重新审核："),
    SKIPPED: ("info", "未审核："),
}


def problem_findings(problems: Iterable[FileProblem]) -> list[Finding]:
    """A file that yielded no form is still a finding, so it reaches the reviewer's spreadsheet."""
    findings = []
    for problem in problems:
        severity, prefix = PROBLEM_MESSAGES.get(problem.status, ("error", "文件未能审核："))
        findings.append(
            Finding(
                evaluation_id="",
                source_file=problem.source_file,
                form_index=None,
                unit="",
                year=None,
                form_type="",
                check_id=f"completeness.file_{problem.status}",
                category="completeness",
                severity=severity,
                location="文件",
                message=prefix + problem.reason,
                cell="file",
            )
        )
    return findings


@dataclass
class Checked:
    """The checks over a batch of files, with the files whose forms made the checks fail set apart."""

    findings: list[Finding]  # sorted for reading
    forms: pd.DataFrame | None  # checks.FORM_FACTS of every form checked
    texts: pd.DataFrame | None  # the texts with their facts
    failed: dict[str, str]  # sha256 -> the error, for each file the checks could not run on

    def facts(self, column: str) -> dict[str, float]:
        return facts_by_form(self.forms, column) if self.forms is not None else {}

    def outcome(self, outcome: FileOutcome) -> FileOutcome:
        """The outcome as recorded: a file the checks failed on is `check_failed`, with the error."""
        error = self.failed.get(outcome.file.sha256)
        return outcome.with_status(CHECK_FAILED, error) if error else outcome


CHECK_SLICE = 5_000  # forms whose frames are built and validated together: about 0.4 GB at the peak


def check_isolated(
    outcomes: Sequence[FileOutcome],
    history: pd.DataFrame | TextHistory | None = None,
    slice_forms: int = CHECK_SLICE,
    checker: Checker | None = None,
) -> Checked:
    """Check every form of a batch: each form's own checks in slices of `slice_forms` forms (they need no
    other form, so memory stays bounded however large the night), then every text of the batch together.

    If the checks raise, the files that make them raise are found by halving the slice (or the texts) and
    retrying each half, so one bad file costs about 2·log2(n) extra validations and every other file is still
    checked. A failed file contributes no finding, and its texts are compared with no other.
    """
    audited = [outcome for outcome in outcomes if outcome.forms]
    if not audited:
        return Checked([], None, None, {})
    checker = checker or Checker()
    # the same form under two suffixes is read twice but checked once, as the first file's
    owner: dict[str, FileOutcome] = {}
    for outcome in audited:
        for evaluation_id in outcome.evaluation_ids:
            owner.setdefault(evaluation_id, outcome)

    def forms_of(part: list[FileOutcome]) -> FormChecks:
        evaluations = [e for o in part for e in o.evaluations if owner[e.evaluation_id] is o]
        return check_forms(evaluations, checker)

    parts: list[FormChecks] = []
    failed: dict[str, str] = {}
    for part in _slices(audited, slice_forms):
        done, errors = _isolated(part, forms_of)
        parts += done
        failed |= errors
    forms = _concat([part.forms for part in parts])
    texts = _concat_texts([part.texts for part in parts])
    readings = OcrReadings()
    for form_checks in parts:
        readings |= form_checks.readings

    def texts_of(part: list[FileOutcome]) -> tuple[pd.DataFrame, list[Finding]]:
        ids = {evaluation_id for outcome in part for evaluation_id in outcome.evaluation_ids}
        assert texts is not None  # judged only when there are parts, and each part has its texts
        return checker.text_findings(texts[texts["evaluation_id"].isin(ids)].reset_index(drop=True), forms, history)

    judged, errors = _isolated([o for o in audited if o.file.sha256 not in failed], texts_of) if parts else ([], {})
    failed |= errors
    dropped = {evaluation_id for o in audited if o.file.sha256 in errors for evaluation_id in o.evaluation_ids}
    findings = [f for part in parts for f in part.findings if f.evaluation_id not in dropped]
    findings += [f for _, found in judged for f in found]
    forms = forms[~forms["evaluation_id"].isin(dropped)] if forms is not None else None
    return Checked(
        findings=conclude(findings, readings),
        forms=forms,
        texts=_concat_texts([judged_texts for judged_texts, _ in judged]),
        failed=failed,
    )


def _slices(outcomes: list[FileOutcome], forms: int) -> Iterator[list[FileOutcome]]:
    """Consecutive files holding about `forms` forms each (a file's forms stay together)."""
    part: list[FileOutcome] = []
    held = 0
    for outcome in outcomes:
        part.append(outcome)
        held += outcome.forms
        if held >= forms:
            yield part
            part, held = [], 0
    if part:
        yield part


def _isolated(outcomes: list[FileOutcome], check: Callable[[list[FileOutcome]], T]) -> tuple[list[T], dict[str, str]]:
    """`check` over the files; on an error, over each half, down to the single files that raise."""
    try:
        return [check(outcomes)], {}
    except Exception as error:  # noqa: BLE001 - one form must not stop the others being checked
        if len(outcomes) == 1:
            return [], {outcomes[0].file.sha256: f"检查时出错（{type(error).__name__}: {error}）"}
        middle = len(outcomes) // 2
        left, left_failed = _isolated(outcomes[:middle], check)
        right, right_failed = _isolated(outcomes[middle:], check)
        return left + right, left_failed | right_failed


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    return pd.concat(frames, ignore_index=True) if frames else None


def _concat_texts(frames: list[pd.DataFrame]) -> pd.DataFrame | None:
    """Texts of several slices as one frame, the forms' contexts kept one category (as a single slice has)."""
    frames = [frame for frame in frames if frame is not None]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    contexts = union_categoricals([frame["context"] for frame in frames], sort_categories=True)
    return pd.concat(frames, ignore_index=True).assign(context=contexts)


def audit(
    paths: Sequence[str | Path],
    run_id: str | None = None,
    text_index: Path | None = None,
    watch: Stopwatch | None = None,
) -> AuditRun:
    """Parse every file and check every evaluation in one batch.

    With `text_index`, texts are also compared with every earlier run's, and this run's texts are added to
    the index once the checks have succeeded. `watch` times the two steps.
    """
    watch = watch or Stopwatch()
    run_id = run_id or new_run_id()
    watch.start("parse")
    batch = parse_files(paths)
    release()
    watch.start("check")
    history = load_history(text_index) if text_index else None
    checked = check_isolated(batch.outcomes, FrameHistory(history) if history is not None else None)
    texts = checked.texts
    if text_index and texts is not None:
        append_run(text_index, run_id, texts, history)
    batch.outcomes = [checked.outcome(outcome) for outcome in batch.outcomes]
    for outcome in batch.outcomes:
        if outcome.status == CHECK_FAILED:
            batch.problems += [FileProblem(name, CHECK_FAILED, outcome.reason) for name in outcome.file.names]
    findings = checked.findings + problem_findings(batch.problems)
    for finding in findings:
        finding.run_id = run_id
    return AuditRun(run_id=run_id, batch=batch, findings=findings, checked=checked)
