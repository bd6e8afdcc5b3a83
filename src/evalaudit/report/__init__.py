"""Self-contained HTML audit reports: run overview, one page per unit, one page per form.

Nothing is fetched: CSS, JavaScript and SVG charts are inline, so the pages open on an intranet without
internet. All submitted text goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

import zhconv
from jinja2 import Environment, PackageLoader

from evalaudit.check_names import check_name
from evalaudit.checks.causes import own_message, under_causes
from evalaudit.decisions import RETURNED, form_decision_key
from evalaudit.display import format_money, format_number
from evalaudit.inbox import FileProblem
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Evaluation, Finding
from evalaudit.outputs import EvaluationLines
from evalaudit.pipeline import Snapshot
from evalaudit.report.cells import FormCells, aside
from evalaudit.report.charts import bar_chart, rate_strip, sample, scatter
from evalaudit.report.listing import FormEntry, Listing, listing_of
from evalaudit.report.pages import PageWriter, page_key
from evalaudit.resubmission import CHANGE_LABELS, FIXED, NEW, STILL_OPEN, name_key

FORM_TYPES = {"department": "部门整体支出绩效自评表", "project": "项目支出绩效自评表", "report": "绩效自评报告", "": ""}
_HERE = Path(__file__).parent
UNIT_PAGE_FIELDS = ("evaluation_id", "source_file", "form_index", "form_type", "year", "project_name", "stated_total",
                    "budget", "decision", "decision_note")  # fmt: skip
_EVALUATION_ID = re.compile(r"[0-9a-f]{16}-[0-9]+")  # model.evaluation_id: content hash prefix, form number
_CHECK_ID = re.compile(r"[a-z0-9_]+(?:\.[a-z0-9_]+)*")


def unit_name(item: Evaluation | Finding | FormEntry) -> str:
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


FINDINGS_PER_PAGE = 500  # rows of a findings page (about 0.3 MB)
UNITS_ON_INDEX = 500  # units ranked on the overview; all of them on units/list-NNNN.html
UNITS_PER_PAGE = 2000
CHART_POINTS = 1500  # points of a scatter or strip at most (every problem first, then an even sample)
FORM_WINDOW = 500  # forms decoded and rendered together: what the report holds of form content at once
UNIT_NAMES = "units/names.js"  # every unit's name and page, loaded by the overview's search when it is used


@dataclass
class Built:
    """What a publish did: the overview's path and how many pages it linked, copied, rendered, and forms decoded."""

    index: Path
    linked: int = 0
    copied: int = 0
    rendered: int = 0
    decoded: int = 0


def publish(run: Snapshot | Listing, out: Path, previous: Path | None = None, **options) -> Path:
    """Write index.html, units/*.html, forms/*.html and findings/*.html into `out`; returns the overview's path."""
    return build(run, out, previous, **options).index


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=PackageLoader("evalaudit.report", "templates"), autoescape=True)


