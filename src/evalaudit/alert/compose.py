"""Alert emails as text: one per unit with something new or fixed, and the bureau's digest. Nothing is sent here.

A unit's email stands alone: its subject and body count and list every error and warning of the unit still open
(what is new since its last email marked 【新】), name what its resubmission fixed, and say by when, where and whom
to ask. Only findings for the unit (`Finding.for_unit`) are counted and listed, each with the findings it causes
under it; reviewer notes (parser and layout) go to the digest and the report, never to a unit. Attached: the
unit's forms as one self-contained page with the cells marked (`report.mail`), and its findings as CSV.
"""

from __future__ import annotations

import base64
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from evalaudit.alert.registry import Registry, Unit
from evalaudit.checks.causes import cause_ref, consequences_of, own_message
from evalaudit.decisions import held
from evalaudit.model import CATEGORY_LABELS, SEVERITY_LABELS, Finding
from evalaudit.outputs import findings_csv_bytes
from evalaudit.pipeline import FileProblem
from evalaudit.report import FORM_TYPES, unit_name
from evalaudit.report.listing import FormEntry, Listing
from evalaudit.report.mail import MailItem, unit_mail_page
from evalaudit.resubmission import FIXED, NEW, unit_key
from evalaudit.settings import UnitTerms

SIGNATURE = "（本邮件由绩效自评表自动审核系统 evalaudit 发送，审核批次 {run_id}）"
_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
TOLD = ("error", "warning")  # the severities a unit is told of
DIGEST_CSV_LIMIT = 10 * 1024 * 1024  # findings.csv larger than this is linked from the digest, not attached
REVIEWER_LINES = 50  # reviewer notes listed in the digest at most (all of them are in findings.csv)
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Attachment:
    name: str
    mime: str  # text/html | text/csv
    data: bytes

    def stored(self) -> dict:
        """As the outbox keeps it (alerts.attachments, a JSON list)."""
        return {"name": self.name, "type": self.mime, "data": base64.b64encode(self.data).decode("ascii")}


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
    attachments: list[Attachment] = field(default_factory=list)

    def fields(self) -> dict:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "recipient": self.recipient,
            "subject": self.subject,
            "body": self.body,
            "attachments": [attachment.stored() for attachment in self.attachments] or None,
        }

    def attachment(self, suffix: str) -> Attachment | None:
        return next((a for a in self.attachments if a.name.endswith(suffix)), None)


@dataclass
class UnitGroup:
    """One unit: every spelling of a registered unit's name (simplified or traditional, an alias) is one
    registered unit, and an unregistered name is one unit whatever its width or spacing.

    `items` are its findings no alert has reported yet (new ones and fixes, any audience); `open` its current
    findings (all of them: `told` picks what the unit reads); `forms` its forms in the inbox."""

    name: str  # the registered name, or the first spelling seen
    registered: Unit | None
    items: list[tuple[int, Finding]] = field(default_factory=list)
    spellings: Counter[str] = field(default_factory=Counter)  # the names the forms wrote, with their findings
    open: list[Finding] = field(default_factory=list)
    forms: list[FormEntry] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [finding for _, finding in self.items]

    @property
    def new(self) -> list[Finding]:
        """New findings for the unit, not told yet (of the severities a unit is told of; none a reviewer holds)."""
        return [f for _, f in self.items if f.change == NEW and f.for_unit and f.severity in TOLD and not held(f)]

    @property
    def fixed(self) -> list[Finding]:
        """Fixes not told yet (of findings the unit was told of: causes for the unit)."""
        return [f for _, f in self.items if f.change == FIXED and f.for_unit and f.severity in TOLD]

    @property
    def reviewer(self) -> list[tuple[int, Finding]]:
        return [(i, f) for i, f in self.items if f.audience != "unit"]

    @property
    def emailed(self) -> bool:
        """Whether the unit gets an email tonight: registered, with something new or fixed to tell."""
        return self.registered is not None and bool(self.new or self.fixed)

    def told(self) -> list[MailItem]:
        """Every open error and warning for the unit, new ones marked, each with what it causes."""
        fresh = Counter(_identity(f) for f in self.new)
        effects = consequences_of([finding for finding in self.open if finding.audience == "unit"])
        items = []
        for finding in self.open:
            if not (finding.for_unit and finding.severity in TOLD) or held(finding):
                continue
            new = fresh[_identity(finding)] > 0
            if new:
                fresh[_identity(finding)] -= 1
            items.append(MailItem(finding, new, effects.get((finding.evaluation_id, cause_ref(finding)), [])))
        return sorted(items, key=lambda item: _form_order(item.finding))


