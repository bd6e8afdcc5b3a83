"""The one-screen Chinese summary lines shared by `evalaudit audit` and the nightly flow."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from evalaudit.inbox import FileProblem
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Finding
from evalaudit.report import unit_name


def finding_lines(every: Sequence[Finding], heading: str = "审核发现") -> list[str]:
    """The units' findings, one per cause, by severity, then by category, then the units with the most errors;
    what follows from a cause and the reviewers' notes are counted apart."""
    findings = [finding for finding in every if finding.for_unit]
    severities = Counter(finding.severity for finding in findings)
    consequences = sum(1 for finding in every if finding.caused_by)
    notes = sum(1 for finding in every if finding.audience == "reviewer" and not finding.caused_by)
    aside = [f"另有随之而来的问题 {consequences} 条"] if consequences else []
    aside += [f"供审核人员参考的识别说明 {notes} 条"] if notes else []
    lines = [
        f"{heading} {len(findings)} 条："
        + "，".join(f"{label} {severities.get(name, 0)}" for name, label in SEVERITY_LABELS.items())
        + (f"（{'；'.join(aside)}）" if aside else "")
    ]
    by_category = Counter((finding.category, finding.severity) for finding in findings)
    for category, label in CATEGORY_LABELS.items():
        counts = [
            f"{SEVERITY_LABELS[s]} {by_category[(category, s)]}" for s in SEVERITY_LABELS if by_category[(category, s)]
        ]
        if counts:
            lines.append(f"  {label}（{category}）：{'，'.join(counts)}")
    units = Counter(unit_name(finding) for finding in findings if finding.severity == "error")
    if units:
        lines.append("错误最多的单位：" + "；".join(f"{unit} {count}" for unit, count in units.most_common(3)))
    return lines


def problem_lines(problems: Sequence[FileProblem], advice: str = "") -> list[str]:
    """One line per file that yielded no form, with its reason."""
    return [f"  [{problem.label}] {problem.source_file}：{problem.reason}{advice}" for problem in problems]
