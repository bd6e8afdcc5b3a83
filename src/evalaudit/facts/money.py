"""How much money a form is about: its total row's budget, in 万元, for ordering the reviewers' queue and the
overview's money chart. Read from one form, not a frame: the store keeps it beside each form it saves."""

from __future__ import annotations

from evalaudit.facts.funds import TOTAL
from evalaudit.model import Evaluation

YUAN_PER_WAN = 10_000


def form_budget(evaluation: Evaluation) -> float | None:
    """The full-year budget of the form's total fund row (年初预算数 when 全年预算数 is blank), in 万元; None
    when the form has no total row or it states neither. The first total row counts, as the checks take it."""
    total = next((row for row in evaluation.funds if row.item == TOTAL), None)
    if total is None:
        return None
    amount = total.budget if total.budget is not None else total.initial_budget
    if amount is None or amount != amount or amount < 0:
        return None
    return amount / YUAN_PER_WAN if evaluation.amount_unit == "元" else amount
