"""What a report is published from: one light entry per form, the findings, and a way to decode forms on demand.

The nightly report covers the whole inbox (100,000 forms and more), but a night renders only the pages that
changed. So the report is built from `FormEntry` rows (store columns, no form content) and decodes a form
(`Listing.load`) only when its page must be rendered, a few hundred at a time. A one-off audit holds its forms
in memory anyway; `listing_of` wraps its `Snapshot` the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from evalaudit.facts.money import form_budget
from evalaudit.inbox import FileProblem
from evalaudit.model import Evaluation, Finding
from evalaudit.pipeline import AuditRun, Snapshot
from evalaudit.reading import FileOutcome


@dataclass
class FormEntry:
    """One form as the overview and the unit pages show it. `version` names the stored content (the run that
    stored the evaluation): an evaluation id's content never changes once stored, so id + version identify it.

    `project_name` and `stated_total` are in the form's content, not in a store column: None until the form is
    decoded or taken from the previous report's manifest (`known`)."""

    evaluation_id: str
    source_file: str
    form_index: int
    form_type: str
    unit: str
    year: int | None
    computed_total: float | None = None
    exec_rate: float | None = None
    version: str = ""
    audited_run: str = ""  # the run that read this form (shown on its page)
    also_submitted_as: list[str] = field(default_factory=list)
    project_name: str | None = None
    stated_total: float | None = None
    known: bool = False
    previous_evaluation_id: str | None = None  # the unit's previous submission of this form (store listings)
    budget: float | None = None  # 万元, the total row's (facts.money.form_budget): the money the form is about
    decision: str = ""  # the reviewer's verdict in force on this submission: passed | returned (store listings)
    decision_note: str = ""  # how the report shows it: 退回（王芳，2026-12-01：…）

    @property
    def first_submission(self) -> bool:
        return self.previous_evaluation_id is None

    def learn(self, evaluation: Evaluation) -> None:
        """Take what only the form's content says."""
        self.project_name, self.stated_total, self.known = evaluation.project_name, evaluation.stated_total, True


@dataclass
class Listing:
    """The report's input. `evaluations` holds `FormEntry` headers (same attribute names as `Evaluation` for the
    fields they share, so code that reads names and units works on either); `load(ids)` decodes those forms,
    with the names they have in the inbox now, in the order asked."""

    run_id: str
    files: int
    evaluations: list[FormEntry]
    findings: list[Finding]
    problems: list[FileProblem]
    fixed: list[Finding] = field(default_factory=list)
    audited_this_run: set[str] | None = None
    load: Callable[[Sequence[str]], list[Evaluation]] = lambda ids: []


def entry_of(
    evaluation: Evaluation, computed_total: float | None, exec_rate: float | None, run_id: str = ""
) -> FormEntry:
    """An in-memory form's entry; its version is a digest of its content, since nothing stored names it."""
    version = hashlib.blake2b(repr(evaluation).encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
    entry = FormEntry(
        evaluation_id=evaluation.evaluation_id,
        source_file=evaluation.source_file,
        form_index=evaluation.form_index,
        form_type=evaluation.form_type,
        unit=evaluation.unit,
        year=evaluation.year,
        computed_total=computed_total,
        exec_rate=exec_rate,
        version=version,
        audited_run=run_id,
        also_submitted_as=list(evaluation.also_submitted_as),
        budget=form_budget(evaluation),
    )
    entry.learn(evaluation)
    return entry


def listing_of(snapshot: Snapshot) -> Listing:
    """A one-off audit's snapshot as a listing (its forms are in memory already)."""
    by_id = {evaluation.evaluation_id: evaluation for evaluation in snapshot.evaluations}
    return Listing(
        run_id=snapshot.run_id,
        files=snapshot.files,
        evaluations=[
            entry_of(
                e,
                snapshot.computed_totals.get(e.evaluation_id),
                snapshot.exec_rates.get(e.evaluation_id),
                snapshot.run_id,
            )
            for e in snapshot.evaluations
        ],
        findings=snapshot.findings,
        problems=snapshot.problems,
        fixed=snapshot.fixed,
        audited_this_run=snapshot.audited_this_run,
        load=lambda ids: [by_id[i] for i in ids],
    )


def listing_of_run(run: AuditRun) -> Listing:
    """A one-off audit as a listing without holding its forms decoded: each file's forms are decoded once for
    their entries, and again, a file at a time, when their pages are rendered."""
    computed_totals, exec_rates = run.checked.facts("computed_total"), run.checked.facts("exec_rate")
    entries, owner = [], {}
    for outcome in run.batch.outcomes:
        for evaluation in outcome.evaluations:
            entries.append(
                entry_of(
                    evaluation,
                    computed_totals.get(evaluation.evaluation_id),
                    exec_rates.get(evaluation.evaluation_id),
                    run.run_id,
                )
            )
            owner[evaluation.evaluation_id] = outcome
    return Listing(
        run_id=run.run_id,
        files=run.batch.files,
        evaluations=entries,
        findings=run.findings,
        problems=run.batch.problems,
        load=partial(_decoded, owner),
    )


def _decoded(owner: dict[str, FileOutcome], ids: Sequence[str]) -> list[Evaluation]:
    """The forms `ids`, each file decoded once per call (pages are rendered a window of forms at a time)."""
    files: dict[int, dict[str, Evaluation]] = {}
    found = []
    for evaluation_id in ids:
        outcome = owner[evaluation_id]
        forms = files.get(id(outcome))
        if forms is None:
            forms = files[id(outcome)] = {e.evaluation_id: e for e in outcome.evaluations}
        found.append(forms[evaluation_id])
    return found
