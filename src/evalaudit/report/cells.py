"""A form page's table rows as markup, each cell with the findings that point at it beside it.

Built in Python rather than with a Jinja macro per cell: a form has ~150 cells, and a macro call costs about
ten times this, which mattered when a night renders thousands of form pages. Every value is escaped.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from evalaudit.display import format_number as fmt
from evalaudit.model import SEVERITY_LABELS, Finding, FundRow, Goal, Indicator

FUND_CELLS = ("initial_budget", "budget", "executed", "weight")


class FormCells:
    """The cells of one form's page; `flagged` maps a page cell (`report.page_cell`) to its findings."""

    def __init__(self, flagged: dict[str, list[Finding]], anchors: str = "") -> None:
        self.flagged = flagged
        self.anchors = anchors  # an id prefix: each flagged cell then gets an id (`cell_anchor`), for in-page links

    def cell(self, key: str, value: object, cls: str = "") -> Markup:
        findings = self.flagged.get(key)
        if not findings:
            return Markup(f'<td data-cell="{escape(key)}" class="{cls}">{escape(value)}</td>')
        notes = "".join(_note(f) for f in findings)
        anchor = f' id="{escape(cell_anchor(self.anchors, key))}"' if self.anchors else ""
        # a cell with a cause the unit must fix is marked; one with only consequences or reviewer notes greyed
        causes = [f for f in findings if f.for_unit]
        marked = "flagged-minor"
        if causes:  # an error red, a warning amber
            marked = "flagged" if any(f.severity == "error" for f in causes) else "flagged flagged-warning"
        return Markup(f'<td data-cell="{escape(key)}"{anchor} class="{cls} {marked}">{escape(value)}{notes}</td>')

    def fund(self, i: int, r: FundRow) -> Markup:
        cells = [self.cell(f"funds/{i}/{name}", fmt(getattr(r, name)), "num") for name in FUND_CELLS]
        cells.append(self.cell(f"funds/{i}/rate", r.stated_rate_raw, "num"))
        cells.append(self.cell(f"funds/{i}/score", fmt(r.stated_score), "num"))
        return Markup(f"<tr><td>{escape(r.label)}</td>\n{''.join(cells)}</tr>")

    def goal(self, i: int, g: Goal) -> Markup:
        return Markup(
            f"<tr>{self.cell(f'goals/{i}/expected', g.expected)}{self.cell(f'goals/{i}/actual', g.actual)}</tr>"
        )

    def indicator(self, i: int, r: Indicator) -> Markup:
        cells = (
            self.cell(f"indicators/{i}/name", r.name),
            self.cell(f"indicators/{i}/target", r.target.raw),
            self.cell(f"indicators/{i}/actual", r.actual.raw),
            self.cell(f"indicators/{i}/weight", fmt(r.weight), "num"),
            self.cell(f"indicators/{i}/score", fmt(r.score), "num"),
            self.cell(f"indicators/{i}/explanation", r.explanation),
        )
        return Markup(f"<tr><td>{escape(r.level1)}</td><td>{escape(r.level2)}</td>{''.join(cells)}</tr>")


def aside(finding: Finding) -> str:
    """Why a finding is greyed and not counted: a reviewer dismissed it, it follows from another, or it is a note
    for the reviewers."""
    if finding.decision == "dismissed":
        return f"审核人员认定{finding.decision_note}，不计数、不发给单位"
    if finding.caused_by:
        where = finding.caused_by.partition("@")[2]
        cause = "同一位置的另一问题" if where == finding.location else f"“{where}”的问题"
        return f"随之而来：由{cause}引起，改正该处即一并改正，不另计数"
    if finding.audience != "unit":
        return "供审核人员参考的识别与版式说明，不发给单位、不计数"
    return ""


def _note(finding: Finding) -> str:
    expected = f"（应为 {escape(finding.expected)}）" if finding.expected else ""
    note = aside(finding)
    if note:
        return f'<div class="finding-note minor">【{escape(note)}】{escape(finding.message)}{expected}</div>'
    kind = "finding-note warning-note" if finding.severity != "error" else "finding-note"
    return f'<div class="{kind}">【{SEVERITY_LABELS[finding.severity]}】{escape(finding.message)}{expected}</div>'


def cell_anchor(prefix: str, key: str) -> str:
    """The id of a flagged cell on a page that links to its cells (a unit's email attachment)."""
    return f"{prefix}-{key.replace('/', '-')}"