def _identity(finding: Finding) -> tuple:
    return (finding.evaluation_id, finding.check_id, finding.location, finding.cell, finding.message)


def _form_order(finding: Finding) -> tuple:
    return (finding.source_file, finding.form_index or 0)


def unit_of(name: str, registry: Registry) -> tuple[str, Unit | None]:
    """Which unit a form's unit name means (a key to group by) and its registry entry, if any."""
    registered = registry.find(name)
    return unit_key(registered.name if registered else name) or name, registered


def group_by_unit(
    unalerted: Sequence[tuple[int, Finding]], registry: Registry, listing: Listing | None = None
) -> dict[str, UnitGroup]:
    """Every unit with findings not yet reported, or with forms or findings in the inbox (`listing`)."""
    groups: dict[str, UnitGroup] = {}

    def group(name: str) -> UnitGroup:
        key, registered = unit_of(name, registry)
        return groups.setdefault(key, UnitGroup(registered.name if registered else name, registered))

    for finding_id, finding in unalerted:
        name = unit_name(finding)
        found = group(name)
        found.items.append((finding_id, finding))
        found.spellings[name] += 1
    if listing is not None:
        for entry in listing.evaluations:
            group(unit_name(entry)).forms.append(entry)
        for finding in listing.findings:
            group(unit_name(finding)).open.append(finding)
    return groups


def compose_alerts(
    run_id: str,
    unalerted: Sequence[tuple[int, Finding]],
    problems: Sequence[FileProblem],
    registry: Registry,
    listing: Listing | None = None,
    bureau_email: str = "",
    notes: Sequence[str] = (),
    terms: UnitTerms | None = None,
    today: date | None = None,
    link: str = "",
    findings_csv: bytes | None = None,
) -> list[QueuedAlert]:
    """The units' emails and the digest, for findings, fixes and problem files not yet reported; none when there
    is nothing new. (The nightly run queues and sends the units' emails first, so that its digest can say which
    of them the server accepted: `unit_alerts`, then `digest_alert`.)"""
    groups = group_by_unit(unalerted, registry, listing)
    units = unit_alerts(run_id, groups, listing, terms, today)
    if not units and not unalerted and not problems and not notes:
        return []
    digest = digest_alert(run_id, groups, registry, problems, bureau_email, notes, link=link, findings_csv=findings_csv)
    return units + [digest]


def unit_alerts(
    run_id: str,
    groups: Mapping[str, UnitGroup],
    listing: Listing | None,
    terms: UnitTerms | None = None,
    today: date | None = None,
) -> list[QueuedAlert]:
    """One email per registered unit with something new or fixed. It reports every unalerted finding of the unit
    except reviewer notes (those are the digest's)."""
    terms = terms or UnitTerms()
    deadline = terms.deadline(today) if today else terms.resubmit_by
    if deadline is not None and today is not None and deadline < today:
        deadline = None  # a date already past is not a deadline (the digest says so)
    alerts = []
    for group in groups.values():
        if not group.emailed:
            continue
        assert group.registered is not None  # emailed
        name = group.registered.name
        items = group.told()
        entries = {entry.evaluation_id: entry for entry in group.forms}
        fixed = sorted(
            (  # named as the inbox names its form now
                replace(f, source_file=entries[f.evaluation_id].source_file) if f.evaluation_id in entries else f
                for f in group.fixed
            ),
            key=_form_order,
        )
        attachments = []
        if listing is not None and group.forms:
            forms = list(zip(group.forms, listing.load([entry.evaluation_id for entry in group.forms]), strict=True))
            for entry, evaluation in forms:
                entry.learn(evaluation)
            page = unit_mail_page(name, run_id, forms, items, fixed, _terms_lines(terms, deadline))
            attachments.append(Attachment(_file_name(f"审核结果-{name}.html"), "text/html", page.encode("utf-8")))
        if items:
            told = [finding for item in items for finding in (item.finding, *item.consequences)]
            attachments.append(Attachment(_file_name(f"审核结果-{name}.csv"), "text/csv", findings_csv_bytes(told)))
        alerts.append(
            QueuedAlert(
                kind="unit",
                unit=name,
                recipient=group.registered.email,
                subject=unit_subject(name, items, len(fixed), deadline),
                body=unit_body(name, items, fixed, run_id, terms, deadline, group.forms, attachments),
                # what a reviewer holds stays untold: a later 确认 lets the next run email it
                finding_ids=[i for i, finding in group.items if finding.audience == "unit" and not held(finding)],
                file_names=[],
                attachments=attachments,
            )
        )
    return alerts


