"""Output files of a run (DESIGN.md §5), written atomically: a crash never leaves a half-written file
that the next run or a reviewer's spreadsheet would trust."""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path

from evalaudit.model import FINDING_COLUMNS, Evaluation, Finding

# What Excel (and LibreOffice) read as the start of a formula when a CSV cell begins with it (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?")


def write_atomically(
    target: Path, write, encoding: str | None = "utf-8", newline: str | None = None, binary: bool = False
) -> None:
    """`write(handle)` fills a temporary file that replaces `target` only once complete."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        opened = temporary.open("wb") if binary else temporary.open("w", encoding=encoding, newline=newline)
        with opened as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_jsonl(rows: Iterable[dict], target: Path) -> None:
    def write(handle) -> None:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    write_atomically(target, write)


def spreadsheet_cell(value: object) -> object:
    """A cell Excel shows as text, never runs: submitted text starting like a formula gets a leading '.
    Plain numbers (-3, -0.5, +2%) stay as they are so Excel still reads them as numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_findings_csv(findings: Iterable[Finding], target: Path) -> None:
    """UTF-8 with BOM so Excel opens the Chinese text correctly; exactly the contract columns. Every cell
    goes through `spreadsheet_cell` (findings.jsonl keeps the text as submitted)."""

    def write(handle) -> None:
        writer = csv.DictWriter(handle, fieldnames=FINDING_COLUMNS)
        writer.writeheader()
        for finding in findings:
            writer.writerow({key: spreadsheet_cell(value) for key, value in finding.to_row().items()})

    write_atomically(target, write, encoding="utf-8-sig", newline="")


def write_run_outputs(out: Path, findings: list[Finding], evaluations: list[Evaluation]) -> dict[str, Path]:
    """findings.csv, findings.jsonl and evaluations.jsonl in `out`; returns their paths by name."""
    paths = {
        "findings.csv": out / "findings.csv",
        "findings.jsonl": out / "findings.jsonl",
        "evaluations.jsonl": out / "evaluations.jsonl",
    }
    write_jsonl((evaluation.to_dict() for evaluation in evaluations), paths["evaluations.jsonl"])
    write_jsonl((finding.to_row() for finding in findings), paths["findings.jsonl"])
    write_findings_csv(findings, paths["findings.csv"])
    return paths
