"""Findings from validation failures and parse warnings, in the shape of DESIGN.md §4.

Each expectation's `meta` carries templates (`location`, `message`, `cell`) whose `{fields}` name columns
of the failing row, and `stated` / `expected` naming the columns that hold those values.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from evalaudit.checks.suites import Failure
from evalaudit.display import format_number
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Evaluation, Finding

SEVERITY_ORDER = {name: position for position, name in enumerate(SEVERITY_LABELS)}
CATEGORY_ORDER = {name: position for position, name in enumerate(CATEGORY_LABELS)}
FORM_COLUMNS = ("source_file", "form_index", "unit", "year", "form_type")


class _NumberFormatter(string.Formatter):
    """`{stated_total}` writes numbers as the form would (97.752, 10) and missing values as empty."""

    def format_field(self, value: object, format_spec: str) -> str:
        if format_spec:
            return super().format_field(value, format_spec)
        return format_number(None if value is pd.NA else value)


_FORMATTER = _NumberFormatter()


def template_fields(template: str) -> set[str]:
    return {field for _, field, _, _ in _FORMATTER.parse(template) if field}


def render(template: str, row: dict) -> str:
    return _FORMATTER.vformat(template, (), row)


def form_fields(evaluations: pd.DataFrame) -> dict[str, dict]:
    """What every finding says about its form, by evaluation id, read from the typed `evaluations` frame so
    that a finding's unit is always text and its year a whole number or None, whatever the form held."""
    forms = evaluations.set_index("evaluation_id")[list(FORM_COLUMNS)]
    return {
        evaluation_id: {
            "source_file": form["source_file"],
            "form_index": _whole(form["form_index"]),
            "unit": form["unit"],
            "year": _whole(form["year"]),
            "form_type": form["form_type"],
        }
        for evaluation_id, form in forms.to_dict("index").items()
    }


def findings_from_failures(failures: Iterable[Failure], frames: dict[str, pd.DataFrame]) -> list[Finding]:
    forms = form_fields(frames["evaluations"])
    findings: list[Finding] = []
    for failure in failures:
        meta = failure.meta
        templates = {key: meta.get(key, "") for key in ("location", "message", "cell")}
        value_columns = {key: meta.get(key) for key in ("stated", "expected")}
        needed = {"evaluation_id"} | {c for c in value_columns.values() if c}
        for template in templates.values():
            needed |= template_fields(template)
        frame = frames[failure.frame]
        missing = needed - set(frame.columns)
        if missing:
            raise KeyError(f"{failure.frame}: {meta['check_id']} refers to unknown columns {sorted(missing)}")
        rows = frame.iloc[failure.rows][sorted(needed)].to_dict("records")
        for row in rows:
            findings.append(
                Finding(
                    evaluation_id=row["evaluation_id"],
                    **forms[row["evaluation_id"]],
                    check_id=meta["check_id"],
                    category=meta["category"],
                    severity=meta["severity"],
                    location=render(templates["location"], row),
                    stated=format_number(row[value_columns["stated"]]) if value_columns["stated"] else "",
                    expected=format_number(row[value_columns["expected"]]) if value_columns["expected"] else "",
                    message=render(templates["message"], row),
                    cell=render(templates["cell"], row),
                )
            )
    return findings


def findings_from_warnings(evaluations: Sequence[Evaluation], forms: pd.DataFrame) -> list[Finding]:
    """Everything the parser could not place is a `completeness` finding; the raw text is the evidence.

    `forms` is the `evaluations` frame: the finding names its form exactly as the failures' findings do."""
    fields = form_fields(forms)
    findings = []
    for evaluation in evaluations:
        for warning in evaluation.warnings or ():
            findings.append(
                Finding(
                    evaluation_id=evaluation.evaluation_id,
                    **fields[evaluation.evaluation_id],
                    check_id=f"completeness.parse.{warning.code or 'unknown'}",
                    category="completeness",
                    severity="warning",
                    location=format_number(warning.location) or "原文",
                    stated=format_number(warning.raw),
                    message=format_number(warning.message),
                    cell="raw",
                )
            )
    return findings


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """File order, then form, then the most serious first."""
    return sorted(
        findings,
        key=lambda f: (
            f.source_file,
            f.form_index or 0,
            SEVERITY_ORDER.get(f.severity, 9),
            CATEGORY_ORDER.get(f.category, 99),
            f.check_id,
            f.location,
        ),
    )


def _whole(value: Any) -> int | None:
    """A year or form index as a whole number; None where the frame has none (NaN, <NA>)."""
    return None if pd.isna(value) else int(value)