def _file_name(name: str) -> str:
    """An attachment name a mail client can save as is: no path separators or control characters."""
    return _UNSAFE_FILE_CHARS.sub("_", name)


def _counts(items: Sequence[MailItem]) -> str:
    severities = Counter(item.finding.severity for item in items)
    return "、".join(f"{label} {severities[name]} 处" for name, label in SEVERITY_LABELS.items() if severities[name])


def day(when: date) -> str:
    return f"{when.year}年{when.month}月{when.day}日（星期{WEEKDAYS[when.weekday()]}）"


def unit_subject(unit: str, items: Sequence[MailItem], fixed: int, deadline: date | None = None) -> str:
    if not items:
        return f"【绩效自评审核】{unit}：自评表已修正 {fixed} 处问题，目前没有需要修改的问题"
    new = sum(item.new for item in items)
    changes = "、".join(
        part for part in (f"新发现 {new} 处" if new else "", f"已修正 {fixed} 处" if fixed else "") if part
    )
    by = f"，请于{deadline.month}月{deadline.day}日前修改" if deadline else "，请核对修改"
    return f"【绩效自评审核】{unit}：自评表尚有{_counts(items)}未修正" + (f"（{changes}）" if changes else "") + by


def _where(source_file: str, form_index: int | None, form_type: str, project: str | None = None) -> str:
    where = f"第{form_index}张{FORM_TYPES.get(form_type, '')}" if form_index else "整个文件"
    return f"文件“{source_file}”{where}" + (f"（项目：{project}）" if project else "")


def _terms_lines(terms: UnitTerms, deadline: date | None) -> list[str]:
    """By when, where and whom to ask: the same words in the body and on the attached page."""
    when = f"请于 {day(deadline)} 前" if deadline else "请尽快"
    where = f"通过 {terms.channel} " if terms.channel else ""
    lines = [f"{when}将修改后的自评表{where}重新提交（提交后将自动重新审核，并告知审核结果）。"]
    lines.append(
        f"如对审核结果有疑问，请联系：{terms.contact}。" if terms.contact else "如对审核结果有疑问，请与财政局联系。"
    )
    return lines


def unit_body(
    unit: str,
    items: Sequence[MailItem],
    fixed: Sequence[Finding],
    run_id: str,
    terms: UnitTerms | None = None,
    deadline: date | None = None,
    forms: Sequence[FormEntry] = (),
    attachments: Sequence[Attachment] = (),
) -> str:
    """Every open finding with where it is, what the form says and what it should say, grouped by form; what the
    resubmission fixed, by name; by when and where to resubmit, and whom to ask."""
    terms = terms or UnitTerms()
    lines = [f"{unit}：", ""]
    new = sum(item.new for item in items)
    if items:
        lines.append(
            f"财政局对贵单位提交的绩效自评材料进行了审核，目前尚有{_counts(items)}未修正"
            + (f"（其中本次新发现 {new} 处，标【新】）" if new else "")
            + "，请核对修改后重新提交。"
        )
    else:
        lines.append(
            "财政局对贵单位重新提交的绩效自评材料进行了审核，以前告知的问题已全部修正，目前没有需要修改的问题。"
        )
    if fixed:
        lines += ["", f"一、与上次提交相比已修正 {len(fixed)} 处："]
        for number, finding in enumerate(fixed, start=1):
            category = CATEGORY_LABELS.get(finding.category, finding.category)
            was = f"原填报 {finding.stated}；" if finding.stated else ""
            lines.append(
                f"  {number}. {_where(finding.source_file, finding.form_index, finding.form_type)}"
                f" {category}：{finding.location}（{was}原说明：{finding.message}）"
            )
    if items:
        projects = {entry.evaluation_id: entry.project_name for entry in forms}
        lines += ["", f"{'二' if fixed else '一'}、尚未修正的问题（{_counts(items)}）："]
        by_form: dict[tuple, list[MailItem]] = defaultdict(list)
        for item in items:
            f = item.finding
            by_form[(f.source_file, f.form_index or 0, f.form_type, f.evaluation_id)].append(item)
        for number, ((source_file, form_index, form_type, evaluation_id), in_form) in enumerate(
            by_form.items(), start=1
        ):
            lines += ["", f"（{number}）{_where(source_file, form_index, form_type, projects.get(evaluation_id))}"]
            for index, item in enumerate(in_form, start=1):
                finding = item.finding
                mark = "【新】" if item.new else ""
                lines.append(f"  {index}. {mark}[{SEVERITY_LABELS[finding.severity]}] 位置：{finding.location}")
                lines += _values("     ", finding)
                # the consequences are listed just below: the cause's message without its own list of them
                lines.append(f"     说明：{own_message(finding) if item.consequences else finding.message}")
                for consequence in item.consequences:
                    lines.append(f"     由此引起（随上面的问题一并改正）：位置：{consequence.location}")
                    lines += _values("       ", consequence)
                    lines.append(f"       说明：{consequence.message}")
    lines += ["", *(_terms_lines(terms, deadline) if items else [_terms_lines(terms, None)[-1]])]
    pages = [a for a in attachments if a.mime == "text/html"]
    sheets = [a for a in attachments if a.mime == "text/csv"]
    if pages or sheets:
        lines.append("")
        lines.append("附件：")
        lines += [f"  {a.name}：贵单位的各张自评表，问题所在单元格已标出（用浏览器打开即可）" for a in pages]
        lines += [f"  {a.name}：上述问题清单（Excel 可直接打开）" for a in sheets]
    lines += ["", SIGNATURE.format(run_id=run_id)]
    return "\n".join(lines)


