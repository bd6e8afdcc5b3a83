"""The ruled tables of a scanned page: their lines found in the pixels, their cells as rectangles of a grid.

A printed form's table is drawn with ruling lines; OCR reads the words but not the lines, so the cells are
recovered here from the image itself. A ruling line is a long run of dark pixels (far longer than any stroke
of a character); runs on neighbouring pixel rows are one line, and lines a few pixels apart are one line
drawn twice. Lines that touch one another form a table. The table's grid is every distinct line position; a
cell merged over several grid columns (or rows) is the rectangle no line crosses, read once in its first
position, as the Word and Excel readers read merged cells.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DARK = 128  # grey level below which a pixel is ink (the page is rendered or converted to 8-bit grey)


@dataclass(frozen=True, slots=True)
class Line:
    """A ruling line: `at` is its y (horizontal) or x (vertical); it runs from `start` to `end`."""

    at: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell of a table: its first grid position, how many grid rows and columns it covers, and its box."""

    row: int
    column: int
    rows: int
    columns: int
    box: tuple[int, int, int, int]  # left, top, right, bottom in pixels, inside the ruling lines


@dataclass(frozen=True, slots=True)
class Table:
    box: tuple[int, int, int, int]  # left, top, right, bottom
    shape: tuple[int, int]  # grid rows, grid columns
    cells: tuple[Cell, ...]  # in reading order: by row, then column


def binarised(grey: np.ndarray) -> np.ndarray:
    """Ink as True: a scan's paper is light, whatever its exact shade."""
    return grey < DARK


def tables(ink: np.ndarray) -> list[Table]:
    """The ruled tables of a page, top to bottom."""
    height, width = ink.shape
    long = max(40, min(height, width) // 40)  # ≈ 6 mm at 300 dpi: longer than any stroke of body text
    near = max(4, min(height, width) // 300)  # lines this close are one line (a thick or doubled rule)
    horizontal = _merged(_runs(ink, long), near)
    vertical = _merged(_runs(ink.T, long), near)
    found = [_table(h, v, near) for h, v in _touching(horizontal, vertical, near)]
    return sorted((table for table in found if table is not None), key=lambda table: table.box[1])


def _runs(ink: np.ndarray, long: int) -> list[Line]:
    """Every run of ink at least `long` pixels along a pixel row, joined with the runs on the rows next to it."""
    padded = np.zeros((ink.shape[0], ink.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)  # row-major: each row's runs start and end in turn
    keep = ends - starts >= long
    lines: list[list[int]] = []  # [first row, last row, start, end], open while the next rows continue them
    for row, start, end in zip(rows[keep].tolist(), starts[keep].tolist(), ends[keep].tolist()):
        continued = next(
            (line for line in reversed(lines[-64:]) if row - line[1] <= 2 and start < line[3] and end > line[2]),
            None,
        )
        if continued is None:
            lines.append([row, row, start, end])
        else:
            continued[1], continued[2], continued[3] = row, min(continued[2], start), max(continued[3], end)
    return [Line((first + last) // 2, start, end) for first, last, start, end in lines]


def _merged(lines: list[Line], near: int) -> list[Line]:
    """Lines at almost the same position that overlap or almost meet, as one."""
    out: list[Line] = []
    for line in sorted(lines, key=lambda line: (line.at, line.start)):
        for i, other in enumerate(out):
            if abs(other.at - line.at) <= near and line.start <= other.end + near and line.end >= other.start - near:
                out[i] = Line(other.at, min(other.start, line.start), max(other.end, line.end))
                break
        else:
            out.append(line)
    return out


def _touching(horizontal: list[Line], vertical: list[Line], near: int) -> list[tuple[list[Line], list[Line]]]:
    """The groups of lines that cross or meet one another: each group is one table's ruling."""
    parent = list(range(len(horizontal) + len(vertical)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(horizontal):
        for j, v in enumerate(vertical):
            if h.start - near <= v.at <= h.end + near and v.start - near <= h.at <= v.end + near:
                parent[root(i)] = root(len(horizontal) + j)
    groups: dict[int, tuple[list[Line], list[Line]]] = {}
    for i, h in enumerate(horizontal):
        groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(vertical):
        groups.setdefault(root(len(horizontal) + j), ([], []))[1].append(v)
    return [group for group in groups.values() if len(group[0]) >= 2 and len(group[1]) >= 2]


def _positions(lines: list[Line], near: int) -> list[int]:
    """The distinct positions of the lines: partial lines at one position (a row merged in some columns) count
    once."""
    positions: list[int] = []
    for at in sorted(line.at for line in lines):
        if positions and at - positions[-1] <= near:
            continue
        positions.append(at)
    return positions


def _table(horizontal: list[Line], vertical: list[Line], near: int) -> Table | None:
    """The grid of one table's lines, its cells the rectangles no line divides."""
    ys, xs = _positions(horizontal, near), _positions(vertical, near)
    if len(ys) < 2 or len(xs) < 2:
        return None
    rows, columns = len(ys) - 1, len(xs) - 1

    def divided(lines: list[Line], at: int, start: int, end: int) -> bool:
        """Whether some line at `at` runs over most of start..end (a boundary between two grid cells)."""
        span = end - start
        return any(
            abs(line.at - at) <= near and min(line.end, end) - max(line.start, start) >= span - 2 * near
            for line in lines
        )

    # right[r][c]: a line separates (r, c) from (r, c + 1); below[r][c]: one separates (r, c) from (r + 1, c)
    right = [[divided(vertical, xs[c + 1], ys[r], ys[r + 1]) for c in range(columns - 1)] for r in range(rows)]
    below = [[divided(horizontal, ys[r + 1], xs[c], xs[c + 1]) for c in range(columns)] for r in range(rows - 1)]
    taken = [[False] * columns for _ in range(rows)]
    cells: list[Cell] = []
    for r in range(rows):
        for c in range(columns):
            if taken[r][c]:
                continue
            width = 1
            while c + width < columns and not right[r][c + width - 1] and not taken[r][c + width]:
                width += 1
            height = 1
            while r + height < rows and not any(below[r + height - 1][c + k] for k in range(width)):
                height += 1
            for rr in range(r, r + height):
                for cc in range(c, c + width):
                    taken[rr][cc] = True
            cells.append(Cell(r, c, height, width, (xs[c], ys[r], xs[c + width], ys[r + height])))
    return Table((xs[0], ys[0], xs[-1], ys[-1]), (rows, columns), tuple(cells))
