"""Align a row's cells to the table's columns by what each cell looks like.

Real rows have a cell missing (merged labels, a blank amount), a cell too many (an amount typed twice, a
group label) or are shifted by one. Reading them positionally puts a percentage into the score column. The
aligner finds the assignment of cells to roles that reads best: each role scores the cell it receives, a
role may be left empty (a gap) and a cell may be dropped only when it is blank or repeats another cell.
Dynamic programming over (cell, role, gaps left); rows are short, so this is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from evalaudit.textnorm import fold

NEG = -1e9


@dataclass
class Alignment:
    values: dict[str, str]  # role -> cell text ("" when the role got no cell)
    score: float
    dropped: list[str] = field(default_factory=list)  # non-blank cells dropped as repeats
    gaps: list[str] = field(default_factory=list)  # roles that got no cell
    positional: bool = True  # True when cells map onto roles one to one, in place


def align(
    cells: Sequence[str],
    roles: Sequence[str],
    fit: Callable[[str, str], float],
    gap_cost: Callable[[str], float],
    droppable: Callable[[int, str], float | None] | None = None,
    max_gaps: int = 4,
    gap_first: Callable[[str], bool] | None = None,
) -> Alignment:
    """Best alignment of `cells` to `roles`; `fit(role, cell)` scores a placement, higher is better.

    On equal scores a cell is placed rather than skipped, except for roles `gap_first` names: merged
    label cells on the left of a short row are the ones that went missing.
    """
    n, m = len(cells), len(roles)
    folded = [fold(cell) for cell in cells]
    drop_cost: list[float | None] = []
    for index, cell in enumerate(cells):
        if droppable is not None:
            drop_cost.append(droppable(index, cell))
        elif not folded[index]:
            drop_cost.append(0.1)
        elif folded[index] in folded[:index] + folded[index + 1 :]:
            drop_cost.append(1.0)
        else:
            drop_cost.append(None)

    fits = [[fit(roles[j], cells[i]) for j in range(m)] for i in range(n)]
    gaps = [gap_cost(role) for role in roles]
    first = [gap_first is not None and gap_first(role) for role in roles]
    memo: dict[tuple[int, int, int], tuple[float, str]] = {}

    def best(i: int, j: int, g: int) -> float:
        # Options in a fixed order, the first best one wins: a gap before a take for `gap_first` roles,
        # then take, drop, gap, and a cell left over after the last role.
        # The budget of gaps binds only while cells remain and only up to the roles left to fill: states
        # that differ beyond that have the same value and the same best move, and are computed once.
        # (`_canonical`, inlined here: a call per state costs 7 % of a corpus file's parse.)
        if i == n:
            g = 0
        elif g > m - j:
            g = m - j
        key = (i, j, g)
        known = memo.get(key)
        if known is not None:
            return known[0]
        if i == n and j == m:
            memo[key] = (0.0, "end")
            return 0.0
        score, move = NEG, "none"
        can_gap = j < m and (g > 0 or i == n)
        if can_gap and first[j]:
            score, move = -gaps[j] + best(i, j + 1, g - 1 if i < n else g), "gap"
        if i < n:
            if j < m:
                value = fits[i][j] + best(i + 1, j + 1, g)
                if move == "none" or value > score:
                    score, move = value, "take"
            cost = drop_cost[i]
            if cost is not None:
                value = -cost + best(i + 1, j, g)
                if move == "none" or value > score:
                    score, move = value, "drop"
        if can_gap and not first[j]:
            value = -gaps[j] + best(i, j + 1, g - 1 if i < n else g)
            if move == "none" or value > score:
                score, move = value, "gap"
        if i < n and j == m and drop_cost[i] is None:
            value = -10.0 + best(i + 1, j, g)
            if move == "none" or value > score:
                score, move = value, "extra"
        memo[key] = (score, move)
        return score

    total = best(0, 0, max_gaps)
    values = {role: "" for role in roles}
    result = Alignment(values=values, score=total)
    i, j, g = 0, 0, max_gaps
    while (i, j, _canonical(i, j, g, n, m)) in memo:
        move = memo[(i, j, _canonical(i, j, g, n, m))][1]
        if move == "take":
            values[roles[j]] = cells[i]
            result.positional &= i == j
            i, j = i + 1, j + 1
        elif move == "drop":
            if folded[i]:
                result.dropped.append(cells[i])
            result.positional = False
            i += 1
        elif move == "extra":
            result.dropped.append(cells[i])
            result.positional = False
            i += 1
        elif move == "gap":
            result.gaps.append(roles[j])
            if i < n:
                result.positional = False
                g -= 1
            j += 1
        else:
            break
    return result


def _canonical(i: int, j: int, g: int, n: int, m: int) -> int:
    """The gap budget as `best` keys its states (see there)."""
    return 0 if i == n else min(g, m - j)
