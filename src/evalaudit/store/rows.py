"""Rows as the tables hold them, and back: files, findings; the findings stored for a set of forms."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import (
    Connection,
    insert,
    select,
    update,
)

from evalaudit.inbox import (
    SubmittedFile,
)
from evalaudit.model import FINDING_COLUMNS, Finding
from evalaudit.resubmission import FIXED
from evalaudit.store.schema import files, findings


def put_file(connection: Connection, row: dict) -> None:
    """Insert a file's row, or update it when this (name, content) was recorded before (a retried file):
    the digest's mark is kept while the outcome stays the same, so a file failing every night is reported once."""
    key = (files.c.name == row["name"]) & (files.c.sha256 == row["sha256"])
    earlier = connection.execute(select(files.c.status, files.c.reason).where(key)).first()
    if earlier is None:
        connection.execute(insert(files).values(**row, audited_run=row["last_seen_run"]))
        return
    unchanged = (earlier.status, earlier.reason) == (row["status"], row["reason"])
    values = {k: v for k, v in row.items() if k not in ("name", "sha256", "first_seen_run")}
    connection.execute(
        update(files)
        .where(key)
        .values(**values, audited_run=row["last_seen_run"], **({} if unchanged else {"alert_id": None}))
    )


def chunks(items: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def file_row(file: SubmittedFile, run_id: str, status: str, reason: str, name: str | None = None) -> dict:
    return {
        "name": name or file.name,
        "sha256": file.sha256,
        "size": file.size,
        "status": status,
        "reason": reason,
        "first_seen_run": run_id,
        "last_seen_run": run_id,
    }


def finding_row(finding: Finding, run_id: str, change: str, evaluation_id: str | None = None) -> dict:
    row = {column: getattr(finding, column) for column in FINDING_COLUMNS}
    row.update(
        run_id=run_id,
        evaluation_id=evaluation_id or finding.evaluation_id,
        cell=finding.cell,
        change=change,
        stated=finding.stated or "",
        expected=finding.expected or "",
        message=finding.message or "",
    )
    return row


def finding_from_row(row) -> Finding:
    return Finding(
        **{column: row[column] for column in FINDING_COLUMNS if column != "run_id"},
        cell=row["cell"],
        run_id=row["run_id"],
        change=row["change"],
    )


def stored_findings(connection: Connection, evaluation_ids: Iterable[str], fixed: bool = False) -> list[Finding]:
    query = select(findings).where(findings.c.evaluation_id.in_(list(evaluation_ids)))
    query = query.where(findings.c.change == FIXED) if fixed else query.where(findings.c.change != FIXED)
    return [finding_from_row(row) for row in connection.execute(query.order_by(findings.c.id)).mappings()]
