"""Every check's Chinese name, for what people read (charts, tables, the workbook): the suites' `meta.name`, the
parser's notes (`parse.vocab.PARSE_NOTE_NAMES`) and the file problems. The check id stays beside it, smaller."""

from __future__ import annotations

from functools import lru_cache

from evalaudit.checks.suites import load_suites
from evalaudit.inbox import STATUS_LABELS
from evalaudit.parse.vocab import PARSE_NOTE_NAMES

PARSE_PREFIX, FILE_PREFIX = "completeness.parse.", "completeness.file_"


@lru_cache(maxsize=1)
def suite_names() -> dict[str, str]:
    return {e["meta"]["check_id"]: e["meta"]["name"] for suite in load_suites().values() for e in suite["expectations"]}


def check_name(check_id: str) -> str:
    """The check's name in Chinese; an id nothing names is shown as it is."""
    if check_id in suite_names():
        return suite_names()[check_id]
    if check_id.startswith(PARSE_PREFIX):
        return PARSE_NOTE_NAMES.get(check_id.removeprefix(PARSE_PREFIX), "识别说明")
    if check_id.startswith(FILE_PREFIX):
        return "文件" + STATUS_LABELS.get(check_id.removeprefix(FILE_PREFIX), "未能审核")
    return check_id
