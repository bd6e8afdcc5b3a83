"""Self-contained HTML audit reports: run overview, one page per unit, one page per form.

Nothing is fetched: CSS, JavaScript and SVG charts are inline, so the pages open on an intranet without
internet. All submitted text goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import hashlib
import re
from html import escape
from collections import Counter, defaultdict
from pathlib import Path

from jinja2 import Environment, PackageLoader

from evalaudit.display import format_number
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Evaluation, Finding
from evalaudit.outputs import write_atomically
from evalaudit.inbox import FileProblem
from evalaudit.pipeline import Snapshot
from evalaudit.report.charts import bar_chart, rate_strip, scatter
from evalaudit.resubmission import CHANGE_LABELS, FIXED, NEW, STILL_OPEN

FORM_TYPES = {"department": "部门整体支出绩效自评表", "project": "项目支出绩效自评表", "report": "绩效自评报告", "": ""}
_HERE = Path(__file__).parent
UNIT_PAGE_FIELDS = ("evaluation_id", "source_file", "form_index", "form_type", "year", "project_name", "stated_total")
_EVALUATION_ID = re.compile(r"[0-9a-f]{16}-[0-9]+")  # model.evaluation_id: content hash prefix, form number


def unit_name(item: Evaluation | Finding) -> str:
    """The unit a form or finding is filed under: a form without a unit name under its file's name."""
    return item.unit or item.source_file


def unit_slug(unit: str) -> str:
    """A file name for a unit page: stable, ASCII, safe whatever the unit typed."""
    return hashlib.sha1((unit or "未填写单位").encode("utf-8")).hexdigest()[:12]


def form_slug(evaluation_id: str) -> str:
    """A file name for a form page: the evaluation id itself (hex and a number, as `model.evaluation_id`
    makes it), or a hash of anything else a store row might hold, so no id can name a path."""
    if _EVALUATION_ID.fullmatch(evaluation_id):
        return evaluation_id
    return "x" + hashlib.sha1(evaluation_id.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def page_cell(cell: str, evaluation: Evaluation) -> str | None:
    """The table cell of the form page a finding points at, or None when it has no cell there."""
    parts = cell.split("/")
    if parts[0] == "funds" and len(parts) == 3:
        if parts[1] == "total":
            rows = [i for i, row in enumerate(evaluation.funds) if row.item == "年度资金总额"]
            return f"funds/{rows[0]}/{parts[2]}" if rows else None
        return cell
    if parts[0] == "indicators":
        return cell
    if parts[0] == "texts" and len(parts) == 3:
        field, row = parts[1], parts[2]
        return {
            "explanation": f"indicators/{row}/explanation",
            "goal_expected": f"goals/{row}/expected",
            "goal_actual": f"goals/{row}/actual",
            "notes": "notes",
        }.get(field)
    if cell in ("total", "weights"):
        return "total"
    if cell == "conclusion":
        return "conclusion"
    return None


def publish(run: Snapshot, out: Path) -> Path:
    """Write index.html, units/*.html and forms/*.html into `out`; returns the overview's path."""
    environment = Environment(loader=PackageLoader("evalaudit.report", "templates"), autoescape=True)
    common = {
        "css": (_HERE / "style.css").read_text(encoding="utf-8"),
        "js": (_HERE / "filter.js").read_text(encoding="utf-8"),
        "run_id": run.run_id,
        "categories": CATEGORY_LABELS,
        "severities": SEVERITY_LABELS,
        "form_types": FORM_TYPES,
        "fmt": format_number,
        "changes": CHANGE_LABELS,
        "form_slug": form_slug,
    }
    evaluations = run.evaluations
    by_form: dict[str, list[Finding]] = defaultdict(list)
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for finding in run.findings:
        by_form[finding.evaluation_id].append(finding)
        by_unit[unit_name(finding)].append(finding)
    computed = run.computed_totals
    fixed_by_unit: dict[str, list[Finding]] = defaultdict(list)
    for finding in run.fixed:
        fixed_by_unit[unit_name(finding)].append(finding)

    page_problems: list[FileProblem] = []
    for evaluation in evaluations:
        flagged: dict[str, list[Finding]] = defaultdict(list)
        unplaced = []
        for finding in by_form.get(evaluation.evaluation_id, []):
            key = page_cell(finding.cell, evaluation)
            (flagged[key] if key else unplaced).append(finding)
        try:
            html = environment.get_template("form.html.j2").render(
                common,
                root="../",
                title=f"{evaluation.unit or '未填写单位'} · 第{evaluation.form_index}张表",
                e=evaluation,
                flagged=flagged,
                unplaced=unplaced,
                unit_slug=unit_slug(unit_name(evaluation)),
                computed_total=computed.get(evaluation.evaluation_id),
            )
        except Exception as error:  # noqa: BLE001 - one form's page must not cost the report
            reason = f"第{evaluation.form_index}张表的页面无法生成（{type(error).__name__}: {error}），原文见下"
            page_problems.append(FileProblem(evaluation.source_file, "page_failed", reason))
            html = _fallback_page(evaluation, reason)
        _write(out / "forms" / f"{form_slug(evaluation.evaluation_id)}.html", html)

    units = _unit_rows(evaluations, run.findings)
    forms_of: dict[str, list[Evaluation]] = defaultdict(list)
    for evaluation in evaluations:
        forms_of[unit_name(evaluation)].append(evaluation)
    for unit in units:
        forms = forms_of[unit["name"]]
        counts = Counter((f.evaluation_id, f.severity) for f in by_unit[unit["name"]])
        rows = [
            {
                **{key: getattr(e, key) for key in UNIT_PAGE_FIELDS},
                "errors": counts[(e.evaluation_id, "error")],
                "warnings": counts[(e.evaluation_id, "warning")],
            }
            for e in forms
        ]
        html = environment.get_template("unit.html.j2").render(
            common,
            root="../",
            title=unit["name"],
            evaluations=rows,
            findings=by_unit[unit["name"]],
            change_counts=_change_counts(by_unit[unit["name"]], fixed_by_unit[unit["name"]]),
            fixed=fixed_by_unit[unit["name"]],
        )
        _write(out / "units" / f"{unit['slug']}.html", html)

    severity_counts = Counter(f.severity for f in run.findings)
    html = environment.get_template("index.html.j2").render(
        common,
        root="",
        title="绩效自评表审核总览",
        files=run.files,
        forms=len(evaluations),
        audited_now=len(evaluations) if run.audited_this_run is None else len(run.audited_this_run),
        fixed_count=len(run.fixed),
        problems=[*run.problems, *page_problems],
        severity_counts=severity_counts,
        by_category=Counter((f.category, f.severity) for f in run.findings),
        units=units,
        findings=run.findings,
        chart_checks=bar_chart(Counter(f.check_id for f in run.findings).most_common(15), "各项检查的发现数"),
        chart_totals=scatter(
            _total_points(evaluations, computed), "填报总分与按得分合计的总分", "按各项得分合计", "填报总分"
        ),
        chart_rates=rate_strip(_rates(run), "各表预算执行率（红线为100%）"),
    )
    index = out / "index.html"
    _write(index, html)
    return index


def _fallback_page(evaluation: Evaluation, reason: str) -> str:
    """A form page that cannot fail: the reason and the form's raw text, escaped."""
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>页面无法生成</title>'
        f"<p>{escape(reason)}</p><pre>{escape(evaluation.raw_text)}</pre></html>"
    )


