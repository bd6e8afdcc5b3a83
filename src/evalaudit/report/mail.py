"""A unit's audit results as one self-contained HTML page, to attach to its email.

The page opens alone, from a mail client's download folder: its CSS is inline, it loads nothing, and every link is
an anchor on the page itself (the report's pages link each other with `../`, which would be dead here). The
unit's forms are rendered as on the report's form pages (`form_body.html.j2`, `FormCells`), with the cells of
the unit's findings marked; reviewer-only notes are never on it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from evalaudit.checks.causes import own_message
from evalaudit.display import format_number
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Evaluation, Finding
from evalaudit.report import _HERE, FORM_TYPES, _environment, form_slug, page_cell
from evalaudit.report.cells import FormCells, aside, cell_anchor
from evalaudit.report.listing import FormEntry

_ID = re.compile(r'\bid="([^"]+)"')


@dataclass
class MailItem:
    """An open finding as the unit reads it: whether it is new to the unit, and the findings it causes."""

    finding: Finding
    new: bool = False
    consequences: list[Finding] = field(default_factory=list)
    anchor: str = ""  # where on the page it is marked (set when the page is built)


def form_anchor(evaluation_id: str) -> str:
    return f"form-{form_slug(evaluation_id)}"


def unit_mail_page(
    unit: str,
    run_id: str,
    forms: list[tuple[FormEntry, Evaluation]],
    items: list[MailItem],
    fixed: list[Finding],
    notes: list[str],
) -> str:
    """The page: what is still open (new ones marked), what was fixed, then each form with its cells marked."""
    shown: dict[str, list[Finding]] = defaultdict(list)  # per form: the findings marked on it
    for item in items:
        for finding in (item.finding, *item.consequences):
            shown[finding.evaluation_id].append(finding)
    rendered: list[dict] = []
    for entry, evaluation in forms:
        anchor = form_anchor(entry.evaluation_id)
        flagged: dict[str, list[Finding]] = defaultdict(list)
        unplaced: list[Finding] = []
        for finding in shown.get(entry.evaluation_id, []):
            key = page_cell(finding.cell, evaluation)
            (flagged[key] if key else unplaced).append(finding)
        project = f"（项目：{evaluation.project_name}）" if evaluation.project_name else ""
        rendered.append(
            {
                "anchor": anchor,
                "heading": f"文件“{entry.source_file}”第{entry.form_index}张 {FORM_TYPES.get(entry.form_type, '')}{project}",
                "evaluation": evaluation,
                "cells": FormCells(flagged, anchors=anchor),
                "unplaced": unplaced,
                "computed_total": entry.computed_total,
                "finding_cells": {id(f): page_cell(f.cell, evaluation) for f in shown.get(entry.evaluation_id, [])},
            }
        )
    cells_of = {form["anchor"]: form["finding_cells"] for form in rendered}
    for item in items:
        anchor = form_anchor(item.finding.evaluation_id)
        cell = cells_of.get(anchor, {}).get(id(item.finding))
        item.anchor = cell_anchor(anchor, cell) if cell else anchor
    environment = _environment()
    common = {
        "css": (_HERE / "style.css").read_text(encoding="utf-8"),
        "categories": CATEGORY_LABELS,
        "severities": SEVERITY_LABELS,
        "form_types": FORM_TYPES,
        "fmt": format_number,
        "aside": aside,
        "own_message": own_message,
    }
    contents = [("open", "尚未修正的问题")] + ([("fixed", "已修正的问题")] if fixed else [])
    contents += [(form["anchor"], f"第{i}张表") for i, form in enumerate(rendered, start=1)]

    def render() -> str:
        return environment.get_template("unit_mail.html.j2").render(
            common,
            title=unit,
            run_id=run_id,
            notes=notes,
            errors=sum(1 for item in items if item.finding.severity == "error"),
            warnings=sum(1 for item in items if item.finding.severity == "warning"),
            items=items,
            fixed=fixed,
            forms=rendered,
            contents=contents,
        )

    html = render()
    present = set(_ID.findall(html))
    dead = [item for item in items if item.anchor not in present]  # a cell the form's tables do not show
    for item in dead:
        item.anchor = form_anchor(item.finding.evaluation_id)
        if item.anchor not in present:
            item.anchor = "open"
    return render() if dead else html
