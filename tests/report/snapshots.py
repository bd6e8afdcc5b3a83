"""What a one-off audit of some forms publishes: the snapshot the report tests hand to `publish`."""

from __future__ import annotations

from evalaudit.checks import run_checks
from evalaudit.model import Evaluation
from evalaudit.pipeline import Snapshot


def checked(run_id: str, forms: list[Evaluation], with_text: bool = True) -> Snapshot:
    """The forms checked together (`with_text=False` leaves the text analysis out, for large generated sets)."""
    checks = run_checks(forms, with_text=with_text) if forms else None
    return Snapshot(
        run_id=run_id,
        files=len(forms),
        evaluations=forms,
        findings=checks.findings if checks else [],
        problems=[],
        computed_totals=checks.facts("computed_total") if checks else {},
        exec_rates=checks.facts("exec_rate") if checks else {},
    )
