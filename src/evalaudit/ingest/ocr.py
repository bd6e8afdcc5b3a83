"""Scans and photos of a form → blocks, by OCR (the tesseract program, Chinese and English).

The ruled tables found in a page's pixels (grid.py) give its cells; each cell's crop is recognised on its own
(far more accurate on a table than the whole page, whose ruling lines OCR reads as '|' and whose columns it
runs together), all the crops of a page in one tesseract run so its language model loads once; the page with
its tables blanked out gives the text around them. A table row is a row block, a merged cell read once in its
first position as office.py reads Word's; the text between tables is a text block per OCR line, all in the
order of the page.

Memory and time are bounded: a PDF's pages are counted before any is drawn, then drawn one at a time; an
image's size is checked before it is decoded; every tesseract run has a timeout. Whatever OCR reads is marked
(Reading.ocr and a note), since a misread digit looks like any other digit.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from evalaudit.ingest.blocks import Block, Reading, numbered
from evalaudit.ingest.decode import UnreadableFile
from evalaudit.ingest.grid import Cell, Table, binarised, tables
from evalaudit.ingest.ocr_text import Word, cell_text, joined, lines_of
from evalaudit.ingest.settings import positive_number, positive_whole

OCR_NOTE = "本文件为扫描件或图片，内容由文字识别（OCR）读出，数字可能有误，请核对原件"
TIMEOUT_ENV = "EVALAUDIT_OCR_TIMEOUT"
DEFAULT_TIMEOUT = 120.0  # seconds per page; a clean page takes a few
PAGES_ENV = "EVALAUDIT_MAX_OCR_PAGES"
DEFAULT_MAX_PAGES = 20
MAX_PIXELS = 60_000_000  # an A3 page at 600 dpi is 70 M; A4 at 600 dpi 35 M
DPI = 300
LANGUAGES = "chi_sim+eng"
# a cell's crop read as one block of text (psm 6): better than one line (7: a wrapped cell is lost), sparse
# text (11) or the whole page (its ruling lines read as '|', its columns run together)
CELL_PSM = "6"
PAGE_PSM = "6"  # the text around the tables: a title, a paragraph, signatures
MISSING_TOOL = (
    "缺少 Tesseract OCR（或中文语言包 tesseract-ocr-chi-sim），无法识别扫描件；"
    "请管理员安装 tesseract-ocr 和 tesseract-ocr-chi-sim{also}，或请单位提交 Word/Excel 电子版"
)
_MARGIN = 4  # pixels of a cell's crop left out on each side: its ruling lines, not its text
_PAD = 16  # white border around a crop: tesseract reads a word touching the edge badly
_MIN_INK = 12  # dark pixels in a crop below which it is an empty cell (specks of a scan)


def scanned_pdf(data: bytes) -> Reading:
    """A PDF without a text layer, page by page: drawn at 300 dpi in grey, then read as an image."""
    tesseract = _tesseract()
    pdftoppm, pdfinfo = shutil.which("pdftoppm"), shutil.which("pdfinfo")
    if not pdftoppm or not pdfinfo:
        raise UnreadableFile(MISSING_TOOL.format(also="、poppler-utils（pdftoppm）"))
    with tempfile.TemporaryDirectory(prefix="evalaudit-ocr-") as folder:
        source = Path(folder) / "scan.pdf"
        source.write_bytes(data)
        count = _pdf_pages(pdfinfo, source)
        _check_pages(count)
        pages = (_render(pdftoppm, source, number, Path(folder)) for number in range(1, count + 1))
        return _read_pages(tesseract, pages, Path(folder))


def image_blocks(data: bytes) -> Reading:
    """A photo or a scan saved as an image (JPEG, PNG, TIFF, BMP); every frame of a multi-page TIFF a page."""
    tesseract = _tesseract()
    image = _open_image(data)
    _check_pages(getattr(image, "n_frames", 1))
    with tempfile.TemporaryDirectory(prefix="evalaudit-ocr-") as folder:
        return _read_pages(tesseract, _frames(image), Path(folder))


def _tesseract() -> str:
    """The tesseract program, if it and its Chinese pack are installed."""
    tesseract = shutil.which("tesseract")
    if not tesseract:
        raise UnreadableFile(MISSING_TOOL.format(also=""))
    try:
        listed = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as error:
        raise UnreadableFile(MISSING_TOOL.format(also="")) from error
    languages = set((listed.stdout + listed.stderr).split())
    if not {"chi_sim", "eng"} <= languages:
        raise UnreadableFile(MISSING_TOOL.format(also=""))
    return tesseract


def _check_pages(count: int) -> None:
    limit = positive_whole(PAGES_ENV, DEFAULT_MAX_PAGES, "（页数）")
    if count > limit:
        raise UnreadableFile(
            f"扫描件共 {count} 页，超过文字识别的上限 {limit} 页，未识别；"
            "请只提交绩效自评表本身（不含附件、佐证材料），或提交 Word/Excel 电子版"
        )


def _pdf_pages(pdfinfo: str, source: Path) -> int:
    try:
        info = subprocess.run([pdfinfo, str(source)], capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as error:
        raise UnreadableFile("PDF 文件无法打开（读取页数超时），请重新导出后提交") from error
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    if info.returncode != 0 or not found:
        raise UnreadableFile("PDF 文件已损坏或加密，无法打开，请重新导出（不加密码）后提交")
    return int(found.group(1))


def _render(pdftoppm: str, source: Path, number: int, folder: Path) -> np.ndarray:
    """Page `number` of the PDF in 8-bit grey at 300 dpi; only this page is ever drawn."""
    from PIL import Image

    root = folder / "page"
    try:
        subprocess.run(
            [
                pdftoppm,
                "-f",
                str(number),
                "-l",
                str(number),
                "-r",
                str(DPI),
                "-gray",
                "-png",
                "-singlefile",
                str(source),
                str(root),
            ],
            check=True,
            capture_output=True,
            timeout=positive_number(TIMEOUT_ENV, DEFAULT_TIMEOUT, "（秒）"),
        )
        with Image.open(root.with_suffix(".png")) as page:
            return np.asarray(page.convert("L"))
    except subprocess.TimeoutExpired as error:
        raise UnreadableFile(f"PDF 第 {number} 页转换为图像超时，请重新导出后提交") from error
    except (subprocess.CalledProcessError, OSError) as error:
        raise UnreadableFile(f"PDF 第 {number} 页无法转换为图像（文件可能已损坏），请重新导出后提交") from error
    finally:
        root.with_suffix(".png").unlink(missing_ok=True)


def _open_image(data: bytes):
    """The image, its size checked before its pixels are decoded (a small file can hold a huge image)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        if isinstance(error, UnidentifiedImageError):
            raise UnreadableFile("文件不是可识别的图片（可能已损坏或扩展名不对），请重新扫描或拍照后提交") from error
        raise UnreadableFile(_too_big(None)) from error
    except OSError as error:
        raise UnreadableFile("图片文件已损坏，无法打开，请重新扫描或拍照后提交") from error
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise UnreadableFile(_too_big((width, height)))
    return image


