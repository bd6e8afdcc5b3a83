"""What the store says the inbox holds now: the snapshot a report shows, the texts new forms are compared with."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import (
    Engine,
    select,
)

from evalaudit.inbox import (
    AUDITED,
    FileProblem,
)
from evalaudit.model import Finding, evaluation_from_dict
from evalaudit.pipeline import Snapshot
from evalaudit.store.rows import chunks, stored_findings
from evalaudit.store.schema import evaluations, files, texts
from evalaudit.store.signs import StoreHistory, in_history_order


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

    def current_state(self, run_id: str) -> Snapshot:
        """The submissions present in the inbox at `run_id`, with their findings and file problems."""
        with self.engine.connect() as connection:
            present = connection.execute(
                select(files.c.name, files.c.sha256, files.c.status, files.c.reason)
                .where(files.c.last_seen_run == run_id)
                .order_by(files.c.name)
            ).all()
            rows = (
                connection.execute(
                    select(evaluations)
                    .where(
                        evaluations.c.sha256.in_(
                            select(files.c.sha256).where(files.c.last_seen_run == run_id, files.c.status == AUDITED)
                        )
                    )
                    .order_by(evaluations.c.source_file, evaluations.c.form_index)
                )
                .mappings()
                .all()
            )
            ids = [row["evaluation_id"] for row in rows]
            current: list[Finding] = []
            fixed: list[Finding] = []
            for chunk in chunks(ids, 500):
                current += stored_findings(connection, chunk)
                fixed += stored_findings(connection, chunk, fixed=True)
        names = defaultdict(list)  # content -> its names in the inbox now (a renamed file shows its new name)
        for entry in present:
            if entry.status == AUDITED:
                names[entry.sha256].append(entry.name)
        forms = [evaluation_from_dict(json.loads(row["data"])) for row in rows]
        source = {}
        for evaluation in forms:
            here = names[evaluation.source_sha256]
            first = evaluation.source_file if evaluation.source_file in here else here[0]
            evaluation.source_file = first
            evaluation.also_submitted_as = [name for name in here if name != first]
            source[evaluation.evaluation_id] = first
        for finding in current + fixed:
            finding.source_file = source.get(finding.evaluation_id, finding.source_file)
        return Snapshot(
            run_id=run_id,
            files=len(present),
            evaluations=forms,
            findings=current,
            fixed=fixed,
            problems=[FileProblem(f.name, f.status, f.reason) for f in present if f.status != AUDITED],
            computed_totals={r["evaluation_id"]: r["computed_total"] for r in rows if r["computed_total"] is not None},
            exec_rates={r["evaluation_id"]: r["exec_rate"] for r in rows if r["exec_rate"] is not None},
            audited_this_run={r["evaluation_id"] for r in rows if r["run_id"] == run_id},
        )
