"""Execution rate: any stated or computed rate above 100 %, and spending above budget, is an error."""

from __future__ import annotations

from tests.forms import check_ids, consistent_form, findings, with_fund, with_indicator


def test_spending_above_budget_is_an_error_on_the_total_row():
    form = with_fund(consistent_form(), 0, executed=210, stated_rate=105, stated_rate_raw="105%", stated_score=10)
    form = with_fund(form, 1, executed=165)
    found = {f.check_id: f for f in findings(form)}
    over = found["execution_rate.spending_over_budget"]
    assert (over.location, over.stated, over.expected, over.severity) == (
        "资金表/年度资金总额/全年执行数",
        "210",
        "200",
        "error",
    )
    assert over.message == "年度资金总额全年执行数210超过全年预算数200（执行率105.00%），支出不应超过预算"
    assert found["execution_rate.stated_over_100"].stated == "105%"


def test_spending_against_a_budget_of_zero_says_the_rate_cannot_be_computed():
    form = with_fund(consistent_form(), 0, budget=0, initial_budget=0)
    over = next(f for f in findings(form) if f.check_id == "execution_rate.spending_over_budget")
    assert over.message == "年度资金总额全年执行数190超过全年预算数0（全年预算数为0，执行率无从计算），支出不应超过预算"


def test_spending_above_budget_is_an_error_on_a_sub_row_too():
    # 基本支出 overspent while the total is within budget (seed 000's shape).
    form = with_fund(consistent_form(), 2, budget=40, initial_budget=40, executed=45)
    form = with_fund(form, 1, budget=160, initial_budget=160, executed=145)
    [finding] = [f for f in findings(form) if f.category == "execution_rate"]
    assert finding.location == "资金表/上年结转资金/全年执行数"


def test_spending_exactly_the_budget_passes():
    form = with_fund(
        consistent_form(stated_total=99), 0, executed=200, stated_rate=100, stated_rate_raw="100%", stated_score=10
    )
    form = with_fund(form, 1, executed=150)
    form = with_fund(form, 2, executed=50)
    assert check_ids(form) == set()


def test_stated_rate_over_100_is_an_error_even_without_amounts():
    form = with_fund(
        consistent_form(stated_total=99), 0, executed=None, stated_rate=101, stated_rate_raw="101%", stated_score=10
    )
    form = replace_parts_executed(form, None)
    assert "execution_rate.stated_over_100" in check_ids(form)


def test_cost_indicator_stated_as_a_rate_over_100_is_an_error():
    # A cost row whose target is an amount and whose actual is a percentage is that amount's execution rate.
    form = with_indicator(consistent_form(), 0, level2="成本指标", name="运转类公用支出", target="27.6", actual="131%")
    found = findings(form)
    [finding] = [f for f in found if f.check_id == "execution_rate.cost_indicator_over_100"]
    assert (finding.location, finding.stated, finding.severity) == ("指标/运转类公用支出/实际完成值", "131%", "error")
    # the row kept all its points: its score is the other finding (tests/checks/test_reviewer_checks.py)
    assert {f.check_id for f in found} == {
        "execution_rate.cost_indicator_over_100",
        "consistency.full_marks_cost_overrun",
    }


def test_cost_indicator_within_budget_passes():
    form = with_indicator(consistent_form(), 0, level2="成本指标", name="运转类公用支出", target="27.6", actual="98%")
    assert check_ids(form) == set()


def test_cost_control_rate_with_a_percentage_target_is_not_an_execution_rate():
    form = with_indicator(consistent_form(), 0, level2="成本指标", name="成本节约率", target="≥100%", actual="104%")
    assert "execution_rate.cost_indicator_over_100" not in check_ids(form)


def replace_parts_executed(form, value):
    form = with_fund(form, 1, executed=value)
    return with_fund(form, 2, executed=value)