def build(
    run: Snapshot | Listing,
    out: Path,
    previous: Path | None = None,
    atomic: bool = True,
    lines: bool = False,
    aliases: Callable[[str], Sequence[str]] | None = None,
) -> Built:
    """The report of `run` in `out`: each page whose key is the same as in the `previous` run folder's manifest is
    linked from it, the others rendered (only those forms are decoded, `FORM_WINDOW` at a time).

    `atomic`: each page written through a temporary file (a folder people may be reading); off for a partial
    run folder, renamed into place once complete. `lines`: evaluations.jsonl assembled here, form by form.
    `aliases(unit)`: the other names the registry knows a unit by, for the overview's search."""
    listing = run if isinstance(run, Listing) else listing_of(run)
    environment = _environment()
    common = {
        "css": (_HERE / "style.css").read_text(encoding="utf-8"),
        "js": (_HERE / "filter.js").read_text(encoding="utf-8"),
        "run_id": "",
        "categories": CATEGORY_LABELS,
        "severities": SEVERITY_LABELS,
        "form_types": FORM_TYPES,
        "fmt": format_number,
        "money": format_money,
        "changes": CHANGE_LABELS,
        "form_slug": form_slug,
        "aside": aside,
        "own_message": own_message,
        "form_decision_key": form_decision_key,
        "check_name": check_name,
        "grouped": False,  # whether a findings table lists each consequence under its cause (a unit's page)
        "unit_page": lambda item: unit_slug(unit_name(item)),
    }
    changes = Changes(listing.run_id, frozenset(e.evaluation_id for e in listing.evaluations if e.first_submission))
    common["change_label"] = changes.label
    writer = PageWriter(out, previous, atomic=atomic)
    by_form: dict[str, list[Finding]] = defaultdict(list)
    by_unit: dict[str, list[Finding]] = defaultdict(list)
    for finding in listing.findings:
        by_form[finding.evaluation_id].append(finding)
        by_unit[unit_name(finding)].append(finding)
    fixed_by_unit: dict[str, list[Finding]] = defaultdict(list)
    for finding in listing.fixed:
        fixed_by_unit[unit_name(finding)].append(finding)

    out.mkdir(parents=True, exist_ok=True)
    jsonl = None
    if lines:
        jsonl = EvaluationLines(out / "evaluations.jsonl", previous / "evaluations.jsonl" if previous else None)
    try:
        page_problems, decoded = _form_pages(listing, writer, environment, common, by_form, jsonl)
    finally:
        if jsonl is not None:
            jsonl.close()

    units = _unit_rows(listing.evaluations, listing.findings)
    _unit_pages(listing, units, writer, environment, common, by_unit, fixed_by_unit)
    checks = _findings_pages(listing.findings, writer, environment, common)
    unit_lists = _unit_lists(units, writer, environment, common)
    names = json.dumps(
        [[u["name"], u["slug"], u["errors"], u["warnings"], search_keys(u["name"], aliases)] for u in units],
        ensure_ascii=False,
    )
    writer.page(UNIT_NAMES, page_key("names", names), lambda: f"window.UNIT_NAMES={names};\n{fold_table_js()}")

    evaluations = listing.evaluations
    queue = morning_queue(listing, units)
    causes = [f for f in listing.findings if f.for_unit]  # the overview counts what units must fix, once per cause
    severity_counts = Counter(f.severity for f in causes)
    html = environment.get_template("index.html.j2").render(
        common,
        root="",
        run_id=listing.run_id,
        title="绩效自评表审核总览",
        files=listing.files,
        forms=len(evaluations),
        audited_now=len(evaluations) if listing.audited_this_run is None else len(listing.audited_this_run),
        fixed_count=len(listing.fixed),
        problems=[*listing.problems, *page_problems],
        severity_counts=severity_counts,
        by_category=Counter((f.category, f.severity) for f in causes),
        units=units[:UNITS_ON_INDEX],
        unit_count=len(units),
        unit_lists=unit_lists,
        unit_names=UNIT_NAMES,
        checks=checks,
        finding_count=len(listing.findings),
        cause_count=len(causes),
        per_page=FINDINGS_PER_PAGE,
        queue=queue[:QUEUE_ON_INDEX],
        queue_count=len(queue),
        chart_checks=bar_chart(
            [(check_name(c), n, c) for c, n in Counter(f.check_id for f in causes).most_common(15)],
            "哪些问题最多（需单位改正的发现数，按检查）",
        ),
        chart_units=bar_chart(
            [
                (u["name"], u["errors"], f"错误 {u['errors']} 处、警告 {u['warnings']} 处")
                for u in units[:10]
                if u["errors"]
            ],
            "哪些单位错误最多",
        ),
        chart_money=_money_chart(units),
        money_at_issue=sum(u["at_issue"] for u in units),
        queue_budgets=form_budgets(listing),
        chart_totals=_totals_chart(evaluations),
        chart_rates=_rates_chart(evaluations),
    )
    writer.write("index.html", None, html)
    writer.finish()
    return Built(out / "index.html", writer.linked, writer.copied, writer.rendered, decoded)


def search_keys(name: str, aliases: Callable[[str], Sequence[str]] | None) -> str:
    """What the overview's search matches a unit by: its name and the registry's other names for it, each folded
    as units are matched (width, spaces, punctuation, traditional characters: `resubmission.name_key`)."""
    others = list(aliases(name)) if aliases else []
    return "\u0001".join(dict.fromkeys(key for key in map(name_key, [name, *others]) if key))


