"""Canonical model of a performance self-evaluation form.

Everything downstream (frames, checks, store, report) reads these dataclasses, never the source text.
Numbers are kept exactly as stated; nothing here is computed. Each entity keeps the raw text it came
from so a reviewer can always check the parser.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from functools import cache
from typing import Literal

FormType = Literal["department", "project", "report"]


@dataclass
class ParseWarning:
    """Something the parser could not place with confidence. Surfaces as a `completeness` finding."""

    code: str  # stable id, e.g. "row_extra_cell"
    message: str  # Chinese, actionable
    location: str = ""  # human location, e.g. "指标/第12行"
    raw: str = ""  # the source text concerned


@dataclass
class Measure:
    """A target (年度指标值) or an actual value (实际完成值): raw text plus what could be parsed from it."""

    raw: str = ""
    op: str | None = None  # one of ≥ ≤ = > < when stated
    value: float | None = None  # numeric part, percentages as numbers (95 for 95%)
    unit: str | None = None  # %, 万件, 个, m², 元 …
    qualitative: bool = False  # True when the value is words (优, 及时, 按期保质完成 …)


@dataclass
class FundRow:
    """One row of the funds table (资金表)."""

    item: str  # canonical item: 年度资金总额 / 基本支出 / 项目支出 / 其他资金 / 本年财政拨款 / 上年结转
    label: str  # as written on the form
    initial_budget: float | None = None  # 年初预算数
    budget: float | None = None  # 全年预算数 (A)
    executed: float | None = None  # 全年执行数 (B)
    weight: float | None = None  # 分值
    stated_rate: float | None = None  # 执行率 as a percentage number (79 for 79%)
    stated_rate_raw: str = ""
    stated_score: float | None = None  # 得分
    raw: str = ""


@dataclass
class Goal:
    """The yearly overall goal: what was planned and what the unit says was achieved."""

    expected: str = ""
    actual: str = ""
    actual_label: str = ""  # the cell `actual` is in, when not 实际完成情况 ('项目实施内容及过程概述')


@dataclass
class Indicator:
    """One performance indicator row (三级指标), or a subtotal row that sums indicators below it."""

    name: str
    level1: str = ""
    level2: str = ""
    target: Measure = field(default_factory=Measure)
    actual: Measure = field(default_factory=Measure)
    weight: float | None = None  # 分值 / 权重
    score: float | None = None  # 得分
    explanation: str = ""  # 偏差原因分析 / 未完成原因分析
    criteria: str = ""  # 评分标准 of a scoring-table row (how its points are given)
    nature: str = ""  # 指标性质 where the form has that column (正向/反向/定性 …)
    parent: int | None = None  # index of the subtotal indicator this row belongs to
    is_subtotal: bool = False
    raw: str = ""


@dataclass
class Section:
    """A stated group subtotal, e.g. 产出指标(50分) or the report's 过程 50 分."""

    name: str
    weight: float | None = None
    score: float | None = None
    raw: str = ""


@dataclass
class Evaluation:
    """One form: a department (整体支出) or project (项目支出) table, or a narrative report."""

    evaluation_id: str  # source sha256 prefix + form index: stable across runs
    source_file: str
    source_sha256: str
    form_index: int  # 1-based, in file order
    form_type: FormType
    unit: str = ""
    supervising_department: str = ""
    project_name: str = ""
    year: int | None = None
    fill_date: str = ""  # ISO yyyy-mm-dd when a date was stated
    amount_unit: str = ""  # 万元 or 元, as stated by the form
    funds: list[FundRow] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # "start": the text begins inside the form's tables; "end": it stops inside them; "both"
    cut_off: str = ""
    # tables shown but not read: "funds", "indicators"; "rows" left as text; "values" stripped from the text;
    # "funds_cut" when the text stops in the total fund row
    unread: str = ""
    unscored: bool = False  # a checklist (自评内容 / 完成情况): no 分值, 得分 or 总分 by design
    ocr: bool = False  # recognised from a scan or a photo: any number on it may be misread
    stated_total_weight: float | None = None
    stated_total: float | None = None
    conclusion: str = ""
    notes: str = ""
    raw_text: str = ""
    warnings: list[ParseWarning] = field(default_factory=list)
    also_submitted_as: list[str] = field(default_factory=list)  # other file names with the same content

    def to_dict(self) -> dict:
        """Plain dict in the output-contract field names (DESIGN.md §5)."""
        data = _plain(self)
        assert isinstance(data, dict)  # a dataclass is made a dict
        data["year"] = self.year
        return data


