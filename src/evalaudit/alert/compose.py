"""Alert emails as text: one per unit with new findings, and the bureau's digest. Nothing is sent here."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evalaudit.alert.registry import Registry
from evalaudit.model import SEVERITY_LABELS, Finding
from evalaudit.pipeline import FileProblem
from evalaudit.report import FORM_TYPES, unit_name, unit_slug
from evalaudit.resubmission import STILL_OPEN

SIGNATURE = "（本邮件由绩效自评表自动审核系统 evalaudit 发送，审核批次 {run_id}）"


@dataclass
class QueuedAlert:
    """An email ready for the outbox, with what it reports (so nothing is reported twice)."""

    kind: str  # unit | digest
    unit: str
    recipient: str
    subject: str
    body: str
    finding_ids: list[int]
    file_names: list[str]
    attachment_name: str | None = None
    attachment: bytes | None = None

    def fields(self) -> dict:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "recipient": self.recipient,
            "subject": self.subject,
            "body": self.body,
            "attachment_name": self.attachment_name,
            "attachment": self.attachment,
        }


def compose_alerts(
    run_id: str,
    new: Sequence[tuple[int, Finding]],
    problems: Sequence[FileProblem],
    registry: Registry,
    report_dir: Path,
    open_findings: Sequence[Finding] = (),
    fixed: Sequence[Finding] = (),
    bureau_email: str = "",
) -> list[QueuedAlert]:
    """Emails for findings and problem files not yet reported; none when there is nothing new."""
    if not new and not problems:
        return []
    by_unit: dict[str, list[tuple[int, Finding]]] = defaultdict(list)
    for finding_id, finding in new:
        by_unit[unit_name(finding)].append((finding_id, finding))
    still_open = Counter(unit_name(f) for f in open_findings if f.change == STILL_OPEN)
    fixed_count = Counter(unit_name(f) for f in fixed)
    alerts: list[QueuedAlert] = []
    unregistered: dict[str, list[int]] = {}
    for unit, items in by_unit.items():
        registered = registry.find(unit)
        if registered is None:
            unregistered[unit] = [finding_id for finding_id, _ in items]
            continue
        page = report_dir / "units" / f"{unit_slug(unit)}.html"
        alerts.append(
            QueuedAlert(
                kind="unit",
                unit=registered.name,
                recipient=registered.email,
                subject=_unit_subject(registered.name, [f for _, f in items]),
                body=unit_body(registered.name, [f for _, f in items], run_id, (fixed_count[unit], still_open[unit])),
                finding_ids=[finding_id for finding_id, _ in items],
                file_names=[],
                attachment_name=f"审核结果-{registered.name}.html" if page.exists() else None,
                attachment=page.read_bytes() if page.exists() else None,
            )
        )
    digest = QueuedAlert(
        kind="digest",
        unit="",
        recipient=bureau_email,
        subject=f"【绩效自评审核】审核摘要：{len(by_unit)} 个单位有新发现的问题，{len(problems)} 个文件无法审核",
        body=digest_body(run_id, by_unit, registry, open_findings, problems, report_dir),
        finding_ids=[finding_id for ids in unregistered.values() for finding_id in ids],
        file_names=[problem.source_file for problem in problems],
    )
    return alerts + [digest]


def _unit_subject(unit: str, items: list[Finding]) -> str:
    severities = Counter(finding.severity for finding in items)
    counts = "、".join(f"{label} {severities[name]} 处" for name, label in SEVERITY_LABELS.items() if severities[name])
    return f"【绩效自评审核】{unit}：自评表发现{counts}，请核对修改"


def unit_body(unit: str, items: list[Finding], run_id: str, changes: tuple[int, int] = (0, 0)) -> str:
    """Each finding with where it is, what the form says and what it should say, grouped by form."""
    lines = [
        f"{unit}：",
        "",
        "财政局对贵单位提交的绩效自评材料进行了审核，发现以下问题，请核对修改后重新提交。",
    ]
    fixed, still_open = changes
    if fixed or still_open:
        lines.append(f"与上次提交相比：已修正 {fixed} 处，仍未修正 {still_open} 处（仍未修正的问题见附件）。")
    forms: dict[tuple, list[Finding]] = defaultdict(list)
    for finding in items:
        forms[(finding.source_file, finding.form_index or 0, finding.form_type)].append(finding)
    for number, ((source_file, form_index, form_type), form_findings) in enumerate(sorted(forms.items()), start=1):
        where = f"第{form_index}张{FORM_TYPES.get(form_type, '')}" if form_index else "整个文件"
        lines += ["", f"（{number}）文件“{source_file}”{where}"]
        for index, finding in enumerate(form_findings, start=1):
            lines.append(f"  {index}. [{SEVERITY_LABELS[finding.severity]}] 位置：{finding.location}")
            values = []
            if finding.stated:
                values.append(f"填报值：{finding.stated}")
            if finding.expected:
                values.append(f"应为：{finding.expected}")
            if values:
                lines.append("     " + "；".join(values))
            lines.append(f"     说明：{finding.message}")
    lines += [
        "",
        "附件为贵单位的审核结果页面（HTML 文件，用浏览器打开即可）。如对审核结果有疑问，请与财政局联系。",
        "",
        SIGNATURE.format(run_id=run_id),
    ]
    return "\n".join(lines)


def digest_body(
    run_id: str,
    by_unit: dict[str, list[tuple[int, Finding]]],
    registry: Registry,
    open_findings: Sequence[Finding],
    problems: Sequence[FileProblem],
    report_dir: Path,
) -> str:
    """Every unit with new findings (and whether it was told), every unit with open errors, every unit
    missing from the registry and every file that could not be audited."""
    lines = ["财政局：", "", f"本次审核（批次 {run_id}）的摘要如下。审核报告：{report_dir / 'index.html'}", ""]
    lines.append("一、本次新发现问题的单位")
    if not by_unit:
        lines.append("  无")
    for unit, items in sorted(by_unit.items(), key=lambda item: (-_errors(item[1]), item[0])):
        registered = registry.find(unit)
        told = f"已发送提醒至 {registered.email}" if registered else "不在单位名录中，未发送提醒"
        warnings = sum(1 for _, f in items if f.severity == "warning")
        lines.append(f"  {unit}：错误 {_errors(items)} 处、警告 {warnings} 处；{told}")
    open_errors = Counter(unit_name(f) for f in open_findings if f.severity == "error")
    lines += ["", "二、目前仍有错误未修正的单位"]
    lines += [f"  {unit}：错误 {count} 处" for unit, count in open_errors.most_common()] or ["  无"]
    missing = sorted(unit for unit in set(by_unit) | set(open_errors) if registry.find(unit) is None)
    lines += ["", "三、不在单位名录中的单位，请在名录中补充其名称（或别名）及邮箱"]
    lines += [f"  {unit}" for unit in missing] or ["  无"]
    lines += ["", "四、无法读取或解析的文件（文件已保留，请通知提交单位重新提交）"]
    lines += [
        f"  {p.source_file}：{'无法读取' if p.status == 'unreadable' else '无法解析'}，{p.reason}" for p in problems
    ] or ["  无"]
    lines += ["", SIGNATURE.format(run_id=run_id)]
    return "\n".join(lines)


def _errors(items: list[tuple[int, Finding]]) -> int:
    return sum(1 for _, finding in items if finding.severity == "error")
