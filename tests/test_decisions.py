"""Reviewers' decisions (issue 17, item 1): recorded for good, superseded by a later one, kept across re-runs and
resubmissions while the value stays, and taken out of what units are told."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evalaudit.alert.compose import compose_alerts
from evalaudit.alert.registry import Registry, Unit
from evalaudit.decisions import Decision, DecisionError, finding_key, validated, verdict_of, with_decisions
from evalaudit.model import Finding
from evalaudit.store.decisions import form_keys
from tests.test_store import audit_into
from tests.township import resubmit, township_store


def dismissal(finding: Finding, key: str, reason: str = "表内另有规定，总分以附表为准") -> Decision:
    return Decision("finding", key, "dismissed", "王芳", reason, evaluation_id=finding.evaluation_id,
                    unit=finding.unit, check_id=finding.check_id, location=finding.location, stated=finding.stated)  # fmt: skip


@pytest.fixture
def township(tmp_path):
    return township_store(tmp_path)


@pytest.fixture
def store(township):
    return township[0]


@pytest.fixture
def inbox(township):
    return township[1]


def total_of(store, run_id: str) -> Finding:
    return next(f for f in store.current_listing(run_id).findings if f.check_id == "arithmetic.total")


def key_of(store, finding: Finding) -> str:
    with store.engine.connect() as connection:
        return finding_key(form_keys(connection, [finding.evaluation_id])[finding.evaluation_id], finding)


def test_a_dismissed_finding_stays_dismissed_on_every_run_while_its_value_stays(store, inbox):
    total = total_of(store, "r1")
    assert total.for_unit and total.decision == ""
    store.decide([dismissal(total, key_of(store, total))])
    again = total_of(store, "r1")
    assert again.decision == "dismissed" and not again.for_unit and "王芳" in again.decision_note
    assert "表内另有规定" in again.decision_note

    resubmit(inbox, "改造完成时间", "改造完成时限")  # the unit changes something else: total still 87
    audit_into(store, "r2", inbox)
    kept = total_of(store, "r2")
    assert kept.evaluation_id != total.evaluation_id and kept.stated == "87" and kept.decision == "dismissed"


def test_a_dismissed_finding_comes_back_when_the_value_changes(store, inbox):
    total = total_of(store, "r1")
    store.decide([dismissal(total, key_of(store, total))])
    resubmit(inbox, "100\t87\t", "100\t88\t")
    audit_into(store, "r2", inbox)
    back = total_of(store, "r2")
    assert back.stated == "88" and back.decision == "" and back.for_unit


def test_a_later_decision_supersedes_and_none_is_ever_deleted(store, inbox):
    total = total_of(store, "r1")
    key = key_of(store, total)
    store.decide([dismissal(total, key)])
    store.decide([replace(dismissal(total, key, ""), verdict="confirmed", reviewer="李强")])
    assert total_of(store, "r1").decision == "confirmed" and total_of(store, "r1").for_unit
    history = store.decisions_on(key)
    assert [(d.verdict, d.reviewer) for d in history] == [("dismissed", "王芳"), ("confirmed", "李强")]
    assert all(d.decided_at for d in history)


def test_decisions_are_recorded_all_or_none(store, inbox):
    total = total_of(store, "r1")
    key = key_of(store, total)
    with pytest.raises(DecisionError, match="须说明理由"):
        store.decide([dismissal(total, key), dismissal(total, key, reason=" ")])
    assert store.decisions_on(key) == []


def test_what_a_reviewer_dismissed_or_holds_is_not_emailed_and_stays_untold(store, inbox):
    listing = store.current_listing("r1")
    total = next(f for f in listing.findings if f.check_id == "arithmetic.total")
    rate = next(f for f in listing.findings if f.check_id == "arithmetic.execution_rate")
    store.decide([dismissal(total, key_of(store, total)),
                  replace(dismissal(rate, key_of(store, rate), ""), verdict="pending")])  # fmt: skip
    unalerted, _ = store.unalerted(fixed=True)
    registry = Registry([Unit("清溪镇人民政府", "town@example.gov.cn", ())])
    [unit, digest] = compose_alerts("r1", unalerted, [], registry, store.current_listing("r1"))
    assert "[错误] 位置：总分" not in unit.body and "填报值：87；应为" not in unit.body  # dismissed
    assert "[错误] 位置：资金表/年度资金总额/执行率" not in unit.body  # 待定: held
    ids = {f.check_id: i for i, f in unalerted}
    assert ids["arithmetic.total"] not in unit.finding_ids and ids["arithmetic.execution_rate"] not in unit.finding_ids
    assert ids["arithmetic.fund_parts"] in unit.finding_ids
    # the grade band followed from the total: with the total dismissed, it stands on its own and is told
    assert "位置：自评结论" in unit.body


def test_a_decision_must_say_who_and_a_dismissal_why():
    base = Decision("finding", "k", "dismissed", "王芳", "口径不同")
    assert validated(base).reason == "口径不同"
    for broken, refusal in ((replace(base, reason=""), "须说明理由"), (replace(base, reviewer=" "), "未注明审核人"),
                            (replace(base, verdict="maybe"), "无法识别"), (replace(base, subject="x"), "审核对象")):  # fmt: skip
        with pytest.raises(DecisionError, match=refusal):
            validated(broken)
    assert validated(Decision("form", "f", "passed", "王芳")).verdict == "passed"
    with pytest.raises(DecisionError, match="须说明理由"):
        validated(Decision("form", "f", "returned", "王芳"))


def test_verdicts_are_read_in_words():
    assert [verdict_of(w) for w in ("确认", " 不是问题 ", "待定", "dismissed", "也许")] == [
        "confirmed", "dismissed", "pending", "dismissed", None]  # fmt: skip


def test_a_consequence_of_a_dismissed_cause_stands_on_its_own():
    cause = Finding("e1", "a.txt", 1, "某单位", 2024, "project", "text_copy.row_duplicated", "text_copy", "error",
                    "指标/第3行")  # fmt: skip
    total = replace(cause, check_id="arithmetic.total", category="arithmetic", location="总分",
                    caused_by="text_copy.row_duplicated@指标/第3行")  # fmt: skip
    decided = with_decisions([cause, total], {"k1": Decision("finding", "k1", "dismissed", "王芳", "有意重复")},
                             ["k1", "k2"])  # fmt: skip
    assert decided[0].decision == "dismissed" and not decided[0].for_unit
    assert decided[1].caused_by == "" and decided[1].for_unit


def test_the_report_shows_a_dismissed_finding_greyed_with_its_reason_and_counts_it_no_more(store, inbox, tmp_path):
    import re

    from evalaudit.report import publish, unit_slug

    before = tmp_path / "before"
    publish(store.current_listing("r1"), before)
    total = total_of(store, "r1")
    store.decide([dismissal(total, key_of(store, total))])
    after = tmp_path / "after"
    publish(store.current_listing("r1"), after)

    def errors(out) -> int:
        return int(
            re.search(r'<div class="card (?:error|none)">错误<b>(\d+)</b>', (out / "index.html").read_text("utf-8"))[1]
        )

    assert errors(after) == errors(before) - 1
    page = (after / "units" / f"{unit_slug(total.unit)}.html").read_text(encoding="utf-8")
    [row] = [r for r in re.findall(r"<tr data-unit=.*?</tr>", page, re.S) if "总分填报为87" in r]
    assert 'class="dismissed"' in row and "表内另有规定，总分以附表为准" in row and "王芳" in row
