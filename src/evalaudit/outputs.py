"""Output files of a run (DESIGN.md §5), written atomically: a crash never leaves a half-written file
that the next run or a reviewer's spreadsheet would trust."""

from __future__ import annotations

import csv
import io
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
    target: Path,
    write,
    encoding: str | None = "utf-8",
    newline: str | None = None,
    binary: bool = False,
    sync: bool = True,
) -> None:
    """`write(handle)` fills a temporary file that replaces `target` only once complete.

    `sync=False` leaves the flush to the caller: a report folder is flushed once as a whole (`report.pages.flush`)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    try:
        opened = temporary.open("wb") if binary else temporary.open("w", encoding=encoding, newline=newline)
        with opened as handle:
            write(handle)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_jsonl(rows: Iterable[dict], target: Path, sync: bool = True) -> None:
    def write(handle) -> None:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")

    write_atomically(target, write, sync=sync)


def spreadsheet_cell(value: object) -> object:
    """A cell Excel shows as text, never runs: submitted text starting like a formula gets a leading '.
    Plain numbers (-3, -0.5, +2%) stay as they are so Excel still reads them as numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def write_findings_csv(findings: Iterable[Finding], target: Path, sync: bool = True) -> None:
    """UTF-8 with BOM so Excel opens the Chinese text correctly; exactly the contract columns. Every cell
    goes through `spreadsheet_cell` (findings.jsonl keeps the text as submitted)."""

    write_atomically(
        target, lambda handle: _write_findings(handle, findings), encoding="utf-8-sig", newline="", sync=sync
    )


def findings_csv_bytes(findings: Iterable[Finding]) -> bytes:
    """The bytes `write_findings_csv` writes (BOM, the contract columns, cells made safe): an email's attachment."""
    buffer = io.StringIO(newline="")
    _write_findings(buffer, findings)
    return buffer.getvalue().encode("utf-8-sig")


def _write_findings(handle, findings: Iterable[Finding]) -> None:
    writer = csv.DictWriter(handle, fieldnames=FINDING_COLUMNS)
    writer.writeheader()
    for finding in findings:
        writer.writerow({key: spreadsheet_cell(value) for key, value in finding.to_row().items()})


def write_run_outputs(
    out: Path, findings: list[Finding], evaluations: Iterable[Evaluation] | None, sync: bool = True
) -> dict[str, Path]:
    """findings.csv, findings.jsonl and evaluations.jsonl in `out`, each streamed row by row; returns their paths.

    `evaluations=None` leaves evaluations.jsonl to the report (`EvaluationLines`), which writes it as it decodes
    the forms it renders and copies the other lines from the previous run's file."""
    paths = {
        "findings.csv": out / "findings.csv",
        "findings.jsonl": out / "findings.jsonl",
        "evaluations.jsonl": out / "evaluations.jsonl",
    }
    if evaluations is not None:
        write_jsonl((evaluation.to_dict() for evaluation in evaluations), paths["evaluations.jsonl"], sync=sync)
    write_jsonl((finding.to_row() for finding in findings), paths["findings.jsonl"], sync=sync)
    write_findings_csv(findings, paths["findings.csv"], sync=sync)
    return paths


class EvaluationLines:
    """evaluations.jsonl assembled form by form, in order, without holding the forms: a decoded form is
    written as JSON, an unchanged one taken byte for byte from the previous run's file (`copy`). Each call
    returns where its line is (offset, length), for the next run to take it in turn.

    Runs of lines that follow each other in the previous file are copied in one `copy_file_range` (in the
    kernel; shared extents on filesystems that can); when every line is the previous file's, in its order, the
    file is a hard link to it instead of a copy."""

    def __init__(self, target: Path, previous: Path | None) -> None:
        self.target = target
        self._out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        self._previous_path = previous
        self._previous: int | None = None
        if previous is not None:
            try:
                self._previous = os.open(previous, os.O_RDONLY)
                self._previous_size = os.fstat(self._previous).st_size
            except OSError:
                self._previous = None
        self._offset = 0
        self._pending: tuple[int, int] | None = None  # a run of the previous file's bytes not yet copied
        self._written = False

    @property
    def can_copy(self) -> bool:
        return self._previous is not None

    def write(self, evaluation: Evaluation) -> tuple[int, int]:
        self._copy_pending()
        line = (json.dumps(evaluation.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
        view = memoryview(line)
        while view:
            view = view[os.write(self._out, view) :]
        self._written = True
        return self._advance(len(line))

    def copy(self, offset: int, length: int) -> tuple[int, int] | None:
        """The previous file's line at `offset`; None when it is not there any more (the caller decodes)."""
        if self._previous is None or offset < 0 or length <= 0 or offset + length > self._previous_size:
            return None
        if os.pread(self._previous, 1, offset + length - 1) != b"\n":
            return None
        if self._pending is not None and self._pending[0] + self._pending[1] == offset:
            self._pending = (self._pending[0], self._pending[1] + length)
        else:
            self._copy_pending()
            self._pending = (offset, length)
        return self._advance(length)

    def _advance(self, length: int) -> tuple[int, int]:
        where = (self._offset, length)
        self._offset += length
        return where

    def _copy_pending(self) -> None:
        if self._pending is None:
            return
        offset, length = self._pending
        assert self._previous is not None  # only `copy` makes a pending run, from the previous file
        self._pending = None
        self._written = True
        while length > 0:
            try:
                done = os.copy_file_range(self._previous, self._out, length, offset)
            except OSError:
                done = os.write(self._out, os.pread(self._previous, min(length, 1 << 20), offset))
            if done <= 0:
                raise OSError(f"evaluations.jsonl: could not copy from {self._previous_path}")
            offset, length = offset + done, length - done

    def close(self) -> None:
        """Finish the file: the previous one linked when this one would be the same bytes, else the last copy."""
        whole = not self._written and self._pending == (0, getattr(self, "_previous_size", -1))
        try:
            if whole:
                assert self._previous_path is not None  # a pending run of its whole size: it was read
                os.close(self._out)
                self._out = -1
                temporary = self.target.with_name(f".{self.target.name}.link")
                temporary.unlink(missing_ok=True)
                try:
                    os.link(self._previous_path, temporary)
                    os.replace(temporary, self.target)
                    return
                except OSError:
                    self._out = os.open(self.target, os.O_WRONLY | os.O_TRUNC)
            self._copy_pending()
        finally:
            if self._out >= 0:
                os.close(self._out)
            if self._previous is not None:
                os.close(self._previous)
