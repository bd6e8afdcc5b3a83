"""Checks: facts judged by the expectation suites, plus the parser's warnings, as findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import pandas as pd

from evalaudit.checks.findings import findings_from_failures, findings_from_warnings, sort_findings
from evalaudit.checks.ocr import mark_ocr
from evalaudit.checks.suites import SUITES_DIR, load_suites, validate
from evalaudit.facts import derive_facts
from evalaudit.frames import Frames, build_frames, distinct_forms, gc_paused
from evalaudit.model import Evaluation, Finding
from evalaudit.text.facts import Narrowing, text_facts
from evalaudit.text.frame import build_texts


@dataclass
class CheckResult:
    findings: list[Finding]
    frames: Frames

    def facts(self, column: str) -> dict[str, float]:
        """One fact per evaluation (e.g. `computed_total`, `exec_rate`), where it could be computed."""
        frame = self.frames.evaluations
        return {
            evaluation_id: float(value)
            for evaluation_id, value in zip(frame["evaluation_id"], frame[column], strict=True)
            if value is not None and value == value
        }


def run_checks(
    evaluations: Sequence[Evaluation],
    suites: dict[str, dict] | None = None,
    history: pd.DataFrame | Narrowing | None = None,
    with_text: bool = True,
) -> CheckResult:
    """Frames and facts for all evaluations, one validation per suite, findings sorted for reading.

    `history` holds the texts of earlier runs for cross-run copy detection: a frame (`text.index.load_history`)
    or a history asked by key (`text.history.TextHistory`, the store's `text_history`), with the same facts;
    `with_text=False` leaves the text analysis out (the numeric benchmark measures it apart).
    """
    evaluations = distinct_forms(evaluations)
    with gc_paused():
        frames = derive_facts(build_frames(evaluations))
        if with_text:
            frames = replace(frames, texts=text_facts(build_texts(evaluations), history))
    suites = suites if suites is not None else load_suites(SUITES_DIR)
    if not with_text:
        suites = {name: suite for name, suite in suites.items() if name != "texts"}
    named = frames.named()
    failures = validate(named, suites)
    findings = findings_from_failures(failures, named) + findings_from_warnings(evaluations, frames.evaluations)
    findings = mark_ocr(findings, frames.evaluations, frames.funds)
    return CheckResult(findings=sort_findings(findings), frames=frames)
