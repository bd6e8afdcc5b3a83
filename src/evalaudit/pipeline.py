"""The run's steps as plain functions: scan → parse → check → write. The CLI and the flow call these."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from secrets import token_hex

import pandas as pd

from evalaudit.checks import CheckResult, run_checks
from evalaudit.checks.findings import sort_findings
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
from evalaudit.model import Evaluation, Finding
from evalaudit.text.history import FrameHistory, TextHistory
from evalaudit.text.index import append_run, load_history
from evalaudit.timing import Stopwatch
from evalaudit.reading import PARALLEL_FROM, FileOutcome, parse_file, parse_many, read_ahead  # noqa: F401


@dataclass
class ParsedBatch:
    """The files of a one-off audit: what each yielded, and the entries that could not be read at all."""

    outcomes: list[FileOutcome] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files: int = 0

    @property
    def evaluations(self) -> list[Evaluation]:
        return [evaluation for outcome in self.outcomes for evaluation in outcome.evaluations]


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


PROBLEM_MESSAGES = {
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

    results: list[CheckResult]
    failed: dict[str, str]  # sha256 -> the error, for each file the checks could not run on

    @property
    def findings(self) -> list[Finding]:
        return sort_findings([finding for result in self.results for finding in result.findings])

    def facts(self, column: str) -> dict[str, float]:
        return {key: value for result in self.results for key, value in result.facts(column).items()}

    @property
    def texts(self) -> pd.DataFrame | None:
        frames = [result.frames.texts for result in self.results if result.frames.texts is not None]
        return pd.concat(frames, ignore_index=True) if frames else None

    def outcome(self, outcome: FileOutcome) -> FileOutcome:
        """The outcome as recorded: a file the checks failed on is `check_failed`, with the error."""
        error = self.failed.get(outcome.file.sha256)
        return FileOutcome(outcome.file, CHECK_FAILED, error) if error else outcome


def check_isolated(outcomes: Sequence[FileOutcome], history: pd.DataFrame | TextHistory | None = None) -> Checked:
    """Check every form in one batch; if the checks raise, find the files that make them raise.

    The batch is split in halves and each half retried, so one bad file costs about 2·log2(n) extra
    validations, and every other file is still checked. Forms checked in different halves are not compared
    with each other for copied text: the price of isolating a fault, paid only when one happens.
    """
    audited = [outcome for outcome in outcomes if outcome.evaluations]
    if not audited:
        return Checked([], {})
    evaluations = [evaluation for outcome in audited for evaluation in outcome.evaluations]
    try:
        return Checked([run_checks(evaluations, history=history)], {})
    except Exception as error:  # noqa: BLE001 - one form must not stop the others being checked
        if len(audited) == 1:
            return Checked([], {audited[0].file.sha256: f"检查时出错（{type(error).__name__}: {error}）"})
        middle = len(audited) // 2
        left, right = check_isolated(audited[:middle], history), check_isolated(audited[middle:], history)
        return Checked(left.results + right.results, left.failed | right.failed)


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
