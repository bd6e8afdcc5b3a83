"""How numbers are written back to people: as the form would write them, without float noise."""

from __future__ import annotations

import math


def format_number(value: object) -> str:
    """97.75200000001 → 97.752, 10.0 → 10, None/NaN → ''. Strings pass through."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ""
        text = f"{float(value):.4f}".rstrip("0").rstrip(".")
        return "0" if text == "-0" else text
    return str(value)
