"""Alert emails as text: one per unit with new findings, and the bureau's digest. Nothing is sent here."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalaudit.alert.registry import Registry, Unit
from evalaudit.model import SEVERITY_LABELS, Finding
from evalaudit.pipeline import FileProblem
from evalaudit.report import FORM_TYPES, unit_name, unit_slug
from evalaudit.resubmission import STILL_OPEN, unit_key

SIGNATURE = "（本邮件由绩效自评表自动审核系统 evalaudit 发送，审核批次 {run_id}）"
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


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


@dataclass
class UnitGroup:
    """The findings told to one unit: every spelling of a registered unit's name (simplified or traditional,
    an alias) is one registered unit, and an unregistered name is one unit whatever its width or spacing."""

    name: str  # the registered name, or the first spelling seen
    registered: Unit | None
    items: list[tuple[int, Finding]] = field(default_factory=list)
    spellings: Counter[str] = field(default_factory=Counter)  # the names the forms wrote, with their findings

    @property
    def findings(self) -> list[Finding]:
        return [finding for _, finding in self.items]


def unit_of(name: str, registry: Registry) -> tuple[str, Unit | None]:
    """Which unit a form's unit name means (a key to group by) and its registry entry, if any."""
    registered = registry.find(name)
    return unit_key(registered.name if registered else name) or name, registered


def group_by_unit(new: Sequence[tuple[int, Finding]], registry: Registry) -> dict[str, UnitGroup]:
    groups: dict[str, UnitGroup] = {}
    for finding_id, finding in new:
        name = unit_name(finding)
        key, registered = unit_of(name, registry)
        group = groups.setdefault(key, UnitGroup(registered.name if registered else name, registered))
        group.items.append((finding_id, finding))
        group.spellings[name] += 1
    return groups


def compose_alerts(
    run_id: str,
    new: Sequence[tuple[int, Finding]],
    problems: Sequence[FileProblem],
    registry: Registry,
    report_dir: Path,
    open_findings: Sequence[Finding] = (),
    fixed: Sequence[Finding] = (),
    bureau_email: str = "",
    notes: Sequence[str] = (),
) -> list[QueuedAlert]:
    """Emails for findings and problem files not yet reported; none when there is nothing new.

    The digest reports the findings of units missing from the registry, except when the registry itself
    is missing (`registry.problem`): those findings then wait, and the next run with a registry emails them.
    `notes` (nights that never ran) head the digest, which then goes even with nothing new.
    """
    if not new and not problems and not notes:
        return []
    groups = group_by_unit(new, registry)
    still_open = Counter(unit_of(unit_name(f), registry)[0] for f in open_findings if f.change == STILL_OPEN)
    fixed_count = Counter(unit_of(unit_name(f), registry)[0] for f in fixed)
    alerts: list[QueuedAlert] = []
    for key, group in groups.items():
        registered = group.registered
        if registered is None:
            continue
        page = _unit_page(report_dir, group.spellings)
        alerts.append(
            QueuedAlert(
                kind="unit",
                unit=registered.name,
                recipient=registered.email,
                subject=_unit_subject(registered.name, group.findings),
                body=unit_body(registered.name, group.findings, run_id, (fixed_count[key], still_open[key])),
                finding_ids=[finding_id for finding_id, _ in group.items],
                file_names=[],
                attachment_name=_file_name(f"审核结果-{registered.name}.html") if page else None,
                attachment=page.read_bytes() if page else None,
            )
        )
    unregistered = [] if registry.problem else [g for g in groups.values() if g.registered is None]
    digest = QueuedAlert(
        kind="digest",
        unit="",
        recipient=bureau_email,
        subject=f"【绩效自评审核】审核摘要：{len(groups)} 个单位有新发现的问题，{len(problems)} 个文件无法审核",
        body=digest_body(run_id, groups, registry, open_findings, problems, report_dir, notes),
        finding_ids=[finding_id for group in unregistered for finding_id, _ in group.items],
        file_names=[problem.source_file for problem in problems],
    )
    return alerts + [digest]


def _unit_page(report_dir: Path, spellings: Counter[str]) -> Path | None:
    """The report page of the spelling with the most findings (the report files each spelling apart)."""
    for spelling, _ in spellings.most_common():
        page = report_dir / "units" / f"{unit_slug(spelling)}.html"
        if page.exists():
            return page
    return None


def _file_name(name: str) -> str:
    """An attachment name a mail client can save as is: no path separators or control characters."""
    return _UNSAFE_FILE_CHARS.sub("_", name)


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
    groups: dict[str, UnitGroup],
    registry: Registry,
    open_findings: Sequence[Finding],
    problems: Sequence[FileProblem],
    report_dir: Path,
    notes: Sequence[str] = (),
) -> str:
    """Every unit with new findings (and whether it was told), every unit with open errors, every unit
    missing from the registry and every file that could not be audited; a missing registry first of all."""
    lines = ["财政局："]
    lines += [line for note in notes for line in ("", f"【注意】{note}。")]
    if registry.problem:
        lines += ["", f"【注意】{registry.problem}。"]
    lines += ["", f"本次审核（批次 {run_id}）的摘要如下。审核报告：{report_dir / 'index.html'}", ""]
    lines.append("一、本次新发现问题的单位")
    if not groups:
        lines.append("  无")
    for group in sorted(groups.values(), key=lambda group: (-_errors(group.items), group.name)):
        if group.registered:
            told = f"已发送提醒至 {group.registered.email}"
        elif registry.problem:
            told = "单位名录不可用，未发送提醒，名录补充后下次运行时补发"
        else:
            told = "不在单位名录中，未发送提醒"
        warnings = sum(1 for _, f in group.items if f.severity == "warning")
        lines.append(f"  {_written_as(group)}：错误 {_errors(group.items)} 处、警告 {warnings} 处；{told}")
    open_names: dict[str, str] = {}
    open_errors: Counter[str] = Counter()
    for finding in open_findings:
        if finding.severity == "error":
            key, registered = unit_of(unit_name(finding), registry)
            open_names.setdefault(key, registered.name if registered else unit_name(finding))
            open_errors[key] += 1
    lines += ["", "二、目前仍有错误未修正的单位"]
    lines += [f"  {open_names[key]}：错误 {count} 处" for key, count in open_errors.most_common()] or ["  无"]
    missing = {group.name for group in groups.values() if group.registered is None}
    missing |= {name for name in open_names.values() if registry.find(name) is None}
    lines += ["", "三、不在单位名录中的单位，请在名录中补充其名称（或别名）及邮箱"]
    lines += [f"  {unit}" for unit in sorted(missing)] or ["  无"]
    lines += ["", "四、未能审核的文件（文件已保留，请通知提交单位重新提交）"]
    lines += [f"  {p.source_file}：{p.label}，{p.reason}" for p in problems] or ["  无"]
    lines += ["", SIGNATURE.format(run_id=run_id)]
    return "\n".join(lines)


def _written_as(group: UnitGroup) -> str:
    """A unit's name in the digest, with how its forms wrote it when that differs."""
    others = [spelling for spelling in group.spellings if spelling != group.name]
    return f"{group.name}（表中写作：{'、'.join(others)}）" if others else group.name


def _errors(items: list[tuple[int, Finding]]) -> int:
    return sum(1 for _, finding in items if finding.severity == "error")
