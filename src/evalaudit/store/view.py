"""What the store says the inbox holds now: the snapshot a report shows, the texts new forms are compared with."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

import pandas as pd
from sqlalchemy import (
    Engine,
    select,
)

from evalaudit.decisions import form_decision_key
from evalaudit.inbox import (
    AUDITED,
    FileProblem,
)
from evalaudit.model import Evaluation, Finding, evaluation_from_dict
from evalaudit.pipeline import Snapshot
from evalaudit.report.listing import FormEntry, Listing
from evalaudit.store.decisions import decided_findings, latest
from evalaudit.store.rows import chunks, stored_findings
from evalaudit.store.schema import evaluations, files, texts
from evalaudit.store.signs import StoreHistory, in_history_order
from evalaudit.store.types import bytewise


class InboxView:
    """The store's view of the inbox: every current form with its open and fixed findings; the text history."""

    engine: Engine

    # reading back -----------------------------------------------------------------------------------------

    def history_texts(self, exclude_form_keys: Iterable[str] = ()) -> pd.DataFrame:
        """Texts of every form audited before, except earlier submissions of the forms being audited now
        (a resubmission repeats its own words and is not a copy) — all of them, in the history's order: the full
        recompute, which a night's `text_history` must agree with."""
        excluded = set(exclude_form_keys)
        with self.engine.connect() as connection:
            frame = pd.read_sql(
                select(texts, evaluations.c.form_key, evaluations.c.run_id).join(
                    evaluations, evaluations.c.evaluation_id == texts.c.evaluation_id
                ),
                connection,
            )
        return in_history_order(frame[~frame["form_key"].isin(excluded)].drop(columns="form_key"))

    def text_history(self, exclude_form_keys: Iterable[str] = ()) -> StoreHistory:
        """The same history as `history_texts`, asked by key: a night reads only the rows its texts can meet
        and the counts for their norms (`store.signs`), not every text ever stored."""
        return StoreHistory(self.engine, exclude_form_keys)

    def current_listing(self, run_id: str) -> Listing:
        """The submissions present in the inbox at `run_id`, as the report lists them: one entry per form from
        the evaluations' columns (no form is decoded), their open and fixed findings, the file problems.
        `Listing.load` decodes chosen forms, with the names their content has in the inbox now."""
        with self.engine.connect() as connection:
            present = connection.execute(
                select(files.c.name, files.c.sha256, files.c.status, files.c.reason)
                .where(files.c.last_seen_run == run_id)
                .order_by(bytewise(files.c.name))
            ).all()
            rows = connection.execute(
                select(*[column for column in evaluations.c if column.name != "data"])
                .where(
                    evaluations.c.sha256.in_(
                        select(files.c.sha256).where(files.c.last_seen_run == run_id, files.c.status == AUDITED)
                    )
                )
                .order_by(bytewise(evaluations.c.source_file), evaluations.c.form_index)
            ).all()
            ids = [row.evaluation_id for row in rows]
            current: list[Finding] = []
            fixed: list[Finding] = []
            for chunk in chunks(ids, 500):
                current += stored_findings(connection, chunk)
                fixed += stored_findings(connection, chunk, fixed=True)
            current, fixed = decided_findings(connection, current), decided_findings(connection, fixed)
            on_forms = latest(connection, [form_decision_key(i) for i in ids])
        names = defaultdict(list)  # content -> its names in the inbox now (a renamed file shows its new name)
        for entry in present:
            if entry.status == AUDITED:
                names[entry.sha256].append(entry.name)
        forms = []
        for row in rows:
            here = names[row.sha256]
            first = row.source_file if row.source_file in here else here[0]
            forms.append(
                FormEntry(
                    evaluation_id=row.evaluation_id,
                    source_file=first,
                    form_index=row.form_index,
                    form_type=row.form_type,
                    unit=row.unit,
                    year=row.year,
                    computed_total=row.computed_total,
                    exec_rate=row.exec_rate,
                    version=row.run_id,
                    audited_run=row.run_id,
                    also_submitted_as=[name for name in here if name != first],
                    previous_evaluation_id=row.previous_evaluation_id,
                    budget=row.budget,
                )
            )
            decided = on_forms.get(form_decision_key(row.evaluation_id))
            if decided is not None:
                forms[-1].decision, forms[-1].decision_note = decided.verdict, decided.note
        source = {form.evaluation_id: form for form in forms}
        for finding in current + fixed:
            form = source.get(finding.evaluation_id)
            finding.source_file = form.source_file if form else finding.source_file
        return Listing(
            run_id=run_id,
            files=len(present),
            evaluations=forms,
            findings=current,
            fixed=fixed,
            problems=[FileProblem(f.name, f.status, f.reason) for f in present if f.status != AUDITED],
            audited_this_run={row.evaluation_id for row in rows if row.run_id == run_id},
            load=lambda wanted: self.load_evaluations(wanted, source),
        )

    def load_evaluations(self, ids: Sequence[str], entries: dict[str, FormEntry]) -> list[Evaluation]:
        """The stored forms `ids`, decoded, in that order, under the names `entries` give them now."""
        decoded: dict[str, Evaluation] = {}
        with self.engine.connect() as connection:
            for chunk in chunks(list(ids), 500):
                query = select(evaluations.c.evaluation_id, evaluations.c.data).where(
                    evaluations.c.evaluation_id.in_(chunk)
                )
                for row in connection.execute(query):
                    evaluation = evaluation_from_dict(row.data)  # JsonDocument: a dict on SQLite and PostgreSQL
                    entry = entries[row.evaluation_id]
                    evaluation.source_file, evaluation.also_submitted_as = (
                        entry.source_file,
                        list(entry.also_submitted_as),
                    )
                    decoded[row.evaluation_id] = evaluation
        return [decoded[i] for i in ids]

    def current_state(self, run_id: str) -> Snapshot:
        """The submissions present in the inbox at `run_id`, every form decoded (tests and small inboxes; the
        nightly report uses `current_listing`, which decodes only the forms whose pages change)."""
        listing = self.current_listing(run_id)
        return Snapshot(
            run_id=run_id,
            files=listing.files,
            evaluations=listing.load([entry.evaluation_id for entry in listing.evaluations]),
            findings=listing.findings,
            fixed=listing.fixed,
            problems=listing.problems,
            computed_totals={
                e.evaluation_id: e.computed_total for e in listing.evaluations if e.computed_total is not None
            },
            exec_rates={e.evaluation_id: e.exec_rate for e in listing.evaluations if e.exec_rate is not None},
            audited_this_run=listing.audited_this_run,
        )
