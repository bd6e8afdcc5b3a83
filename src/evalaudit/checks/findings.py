"""Findings from validation failures and parse warnings, in the shape of DESIGN.md §4.

Each expectation's `meta` carries templates (`location`, `message`, `cell`) whose `{fields}` name columns
of the failing row, and `stated` / `expected` naming the columns that hold those values.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import pandas as pd

from evalaudit.checks.causes import conditions, pending
from evalaudit.checks.suites import PRECISION_COLUMNS, Failure
from evalaudit.display import format_number
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Evaluation, Finding
from evalaudit.parse.vocab import PARSE_NOTES_FOR_UNITS

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
    by_form = frames["evaluations"].set_index("evaluation_id")
    shown = {  # the precision of each kind of number on each form (`meta.precision`, points by default)
        kind: by_form[column].to_dict() if column in by_form else {} for kind, column in PRECISION_COLUMNS.items()
    }
    findings: list[Finding] = []
    for failure in failures:
        meta = failure.meta
        precision = meta.get("precision", "points")
        templates = {key: meta.get(key, "") for key in ("location", "message", "cell")}
        value_columns = {key: meta.get(key) for key in ("stated", "expected")}
        needed = {"evaluation_id"} | {c for c in value_columns.values() if c}
        needed |= conditions(meta)
        for template in templates.values():
            needed |= template_fields(template)
        frame = frames[failure.frame]
        missing = needed - set(frame.columns)
        if missing:
            raise KeyError(f"{failure.frame}: {meta['check_id']} refers to unknown columns {sorted(missing)}")
        rows = frame.iloc[failure.rows][sorted(needed)].to_dict("records")
        for row in rows:
            stated = format_number(row[value_columns["stated"]]) if value_columns["stated"] else ""
            expected = format_number(row[value_columns["expected"]]) if value_columns["expected"] else ""
            findings.append(
                Finding(
                    evaluation_id=row["evaluation_id"],
                    **forms[row["evaluation_id"]],
                    check_id=meta["check_id"],
                    category=meta["category"],
                    severity=meta["severity"],
                    location=render(templates["location"], row),
                    stated=stated,
                    expected=as_shown(expected, stated, shown[precision].get(row["evaluation_id"], 0)),
                    message=render(templates["message"], row),
                    cell=render(templates["cell"], row),
                    caused_by=pending(meta, row),
                    audience=meta.get("audience", "unit"),
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
                    audience="unit" if warning.code in PARSE_NOTES_FOR_UNITS else "reviewer",
                )
            )
    return findings


_NUMBER = re.compile(r"^-?\d+(?:\.(\d+))?(%?)$")


def as_shown(expected: str, stated: str, form_decimals: int = 0) -> str:
    """An expected number written to the precision the form shows: as many decimals as its most precise number
    (`form_decimals`), at least as many as the stated value has (81.8605 on a form with 52.8 → 81.9%; 14.0769 →
    14.1), one more only where rounding would move it by more than 0.05 (9.5 on a form of whole numbers stays
    9.5: rounded to 10 it would be another wrong value); the exact figure stays in the message. Left as it is
    when either is not a plain number."""
    shown, computed = _NUMBER.match(stated.strip()), _NUMBER.match(expected.strip())
    if not shown or not computed or computed[2]:
        return expected
    decimals = max(len(shown[1] or ""), form_decimals)
    try:
        return _rounded(Decimal(expected.strip()), decimals, shown[0].rstrip("%")) + shown[2]
    except InvalidOperation:  # too many digits to round: as it is
        return expected


def _rounded(value: Decimal, decimals: int, stated: str) -> str:
    text = format_number(float(value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)))
    # never "15, 应为 15", and never rounded into another wrong value (8 of 9.5 points: 应为 9.5, not 10)
    while decimals < 4 and (Decimal(text) == Decimal(stated) or abs(Decimal(text) - value) > Decimal("0.05")):
        decimals += 1
        text = format_number(float(value.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)))
    return text


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