def _unit_rows(evaluations: list[Evaluation], findings: list[Finding]) -> list[dict]:
    names = {unit_name(e) for e in evaluations} | {unit_name(f) for f in findings}
    severity = Counter((unit_name(f), f.severity) for f in findings)
    forms = Counter(unit_name(e) for e in evaluations)
    rows = [
        {
            "name": name,
            "slug": unit_slug(name),
            "errors": severity[(name, "error")],
            "warnings": severity[(name, "warning")],
            "forms": forms[name],
        }
        for name in names
    ]
    return sorted(rows, key=lambda row: (-row["errors"], -row["warnings"], row["name"]))


def _total_points(evaluations: list[Evaluation], computed: dict) -> list[tuple[float, float, str, bool]]:
    points = []
    for e in evaluations:
        value = computed.get(e.evaluation_id)
        if e.stated_total is not None and value is not None and value == value:
            points.append(
                (
                    float(value),
                    float(e.stated_total),
                    f"{e.unit} 第{e.form_index}张",
                    abs(value - e.stated_total) > 0.05,
                )
            )
    return points


def _rates(run: Snapshot) -> list[tuple[float, str]]:
    return [
        (run.exec_rates[e.evaluation_id], f"{e.unit} 第{e.form_index}张")
        for e in run.evaluations
        if e.evaluation_id in run.exec_rates
    ]


def _change_counts(findings: list[Finding], fixed: list[Finding]) -> dict[str, int] | None:
    """New / still open / fixed for a unit's page; None when this audit did not compare submissions."""
    if not fixed and not any(finding.change for finding in findings):
        return None
    counts = Counter(finding.change for finding in findings)
    return {NEW: counts[NEW], STILL_OPEN: counts[STILL_OPEN], FIXED: len(fixed)}


def _write(target: Path, text: str) -> None:
    write_atomically(target, lambda handle: handle.write(text))
