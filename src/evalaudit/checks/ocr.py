"""Findings on forms read by OCR: a number may be misread, so the finding says so and waits for a person.

A finding that rests on the form's numbers gets the mark 识别自扫描件，请核对原件. It stays an error only where
the form's own arithmetic confirms the reading: some identity of the form could be checked (the total fund
row's 执行数/预算数 against its stated rate, or the 总分 against the scores) and no arithmetic check failed on
it. A sum that does not add up on a scan is as likely a misread digit as a unit's mistake: a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from evalaudit.model import Finding

OCR_MARK = "（识别自扫描件，请核对原件）"
_NUMERIC = {"arithmetic", "execution_rate", "consistency"}


@dataclass(frozen=True)
class OcrReadings:
    """Which forms were read by OCR, and which of those had an identity the checks could test: per form, so a
    run checked in slices unites its slices' readings (`|`) and marks every finding at the end."""

    read: frozenset[str] = frozenset()
    testable: frozenset[str] = frozenset()

    def __or__(self, other: OcrReadings) -> OcrReadings:
        return OcrReadings(self.read | other.read, self.testable | other.testable)


def ocr_readings(evaluations: pd.DataFrame, funds: pd.DataFrame) -> OcrReadings:
    """OCR'd forms, and those with at least one identity the checks could test (a stated rate beside B/A, a
    stated total beside the scores)."""
    read = evaluations[evaluations["ocr"]]
    if read.empty:
        return OcrReadings()
    with_total = read.loc[read["stated_total"].notna() & read["computed_total"].notna(), "evaluation_id"]
    rated = funds.loc[funds["is_total"] & funds["stated_rate"].notna() & funds["computed_rate"].notna()]
    ids = set(read["evaluation_id"])
    return OcrReadings(frozenset(ids), frozenset(set(with_total) | (set(rated["evaluation_id"]) & ids)))


def mark_ocr(findings: list[Finding], readings: OcrReadings) -> list[Finding]:
    read = readings.read
    if not read:
        return findings
    contradicted = {f.evaluation_id for f in findings if f.evaluation_id in read and f.category == "arithmetic"}
    confirmed = readings.testable - contradicted
    marked = []
    for finding in findings:
        if finding.evaluation_id in read and _rests_on_numbers(finding):
            severity = finding.severity
            if severity == "error" and finding.evaluation_id not in confirmed:
                severity = "warning"
            finding = replace(finding, message=finding.message + OCR_MARK, severity=severity)
        marked.append(finding)
    return marked


def _rests_on_numbers(finding: Finding) -> bool:
    if finding.check_id.startswith("completeness.parse."):
        return False
    return finding.category in _NUMERIC or bool(finding.stated or finding.expected)
