"""The operator's watch over the nights: nights that never completed, and the run that ends a bad spell.

Pure questions to the store, so the flow, its failure hook and the `overdue` check (a timer in the morning)
ask them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from evalaudit.alert.operator import Notice, missed_nights, missed_notice, recovery_notice
from evalaudit.settings import Settings
from evalaudit.store import Store


@dataclass
class Gap:
    nights: list[date] = field(default_factory=list)  # oldest first
    last_completed: dict | None = None  # the latest completed run before this one

    def notice(self, settings: Settings) -> Notice | None:
        if not self.nights:
            return None
        finished = self.last_completed["finished_at"] if self.last_completed else None
        return missed_notice(self.nights, settings.due_by, finished, settings.timezone)


def gap_before(store: Store, settings: Settings, run_id: str | None = None, at: datetime | None = None) -> Gap:
    """The nights since the last completed run (before `run_id`) whose due time passed by `at` (now)."""
    previous = store.last_completed_run(before=run_id)
    finished = previous["finished_at"] if previous else None
    nights = missed_nights(finished, at or datetime.now(UTC), settings.due_by, settings.timezone)
    return Gap(nights, previous)


def recovery(store: Store, run_id: str, gap: Gap, settings: Settings) -> Notice | None:
    """The notice a completed run sends when the runs since the last completed one failed or were
    interrupted, or nights were missed; None after a good night."""
    since = gap.last_completed["started_at"] if gap.last_completed else None
    earlier = store.runs_not_completed_since(since, run_id)
    if not earlier and not gap.nights:
        return None
    return recovery_notice(run_id, earlier, gap.nights, settings.timezone)
