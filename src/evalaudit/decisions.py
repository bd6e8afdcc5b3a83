"""Reviewers' decisions: on a finding (确认 / 不是问题 / 待定) and on a form (通过 / 退回).

A decision is kept forever; a later one on the same key supersedes it. The key of a finding is what stays the
same while the problem does: the form's identity across submissions (`resubmission.form_key`), the check, the
place and the value the form states. A dismissed finding stays dismissed while a resubmission states the same
value in the same place, and comes back when the value changes. A form decision is about one submission (its
evaluation id): a resubmitted form is decided afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from evalaudit.checks.causes import cause_ref
from evalaudit.model import Finding

CONFIRMED, DISMISSED, PENDING = "confirmed", "dismissed", "pending"
PASSED, RETURNED = "passed", "returned"
FINDING_VERDICTS = {CONFIRMED: "确认", DISMISSED: "不是问题", PENDING: "待定"}
FORM_VERDICTS = {PASSED: "通过", RETURNED: "退回"}
VERDICT_LABELS = {**FINDING_VERDICTS, **FORM_VERDICTS}
NEEDS_REASON = {DISMISSED, RETURNED}  # a dismissal says why; a returned form says what to change
_SEPARATOR = "\u241f"  # ␟: printable (a key is written into a workbook cell), and in no form


class DecisionError(ValueError):
    """A decision that cannot be recorded as given (the message is Chinese: it is shown to the reviewer)."""


@dataclass(frozen=True)
class Decision:
    """One reviewer's decision, as recorded. `subject` is finding | form; `source` is web | excel:<file>."""

    subject: str
    key: str
    verdict: str
    reviewer: str
    reason: str = ""
    source: str = "web"
    decided_at: str = ""
    evaluation_id: str = ""  # what the reviewer was looking at, for the record
    unit: str = ""
    check_id: str = ""
    location: str = ""
    stated: str = ""

    @property
    def note(self) -> str:
        """How the report shows it: 不是问题（王芳，2026-12-01：…）."""
        when = self.decided_at[:10]
        reason = f"：{self.reason}" if self.reason else ""
        return f"{VERDICT_LABELS.get(self.verdict, self.verdict)}（{self.reviewer}，{when}{reason}）"


def finding_key(form_key: str, finding: Finding) -> str:
    """The key a decision on `finding` is kept under (see the module docstring)."""
    return _SEPARATOR.join(("finding", form_key, finding.check_id, finding.location, finding.stated))


def form_decision_key(evaluation_id: str) -> str:
    return _SEPARATOR.join(("form", evaluation_id))


def validated(decision: Decision) -> Decision:
    """The decision, or DecisionError saying in Chinese what is wrong with it."""
    verdicts = FINDING_VERDICTS if decision.subject == "finding" else FORM_VERDICTS
    if decision.subject not in ("finding", "form"):
        raise DecisionError(f"无法识别的审核对象：{decision.subject!r}")
    if decision.verdict not in verdicts:
        raise DecisionError(f"审核意见“{decision.verdict}”无法识别，应为：{'、'.join(verdicts.values())}")
    if not decision.reviewer.strip():
        raise DecisionError("未注明审核人")
    if decision.verdict in NEEDS_REASON and not decision.reason.strip():
        raise DecisionError(f"“{VERDICT_LABELS[decision.verdict]}”须说明理由")
    return replace(decision, reason=decision.reason.strip(), reviewer=decision.reviewer.strip())


def verdict_of(text: str, verdicts: dict[str, str] = FINDING_VERDICTS) -> str | None:
    """A verdict written in words (确认, 不是问题, 待定; or the ids themselves), or None."""
    cleaned = text.strip()
    for verdict, label in verdicts.items():
        if cleaned in (verdict, label):
            return verdict
    return None


def with_decisions(findings: list[Finding], latest: dict[str, Decision], keys: list[str]) -> list[Finding]:
    """Each finding with the latest decision on its key (`keys[i]` is the key of `findings[i]`). What followed
    from a cause a reviewer dismissed stands on its own again: the cause is no reason for it any more."""
    decided = []
    for finding, key in zip(findings, keys, strict=True):
        decision = latest.get(key)
        keyed = replace(finding, decision_key=key)
        decided.append(replace(keyed, decision=decision.verdict, decision_note=decision.note) if decision else keyed)
    dismissed = {(f.evaluation_id, cause_ref(f)) for f in decided if f.decision == DISMISSED}
    return [
        replace(f, caused_by="") if f.caused_by and (f.evaluation_id, f.caused_by) in dismissed else f for f in decided
    ]


def keyed(findings: list[Finding], form_keys: dict[str, str]) -> list[Finding]:
    """Findings of a one-off audit (no store, so no decisions) with the keys a decision on them would take."""
    keys = [finding_key(form_keys.get(f.evaluation_id, f"form:{f.evaluation_id}"), f) for f in findings]
    return with_decisions(findings, {}, keys)


def held(finding: Finding) -> bool:
    """Kept from the unit for now: dismissed (不是问题), or 待定 until a reviewer decides."""
    return finding.decision in (DISMISSED, PENDING)
