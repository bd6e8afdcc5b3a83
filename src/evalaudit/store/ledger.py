"""The run and file ledger: a run begins and ends, plans what to read, saves each batch in one transaction."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

import pandas as pd
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)

from evalaudit.decisions import DISMISSED
from evalaudit.facts.money import form_budget
from evalaudit.inbox import (
    AUDITED,
    CHECK_FAILED,
    UNPARSEABLE,
    UNREADABLE,
    Inbox,
    SubmittedFile,
    access_key,
    suffix,
)
from evalaudit.model import Evaluation, Finding
from evalaudit.pipeline import FileOutcome, one_per_content
from evalaudit.resubmission import FIXED, NEW, compare, form_key
from evalaudit.store.decisions import decided_findings
from evalaudit.store.rows import file_row, finding_from_row, finding_row, put_file, stored_findings
from evalaudit.store.schema import evaluations, files, findings, now, runs, texts
from evalaudit.store.signs import save_signs
from evalaudit.store.types import bytewise
from evalaudit.text.index import COLUMNS as TEXT_COLUMNS


class RunLedger:
    """Runs and the files they saw: what a night must read, and each batch it read, in one transaction."""

    engine: Engine
    ensure_intact: Callable[[], None]  # Store's: the SQLite file is still the one opened

    # runs ---------------------------------------------------------------------------------------------------

    def begin_run(self, run_id: str, inbox: str, flow_run_id: str | None = None) -> list[str]:
        """Record a new run; runs left `running` by a killed process become `interrupted` (returned). Call with
        the run lease held (`Store.take_lease`): a `running` row is then never a live run's."""
        with self.engine.begin() as connection:
            stale = list(connection.execute(select(runs.c.run_id).where(runs.c.status == "running")).scalars())
            if stale:
                connection.execute(
                    update(runs).where(runs.c.run_id.in_(stale)).values(status="interrupted", finished_at=now())
                )
            connection.execute(
                insert(runs).values(
                    run_id=run_id, started_at=now(), status="running", inbox=inbox, flow_run_id=flow_run_id
                )
            )
        return stale

    def finish_run(self, run_id: str, status: str, **counts) -> None:
        if status == "completed":
            self.ensure_intact()
        with self.engine.begin() as connection:
            connection.execute(
                update(runs).where(runs.c.run_id == run_id).values(status=status, finished_at=now(), **counts)
            )

    def run_of_flow_run(self, flow_run_id: str) -> dict | None:
        """The store's run a Prefect flow run started, if it got that far."""
        with self.engine.connect() as connection:
            row = connection.execute(select(runs).where(runs.c.flow_run_id == flow_run_id)).mappings().first()
        return dict(row) if row else None

    def last_completed_run(self, before: str | None = None) -> dict | None:
        """The latest completed run (started before run `before`, when given)."""
        query = select(runs).where(runs.c.status == "completed")
        if before is not None:
            started = select(runs.c.started_at).where(runs.c.run_id == before).scalar_subquery()
            query = query.where(runs.c.started_at <= started, runs.c.run_id != before)
        with self.engine.connect() as connection:
            row = connection.execute(query.order_by(runs.c.started_at.desc()).limit(1)).mappings().first()
        return dict(row) if row else None

    def runs_not_completed_since(self, since: str | None, before: str) -> list[dict]:
        """Runs started after `since` (a timestamp; None = ever) and before run `before` that did not complete:
        the failures and interruptions a recovery notice lists."""
        started = select(runs.c.started_at).where(runs.c.run_id == before).scalar_subquery()
        query = select(runs).where(runs.c.status != "completed", runs.c.run_id != before, runs.c.started_at <= started)
        if since is not None:
            query = query.where(runs.c.started_at > since)
        with self.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query.order_by(runs.c.started_at)).mappings()]

    def run(self, run_id: str) -> dict:
        with self.engine.connect() as connection:
            row = connection.execute(select(runs).where(runs.c.run_id == run_id)).mappings().one()
        return dict(row)

    # files ----------------------------------------------------------------------------------------------------

    def plan(self, run_id: str, inbox: Inbox) -> list[SubmittedFile]:
        """Mark the entries already recorded as seen by this run; return the files to audit, one per content.

        A known file (same name, same content) is not read again, unless its checks failed (it is retried
        every run). New content is audited once even when it sits under several names; a known content under
        a new name with the same suffix is recorded with its earlier outcome. Entries that cannot be read are
        recorded by name and reason (`inbox.access_key`), never by content.
        """
        self.ensure_intact()
        with self.engine.begin() as connection:
            status = {
                (row.name, row.sha256): row.status
                for row in connection.execute(select(files.c.name, files.c.sha256, files.c.status))
            }
            earlier_by_content = {
                (row.sha256, suffix(row.name)): row
                for row in connection.execute(
                    select(files.c.name, files.c.sha256, files.c.status, files.c.reason, files.c.audited_run).where(
                        files.c.status.in_((AUDITED, UNREADABLE, UNPARSEABLE))
                    )
                )
            }
            known = {key for key, value in status.items() if value != CHECK_FAILED}
            for problem in inbox.problems:
                row = {
                    "name": problem.source_file,
                    "sha256": access_key(problem.source_file, problem.reason),
                    "size": 0,
                    "status": problem.status,
                    "reason": problem.reason,
                }
                if (row["name"], row["sha256"]) not in status:
                    connection.execute(
                        insert(files).values(**row, audited_run=run_id, first_seen_run=run_id, last_seen_run=run_id)
                    )
                    status[(row["name"], row["sha256"])] = problem.status
            seen = [{"seen_name": f.name, "seen_sha": f.sha256} for f in inbox.files if (f.name, f.sha256) in known]
            seen += [
                {"seen_name": p.source_file, "seen_sha": access_key(p.source_file, p.reason)} for p in inbox.problems
            ]
            if seen:
                connection.execute(
                    update(files)
                    .where(files.c.name == bindparam("seen_name"), files.c.sha256 == bindparam("seen_sha"))
                    .values(last_seen_run=run_id),
                    seen,
                )
            todo: list[SubmittedFile] = []
            for file in one_per_content([f for f in inbox.files if (f.name, f.sha256) not in known]):
                earlier = earlier_by_content.get((file.sha256, suffix(file.name)))
                if earlier is None:
                    todo.append(file)
                    continue
                for name in file.names:
                    connection.execute(
                        insert(files).values(
                            **file_row(file, run_id, earlier.status, earlier.reason, name=name),
                            audited_run=earlier.audited_run,
                        )
                    )
        return todo

    # audited batches --------------------------------------------------------------------------------------

    def save_batch(
        self,
        run_id: str,
        outcomes: Sequence[FileOutcome],
        batch_findings: Sequence[Finding],
        computed_totals: dict[str, float],
        exec_rates: dict[str, float],
        batch_texts: pd.DataFrame | None,
    ) -> None:
        """Record a batch of files with their evaluations, findings (compared with each form's previous
        submission) and texts — all or nothing."""
        self.ensure_intact()
        by_evaluation: dict[str, list[Finding]] = defaultdict(list)
        for finding in batch_findings:
            by_evaluation[finding.evaluation_id].append(finding)
        saved: set[str] = set()
        with self.engine.begin() as connection:
            for outcome in outcomes:
                for name in outcome.file.names:
                    put_file(connection, file_row(outcome.file, run_id, outcome.status, outcome.reason, name=name))
                if (
                    outcome.forms
                    and connection.execute(
                        select(func.count()).select_from(evaluations).where(evaluations.c.sha256 == outcome.file.sha256)
                    ).scalar_one()
                ):
                    continue  # this content was audited before (under another name): its forms are stored
                for evaluation in outcome.evaluations:
                    saved.add(evaluation.evaluation_id)
                    self._save_evaluation(
                        connection,
                        run_id,
                        evaluation,
                        by_evaluation.get(evaluation.evaluation_id, []),
                        computed_totals.get(evaluation.evaluation_id),
                        exec_rates.get(evaluation.evaluation_id),
                    )
            if batch_texts is not None:
                batch_texts = batch_texts[batch_texts["evaluation_id"].isin(saved)]
            if batch_texts is not None and not batch_texts.empty:
                rows = batch_texts[list(TEXT_COLUMNS)].astype(object).where(batch_texts[list(TEXT_COLUMNS)].notna())
                connection.execute(insert(texts), rows.to_dict("records"))
                save_signs(connection, batch_texts[list(TEXT_COLUMNS)])  # what later nights look these up by

    def _save_evaluation(
        self,
        connection: Connection,
        run_id: str,
        evaluation: Evaluation,
        current: list[Finding],
        computed_total: float | None,
        exec_rate: float | None,
    ) -> None:
        key = form_key(evaluation)
        previous_id = connection.execute(
            select(evaluations.c.evaluation_id)
            .where(evaluations.c.form_key == key, evaluations.c.sha256 != evaluation.source_sha256)
            .order_by(bytewise(evaluations.c.run_id).desc(), bytewise(evaluations.c.evaluation_id).desc())
            .limit(1)
        ).scalar()
        # what a reviewer dismissed on the previous submission was no open problem: it is neither fixed when it goes
        # nor still open when it stays (its value changed, it is new to the unit; unchanged, still dismissed)
        previous = stored_findings(connection, [previous_id]) if previous_id else []
        previous = [f for f in decided_findings(connection, previous) if f.decision != DISMISSED]
        changes, fixed = compare(previous, current)
        connection.execute(
            insert(evaluations).values(
                evaluation_id=evaluation.evaluation_id,
                sha256=evaluation.source_sha256,
                run_id=run_id,
                form_key=key,
                previous_evaluation_id=previous_id,
                source_file=evaluation.source_file,
                form_index=evaluation.form_index,
                unit=evaluation.unit,
                year=evaluation.year,
                form_type=evaluation.form_type,
                computed_total=computed_total,
                exec_rate=exec_rate,
                budget=form_budget(evaluation),
                data=evaluation.to_dict(),
            )
        )
        rows = [finding_row(f, run_id, change) for f, change in zip(current, changes, strict=True)]
        rows += [finding_row(f, run_id, FIXED, evaluation_id=evaluation.evaluation_id) for f in fixed]
        if rows:
            connection.execute(insert(findings), rows)

    def run_counts(self, run_id: str) -> dict[str, int]:
        """What a run added: files read, and its findings by change (one per cause the unit must fix and no
        reviewer dismissed, as the summary counts them)."""
        with self.engine.connect() as connection:
            audited = connection.execute(
                select(func.count())
                .select_from(files)
                .where(files.c.audited_run == run_id, files.c.first_seen_run == run_id)
            ).scalar_one()
            added = [
                finding_from_row(row)
                for row in connection.execute(
                    select(findings).where(
                        findings.c.run_id == run_id, findings.c.caused_by == "", findings.c.audience == "unit"
                    )
                ).mappings()
            ]
            changes = Counter(f.change for f in decided_findings(connection, added) if f.for_unit)
        return {
            "files_audited": audited,
            "findings_new": changes.get(NEW, 0),
            "findings_fixed": changes.get(FIXED, 0),
        }

    def count(self, table: Table, *where) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