def _values(indent: str, finding: Finding) -> list[str]:
    values = []
    if finding.stated:
        values.append(f"填报值：{finding.stated}")
    if finding.expected:
        values.append(f"应为：{finding.expected}")
    return [indent + "；".join(values)] if values else []


def digest_alert(
    run_id: str,
    groups: Mapping[str, UnitGroup],
    registry: Registry,
    problems: Sequence[FileProblem],
    bureau_email: str = "",
    notes: Sequence[str] = (),
    told: Mapping[str, str] | None = None,
    undelivered: Sequence[dict] = (),
    link: str = "",
    findings_csv: bytes | None = None,
) -> QueuedAlert:
    """The bureau's digest. It reports what no unit email did: reviewer notes, and (with a usable registry) the
    findings of units missing from it or not emailed; with the registry missing (`registry.problem`) the units'
    findings wait, and the next run with a registry emails them. `told`: what became of each unit's email
    (by unit name), when it was sent before the digest was composed."""
    changed = [g for g in groups.values() if g.items]
    finding_ids = [i for g in groups.values() for i, _ in g.reviewer]
    if not registry.problem:
        finding_ids += [
            i for g in groups.values() if not g.emailed for i, f in g.items if f.audience == "unit" and not held(f)
        ]
    attachments = []
    csv_note = ""
    if findings_csv is not None and len(findings_csv) <= DIGEST_CSV_LIMIT:
        attachments.append(Attachment(f"findings-{run_id}.csv", "text/csv", findings_csv))
    elif findings_csv is not None:
        csv_note = f"findings.csv 有 {len(findings_csv) / 1024 / 1024:.1f} MB，未附在邮件中，请从审核报告下载"
    new_units = sum(1 for g in changed if any(f.change == NEW for f in g.findings))
    return QueuedAlert(
        kind="digest",
        unit="",
        recipient=bureau_email,
        subject=f"【绩效自评审核】审核摘要：{new_units} 个单位有新发现的问题，{len(problems)} 个文件无法审核",
        body=digest_body(
            run_id, groups, registry, problems, notes, told or {}, undelivered, link, bool(attachments), csv_note
        ),
        finding_ids=sorted(set(finding_ids)),
        file_names=[problem.source_file for problem in problems],
        attachments=attachments,
    )


