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
    return soffice_convert_many({f"form{suffix}": data}, target)[f"form{suffix}"]


def soffice_convert_many(files: dict[str, bytes], target: str) -> dict[str, bytes]:
    """Each named file converted by LibreOffice to `target`, in one LibreOffice start.

    LibreOffice 7.4 drops python-docx's tables when it writes .docx straight to Word 97, but not from its own
    OpenDocument: a .doc is made by way of .odt, as a document saved in Writer would be.
    """
    if target == "doc" and any(name.endswith(".docx") for name in files):
        odt = soffice_convert_many(files, "odt")
        files = {Path(name).stem + ".odt": data for name, data in odt.items()}
        return {Path(name).stem + ".docx": data for name, data in soffice_convert_many(files, "doc").items()}
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed by these tests: `make test` installs it (libreoffice-writer-nogui)"
    with tempfile.TemporaryDirectory() as folder:
        sources = []
        for name, data in files.items():
            (Path(folder) / name).write_bytes(data)
            sources.append(str(Path(folder) / name))
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to", target,
             "--outdir", str(Path(folder) / "out"), *sources],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        extension = target.split(":")[0]
        return {name: (Path(folder) / "out" / f"{Path(name).stem}.{extension}").read_bytes() for name in files}


def scanned_pages(pdf: bytes, dpi: int = 300) -> list[bytes]:
    """A printed PDF's pages as grey PNG images at `dpi`: what a scanner makes of the paper form."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "form.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", str(Path(folder) / "form.pdf"), str(Path(folder) / "page")],
            check=True,
        )
        return [path.read_bytes() for path in sorted(Path(folder).glob("page-*.png"))]
