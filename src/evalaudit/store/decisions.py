"""The reviewers' decisions as the store keeps them: appended, never changed; the latest on a key is in force."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Connection, Engine, insert, select

from evalaudit.decisions import Decision, finding_key, validated, with_decisions
from evalaudit.model import Finding
from evalaudit.store.rows import chunks
from evalaudit.store.schema import decisions, evaluations, now

_FIELDS = ("subject", "key", "verdict", "reason", "reviewer", "source", "decided_at", "evaluation_id", "unit",
           "check_id", "location", "stated")  # fmt: skip


class DecisionLog:
    """Recording decisions and reading back the ones in force."""

    engine: Engine

    def decide(self, made: Sequence[Decision]) -> list[Decision]:
        """Record `made` in one transaction (all or none: DecisionError names the first that cannot be), each
        stamped now unless it carries its time; returns them as recorded."""
        stamped = [validated(d) for d in made]
        at = now()
        rows = [{field: getattr(d, field) for field in _FIELDS} | {"decided_at": d.decided_at or at} for d in stamped]
        with self.engine.begin() as connection:
            for chunk in chunks(rows, 500):
                connection.execute(insert(decisions), list(chunk))
        return [Decision(**row) for row in rows]

    def decisions_on(self, key: str) -> list[Decision]:
        """Every decision ever made on `key`, oldest first (the audit log of one finding or form)."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(decisions).where(decisions.c.key == key).order_by(decisions.c.id))
            return [Decision(**{field: row._mapping[field] for field in _FIELDS}) for row in rows]

    def in_force(self, keys: list[str]) -> dict[str, Decision]:
        """The decision in force on each of `keys` that has one."""
        with self.engine.connect() as connection:
            return latest(connection, keys)

    def decided(self, found: list[Finding]) -> list[Finding]:
        """`found` with the decision in force on each (`Finding.decision`, `decision_note`)."""
        with self.engine.connect() as connection:
            return decided_findings(connection, found)


def decided_findings(connection: Connection, found: list[Finding]) -> list[Finding]:
    """`found` with the decision in force on each, read on an open connection."""
    if not found:
        return found
    keys_of = form_keys(connection, {f.evaluation_id for f in found})
    keys = [finding_key(keys_of.get(f.evaluation_id, f"form:{f.evaluation_id}"), f) for f in found]
    return with_decisions(found, latest(connection, set(keys)), keys)


def form_keys(connection: Connection, ids: Iterable[str]) -> dict[str, str]:
    """Each stored form's identity across submissions."""
    keys: dict[str, str] = {}
    for chunk in chunks(sorted(ids), 500):
        query = select(evaluations.c.evaluation_id, evaluations.c.form_key).where(
            evaluations.c.evaluation_id.in_(chunk)
        )
        keys.update((row.evaluation_id, row.form_key) for row in connection.execute(query))
    return keys


def latest(connection: Connection, keys: Iterable[str]) -> dict[str, Decision]:
    """The decision in force on each of `keys` that has one."""
    found: dict[str, Decision] = {}
    for chunk in chunks(sorted(keys), 500):
        query = select(decisions).where(decisions.c.key.in_(chunk)).order_by(decisions.c.id)
        for row in connection.execute(query):
            found[row.key] = Decision(**{field: row._mapping[field] for field in _FIELDS})  # later ids win
    return found