@lru_cache(maxsize=1)
def fold_table_js() -> str:
    """Traditional → simplified for single characters, for the search to fold what a reviewer types."""
    pairs = {k: v for k, v in zhconv.zhconv.getdict("zh-hans").items() if len(k) == 1 and len(v) == 1 and k != v}
    return f"window.UNIT_FOLD={json.dumps(pairs, ensure_ascii=False, separators=(',', ':'))};\n"


def chunks(items: list, size: int) -> list[list]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _shown_on_form(finding: Finding) -> tuple:
    return (
        finding.cell,
        finding.severity,
        finding.location,
        finding.message,
        finding.expected,
        finding.caused_by,
        finding.audience,
        finding.decision_note,
        finding.decision_key,
    )


@dataclass(frozen=True)
class Changes:
    """What a row's 变化 says, in terms of this run: a form's first submission is 首次提交 (there is nothing to
    compare it with); a finding new against the previous submission is 本次新发现 in the run that found it and
    此前已发现 in later runs, so the rows agree with the summary's 新发现 count."""

    run_id: str
    first_forms: frozenset[str]

    def label(self, finding: Finding) -> str:
        if finding.change == STILL_OPEN:
            return CHANGE_LABELS[STILL_OPEN]
        if finding.change != NEW:
            return ""
        if finding.evaluation_id in self.first_forms:
            return "首次提交"
        return "本次新发现" if finding.run_id == self.run_id else "此前已发现"


def _shown_in_table(finding: Finding, label: str = "") -> tuple:
    return (
        label,
        finding.evaluation_id,
        finding.source_file,
        finding.form_index,
        finding.unit,
        finding.category,
        finding.severity,
        finding.location,
        finding.stated,
        finding.expected,
        finding.message,
        finding.change,
        finding.caused_by,
        finding.audience,
        finding.decision_note,
        finding.decision_key,
    )


def _form_pages(
    listing: Listing,
    writer: PageWriter,
    environment: Environment,
    common: dict,
    by_form: dict[str, list[Finding]],
    lines: EvaluationLines | None,
) -> tuple[list[FileProblem], int]:
    """Every form's page, linked when unchanged, else decoded and rendered; its evaluations.jsonl line too.

    Returns the pages that could not be rendered (this run's and the linked ones') and how many forms were decoded."""
    template = environment.get_template("form.html.j2")
    problems: list[FileProblem] = []
    decoded = 0
    for window in chunks(listing.evaluations, FORM_WINDOW):
        todo: list[FormEntry] = []
        names: dict[str, tuple[str, str]] = {}
        for entry in window:
            name = f"forms/{form_slug(entry.evaluation_id)}.html"
            key = page_key(
                "form",
                entry.evaluation_id,
                entry.version,
                entry.audited_run,
                entry.source_file,
                tuple(entry.also_submitted_as),
                entry.unit,
                entry.computed_total,
                entry.decision_note,
                tuple(_shown_on_form(f) for f in by_form.get(entry.evaluation_id, ())),
            )
            names[entry.evaluation_id] = (name, key)
            old = writer.before.forms.get(entry.evaluation_id)
            usable = old is not None and old[0] == entry.version and (lines is None or (lines.can_copy and old[4] >= 0))
            if usable and writer.reuse(name, key):
                assert old is not None  # usable
                entry.project_name, entry.stated_total, entry.known = old[1], old[2], True
            else:
                todo.append(entry)
        loaded = dict(zip((e.evaluation_id for e in todo), listing.load([e.evaluation_id for e in todo])))
        decoded += len(loaded)
        for entry in window:
            name, key = names[entry.evaluation_id]
            evaluation = loaded.get(entry.evaluation_id)
            old = writer.before.forms.get(entry.evaluation_id)
            if evaluation is None:  # not decoded: its previous page was usable, `old` is there
                assert old is not None
                problem = old[3]
            else:
                entry.learn(evaluation)
                html, problem = _form_page(template, common, entry, evaluation, by_form.get(entry.evaluation_id, []))
                writer.write(name, key, html)
            if problem:
                problems.append(FileProblem(entry.source_file, "page_failed", problem))
            where: tuple[int, int] | None
            where = (-1, 0)  # (assigned apart from the declaration: mypy then knows it is not None)
            if lines is not None:
                where = None
                if evaluation is None:
                    assert old is not None
                    where = lines.copy(old[4], old[5])
                if where is None:
                    if evaluation is None:  # the previous file lost the line: decode this one form after all
                        [evaluation] = listing.load([entry.evaluation_id])
                        decoded += 1
                    where = lines.write(evaluation)
            writer.now.forms[entry.evaluation_id] = [
                entry.version,
                entry.project_name,
                entry.stated_total,
                problem,
                *where,
            ]
    return problems, decoded


