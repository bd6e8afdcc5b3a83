"""A report reads cause first: what follows from a cause is greyed under it, reviewer notes are greyed and marked,
and every count on the pages counts causes for the unit (issue 16, item 2)."""

from __future__ import annotations

import re
from dataclasses import replace

from evalaudit.report import unit_name, unit_slug


def rows(page: str) -> list[str]:
    return re.findall(r"<tr data-unit=.*?</tr>", page, re.S)


def seed_finding(run, prefix: str, check_id: str):
    return next(f for f in run.findings if f.source_file.startswith(prefix) and f.check_id == check_id)


def test_a_consequence_is_greyed_just_under_its_cause_on_the_unit_page(seed_report):
    run, out = seed_report
    cause = seed_finding(run, "000", "execution_rate.spending_over_budget")
    followers = [f for f in run.findings if f.caused_by == f"{cause.check_id}@{cause.location}"]
    assert len(followers) == 3
    page = (out / "units" / f"{unit_slug(unit_name(cause))}.html").read_text(encoding="utf-8")
    table = rows(page)
    first = next(i for i, row in enumerate(table) if cause.location in row and 'class="consequence"' not in row)
    below = table[first + 1 : first + 1 + len(followers)]
    assert all('class="consequence"' in row and f"由“{cause.location}”的问题引起" in row for row in below)
    assert sorted(f.location for f in followers) == sorted(re.search(r"<td>(指标/[^<]+)</td>", r)[1] for r in below)
    assert sum('class="consequence"' in row for row in table) == len(followers)  # nothing else greyed
    assert "由此导致" in cause.message and "由此导致" not in table[first]  # its list is the rows below it
    check_page = next((out / "findings").glob(f"{cause.check_id}-*.html")).read_text(encoding="utf-8")
    assert "由此导致" in check_page  # where the consequences are on other pages, the cause still lists them


def test_unit_page_counts_causes_only(seed_report):
    run, out = seed_report
    cause = seed_finding(run, "000", "execution_rate.spending_over_budget")
    page = (out / "units" / f"{unit_slug(unit_name(cause))}.html").read_text(encoding="utf-8")
    form_row = re.search(r"<tr><td[^>]*>000_[^<]*</td><td[^>]*><a .*?</tr>", page, re.S)[0]
    errors = [
        f for f in run.findings if f.evaluation_id == cause.evaluation_id and f.for_unit and f.severity == "error"
    ]
    assert len(errors) == 1  # the three cost rows over 100 % follow from it
    assert re.findall(r'<td class="num error">(\d+)</td>', form_row) == ["1"]


def test_a_cell_holding_only_a_consequence_is_greyed_and_names_its_cause(seed_report):
    run, out = seed_report
    cause = seed_finding(run, "000", "execution_rate.spending_over_budget")
    page = (out / "forms" / f"{cause.evaluation_id}.html").read_text(encoding="utf-8")
    follower = next(f for f in run.findings if f.caused_by.startswith(cause.check_id + "@"))
    row = follower.cell.split("/")[1]
    cell = re.search(rf'<td data-cell="indicators/{row}/actual" class="([^"]*)">(.*?)</td>', page, re.S)
    assert cell and "flagged-minor" in cell[1].split() and "flagged" not in cell[1].split()
    assert f"由“{cause.location}”的问题引起，改正该处即一并改正" in cell[2]
    marked = re.search(rf'<td data-cell="{cause.cell}" class="([^"]*)">', page)  # the cause's own cell
    assert marked and "flagged" in marked[1].split()


def test_reviewer_notes_are_greyed_and_not_counted_on_the_overview(seed_report):
    run, out = seed_report
    note = next(f for f in run.findings if f.audience == "reviewer")
    check_page = next((out / "findings").glob(f"{note.check_id}-*.html")).read_text(encoding="utf-8")
    assert all('class="reviewer-note"' in row for row in rows(check_page))
    index = (out / "index.html").read_text(encoding="utf-8")
    causes = [f for f in run.findings if f.for_unit]
    assert f"其中需单位改正的 {len(causes)} 条" in index and len(causes) < len(run.findings)
    [line] = re.findall(
        rf'<tr><td>[^<]*<span class="check-id">{re.escape(note.check_id)}</span></td>.*?</tr>', index, re.S
    )
    counted = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', line)]
    same = sum(f.check_id == note.check_id for f in run.findings)
    assert counted == [0, 0, 0, same, same]  # error / warning / info count causes; the notes stand apart


def test_a_consequence_on_its_causes_own_cell_does_not_name_the_cell_twice():
    from evalaudit.model import Finding
    from evalaudit.report.cells import aside

    where = "资金表/年度资金总额/执行率"
    rate = Finding("e1", "a.txt", 1, "某单位", 2024, "project", "execution_rate.stated_over_100", "execution_rate",
                   "error", where, caused_by=f"arithmetic.execution_rate@{where}")  # fmt: skip
    assert aside(rate).startswith("随之而来：由同一位置的另一问题引起")
    assert "“资金表/基本支出/全年执行数”" in aside(replace(rate, caused_by="x@资金表/基本支出/全年执行数"))
    assert aside(replace(rate, caused_by="")) == ""
    assert "不发给单位" in aside(replace(rate, caused_by="", audience="reviewer"))
