"""The run's steps as plain functions: discover → parse → check → write. The CLI and the flow call these."""

from __future__ import annotations

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
class AuditRun:
    run_id: str
    batch: ParsedBatch
    findings: list[Finding]
    checks: CheckResult | None = None


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


def parse_files(paths: Sequence[str | Path]) -> ParsedBatch:
    """Every file is accounted for: parsed into evaluations, or recorded with the reason it was not."""
    batch = ParsedBatch()
    for path in discover(paths):
        batch.files += 1
        try:
            document = read_source(path)
        except UnreadableFile as error:
            batch.problems.append(FileProblem(path.name, "unreadable", str(error)))
            continue
        result = parse_document(document)
        batch.evaluations.extend(result.evaluations)
        for warning in result.warnings:
            batch.problems.append(FileProblem(document.name, "unparseable", warning.message))
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
