"""One finding per cause: findings that follow from another finding on the same form are listed in it.

A suite declares, in an expectation's `meta`, what its failures may follow from:

    "consequence_of": ["text_copy.row_duplicated"],   # the cause's check ids (same form)
    "consequence_scope": "cell",                      # optional: the cause must be on the same cell ("row": row)
    "consequence_if": "grade_fits_computed_total"     # optional: a column of the failing row that must be true

A cause with a rule of its own is an object in the list, its keys overriding the two above for that cause:

    "consequence_of": ["text_copy.row_duplicated", {"check": "arithmetic.section_weight", "if": "weights_short_by_sections"}]

`findings_from_failures` marks a failure whose rule applies as pending (`PENDING` + the cause ids); `group_causes`
then looks for the cause among the form's findings. Found: the consequence's `caused_by` names the cause
(`check_id@location`), the cause's message lists it, and the cause takes the graver severity. Not found (the cause
did not fail): the finding stands on its own. Counts and alerts count causes (`Finding.for_unit`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from evalaudit.model import Finding

PENDING = "?"  # caused_by of a finding whose cause is still to be looked for
LISTED = "。由此导致（改正此处即一并改正）："  # between a cause's own message and the consequences it lists
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
SCOPES = ("form", "row", "cell")


def rules(meta: dict) -> list[tuple[str, str, str]]:
    """An expectation's causes as (check id, scope, condition column or '')."""
    scope, condition = meta.get("consequence_scope", "form"), meta.get("consequence_if", "")
    return [
        (cause, scope, condition)
        if isinstance(cause, str)
        else (cause["check"], cause.get("scope", scope), cause.get("if", condition))
        for cause in meta.get("consequence_of") or []
    ]


def conditions(meta: dict) -> set[str]:
    """The columns an expectation's cause rules read."""
    return {condition for _, _, condition in rules(meta) if condition}


def pending(meta: dict, row: dict) -> str:
    """The pending `caused_by` of a failing row under its expectation's rules: the causes whose condition holds
    for the row, by scope ("?form:a|b;cell:c"); '' when none applies."""
    by_scope: dict[str, list[str]] = defaultdict(list)
    for cause, scope, condition in rules(meta):
        if not condition or _holds(row.get(condition)):
            by_scope[scope].append(cause)
    return PENDING + ";".join(f"{scope}:{'|'.join(ids)}" for scope, ids in by_scope.items()) if by_scope else ""


def _wanted(caused_by: str) -> list[tuple[str, set[str]]]:
    """A pending `caused_by` read back: (scope, check ids) per scope."""
    return [
        (scope, set(ids.split("|")))
        for scope, _, ids in (part.partition(":") for part in caused_by[len(PENDING) :].split(";"))
    ]


def _holds(value: object) -> bool:
    """True for a true boolean of any kind (numpy's too); False for anything else, a missing value included."""
    try:
        return bool(value is not None and value == True)  # noqa: E712 - numpy booleans are not `True`
    except TypeError:  # pd.NA
        return False


def group_causes(findings: list[Finding]) -> list[Finding]:
    """Resolve every pending cause among the findings of its form; the order of `findings` is kept.

    Causes chain (a part row's overspend → the total row's → the total's stated rate): a consequence is listed
    under the root of its chain. Resolution goes in rounds, so a candidate cause that is itself pending is
    settled first; what a cycle leaves pending stands on its own."""
    by_form: dict[str, list[int]] = defaultdict(list)
    for position, finding in enumerate(findings):
        by_form[finding.evaluation_id].append(position)
    parent: dict[int, int | None] = {}  # resolved: the direct cause (None: a cause itself)
    waiting = {position for position, finding in enumerate(findings) if finding.caused_by.startswith(PENDING)}
    for position in range(len(findings)):
        if position not in waiting:
            parent[position] = None
    while waiting:
        settled = False
        for position in sorted(waiting):
            finding = findings[position]
            wanted = _wanted(finding.caused_by)
            candidates = [
                other
                for other in by_form[finding.evaluation_id]
                if other != position
                and any(
                    findings[other].check_id in ids and _same_scope(findings[other], finding, scope)
                    for scope, ids in wanted
                )
            ]
            ready = [other for other in candidates if other in parent]
            if ready:
                parent[position] = ready[0]
            elif not candidates or all(other not in waiting for other in candidates):
                parent[position] = None
            else:
                continue
            waiting.discard(position)
            settled = True
        if not settled:  # a cycle: each stands on its own
            parent.update({position: None for position in waiting})
            waiting.clear()
    result = list(findings)
    followers: dict[int, list[Finding]] = defaultdict(list)
    for position, finding in enumerate(findings):
        root, seen = position, {position}
        while parent[root] is not None and parent[root] not in seen:
            root = parent[root]  # type: ignore[assignment]
            seen.add(root)
        if root == position:
            result[position] = replace(finding, caused_by="") if finding.caused_by else finding
            continue
        result[position] = replace(finding, caused_by=cause_ref(findings[root]))
        followers[root].append(finding)
    for root, listed in followers.items():
        result[root] = _with_consequences(result[root], listed)
    return result


def cause_ref(finding: Finding) -> str:
    """How a consequence names its cause (`Finding.caused_by`)."""
    return f"{finding.check_id}@{finding.location}"


def consequences_of(findings: Sequence[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """The consequences among `findings`, by (form, `cause_ref` of their cause)."""
    listed: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.caused_by and not finding.caused_by.startswith(PENDING):
            listed[(finding.evaluation_id, finding.caused_by)].append(finding)
    return listed


def own_message(finding: Finding) -> str:
    """A cause's message without the consequences it lists: for a table that lists them under it anyway."""
    return finding.message.partition(LISTED)[0]


def under_causes(findings: Sequence[Finding]) -> list[Finding]:
    """`findings` in their order, each consequence moved to just after its cause (where its cause is among them),
    so that a table reads cause, then what follows from it."""
    listed = consequences_of(findings)
    placed: set[int] = set()
    ordered: list[Finding] = []
    present = {(f.evaluation_id, cause_ref(f)) for f in findings if not f.caused_by}
    for finding in findings:
        if finding.caused_by and (finding.evaluation_id, finding.caused_by) in present:
            continue  # listed after its cause
        ordered.append(finding)
        if not finding.caused_by:
            for consequence in listed.get((finding.evaluation_id, cause_ref(finding)), ()):
                if id(consequence) not in placed:
                    placed.add(id(consequence))
                    ordered.append(consequence)
    return ordered


def _same_scope(cause: Finding, consequence: Finding, scope: str) -> bool:
    if scope == "cell":
        return bool(cause.cell) and cause.cell == consequence.cell
    if scope == "row":
        return bool(cause.cell) and cause.cell.rpartition("/")[0] == consequence.cell.rpartition("/")[0]
    return True


def _with_consequences(cause: Finding, followers: list[Finding]) -> Finding:
    listed = "；".join(f"{f.location}：{f.message.rstrip('。')}" for f in followers)
    severity = max([cause.severity, *(f.severity for f in followers)], key=SEVERITY_RANK.__getitem__)
    return replace(
        cause,
        severity=severity,
        message=f"{cause.message.rstrip('。')}{LISTED}{listed}",
    )