def _too_big(size: tuple[int, int] | None) -> str:
    shown = f"（{size[0]}×{size[1]} 像素）" if size else ""
    return f"图片过大{shown}，超过识别上限 {MAX_PIXELS // 1_000_000} 百万像素；请以 300 dpi 扫描后重新提交"


def _frames(image) -> Iterator[np.ndarray]:
    """Each frame in 8-bit grey; a damaged or truncated image is refused when its pixels are read."""
    from PIL import ImageSequence

    try:
        for frame in ImageSequence.Iterator(image):
            if frame.size[0] * frame.size[1] > MAX_PIXELS:
                raise UnreadableFile(_too_big(frame.size))
            yield np.asarray(_grey(frame))
    except OSError as error:  # truncated data, a broken codec stream
        raise UnreadableFile("图片文件已损坏或不完整，无法识别，请重新扫描或拍照后提交") from error


def _grey(frame):
    """The frame in grey, transparency on white (a PNG with an alpha channel is black where it is clear)."""
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "P", "PA"):
        rgba = frame.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        return frame.point(lambda value: value / 256).convert("L")
    return frame.convert("L")


def _read_pages(tesseract: str, pages: Iterator[np.ndarray], folder: Path) -> Reading:
    blocks: list[Block] = []
    for number, grey in enumerate(pages, start=1):
        if blocks:
            blocks.append(Block("blank", [], ""))  # a page ends
        blocks.extend(_page_blocks(tesseract, grey, number, folder))
    if not any(block.kind != "blank" and block.text.strip() for block in blocks):
        raise UnreadableFile("未识别出文字（页面空白或图像过于模糊），请提交清晰的扫描件（300 dpi，黑白或灰度）")
    return Reading(numbered(blocks), warnings=[OCR_NOTE], ocr=True)


