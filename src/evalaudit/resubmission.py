"""A form's identity across submissions, and what changed since the unit's previous submission of it.

A unit that fixes its form sends a new file (same name or not); its content hash, and so its evaluation ids,
change. What stays is who submitted which form for which year: that is the form key.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from evalaudit.model import Evaluation, Finding
from evalaudit.textnorm import fold, strip_inline_html

NEW, STILL_OPEN, FIXED = "new", "still_open", "fixed"
CHANGE_LABELS = {NEW: "新发现", STILL_OPEN: "仍未修正", FIXED: "已修正"}
_NOT_WORD = re.compile(r"[\W_]+")


def name_key(name: str) -> str:
    """A name as matched: width, traditional characters, spaces, line breaks and punctuation folded away.

    Unlike `normalize` (text compared for copying), numbers in brackets stay: 中心卫生院（一） and
    中心卫生院（二） are two units (and 项目（一）, 项目（二） two projects), not one numbered paragraph.
    """
    if not name:
        return ""
    return _NOT_WORD.sub("", fold(strip_inline_html(name))).lower()


def unit_key(unit: str) -> str:
    """A unit name as matched (`name_key`)."""
    return name_key(unit)


def form_key(evaluation: Evaluation) -> str:
    """Unit, year and form type; a project form also by its project (or its place in the file when unnamed)."""
    parts = [
        unit_key(evaluation.unit) or f"file:{evaluation.source_file}",
        str(evaluation.year or ""),
        evaluation.form_type,
    ]
    if evaluation.form_type == "project":
        parts.append(name_key(evaluation.project_name) or f"#{evaluation.form_index}")
    return "|".join(parts)


def fingerprint(finding: Finding) -> tuple[str, str]:
    """The same problem in two submissions: the same check at the same place, whatever the numbers now say."""
    return finding.check_id, finding.location


def compare(previous: Sequence[Finding], current: Sequence[Finding]) -> tuple[list[str], list[Finding]]:
    """The change of each current finding (new / still open) and the previous findings now fixed.

    Findings are paired by fingerprint as multisets: two reused explanations before and one now is one
    still open and one fixed.
    """
    remaining = Counter(fingerprint(finding) for finding in previous)
    changes = []
    for finding in current:
        key = fingerprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            changes.append(STILL_OPEN)
        else:
            changes.append(NEW)
    fixed = []
    for finding in reversed(previous):
        key = fingerprint(finding)
        if remaining[key] > 0:
            remaining[key] -= 1
            fixed.append(finding)
    return changes, fixed[::-1]
