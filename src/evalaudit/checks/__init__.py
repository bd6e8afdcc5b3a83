"""Checks: facts judged by the expectation suites, plus the parser's warnings, as findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evalaudit.checks.findings import findings_from_failures, findings_from_warnings, sort_findings
from evalaudit.checks.suites import SUITES_DIR, load_suites, validate
from evalaudit.facts import derive_facts
from evalaudit.frames import Frames, build_frames, gc_paused
from evalaudit.model import Evaluation, Finding


@dataclass
class CheckResult:
    findings: list[Finding]
    frames: Frames


def run_checks(evaluations: Sequence[Evaluation], suites: dict[str, dict] | None = None) -> CheckResult:
    """Frames and facts for all evaluations, one validation per suite, findings sorted for reading."""
    with gc_paused():
        frames = derive_facts(build_frames(evaluations))
    named = frames.named()
    failures = validate(named, suites if suites is not None else load_suites(SUITES_DIR))
    findings = findings_from_failures(failures, named) + findings_from_warnings(evaluations)
    return CheckResult(findings=sort_findings(findings), frames=frames)