def _page_blocks(tesseract: str, grey: np.ndarray, number: int, folder: Path) -> list[Block]:
    """One page: its tables' rows and the text lines around them, by their height on the page."""
    ink = binarised(grey)
    found = tables(ink)
    cells = [(table, cell) for table in found for cell in table.cells]
    texts = _cell_texts(tesseract, grey, ink, [cell for _, cell in cells], folder, number)
    by_cell = {(id(table), cell.row, cell.column): text for (table, cell), text in zip(cells, texts)}
    placed: list[tuple[int, list[Block]]] = [(table.box[1], _rows(table, by_cell)) for table in found]
    rest = grey.copy()  # the page without its tables: the title, paragraphs, signatures around them
    for table in found:
        left, top, right, bottom = table.box
        rest[max(0, top - _MARGIN) : bottom + _MARGIN + 1, max(0, left - _MARGIN) : right + _MARGIN + 1] = 255
    if _has_ink(binarised(rest)):
        for line in lines_of(_recognise(tesseract, [rest], folder, number, PAGE_PSM, LANGUAGES).get(0, [])):
            text = joined(line)
            placed.append((min(word.top for word in line), [Block("text", [text], text)]))
    return [block for _, part in sorted(placed, key=lambda item: item[0]) for block in part]


# How a cell is read, in turn: a cell whose reading has Latin letters (OCR's sign of a garbled read: the forms
# are Chinese and numbers) is read the next way, and the reading with the fewest letters is kept. Grey with
# Chinese and English together reads most cells best; a black-and-white crop rescues digits ('5D2.8' read in
# grey, '52.8' thresholded); Chinese alone rescues characters read as letters ('Taz' for 无偏差).
_PASSES = (("grey", LANGUAGES), ("ink", LANGUAGES), ("grey", "chi_sim"))


def _cell_texts(
    tesseract: str, grey: np.ndarray, ink: np.ndarray, cells: list[Cell], folder: Path, page: int
) -> list[str]:
    """The text of each cell: every cell read in one tesseract run per pass, the garbled ones again."""
    texts = ["" if _has_ink(_inside(ink, cell.box)) else None for cell in cells]
    pending = [index for index, text in enumerate(texts) if text is not None]
    for first, (shade, languages) in enumerate(_PASSES):
        if not pending:
            break
        source = grey if shade == "grey" else np.where(ink, 0, 255).astype(np.uint8)
        crops = [np.pad(_inside(source, cells[index].box), _PAD, constant_values=255) for index in pending]
        words = _recognise(tesseract, crops, folder, page, CELL_PSM, languages)
        for image, index in enumerate(pending):
            text = cell_text(words.get(image, []))
            # (`or ""` for mypy: a pending cell's text is never None)
            if first == 0 or _latin(text) < _latin(texts[index] or ""):
                texts[index] = text
        pending = [index for index in pending if _latin(texts[index] or "")]
    for index, (cell, read) in enumerate(zip(cells, texts)):
        if read is not None and _dash(read, _inside(ink, cell.box)):
            texts[index] = "—"
    return [text or "" for text in texts]


