"""Whatever text arrives, the parser returns evaluations and/or warnings; it never raises.

Binary input (NUL bytes) is the reader's to refuse with UnreadableFile, tested in tests/ingest."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evalaudit.ingest import UnreadableFile, read_bytes
from evalaudit.parse import parse_document
from tests.conftest import SEEDS, TEXT_SAMPLES

FORM_WORDS = [
    "年度资金总额",
    "基本支出",
    "一级指标",
    "三级指标",
    "分值",
    "得分",
    "总分",
    "自评表",
    "项目支出绩效自评表",
    "≥",
    "100%",
    "—",
    "\t",
    "|",
    "\n",
    " ",
    "产出指标(50分)",
    "得 5 分",
    "<td>",
    "</tr>",
    "预期目标",
]
texts = st.lists(
    st.one_of(
        st.sampled_from(FORM_WORDS),
        st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=8),
    ),
    max_size=80,
).map("".join)
SOURCES = sorted(SEEDS.glob("*.txt")) + TEXT_SAMPLES  # text cut anywhere; the binary formats' damage: test_bad_formats


def _check(name: str, text: str) -> None:
    if not text.strip():  # an empty file is the reader's to refuse, with its reason
        with pytest.raises(UnreadableFile, match="文件为空"):
            read_bytes(name, text.encode("utf-8"))
        return
    result = parse_document(read_bytes(name, text.encode("utf-8")))
    assert isinstance(result.evaluations, list) and isinstance(result.warnings, list)
    assert result.evaluations or result.warnings
    for evaluation in result.evaluations:
        assert not any(w.code == "parser_error" for w in evaluation.warnings), evaluation.warnings


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, suffix=st.sampled_from([".txt", ".md", ".html"]))
def test_arbitrary_text_never_raises(text: str, suffix: str) -> None:
    _check("x" + suffix, text)


@settings(max_examples=120, deadline=None)
@given(source=st.sampled_from(SOURCES), cut=st.floats(min_value=0, max_value=1))
def test_truncated_real_forms_never_raise(source, cut: float) -> None:
    text = source.read_text(encoding="utf-8")
    _check(source.name, text[: int(len(text) * cut)])