Severity = Literal["error", "warning", "info"]

# Category and severity names as reviewers read them, in reading order.
CATEGORY_LABELS = {
    "arithmetic": "计算错误",
    "execution_rate": "执行率异常",
    "consistency": "前后不一致",
    "completeness": "缺项与无法识别",
    "text_copy": "复制粘贴",
    "text_irrelevant": "内容无关",
    "text_template": "模板未修改",
}
SEVERITY_LABELS: dict[Severity, str] = {"error": "错误", "warning": "警告", "info": "提示"}

FINDING_COLUMNS = (
    "run_id",
    "source_file",
    "form_index",
    "evaluation_id",
    "unit",
    "year",
    "form_type",
    "check_id",
    "category",
    "severity",
    "location",
    "stated",
    "expected",
    "message",
    "caused_by",
    "audience",
)
AUDIENCES = ("unit", "reviewer")  # who a finding is for: a reviewer-only note never goes to the unit


@dataclass
class Finding:
    """One problem in one form, with the evidence a unit needs to fix it (DESIGN.md §4–5)."""

    evaluation_id: str
    source_file: str
    form_index: int | None  # None for a file that yielded no form
    unit: str
    year: int | None
    form_type: str
    check_id: str  # stable, e.g. "arithmetic.total"
    category: str  # arithmetic | execution_rate | consistency | completeness | text_*
    severity: Severity  # error = proven by the form's own numbers
    location: str  # 资金表/基本支出/执行率, 指标/年办件量/得分 …
    stated: str = ""
    expected: str = ""
    message: str = ""
    cell: str = ""  # machine location for the report: "funds/0/executed", "indicators/12/score", "total"
    run_id: str = ""
    change: str = ""  # against the unit's previous submission: new | still_open | fixed ("" when not compared)
    caused_by: str = ""  # the finding this one follows from on the same form ("check_id@location"); "" = a cause
    audience: str = "unit"  # unit | reviewer (parser and layout notes): only "unit" findings go to the unit
    # a reviewer's latest decision on it (`evalaudit.decisions`; read from the store, never stored on the row)
    decision: str = ""  # "" | confirmed | dismissed | pending
    decision_note: str = ""  # who decided what, when and why, as the report shows it
    decision_key: str = ""  # the key a decision on it is kept under (`decisions.finding_key`), once known

    @property
    def for_unit(self) -> bool:
        """A cause the unit must fix: counted, listed and alerted on (its consequences are listed in it). A finding
        a reviewer dismissed (不是问题) is none."""
        return self.audience == "unit" and not self.caused_by and self.decision != "dismissed"

    def to_row(self) -> dict:
        """The output-contract columns, in order: what findings.csv and findings.jsonl hold."""
        return {column: getattr(self, column) for column in FINDING_COLUMNS}


_ATOMS = (str, int, float, bool, type(None))


@cache
def _field_names(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def _plain(value: object) -> object:
    """`dataclasses.asdict`, the same dict, without its deep copy of every string (twice as fast on a form; the
    report writes evaluations.jsonl lines and the store its JSON from it)."""
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(type(value), "__dataclass_fields__"):
        kind: type = type(value)  # (mypy does not take a `type[object]` for Hashable, the cache's key)
        return {name: _plain(getattr(value, name)) for name in _field_names(kind)}
    if isinstance(value, dict):
        return {_plain(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_plain(item) for item in value)
    return copy.deepcopy(value)


def evaluation_id(source_sha256: str, form_index: int) -> str:
    """Stable id: the same file content and position always yield the same id."""
    return f"{source_sha256[:16]}-{form_index}"


def evaluation_from_dict(data: dict) -> Evaluation:
    """The inverse of `Evaluation.to_dict`: the store keeps evaluations as JSON and the report reads them back."""
    fields = dict(data)
    fields["funds"] = [FundRow(**row) for row in data.get("funds", [])]
    fields["goals"] = [Goal(**goal) for goal in data.get("goals", [])]
    fields["indicators"] = [
        Indicator(**{**row, "target": Measure(**row["target"]), "actual": Measure(**row["actual"])})
        for row in data.get("indicators", [])
    ]
    fields["sections"] = [Section(**section) for section in data.get("sections", [])]
    fields["warnings"] = [ParseWarning(**warning) for warning in data.get("warnings", [])]
    return Evaluation(**fields)
