"""Reviewers' workbooks dropped into the decisions folder, read back as decisions.

A reviewer fills 审核意见 (确认 / 不是问题 / 待定), 意见说明 and 审核人 in a run's findings.xlsx and drops it into
`data/decisions/`. The next run reads every row with an opinion: a workbook with any bad row is refused whole,
each bad row named, and moved to `rejected/` beside a note of why; a good one is recorded in one transaction
and moved to `imported/`. A row that says what is already in force is not recorded again, so a workbook
imported twice (a crash between recording and moving it) adds nothing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from openpyxl import load_workbook

from evalaudit.decisions import FINDING_VERDICTS, Decision, DecisionError, validated, verdict_of
from evalaudit.report.workbook import FINDINGS, KEY, REASON, REVIEWER, VERDICT

IMPORTED, REJECTED = "imported", "rejected"


@dataclass
class WorkbookImport:
    """What became of one workbook: the decisions recorded, or the reasons it was refused (Chinese)."""

    name: str
    recorded: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def line(self) -> str:
        if self.problems:
            return (
                f"审核意见工作簿“{self.name}”未导入（{'；'.join(self.problems[:5])}"
                + (f"；另有 {len(self.problems) - 5} 处）" if len(self.problems) > 5 else "）")
                + "，已移至 rejected 文件夹，请改正后重新放入"
            )
        return f"审核意见工作簿“{self.name}”已导入 {self.recorded} 条" + (
            f"（另有 {self.unchanged} 条与现有意见相同）" if self.unchanged else ""
        )


def read_workbook(
    path: Path, in_force: Callable[[list[str]], dict[str, Decision]]
) -> tuple[list[Decision], WorkbookImport]:
    """The decisions a workbook asks for (none when any row is bad), and its account. `in_force(keys)` gives the
    decisions now in force on those keys."""
    result = WorkbookImport(path.name)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook is refused with the reason
        result.problems.append(f"文件无法作为 Excel 工作簿打开（{type(error).__name__}）")
        return [], result
    try:
        if FINDINGS not in book.sheetnames:
            result.problems.append(f"没有“{FINDINGS}”工作表")
            return [], result
        rows = book[FINDINGS].iter_rows(values_only=True)
        header = [str(cell or "").strip() for cell in next(rows, ())]
        missing = [name for name in (VERDICT, REASON, REVIEWER, KEY) if name not in header]
        if missing:
            result.problems.append(f"“{FINDINGS}”表头缺少：{'、'.join(missing)}")
            return [], result
        at = {name: header.index(name) for name in header}
        wanted: list[tuple[int, Decision]] = []
        for number, row in enumerate(rows, start=2):
            value = _text(row, at[VERDICT])
            if not value:
                continue
            verdict = verdict_of(value)
            key = _text(row, at[KEY])
            where = f"第{number}行" + (
                f"（{_text(row, at['位置'])}）" if "位置" in at and _text(row, at["位置"]) else ""
            )
            if verdict is None:
                result.problems.append(f"{where}审核意见“{value}”无法识别，应为{'、'.join(FINDING_VERDICTS.values())}")
                continue
            if not key.startswith("finding"):
                result.problems.append(f"{where}缺少“{KEY}”列的内容（请使用本系统生成的工作簿，不要删改该列）")
                continue
            decision = Decision(
                "finding", key, verdict, _text(row, at[REVIEWER]), _text(row, at[REASON]), source=f"excel:{path.name}",
                unit=_text(row, at.get("单位")), location=_text(row, at.get("位置")), stated=_text(row, at.get("填报")),
            )  # fmt: skip
            try:
                wanted.append((number, validated(decision)))
            except DecisionError as error:
                result.problems.append(f"{where}{error}")
    finally:
        book.close()
    if result.problems:
        return [], result
    current = in_force([d.key for _, d in wanted])
    fresh = [
        d
        for _, d in wanted
        if (current.get(d.key) and (current[d.key].verdict, current[d.key].reason)) != (d.verdict, d.reason)
    ]
    result.unchanged = len(wanted) - len(fresh)
    return fresh, result


def _text(row: Sequence[object], index: int | None) -> str:
    if index is None or index >= len(row) or row[index] is None:
        return ""
    value = row[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class DecisionSink(Protocol):
    def in_force(self, keys: list[str]) -> dict[str, Decision]: ...

    def decide(self, made: Sequence[Decision]) -> list[Decision]: ...


def import_decisions(store: DecisionSink, folder: Path) -> list[WorkbookImport]:
    """Every workbook waiting in `folder`, imported whole or refused whole, then filed away."""
    results = []
    for path in pending_workbooks(folder):
        wanted, result = read_workbook(path, store.in_force)
        if result.problems:
            file_away(path, REJECTED, "\n".join(result.problems))
        else:
            result.recorded = len(store.decide(wanted))
            file_away(path, IMPORTED)
        results.append(result)
    return results


def pending_workbooks(folder: Path) -> list[Path]:
    """The workbooks waiting in the decisions folder (not those already imported or refused), oldest first."""
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm") and not p.name.startswith(("~$", "."))
    ]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def file_away(path: Path, into: str, note: str = "") -> Path:
    """Move a workbook to imported/ or rejected/ under a stamped name (never over another); a refusal keeps a
    note of why beside it."""
    target_folder = path.parent / into
    target_folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = target_folder / f"{stamp}-{path.name}"
    number = 1
    while target.exists():
        number += 1
        target = target_folder / f"{stamp}-{number}-{path.name}"
    os.replace(path, target)
    if note:
        target.with_name(target.name + ".txt").write_text(note + "\n", encoding="utf-8")
    return target