def digest_body(
    run_id: str,
    groups: Mapping[str, UnitGroup],
    registry: Registry,
    problems: Sequence[FileProblem],
    notes: Sequence[str] = (),
    told: Mapping[str, str] | None = None,
    undelivered: Sequence[dict] = (),
    link: str = "",
    csv_attached: bool = False,
    csv_note: str = "",
) -> str:
    """Every unit with something new or fixed (and whether it was told), every unit with open errors, every unit
    of the inbox missing from the registry, every file that could not be audited, the emails the server refused
    and the reviewer notes; a missing registry first of all."""
    told = told or {}
    lines = ["财政局："]
    lines += [line for note in notes for line in ("", f"【注意】{note}。")]
    if registry.problem:
        lines += ["", f"【注意】{registry.problem}。"]
    lines += [
        "",
        f"本次审核（批次 {run_id}）的摘要如下。",
        f"审核报告：{link}" if link else "审核报告：见审核报告文件夹",
    ]
    if csv_attached:
        lines.append(f"全部审核发现见附件 findings-{run_id}.csv（Excel 可直接打开）。")
    elif csv_note:
        lines.append(csv_note + "。")
    lines += ["", "一、本次新发现问题或有修正的单位"]
    changed = sorted(
        (g for g in groups.values() if g.items),
        key=lambda g: (-sum(f.severity == "error" for f in g.new), g.name),
    )
    if not changed:
        lines.append("  无")
    for group in changed:
        new = Counter(f.severity for f in group.new)
        parts = [f"新发现错误 {new['error']} 处、警告 {new['warning']} 处"]
        if group.fixed:
            parts.append(f"已修正 {len(group.fixed)} 处")
        reviewer = len(group.reviewer)
        if reviewer:
            parts.append(f"供审核人员参考的说明 {reviewer} 条（见第六部分，未发给单位）")
        if group.registered and group.emailed:
            state = told.get(group.registered.name, f"已发送提醒至 {group.registered.email}")
        elif group.registered:
            state = "无需提醒单位"
        elif registry.problem:
            state = "单位名录不可用，未发送提醒，名录补充后下次运行时补发"
        else:
            state = "不在单位名录中，未发送提醒"
        lines.append(f"  {_written_as(group)}：{'，'.join(parts)}；{state}")
    open_errors = sorted(
        ((g.name, sum(1 for f in g.open if f.for_unit and f.severity == "error")) for g in groups.values()),
        key=lambda pair: (-pair[1], pair[0]),
    )
    lines += ["", "二、目前仍有错误未修正的单位"]
    lines += [f"  {name}：错误 {count} 处" for name, count in open_errors if count] or ["  无"]
    lines += ["", "三、不在单位名录中的单位（收件箱中全部），请在名录中补充其名称（或别名）及邮箱"]
    missing = [g for g in groups.values() if g.registered is None and (g.forms or g.open or g.items)]
    for group in sorted(missing, key=lambda g: g.name):
        counts = Counter(f.severity for f in group.open if f.for_unit)
        unnamed = "（表中未填写单位名称）" if group.forms and all(not e.unit for e in group.forms) else ""
        lines.append(
            f"  {_written_as(group)}{unnamed}：自评表 {len(group.forms)} 张，"
            f"未修正错误 {counts['error']} 处、警告 {counts['warning']} 处"
        )
    if not missing:
        lines.append("  无")
    lines += ["", "四、未能审核的文件（文件已保留，请通知提交单位重新提交）"]
    lines += [f"  {p.source_file}：{p.label}，{p.reason}" for p in problems] or ["  无"]
    lines += ["", "五、未能送达的提醒邮件（将在下次运行时重发；请核对单位名录中的邮箱）"]
    lines += [
        f"  {row['unit']}（{row['recipient']}）：已尝试 {row['attempts']} 次，{row['last_error'] or '原因不明'}"
        for row in undelivered
    ] or ["  无"]
    reviewer_notes = sorted(
        (f for g in groups.values() for _, f in g.reviewer), key=lambda f: (unit_name(f), *_form_order(f))
    )
    lines += ["", "六、供审核人员参考的说明（解析与版式，未发给单位）"]
    for finding in reviewer_notes[:REVIEWER_LINES]:
        where = _where(finding.source_file, finding.form_index, finding.form_type)
        lines.append(f"  {unit_name(finding)} {where} {finding.location}：{finding.message}")
    if len(reviewer_notes) > REVIEWER_LINES:
        lines.append(f"  ……另有 {len(reviewer_notes) - REVIEWER_LINES} 条，见 findings.csv（audience 列为 reviewer）")
    if not reviewer_notes:
        lines.append("  无")
    lines += ["", SIGNATURE.format(run_id=run_id)]
    return "\n".join(lines)


def _written_as(group: UnitGroup) -> str:
    """A unit's name in the digest, with how its forms wrote it when that differs."""
    spellings = set(group.spellings) | {unit_name(e) for e in group.forms}
    others = sorted(spelling for spelling in spellings if spelling != group.name)
    return f"{group.name}（表中写作：{'、'.join(others)}）" if others else group.name
