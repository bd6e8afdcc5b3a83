"""The unit registry `data/units.csv`: who a unit is (name and aliases) and where its alerts go.

Bureau staff keep it in Excel, so it is read whatever Excel saved it as — a workbook (`units.xlsx`, its first
sheet; used in place of `units.csv` when only it is there) or CSV (UTF-8 with or without BOM, GB18030) —
with Chinese headers 单位名称,别名,邮箱 (English name,aliases,email also accepted). Aliases are separated
by ; ； 、 or |. A line break typed inside a cell (Alt+Enter) is not part of a name.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from evalaudit.ingest.decode import UnreadableFile, decode_bytes
from evalaudit.resubmission import unit_key

HEADERS = {"name": ("单位名称", "name"), "aliases": ("别名", "aliases"), "email": ("邮箱", "email")}
_ALIAS_SEPARATORS = re.compile(r"[;；、|]")
_EMAIL = re.compile(r"[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+")
_WHITESPACE = re.compile(r"\s+")
_INNER_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


class RegistryError(Exception):
    """The registry cannot be trusted as it is; the message says which line to fix."""


@dataclass(frozen=True)
class Unit:
    name: str
    email: str
    aliases: tuple[str, ...] = ()


@dataclass
class Registry:
    units: list[Unit]
    problem: str = ""  # why the registry cannot tell who a unit is (Chinese); "" when it can

    def __post_init__(self) -> None:
        self._by_key: dict[str, Unit] = {}
        for unit in self.units:
            for name in (unit.name, *unit.aliases):
                key = unit_key(name)
                other = self._by_key.get(key)
                if other is not None and other.name != unit.name:
                    raise RegistryError(f"单位名录中“{name}”同时对应“{other.name}”和“{unit.name}”，请删除其一")
                self._by_key[key] = unit

    def find(self, unit: str) -> Unit | None:
        """The registered unit a form's unit name means (spacing, width and traditional characters aside)."""
        key = unit_key(unit)
        return self._by_key.get(key) if key else None  # a name of punctuation only is nobody


def clean_name(name: str) -> str:
    """A name as typed in an Excel cell, without its line breaks and stray spaces: 清溪镇\\n人民政府 is
    清溪镇人民政府 (a space between two Latin words stays, as one space)."""
    return _INNER_SPACE.sub("", _WHITESPACE.sub(" ", name).strip())


def load_registry(path: Path) -> Registry:
    """Read the registry. A missing or empty one is a `problem`, not an empty list of units: the findings
    it cannot place must wait for it rather than count as reported."""
    if not path.exists() and path.with_suffix(".xlsx").exists():
        path = path.with_suffix(".xlsx")
    if not path.exists():
        return Registry([], problem=f"单位名录 {path} 不存在，本次未向任何单位发送提醒；补充名录后，下次运行时补发")
    rows = _workbook_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path)
    if not rows:
        return Registry([], problem=_empty(path))
    header = [cell.strip() for cell in rows[0]]
    columns = {}
    for role, names in HEADERS.items():
        matches = [i for i, cell in enumerate(header) if cell in names]
        if not matches and role != "aliases":
            raise RegistryError(f"单位名录 {path} 第1行缺少“{names[0]}”列（应为：单位名称,别名,邮箱）")
        columns[role] = matches[0] if matches else None
    units = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(role: str, row: list[str] = row) -> str:  # (`row` bound here; called in this iteration only)
            index = columns[role]
            return row[index].strip() if index is not None and index < len(row) else ""

        name, email = clean_name(cell("name")), cell("email")
        if not name:
            raise RegistryError(f"单位名录 {path} 第{number}行缺少单位名称")
        if not _EMAIL.fullmatch(email):
            shown = email.replace("\r", "\\r").replace("\n", "\\n")
            raise RegistryError(f"单位名录 {path} 第{number}行（{name}）的邮箱“{shown}”不是有效的电子邮件地址")
        aliases = tuple(clean_name(alias) for alias in _ALIAS_SEPARATORS.split(cell("aliases")) if alias.strip())
        units.append(Unit(name=name, email=email, aliases=aliases))
    return Registry(units, problem="" if units else _empty(path))


def registry_aliases(registry: Path | None) -> Callable[[str], Sequence[str]] | None:
    """The registry's names for a unit (its registered name and aliases), for the overview's search; None when
    there is no usable registry (the alerts say why)."""
    if registry is None:
        return None
    try:
        units = load_registry(registry)
    except RegistryError:
        return None

    def names(unit: str) -> Sequence[str]:
        found = units.find(unit)
        return (found.name, *found.aliases) if found else ()

    return names


def _csv_rows(path: Path) -> list[list[str]]:
    try:
        text, _ = decode_bytes(path.read_bytes())
    except UnreadableFile as error:
        raise RegistryError(f"单位名录 {path} 无法读取：{error}") from error
    return list(csv.reader(io.StringIO(text)))


def _workbook_rows(path: Path) -> list[list[str]]:
    """The first sheet's rows as text (a number typed in a cell, such as a phone number, as it shows)."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - any unreadable workbook stops the registry with the reason
        raise RegistryError(f"单位名录 {path} 无法作为 Excel 工作簿打开（{type(error).__name__}）") from error
    try:
        return [
            [
                "" if value is None else str(int(value) if isinstance(value, float) and value.is_integer() else value)
                for value in row
            ]  # fmt: skip
            for row in book.worksheets[0].iter_rows(values_only=True)
        ]
    finally:
        book.close()


def _empty(path: Path) -> str:
    return f"单位名录 {path} 中没有任何单位，本次未向任何单位发送提醒；补充名录后，下次运行时补发"