def _form_page(
    template, common: dict, entry: FormEntry, evaluation: Evaluation, findings: list[Finding]
) -> tuple[str, str]:
    """The form's page, or a plain page with the reason and the raw text when it cannot be rendered."""
    flagged: dict[str, list[Finding]] = defaultdict(list)
    unplaced: list[Finding] = []
    for finding in findings:
        key = page_cell(finding.cell, evaluation)
        (flagged[key] if key else unplaced).append(finding)
    try:
        html = template.render(
            common,
            root="../",
            run_id=entry.audited_run,
            title=f"{evaluation.unit or '未填写单位'} · 第{evaluation.form_index}张表",
            e=evaluation,
            cells=FormCells(flagged),
            unplaced=unplaced,
            unit_slug=unit_slug(unit_name(evaluation)),
            computed_total=entry.computed_total,
            decision=entry.decision,
            decision_note=entry.decision_note,
        )
        return html, ""
    except Exception as error:  # noqa: BLE001 - one form's page must not cost the report
        reason = f"第{evaluation.form_index}张表的页面无法生成（{type(error).__name__}: {error}），原文见下"
        return _fallback_page(evaluation, reason), reason


def _unit_pages(
    listing: Listing,
    units: list[dict],
    writer: PageWriter,
    environment: Environment,
    common: dict,
    by_unit: dict[str, list[Finding]],
    fixed_by_unit: dict[str, list[Finding]],
) -> None:
    template = environment.get_template("unit.html.j2")
    forms_of: dict[str, list[FormEntry]] = defaultdict(list)
    for entry in listing.evaluations:
        forms_of[unit_name(entry)].append(entry)
    for unit in units:
        name = unit["name"]
        forms, findings, fixed = forms_of[name], under_causes(by_unit[name]), fixed_by_unit[name]
        counts = Counter((f.evaluation_id, f.severity) for f in findings if f.for_unit)  # one per cause
        rows = [
            {
                **{key: getattr(e, key) for key in UNIT_PAGE_FIELDS},
                "errors": counts[(e.evaluation_id, "error")],
                "warnings": counts[(e.evaluation_id, "warning")],
            }
            for e in forms
        ]
        change_counts = _change_counts(findings, fixed)
        first = bool(forms) and all(e.first_submission for e in forms) and any(f.change for f in findings)
        audited = max((e.audited_run for e in forms), default="")
        key = page_key(
            "unit",
            name,
            audited,
            tuple(tuple(row.values()) for row in rows),
            tuple(_shown_in_table(f, common["change_label"](f)) for f in findings),
            tuple(change_counts.items()) if change_counts else None,
            first,
            tuple((f.source_file, f.location, f.stated, f.message) for f in fixed),
        )
        writer.page(
            f"units/{unit['slug']}.html",
            key,
            lambda: template.render(
                common,
                root="../",
                run_id=audited,  # noqa: B023 - writer.page calls it at once
                title=name,  # noqa: B023 - writer.page calls it at once
                evaluations=rows,  # noqa: B023 - writer.page calls it at once
                findings=findings,  # noqa: B023 - writer.page calls it at once
                grouped=True,
                change_counts=change_counts,  # noqa: B023 - writer.page calls it at once
                first_submission=first,  # noqa: B023 - writer.page calls it at once
                fixed=fixed,  # noqa: B023 - writer.page calls it at once
            ),
        )


