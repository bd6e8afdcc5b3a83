"""The run's steps as plain functions: discover → parse → check → write. The CLI and the flow call these."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from secrets import token_hex

from evalaudit.checks import CheckResult, run_checks
from evalaudit.ingest import UnreadableFile, read_source
from evalaudit.model import Evaluation, Finding
from evalaudit.parse import parse_document
from evalaudit.text.index import append_run, load_history


@dataclass
class FileProblem:
    """A file that produced no evaluation, and why. It stays where it is and is reported every run."""

    source_file: str
    status: str  # unreadable | unparseable
    reason: str


@dataclass
class ParsedBatch:
    evaluations: list[Evaluation] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files: int = 0


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
    checks: CheckResult | None = None

    def snapshot(self) -> Snapshot:
        return Snapshot(
            run_id=self.run_id,
            files=self.batch.files,
            evaluations=self.batch.evaluations,
            findings=self.findings,
            problems=self.batch.problems,
            computed_totals=self.checks.facts("computed_total") if self.checks else {},
            exec_rates=self.checks.facts("exec_rate") if self.checks else {},
        )


def new_run_id(now: datetime | None = None) -> str:
    """Sortable and unique: UTC time plus a random suffix."""
    now = now or datetime.now(UTC)
    return f"{now:%Y%m%dT%H%M%SZ}-{token_hex(3)}"


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every file inside named folders (sorted, hidden files skipped)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        else:
            found.append(path)
    return found


@dataclass
class SubmittedFile:
    """A file in the inbox: where it is, its name as recorded (relative to the inbox) and its content hash."""

    path: Path
    name: str
    sha256: str
    size: int
    duplicates: list[str] = field(default_factory=list)  # other names in the inbox with the same content


@dataclass
class FileOutcome:
    """What one file yielded: its evaluations (status audited), or why it yielded none."""

    file: SubmittedFile
    status: str  # audited | unreadable | unparseable
    reason: str = ""
    evaluations: list[Evaluation] = field(default_factory=list)


def submitted_files(inbox: Path) -> list[SubmittedFile]:
    """Every file of the inbox with its SHA-256: the content hash decides what a run has to audit."""
    files = []
    for path in discover([inbox]):
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        name = path.relative_to(inbox).as_posix() if path != inbox else path.name
        files.append(SubmittedFile(path=path, name=name, sha256=digest.hexdigest(), size=path.stat().st_size))
    return files


def parse_file(file: SubmittedFile) -> FileOutcome:
    """Read and parse one file; never raises on content."""
    try:
        document = read_source(file.path)
    except UnreadableFile as error:
        return FileOutcome(file, "unreadable", str(error))
    except OSError as error:
        return FileOutcome(file, "unreadable", f"文件无法打开（{error.strerror or error}）")
    result = parse_document(document)
    if not result.evaluations:
        reason = "；".join(warning.message for warning in result.warnings) or "文件中未识别出绩效自评表或自评报告"
        return FileOutcome(file, "unparseable", reason)
    return FileOutcome(file, "audited", evaluations=result.evaluations)


def parse_files(paths: Sequence[str | Path]) -> ParsedBatch:
    """Every file is accounted for: parsed into evaluations, or recorded with the reason it was not."""
    batch = ParsedBatch()
    for path in discover(paths):
        batch.files += 1
        outcome = parse_file(SubmittedFile(path=path, name=path.name, sha256="", size=0))
        batch.evaluations.extend(outcome.evaluations)
        if outcome.status != "audited":
            batch.problems.append(FileProblem(path.name, outcome.status, outcome.reason))
    return batch


def problem_findings(problems: Iterable[FileProblem]) -> list[Finding]:
    """A file that yielded no form is still a finding, so it reaches the reviewer's spreadsheet."""
    return [
        Finding(
            evaluation_id="",
            source_file=problem.source_file,
            form_index=None,
            unit="",
            year=None,
            form_type="",
            check_id=f"completeness.file_{problem.status}",
            category="completeness",
            severity="error",
            location="文件",
            message=("文件无法读取：" if problem.status == "unreadable" else "文件中未找到可识别的自评表：")
            + problem.reason,
            cell="file",
        )
        for problem in problems
    ]


def audit(paths: Sequence[str | Path], run_id: str | None = None, text_index: Path | None = None) -> AuditRun:
    """Parse every file and check every evaluation in one batch.

    With `text_index`, texts are also compared with every earlier run's, and this run's texts are added to
    the index once the checks have succeeded.
    """
    run_id = run_id or new_run_id()
    batch = parse_files(paths)
    history = load_history(text_index) if text_index else None
    checks = run_checks(batch.evaluations, history=history) if batch.evaluations else None
    if checks and text_index and checks.frames.texts is not None:
        append_run(text_index, run_id, checks.frames.texts, history)
    findings = (checks.findings if checks else []) + problem_findings(batch.problems)
    for finding in findings:
        finding.run_id = run_id
    return AuditRun(run_id=run_id, batch=batch, findings=findings, checks=checks)
