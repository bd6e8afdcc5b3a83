"""变化 says what changed in terms of the run the report is for, as the summary counts it (issue 17, item 4): a
first submission is 首次提交; after a resubmission, what it brought is 本次新发现 in that run and 此前已发现 in
the next; what stayed is 仍未修正."""

from __future__ import annotations

import re

from evalaudit.report import publish, unit_slug
from tests.test_store import audit_into
from tests.township import resubmit, township_store


def changes_on(out, unit: str) -> dict[str, set[str]]:
    page = (out / "units" / f"{unit_slug(unit)}.html").read_text(encoding="utf-8")
    rows = re.findall(r"<tr data-unit=.*?</tr>", page, re.S)
    found: dict[str, set[str]] = {}
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)  # 单位 文件 表 检查 严重程度 位置 … 变化
        found.setdefault(cells[-1], set()).add(cells[5])
    return found


def test_changes_read_in_terms_of_the_run_the_report_is_for(tmp_path):
    store, inbox = township_store(tmp_path)
    publish(store.current_listing("r1"), tmp_path / "r1")
    first = (tmp_path / "r1" / "units" / f"{unit_slug('清溪镇人民政府')}.html").read_text(encoding="utf-8")
    assert "首次提交：本单位的自评表是第一次提交" in first and "新发现" not in first
    assert set(changes_on(tmp_path / "r1", "清溪镇人民政府")) == {"首次提交"}

    resubmit(inbox, "≥4期\t4期\t10\t10", "≥4期\t4期\t10\t12")  # a new error: 12 points of 10
    audit_into(store, "r2", inbox)
    publish(store.current_listing("r2"), tmp_path / "r2")
    second = changes_on(tmp_path / "r2", "清溪镇人民政府")
    assert "指标/党员集中轮训期数/得分" in second["本次新发现"] and "资金表/年度资金总额/执行率" in second["仍未修正"]

    audit_into(store, "r3", inbox)  # nothing resubmitted: nothing is new in this run
    publish(store.current_listing("r3"), tmp_path / "r3")
    third = changes_on(tmp_path / "r3", "清溪镇人民政府")
    assert "本次新发现" not in third and third["此前已发现"] == second["本次新发现"]
    assert store.run_counts("r3")["findings_new"] == 0


def test_the_overview_opens_on_what_this_run_found_and_nobody_decided(tmp_path):
    from evalaudit.decisions import Decision

    store, inbox = township_store(tmp_path)
    listing = store.current_listing("r1")
    causes = [f for f in listing.findings if f.for_unit]
    total = next(f for f in causes if f.check_id == "arithmetic.total")
    store.decide([Decision("finding", total.decision_key, "confirmed", "王芳")])
    publish(store.current_listing("r1"), tmp_path / "r1")
    index = (tmp_path / "r1" / "index.html").read_text(encoding="utf-8")
    assert f"待审核：本次新发现、尚未审核的问题（{len(causes) - 1} 条）" in index
    queue = index.split('id="queue"')[1].split("</table>")[0]
    severities = re.findall(r'data-severity="(\w+)"', queue)
    assert severities == sorted(severities, key=["error", "warning"].index)  # errors first
    assert "总分填报为87" not in queue  # decided: out of the queue
    row = re.search(r'<tr><td><a href="units/[0-9a-f]+\.html">清溪镇人民政府</a></td>(.*?)</tr>', index)[1]
    header = re.findall(r"<th[^>]*>([^<]+)</th>", index.split('id="units"')[1].split("</thead>")[0])
    cells = dict(zip(header[1:], re.findall(r"<td[^>]*>(.*?)</td>", row)))  # after the 单位 cell
    assert (cells["已审核"], cells["未审核"]) == ("1", str(len(causes) - 1))

    audit_into(store, "r2", inbox)  # the next night, nothing new
    publish(store.current_listing("r2"), tmp_path / "r2")
    assert "没有待审核的问题" in (tmp_path / "r2" / "index.html").read_text(encoding="utf-8")