def check_slug(check_id: str) -> str:
    """A file name for a check's findings pages: the check id when it is plain, else a hash of it."""
    if _CHECK_ID.fullmatch(check_id):
        return check_id
    return "x" + hashlib.sha1(check_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def _findings_pages(findings: list[Finding], writer: PageWriter, environment: Environment, common: dict) -> list[dict]:
    """Every finding once, on the pages of its check (`FINDINGS_PER_PAGE` rows each); the overview's rows of checks."""
    template = environment.get_template("findings.html.j2")
    by_check: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_check[finding.check_id].append(finding)
    order = list(CATEGORY_LABELS)
    rows = []
    for check in sorted(by_check, key=lambda c: (_rank(order, by_check[c][0].category), c)):
        found = by_check[check]
        parts = chunks(found, FINDINGS_PER_PAGE)
        names = [f"findings/{check_slug(check)}-{number:04d}.html" for number in range(1, len(parts) + 1)]
        for number, (name, part) in enumerate(zip(names, parts, strict=True), start=1):
            shown = tuple(_shown_in_table(f, common["change_label"](f)) for f in part)
            key = page_key("findings", check, number, len(parts), shown)
            writer.page(
                name,
                key,
                lambda: template.render(
                    common,
                    root="../",
                    title=f"审核发现：{check_name(check)}"  # noqa: B023 - writer.page calls it at once
                    + (f"（第{number}页，共{len(parts)}页）" if len(parts) > 1 else ""),  # noqa: B023 - writer.page calls it at once
                    check=check,  # noqa: B023 - writer.page calls it at once
                    category=part[0].category,  # noqa: B023 - writer.page calls it at once
                    findings=part,  # noqa: B023 - writer.page calls it at once
                    pages=[Path(n).name for n in names],  # noqa: B023 - writer.page calls it at once
                    number=number,  # noqa: B023 - writer.page calls it at once
                ),
            )
        severities = Counter(f.severity for f in found if f.for_unit)  # one per cause, as everywhere else
        rows.append(
            {
                "check_id": check,
                "category": found[0].category,
                "severities": severities,
                "aside": sum(1 for f in found if not f.for_unit),
                "count": len(found),
                "pages": names,
            }
        )
    return rows


def _rank(order: list[str], category: str) -> int:
    return order.index(category) if category in order else len(order)


def _unit_lists(units: list[dict], writer: PageWriter, environment: Environment, common: dict) -> list[dict]:
    """Every unit, ranked as on the overview, `UNITS_PER_PAGE` to a page: each unit's page is a link away."""
    template = environment.get_template("units.html.j2")
    parts = chunks(units, UNITS_PER_PAGE)
    names = [f"units/list-{number:04d}.html" for number in range(1, len(parts) + 1)]
    lists = []
    for number, (name, part) in enumerate(zip(names, parts, strict=True), start=1):
        first = (number - 1) * UNITS_PER_PAGE + 1
        key = page_key("units", number, len(parts), tuple(tuple(u.values()) for u in part))
        writer.page(
            name,
            key,
            lambda: template.render(
                common,
                root="../",
                title=f"全部单位（第{first}–{first + len(part) - 1}名，共{len(units)}个）",  # noqa: B023 - writer.page calls it at once
                units=part,  # noqa: B023 - writer.page calls it at once
                first=first,  # noqa: B023 - writer.page calls it at once
                pages=[Path(n).name for n in names],
                number=number,  # noqa: B023 - writer.page calls it at once
            ),
        )
        lists.append({"name": name, "first": first, "last": first + len(part) - 1})
    return lists


def _fallback_page(evaluation: Evaluation, reason: str) -> str:
    """A form page that cannot fail: the reason and the form's raw text, escaped."""
    return (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>页面无法生成</title>'
        f"<p>{escape(reason)}</p><pre>{escape(evaluation.raw_text)}</pre></html>"
    )


def _unit_rows(evaluations: list[FormEntry], findings: list[Finding]) -> list[dict]:
    """One row per unit: its open causes by severity, its forms, how many causes are decided, how many of its
    forms were returned, and the money at issue (the budgets of its forms with an open error, 万元)."""
    names = {unit_name(e) for e in evaluations} | {unit_name(f) for f in findings}
    severity = Counter((unit_name(f), f.severity) for f in findings if f.for_unit)  # one per cause
    decided = Counter((unit_name(f), bool(f.decision)) for f in findings if f.for_unit or f.decision == "dismissed")
    forms = Counter(unit_name(e) for e in evaluations)
    returned = Counter(unit_name(e) for e in evaluations if e.decision == RETURNED)
    erring = {f.evaluation_id for f in findings if f.for_unit and f.severity == "error"}
    at_issue: dict[str, float] = {}
    for entry in evaluations:
        if entry.evaluation_id in erring and entry.budget:
            at_issue[unit_name(entry)] = at_issue.get(unit_name(entry), 0.0) + entry.budget
    rows = [
        {
            "name": name,
            "slug": unit_slug(name),
            "errors": severity[(name, "error")],
            "warnings": severity[(name, "warning")],
            "forms": forms[name],
            "decided": decided[(name, True)],
            "undecided": decided[(name, False)],
            "returned": returned[name],
            "at_issue": at_issue.get(name, 0.0),
        }
        for name in names
    ]
    return sorted(rows, key=lambda row: (-row["errors"], -row["warnings"], row["name"]))


QUEUE_ON_INDEX = 200  # rows of the overview's morning queue
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def morning_queue(listing: Listing, units: list[dict]) -> list[Finding]:
    """What a reviewer opens the day on: the causes this run found that nobody has decided yet (a one-off audit,
    which compares nothing: every undecided cause), errors first, then by the money the form is about, then the
    units with most errors."""
    compared = any(f.change for f in listing.findings)
    errors = {u["name"]: u["errors"] for u in units}
    budgets = form_budgets(listing)
    waiting = [
        f
        for f in listing.findings
        if f.for_unit and not f.decision and (not compared or (f.change == NEW and f.run_id == listing.run_id))
    ]
    return sorted(
        waiting,
        key=lambda f: (
            SEVERITY_RANK.get(f.severity, 3),
            -(budgets.get(f.evaluation_id) or 0.0),
            -errors.get(unit_name(f), 0),
            f.source_file,
            f.form_index or 0,
        ),
    )


def form_budgets(listing: Listing) -> dict[str, float]:
    """Each form's budget (万元) where it states one."""
    return {e.evaluation_id: e.budget for e in listing.evaluations if e.budget is not None}


def _money_chart(units: list[dict]) -> str:
    at_issue = sorted((u for u in units if u["at_issue"] > 0), key=lambda u: (-u["at_issue"], u["name"]))[:10]
    return bar_chart(
        [(u["name"], u["at_issue"], f"有错误的自评表 预算合计 {format_money(u['at_issue'])} 万元") for u in at_issue],
        "涉及资金最多的单位（有错误的自评表的预算合计，万元）",
        shown=format_money,
    )


def _totals_chart(evaluations: list[FormEntry]) -> str:
    points = []
    for e in evaluations:
        value = e.computed_total
        if e.stated_total is not None and value is not None and value == value:
            off = abs(value - e.stated_total) > 0.05
            points.append((float(value), float(e.stated_total), f"{e.unit} 第{e.form_index}张", off))
    shown = sample(points, CHART_POINTS, lambda point: point[3])
    return scatter(shown, "填报总分与按得分合计的总分" + _sampled(shown, points), "按各项得分合计", "填报总分")


def _rates_chart(evaluations: list[FormEntry]) -> str:
    rates = [(e.exec_rate, f"{e.unit} 第{e.form_index}张") for e in evaluations if e.exec_rate is not None]
    return rate_strip(rates, f"预算执行率分布（共{len(rates)}张表；低于90%须说明原因，超过100%为超支）")


def _sampled(shown: list, points: list) -> str:
    """The chart's title note when it shows a sample: how many of how many, problems all in first."""
    return "" if len(shown) == len(points) else f"（共{len(points)}张，图中{len(shown)}张：异常的优先，其余均匀抽样）"


def _change_counts(findings: list[Finding], fixed: list[Finding]) -> dict[str, int] | None:
    """New / still open / fixed for a unit's page; None when this audit did not compare submissions."""
    if not fixed and not any(finding.change for finding in findings):
        return None
    counts = Counter(finding.change for finding in findings if finding.for_unit)  # as the summary counts them
    return {NEW: counts[NEW], STILL_OPEN: counts[STILL_OPEN], FIXED: len(fixed)}
