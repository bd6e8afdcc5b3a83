"""The outbox: what no alert has reported yet, alerts queued with what they report, and their delivery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Engine,
    insert,
    select,
    update,
)

from evalaudit.inbox import (
    AUDITED,
    FileProblem,
)
from evalaudit.model import Finding
from evalaudit.resubmission import FIXED, NEW
from evalaudit.store.decisions import decided_findings
from evalaudit.store.rows import chunks, finding_from_row
from evalaudit.store.schema import FAILED, OPERATOR, PENDING, SENDING, SENT, alerts, files, findings, now
from evalaudit.store.types import bytewise


@dataclass
class PendingAlert:
    id: int
    kind: str
    unit: str
    recipient: str
    subject: str
    body: str
    attachment_name: str | None
    attachment: bytes | None
    attempts: int
    status: str = PENDING  # SENDING: a run stopped while handing it over; it may have reached the unit
    attachments: list[dict] | None = None  # [{"name", "type", "data": base64}] (step 5); None on older rows


class Outbox:
    """Alerts queued, sent or failed; findings and problem files marked with the alert that reported them."""

    engine: Engine

    # alerts ---------------------------------------------------------------------------------------------

    def unalerted(self, fixed: bool = False) -> tuple[list[tuple[int, Finding]], list[FileProblem]]:
        """New errors and warnings no email has reported yet (and, with `fixed`, the fixes no email has named),
        and problem files no digest has listed."""
        changes = (NEW, FIXED) if fixed else (NEW,)
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(findings)
                .where(
                    findings.c.alert_id.is_(None),
                    findings.c.change.in_(changes),
                    findings.c.severity.in_(("error", "warning")),
                )
                .order_by(findings.c.id)
            ).mappings()
            found = [(row["id"], finding_from_row(row)) for row in rows]
            found = list(zip([i for i, _ in found], decided_findings(connection, [f for _, f in found]), strict=True))
            problems = [
                FileProblem(row.name, row.status, row.reason)
                for row in connection.execute(
                    select(files.c.name, files.c.status, files.c.reason)
                    .where(files.c.status != AUDITED, files.c.alert_id.is_(None))
                    .order_by(bytewise(files.c.name))
                )
            ]
        return found, problems

    def queue_alerts(self, run_id: str, queued: Sequence[tuple[dict, list[int], list[str]]]) -> list[int]:
        """Insert the composed alerts and mark what each one reports, in one transaction.

        `queued` holds (alert fields, finding ids, problem file names) per alert.
        """
        ids = []
        with self.engine.begin() as connection:
            for fields, finding_ids, file_names in queued:
                key = connection.execute(
                    insert(alerts).values(run_id=run_id, status=PENDING, attempts=0, created_at=now(), **fields)
                ).inserted_primary_key
                assert key is not None  # an INSERT's result has it
                alert_id = key[0]
                ids.append(alert_id)
                for chunk in chunks(finding_ids, 500):
                    connection.execute(update(findings).where(findings.c.id.in_(chunk)).values(alert_id=alert_id))
                for chunk in chunks(file_names, 500):
                    connection.execute(
                        update(files)
                        .where(files.c.name.in_(chunk), files.c.status != AUDITED, files.c.alert_id.is_(None))
                        .values(alert_id=alert_id)
                    )
        return ids

    def queue_notice(self, run_id: str, key: str, recipient: str, subject: str, body: str) -> int | None:
        """An operator notice, queued once per `key` (a failed run, a missed night): None when it already was."""
        with self.engine.begin() as connection:
            exists = connection.execute(
                select(alerts.c.id).where(alerts.c.kind == OPERATOR, alerts.c.unit == key).limit(1)
            ).first()
            if exists:
                return None
            inserted = connection.execute(
                insert(alerts).values(
                    run_id=run_id,
                    kind=OPERATOR,
                    unit=key,
                    recipient=recipient,
                    subject=subject,
                    body=body,
                    status=PENDING,
                    attempts=0,
                    created_at=now(),
                )
            ).inserted_primary_key
            assert inserted is not None  # an INSERT's result has it
            return inserted[0]

    def pending_alerts(self, kinds: Sequence[str] | None = None) -> list[PendingAlert]:
        """The outbox, oldest first: neither sent nor given up on, including those a stopped run was handing to
        the server (`SENDING`): they are sent again under the same Message-ID, so a copy that did arrive is
        the same message to the unit's mail client. `kinds`: only those (the operator's notices, sent at once)."""
        with self.engine.connect() as connection:
            query = select(alerts).where(alerts.c.status.in_((PENDING, SENDING))).order_by(alerts.c.id)
            if kinds is not None:
                query = query.where(alerts.c.kind.in_(list(kinds)))
            rows = connection.execute(query).mappings()
            return [PendingAlert(**{key: row[key] for key in PendingAlert.__dataclass_fields__}) for row in rows]

    def undelivered(self, kinds: Sequence[str] = ("unit",)) -> list[dict]:
        """Alerts still waiting after an attempt, with the server's reason (readable Chinese): for the digest."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(alerts.c.id, alerts.c.unit, alerts.c.recipient, alerts.c.attempts, alerts.c.last_error)
                .where(
                    alerts.c.status.in_((PENDING, SENDING)),
                    alerts.c.kind.in_(list(kinds)),
                    alerts.c.attempts > 0,
                )
                .order_by(alerts.c.id)
            ).mappings()
            return [dict(row) for row in rows]

    def alert_status(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Each alert's status and last error."""
        found: dict[int, tuple[str, str]] = {}
        with self.engine.connect() as connection:
            for chunk in chunks(list(ids), 500):
                query = select(alerts.c.id, alerts.c.status, alerts.c.last_error).where(alerts.c.id.in_(chunk))
                for row in connection.execute(query):
                    found[row.id] = (row.status, row.last_error or "")
        return found

    def mark_sent(self, alert_id: int, recipient: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                update(alerts)
                .where(alerts.c.id == alert_id)
                .values(
                    status=SENT, sent_at=now(), recipient=recipient, attempts=alerts.c.attempts + 1, last_error=None
                )
            )

    def mark_sending(self, alert_id: int) -> None:
        """Committed before the message goes to the server: a crash before `mark_sent` is then visible."""
        with self.engine.begin() as connection:
            connection.execute(update(alerts).where(alerts.c.id == alert_id).values(status=SENDING))

    def mark_failed(self, alert_id: int, error: str) -> None:
        """An attempt that may succeed later (server down, recipient refused): the alert stays pending."""
        with self.engine.begin() as connection:
            connection.execute(
                update(alerts)
                .where(alerts.c.id == alert_id)
                .values(status=PENDING, attempts=alerts.c.attempts + 1, last_error=error)
            )

    def mark_undeliverable(self, alert_id: int, error: str) -> None:
        """An alert that can never be sent as it is (its message cannot be built): out of the outbox for good,
        with the reason, so it no longer holds back or repeats on every run."""
        with self.engine.begin() as connection:
            connection.execute(
                update(alerts)
                .where(alerts.c.id == alert_id)
                .values(status=FAILED, attempts=alerts.c.attempts + 1, last_error=error)
            )
