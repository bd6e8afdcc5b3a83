"""Derived fact columns: what the form's own numbers imply, computed vectorised over whole frames.

Python computes facts; the suites in `expectations/` judge them (DESIGN.md §4).
"""

from __future__ import annotations

from dataclasses import replace

from evalaudit.facts.forms import form_facts, section_facts, section_gaps
from evalaudit.facts.funds import fund_facts, fund_totals
from evalaudit.facts.indicators import indicator_facts
from evalaudit.frames import Frames


def derive_facts(frames: Frames) -> Frames:
    """The same frames with fact columns added, plus `fund_totals` (sub-rows vs the total row)."""
    by_form = frames.evaluations.set_index("evaluation_id")  # one row per id: build_frames keeps each form once
    funds = fund_facts(frames.funds)
    indicators = indicator_facts(frames.indicators, by_form["form_type"], funds, by_form["cut_off"], by_form["unread"])
    sections = section_facts(frames.sections, indicators, frames.evaluations)
    return replace(
        frames,
        evaluations=section_gaps(form_facts(frames.evaluations, funds, indicators), sections),
        funds=funds,
        indicators=indicators,
        sections=sections,
        fund_totals=fund_totals(funds, by_form["amount_unit"]),
    )
