"""Checks: facts judged by the expectation suites, plus the parser's warnings, as findings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import pandas as pd

from evalaudit.checks.causes import group_causes
from evalaudit.checks.findings import findings_from_failures, findings_from_warnings, sort_findings
from evalaudit.checks.ocr import OcrReadings, mark_ocr, ocr_readings
from evalaudit.checks.suites import SUITES_DIR, SuiteRunner, load_suites
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
        return facts_by_form(self.frames.evaluations, column)


def facts_by_form(forms: pd.DataFrame, column: str) -> dict[str, float]:
    """One fact per evaluation (e.g. `computed_total`, `exec_rate`) of an `evaluations` frame, where it could be
    computed."""
    return {
        evaluation_id: float(value)
        for evaluation_id, value in zip(forms["evaluation_id"], forms[column], strict=True)
        if value is not None and value == value
    }


FORM_FACTS = ("evaluation_id", "source_file", "form_index", "unit", "year", "form_type", "computed_total", "exec_rate")
TEXT_SUITE = "texts"


class Checker:
    """One run's suites, each GX context made once (on first use): the forms' suites run slice by slice, the
    texts' suite once over the run's texts."""

    def __init__(self, suites: dict[str, dict] | None = None, with_text: bool = True):
        suites = suites if suites is not None else load_suites(SUITES_DIR)
        self._form_suites = {name: suite for name, suite in suites.items() if name != TEXT_SUITE}
        self._text_suites = {name: suite for name, suite in suites.items() if name == TEXT_SUITE and with_text}

    @cached_property
    def _forms(self) -> SuiteRunner:
        return SuiteRunner(self._form_suites)

    @cached_property
    def _texts(self) -> SuiteRunner:
        return SuiteRunner(self._text_suites)

    def form_findings(self, evaluations: Sequence[Evaluation], frames: Frames) -> list[Finding]:
        """What one form's own numbers and the parser's warnings show (OCR marks are added later)."""
        named = frames.named()
        failures = self._forms.run(named)
        return findings_from_failures(failures, named) + findings_from_warnings(evaluations, frames.evaluations)

    def text_findings(
        self, texts: pd.DataFrame, forms: pd.DataFrame, history: pd.DataFrame | Narrowing | None
    ) -> tuple[pd.DataFrame, list[Finding]]:
        """The texts with their facts, and what the texts' suite finds; `forms` names each finding's form."""
        with gc_paused():
            texts = text_facts(texts, history)
        if not self._text_suites:
            return texts, []
        failures = self._texts.run({TEXT_SUITE: texts})
        return texts, findings_from_failures(failures, {TEXT_SUITE: texts, "evaluations": forms})


@dataclass
class FormChecks:
    """A slice of forms checked on its own: everything that needs no other form. Their texts are built but not
    judged yet: text facts compare forms with each other, so a run judges all its texts together."""

    findings: list[Finding]
    forms: pd.DataFrame  # FORM_FACTS of each form
    texts: pd.DataFrame
    readings: OcrReadings


def check_forms(evaluations: Sequence[Evaluation], checker: Checker) -> FormChecks:
    evaluations = distinct_forms(evaluations)
    with gc_paused():
        frames = derive_facts(build_frames(evaluations))
        texts = build_texts(evaluations)
    return FormChecks(
        findings=checker.form_findings(evaluations, frames),
        forms=frames.evaluations[list(FORM_FACTS)],
        texts=texts,
        readings=ocr_readings(frames.evaluations, frames.funds),
    )


def run_checks(
    evaluations: Sequence[Evaluation],
    suites: dict[str, dict] | None = None,
    history: pd.DataFrame | Narrowing | None = None,
    with_text: bool = True,
) -> CheckResult:
    """Frames and facts for all evaluations, one validation per suite, findings sorted for reading.

    `history` holds the texts of earlier runs for cross-run copy detection: a frame (`text.index.load_history`)
    or a history asked by key (`text.history.TextHistory`, the store's `text_history`), with the same facts;
    `with_text=False` leaves the text analysis out (the numeric benchmark measures it apart). A run's checks
    in slices (`pipeline.check_isolated`) give the same findings from the same pieces.
    """
    evaluations = distinct_forms(evaluations)
    checker = Checker(suites, with_text)
    with gc_paused():
        frames = derive_facts(build_frames(evaluations))
    findings = checker.form_findings(evaluations, frames)
    if with_text:
        texts, found = checker.text_findings(build_texts(evaluations), frames.evaluations, history)
        frames, findings = replace(frames, texts=texts), findings + found
    return CheckResult(findings=conclude(findings, ocr_readings(frames.evaluations, frames.funds)), frames=frames)


def conclude(findings: list[Finding], readings: OcrReadings) -> list[Finding]:
    """The run's findings as reported: OCR'd numbers marked, consequences grouped under their causes, sorted."""
    return sort_findings(group_causes(mark_ocr(findings, readings)))
