"""Every form we have, filled in the real template as Word and as Excel, reads back as the form it was written from.

The forms are the seeds, the corpus and the inbox samples, parsed from their text; each is written as the
ministry's template (one table, merged 一级/二级指标 cells, a merged fund label, a blank where the form states
nothing) and read back through the Word and Excel readers. A narrative report has no template of its own: its
figures are written in the project form (the department form when it names no project) and read back as that.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from openpyxl import load_workbook

from evalaudit.ingest import read_bytes, read_source
from evalaudit.model import Evaluation
from evalaudit.parse import parse_document
from evalaudit.parse.accuracy import FUND_FIELDS, extraction
from tests.conftest import INBOX, SEEDS
from tests.ingest.templates import evaluation_docx, evaluation_xlsx, fund_label, template_type

CORPUS = SEEDS.parent / "corpus"
# the forms written as text (the samples of other formats are already such files: tests/samples/formats.py)
TEXT_SUFFIXES = {".txt", ".md", ".html"}
SOURCES = (
    sorted(SEEDS.glob("*.txt"))
    + sorted(CORPUS.glob("*.txt"))
    + sorted(path for path in INBOX.iterdir() if path.suffix in TEXT_SUFFIXES)
)

# forms whose text holds what one table of the template cannot say
GAPS = {
    "20_chongqing.txt#1": "two transfer funds each with its own 年度资金总额/中央资金/市县资金 rows (item 'fund/row'): "
    "the template has one fund block, and a second 年度资金总额 row in it is not read as a second fund's rows",
    "42_anhui.txt#1": "the text leaves 资金落实's 二级指标 empty under 项目立项; in a table a blank cell under a "
    "level reads as that level (the merged cell above), so the re-read row is under 项目立项",
}


@cache
def _parsed(path: Path) -> tuple[Evaluation, ...]:
    return tuple(parse_document(read_source(path)).evaluations)


def _forms() -> list:
    """(path, form index) of every form with fund or indicator rows, named by file, xfailed where GAPS says."""
    params = []
    for path in SOURCES:
        for evaluation in _parsed(path):
            if not (evaluation.funds or evaluation.indicators):
                continue
            name = f"{path.name}#{evaluation.form_index}"
            marks = [pytest.mark.xfail(strict=True, reason=GAPS[name])] if name in GAPS else []
            params.append(pytest.param(path, evaluation.form_index, id=name, marks=marks))
    return params


FORMS = _forms()


def _what_was_read(evaluation: Evaluation, form_type: str, labels: list[str] | None = None) -> dict:
    """Form type, unit, project, year, every fund row and indicator with its values, the stated total."""
    read = extraction(evaluation)
    funds = [
        {"label": label, "item": row["item"], **{name: row[name] for name in FUND_FIELDS}}
        for row, label in zip(read["funds"], labels or [row["label"] for row in read["funds"]], strict=True)
    ]
    return {
        "form_type": form_type,
        "unit": evaluation.unit,
        "project_name": evaluation.project_name,
        "year": evaluation.year,
        "funds": funds,
        "indicators": read["indicators"],
        "stated_total": evaluation.stated_total,
    }


def test_every_form_we_have_is_written_in_the_template() -> None:
    kinds = {template_type(e) for path in SOURCES for e in _parsed(path) if e.funds or e.indicators}
    assert len(FORMS) >= 50 and kinds == {"project", "department"}
    assert any(e.form_type == "report" and e.indicators for path in SOURCES for e in _parsed(path))


@pytest.mark.parametrize(("path", "index"), FORMS)
@pytest.mark.parametrize(("suffix", "write"), [(".docx", evaluation_docx), (".xlsx", evaluation_xlsx)])
def test_a_form_filled_in_the_template_reads_as_its_text(path: Path, index: int, suffix: str, write) -> None:
    form = _parsed(path)[index - 1]
    expected = _what_was_read(form, template_type(form), [fund_label(row) for row in form.funds])
    reread = parse_document(read_bytes(path.stem + suffix, write(form))).evaluations
    assert [_what_was_read(e, e.form_type) for e in reread] == [expected]


def _seed_department() -> Evaluation:
    return next(e for e in _parsed(SEEDS / "000_c3a91c8ae6e1eab4.txt") if e.form_type == "department")


def test_the_word_template_merges_cells_as_word_does() -> None:
    form = _seed_department()
    table = Document(io.BytesIO(evaluation_docx(form))).tables[0]
    cells = [tc for tr in table._tbl.tr_lst for tc in tr.tc_lst]
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in cells if tc.tcPr is not None]
    merges = [tc.tcPr.find(qn("w:vMerge")) for tc in cells if tc.tcPr is not None]
    assert any(span is not None and span.get(qn("w:val")) == "7" for span in spans)  # 部门（单位）名称 | unit
    continued = [m for m in merges if m is not None and m.get(qn("w:val"), "continue") == "continue"]
    # the fund label down its rows, and 产出指标 down its 12 rows with 数量 down 6 of them, among others
    assert len(continued) >= len(form.funds) + 11 + 5


def test_the_excel_template_merges_the_levels_down_their_rows() -> None:
    form = _seed_department()
    sheet = load_workbook(io.BytesIO(evaluation_xlsx(form))).active
    tall = sorted(
        (r.max_row - r.min_row + 1, sheet.cell(r.min_row, r.min_col).value)
        for r in sheet.merged_cells.ranges
        if r.min_col in (1, 2) and r.max_row > r.min_row
    )
    assert (12, "产出指标（50分）") in tall and (6, "数量") in tall
    rates = [cell for row in sheet.iter_rows() for cell in row if cell.number_format.endswith("%")]
    assert (rates[0].value, rates[0].number_format) == (0.79, "0%")  # the 执行率 79% as Excel keeps it
