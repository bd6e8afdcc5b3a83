"""The readers' limits from the environment: each a positive number, its default when unset.

A value that is not one is the operator's mistake: it raises, naming the setting, rather than read every file
or none, or wait forever.
"""

from __future__ import annotations

import math
import os


def positive_number(name: str, default: float, unit: str = "") -> float:
    """A positive finite number (seconds, megabytes); `unit` is said in the error, e.g. '（单位 MB）'."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"环境变量 {name} 应为正数{unit}，当前为“{raw}”")
    return value


def positive_whole(name: str, default: int, unit: str = "") -> int:
    """A positive whole number (pages, files); `unit` is said in the error, e.g. '（页数）'."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"环境变量 {name} 应为正整数{unit}，当前为“{raw}”")
    return int(raw)