def _inside(pixels: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """A cell's pixels inside its ruling lines."""
    left, top, right, bottom = box
    return pixels[top + _MARGIN : bottom - _MARGIN + 1, left + _MARGIN : right - _MARGIN + 1]


def _dash(text: str, ink: np.ndarray) -> bool:
    """A cell holding only a dash ('—': nothing to report), which OCR reads as nothing or as '一' or '-'."""
    if text.strip() not in {"", "-", "一", "_", "—", "–", "~", "～"}:
        return False
    rows, columns = np.nonzero(ink)
    if not rows.size:
        return False
    height, width = rows.max() - rows.min() + 1, columns.max() - columns.min() + 1
    return height <= max(8, ink.shape[0] // 12) and width >= 3 * height


def _latin(text: str) -> int:
    return len(re.findall(r"[A-Za-z]", text))


def _has_ink(ink: np.ndarray) -> bool:
    return ink.size > 0 and int(ink.sum()) >= _MIN_INK


def _rows(table: Table, texts: dict[tuple[int, int, int], str]) -> list[Block]:
    """The table's grid rows as row blocks: a cell's text at its first position, '' where it extends."""
    rows, columns = table.shape
    grid = [[""] * columns for _ in range(rows)]
    for cell in table.cells:
        grid[cell.row][cell.column] = texts.get((id(table), cell.row, cell.column), "")
    return [Block("row", cells, " | ".join(cells), grid=True) for cells in grid]


def _recognise(
    tesseract: str, images: list[np.ndarray], folder: Path, page: int, psm: str, languages: str
) -> dict[int, list[Word]]:
    """The words tesseract reads in each image (by index), all in one run: the language model loads once."""
    from PIL import Image

    paths = []
    for index, image in enumerate(images):
        path = folder / f"p{page}-{index}.png"
        Image.fromarray(image).save(path, dpi=(DPI, DPI))
        paths.append(str(path))
    listing = folder / f"p{page}.txt"
    listing.write_text("\n".join(paths) + "\n")
    timeout = positive_number(TIMEOUT_ENV, DEFAULT_TIMEOUT, "（秒）")
    try:
        done = subprocess.run(
            [
                tesseract,
                str(listing),
                "stdout",
                "-l",
                languages,
                "--psm",
                psm,
                "--dpi",
                str(DPI),
                "-c",
                "preserve_interword_spaces=1",
                "tsv",
            ],
            capture_output=True,
            timeout=timeout,
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        )
    except subprocess.TimeoutExpired as error:
        raise UnreadableFile(
            f"第 {page} 页文字识别超时（超过 {timeout:g} 秒），请提交清晰的扫描件或 Word/Excel 电子版"
        ) from error
    finally:
        for name in paths:
            Path(name).unlink(missing_ok=True)
    if done.returncode != 0:
        raise UnreadableFile(f"第 {page} 页文字识别失败（tesseract 出错），请提交清晰的扫描件或 Word/Excel 电子版")
    return _words(done.stdout.decode("utf-8", errors="replace"))


def _words(tsv: str) -> dict[int, list[Word]]:
    """Tesseract's TSV (level, page, block, paragraph, line, word, left, top, width, height, conf, text) as the
    words of each image, counted from 0."""
    words: dict[int, list[Word]] = {}
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) < 12 or fields[0] != "5" or not fields[11].strip():
            continue
        image, block, paragraph, row = (int(value) for value in fields[1:5])
        left, top, width, height = (int(value) for value in fields[6:10])
        words.setdefault(image - 1, []).append(
            Word(fields[11].strip(), left, top, width, height, (image, block, paragraph, row))
        )
    return words
