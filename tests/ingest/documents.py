"""Real files made from a text form, for the readers' tests: the form's rows as Word/Excel tables, and
LibreOffice's own conversions of those (.doc, .xls, .pdf), as a unit's office suite would save them."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from docx import Document
from openpyxl import Workbook

from evalaudit.ingest import SourceDocument, read_bytes

INBOX = Path(__file__).parents[2] / "data" / "inbox"
# samples laid out as tables (pipes, tabs, the HTML template): their rows are what a Word or Excel table holds
TABLE_SAMPLES = ["01_water_project_pipes.md", "05_sichuan_template.txt", "07_township_party_building_errors.txt"]


def sample(name: str) -> SourceDocument:
    """A bundled inbox sample, read as text."""
    return read_bytes(name, (INBOX / name).read_bytes())


def as_docx(document: SourceDocument) -> bytes:
    """The text document rewritten as Word: each text line a paragraph, each run of rows a table."""
    word = Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            width = max(len(row) for row in rows)
            table = word.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"  # ruled, as the templates are printed
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
            rows.clear()

    for block in document.blocks:
        if block.kind == "row":
            rows.append(list(block.cells))
            continue
        flush()
        if block.kind == "text":
            word.add_paragraph(block.cells[0] if block.cells else "")
    flush()
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def as_xlsx(document: SourceDocument) -> bytes:
    """The text document as one sheet, a row per line."""
    workbook = Workbook()
    sheet = workbook.active
    for block in document.blocks:
        if block.kind != "blank":
            sheet.append(list(block.cells))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def soffice_convert(data: bytes, suffix: str, target: str) -> bytes:
    """`data` (a file with `suffix`, e.g. '.docx') converted by LibreOffice to `target` ('doc', 'xls', 'pdf')."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed by these tests: `make test` installs it (libreoffice-writer-nogui)"
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"form{suffix}"
        source.write_bytes(data)
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", target,
             "--outdir", str(Path(folder) / "out"), str(source)],
            check=True, capture_output=True, timeout=180,
        )
        return (Path(folder) / "out" / f"form.{target.split(':')[0]}").read_bytes()
