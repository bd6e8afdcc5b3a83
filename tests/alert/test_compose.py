"""What a unit and the bureau read: every open finding with where it is, what was stated and what is expected."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import replace
from datetime import date

from evalaudit.alert.compose import compose_alerts
from evalaudit.alert.registry import Registry, Unit, load_registry
from evalaudit.checks.causes import group_causes
from evalaudit.model import FINDING_COLUMNS, Finding
from evalaudit.pipeline import FileOutcome, FileProblem, Snapshot, SubmittedFile
from evalaudit.report.listing import listing_of
from evalaudit.settings import UnitTerms
from evalaudit.store import open_store
from tests.forms import consistent_form

REGISTRY = Registry([Unit("清溪镇人民政府", "zhen@a.gov.cn", ("清溪镇政府",))])
FORM = consistent_form(unit="清溪镇政府", source_file="07.txt", form_type="project")


def finding(unit: str, check_id: str, location: str, stated: str, expected: str, severity: str = "error", **kw):
    kw.setdefault("change", "new")  # as the store holds a finding no alert has reported yet
    return Finding(
        kw.pop("evaluation_id", FORM.evaluation_id),
        "07.txt",
        1,
        unit,
        2023,
        "project",
        check_id,
        "arithmetic",
        severity,
        location,
        stated,
        expected,
        message=f"{location}有误",
        **kw,
    )


def inbox(findings: list[Finding], fixed: list[Finding] = (), forms=(FORM,)):
    """The report's listing of these forms with these open and fixed findings."""
    return listing_of(Snapshot("r1", len(forms), list(forms), list(findings), [], fixed=list(fixed)))


def numbered(items: list[Finding], start: int = 1) -> list[tuple[int, Finding]]:
    return list(enumerate(items, start=start))


def test_one_email_per_registered_unit_with_each_finding_spelled_out_and_its_forms_attached():
    total = finding("清溪镇政府", "arithmetic.total", "总分", "87", "95.2", cell="total")
    template = finding("清溪镇政府", "text_template.instruction", "其他需要说明的问题", "请在此处…", "", "warning")
    unit, digest = compose_alerts("r1", numbered([total, template]), [], REGISTRY, inbox([total, template]))
    assert (unit.kind, unit.unit, unit.recipient, unit.finding_ids) == (
        "unit",
        "清溪镇人民政府",
        "zhen@a.gov.cn",
        [1, 2],
    )
    assert (
        unit.subject
        == "【绩效自评审核】清溪镇人民政府：自评表尚有错误 1 处、警告 1 处未修正（新发现 2 处），请核对修改"
    )
    assert (
        "【新】[错误] 位置：总分" in unit.body
        and "填报值：87；应为：95.2" in unit.body
        and "说明：总分有误" in unit.body
    )
    assert "文件“07.txt”第1张项目支出绩效自评表" in unit.body
    assert "请尽快将修改后的自评表重新提交" in unit.body and "请与财政局联系" in unit.body  # no deadline set
    page, sheet = unit.attachment(".html"), unit.attachment(".csv")
    assert page.mime == "text/html" and page.name == "审核结果-清溪镇人民政府.html"
    html = page.data.decode("utf-8")
    assert 'class="num flagged"' in html and "总分有误" in html and "../" not in html and "<script" not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    assert hrefs and all(href.startswith("#") and href[1:] in ids for href in hrefs)
    assert sheet.mime == "text/csv" and sheet.data.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(sheet.data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == FINDING_COLUMNS and len(rows) == 3
    assert digest.kind == "digest" and digest.finding_ids == []
    assert (
        "清溪镇人民政府（表中写作：清溪镇政府）：新发现错误 1 处、警告 1 处；已发送提醒至 zhen@a.gov.cn" in digest.body
    )


def test_a_resubmission_email_lists_everything_still_open_marks_what_is_new_and_names_what_was_fixed():
    still_open = finding("清溪镇人民政府", "arithmetic.total", "总分", "87", "95.2", change="still_open")
    new = finding("清溪镇人民政府", "arithmetic.score", "指标/甲/得分", "12", "10", change="new")
    fixed = finding(
        "清溪镇人民政府", "arithmetic.fund_parts", "资金表/年度资金总额/全年预算数", "64.5", "64", change="fixed"
    )
    terms = UnitTerms(resubmit_days=10, contact="绩效科 王芳 0935-1234567", channel="https://up.example/jx")
    unit, _ = compose_alerts(
        "r2",
        [(3, new), (4, fixed)],
        [],
        REGISTRY,
        inbox([still_open, new], [fixed]),
        terms=terms,
        today=date(2026, 12, 1),
    )
    assert unit.subject == (
        "【绩效自评审核】清溪镇人民政府：自评表尚有错误 2 处未修正（新发现 1 处、已修正 1 处），请于12月11日前修改"
    )
    assert "[错误] 位置：总分" in unit.body and "【新】[错误] 位置：总分" not in unit.body  # open, told before
    assert "【新】[错误] 位置：指标/甲/得分" in unit.body
    assert "已修正 1 处" in unit.body and "计算错误：资金表/年度资金总额/全年预算数（原填报 64.5" in unit.body
    assert "请于 2026年12月11日（星期五） 前将修改后的自评表通过 https://up.example/jx 重新提交" in unit.body
    assert "请联系：绩效科 王芳 0935-1234567" in unit.body
    assert unit.finding_ids == [3, 4]  # the fix is told now, not again
    assert "已修正的问题" in unit.attachment(".html").data.decode("utf-8")


def test_a_fixed_date_wins_over_days_and_a_date_already_past_is_left_out():
    error = finding("清溪镇人民政府", "arithmetic.total", "总分", "87", "95.2")
    terms = UnitTerms(resubmit_days=10, resubmit_by=date(2026, 12, 20))
    [unit, _] = compose_alerts("r1", [(1, error)], [], REGISTRY, inbox([error]), terms=terms, today=date(2026, 12, 1))
    assert "2026年12月20日" in unit.body and "12月20日前" in unit.subject
    [unit, _] = compose_alerts("r1", [(1, error)], [], REGISTRY, inbox([error]), terms=terms, today=date(2027, 1, 1))
    assert "2026年12月20日" not in unit.body and "请尽快" in unit.body


def test_a_unit_whose_resubmission_fixed_everything_is_told_so():
    fixed = finding("清溪镇人民政府", "arithmetic.total", "总分", "87", "95.2", change="fixed")
    unit, _ = compose_alerts("r2", [(5, fixed)], [], REGISTRY, inbox([], [fixed]))
    assert unit.subject == "【绩效自评审核】清溪镇人民政府：自评表已修正 1 处问题，目前没有需要修改的问题"
    assert "已全部修正" in unit.body and "位置：总分" not in unit.body.split("已修正 1 处")[0]
    assert unit.attachment(".csv") is None and unit.attachment(".html") is not None


def test_only_findings_for_the_unit_are_counted_its_consequences_listed_under_their_cause():
    row = finding("清溪镇政府", "arithmetic.row", "指标/甲", "", "", cell="indicators/0/score")
    total = finding("清溪镇政府", "arithmetic.total", "总分", "87", "95.2", caused_by="?form:arithmetic.row")
    layout = finding("清溪镇政府", "completeness.layout", "指标表", "", "", "warning", audience="reviewer")
    found = group_causes([row, total, layout])  # the cause's message now lists the total too
    assert found[1].caused_by == "arithmetic.row@指标/甲" and "总分：总分有误" in found[0].message
    unit, digest = compose_alerts("r1", numbered(found), [], REGISTRY, inbox(found))
    assert "错误 1 处" in unit.subject and "警告" not in unit.subject
    assert "由此引起（随上面的问题一并改正）：位置：总分" in unit.body and "[错误] 位置：总分" not in unit.body
    page = unit.attachment(".html").data.decode("utf-8")
    assert unit.body.count("总分有误") == 1  # listed once, under its cause, not also inside the cause's message
    assert page.split('id="findings"')[1].split("</table>")[0].count("总分有误") == 1
    assert "指标表" not in unit.body and "指标表" not in unit.attachment(".html").data.decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(unit.attachment(".csv").data.decode("utf-8-sig"))))
    assert [r["location"] for r in rows] == ["指标/甲", "总分"]
    assert unit.finding_ids == [1, 2] and digest.finding_ids == [3]  # the reviewer's note is the digest's
    assert "指标表：指标表有误" in digest.body.split("六、")[1]


def test_a_unit_with_only_a_reviewer_note_new_gets_no_email():
    layout = finding("清溪镇政府", "completeness.layout", "指标表", "", "", "warning", audience="reviewer")
    [digest] = compose_alerts("r1", [(9, layout)], [], REGISTRY, inbox([layout]))
    assert digest.finding_ids == [9] and "无需提醒单位" in digest.body


def test_units_missing_from_the_registry_and_unreadable_files_go_to_the_digest():
    other = replace(FORM, unit="某某中心", evaluation_id="a" * 16 + "-1")
    new = [(7, finding("某某中心", "arithmetic.total", "总分", "90", "80", evaluation_id=other.evaluation_id))]
    problems = [FileProblem("坏文件.txt", "unreadable", "文件含二进制内容，不是文本文件")]
    [digest] = compose_alerts("r1", new, problems, REGISTRY, inbox([new[0][1]], forms=[other]), link="http://r/x")
    assert digest.finding_ids == [7] and digest.file_names == ["坏文件.txt"]
    assert "某某中心：新发现错误 1 处、警告 0 处；不在单位名录中，未发送提醒" in digest.body
    assert "某某中心：自评表 1 张，未修正错误 1 处" in digest.body.split("三、")[1].split("四、")[0]
    assert "坏文件.txt：无法读取，文件含二进制内容" in digest.body and "审核报告：http://r/x" in digest.body


def test_every_unit_missing_from_the_registry_is_in_every_digest_and_the_csv_is_attached():
    quiet = replace(FORM, unit="某某中心", evaluation_id="a" * 16 + "-1")  # nothing new for it tonight
    error = finding("清溪镇政府", "arithmetic.total", "总分", "87", "95.2")
    listing = inbox([error], forms=[FORM, quiet])
    _, digest = compose_alerts("r1", [(1, error)], [], REGISTRY, listing, findings_csv="\ufeffa,b\r\n".encode())
    assert "某某中心：自评表 1 张" in digest.body.split("三、")[1].split("四、")[0]
    [table] = digest.attachments
    assert (table.name, table.mime, table.data) == ("findings-r1.csv", "text/csv", "\ufeffa,b\r\n".encode())


def test_nothing_new_means_no_email_at_all():
    assert compose_alerts("r3", [], [], REGISTRY, inbox([])) == []


def test_a_unit_written_in_simplified_traditional_or_by_alias_gets_one_email():
    traditional = replace(FORM, unit="清溪鎮人民政府", evaluation_id="b" * 16 + "-1")
    new = [
        (1, finding("清溪镇人民政府", "arithmetic.total", "总分", "87", "95.2")),
        (2, finding("清溪鎮人民政府", "arithmetic.score", "指标/甲/得分", "12", "10", evaluation_id="b" * 16 + "-1")),
        (3, finding("清溪镇政府", "arithmetic.fund_parts", "资金表", "64.5", "64")),
    ]
    unit, digest = compose_alerts("r1", new, [], REGISTRY, inbox([f for _, f in new], forms=[FORM, traditional]))
    assert (unit.recipient, unit.finding_ids) == ("zhen@a.gov.cn", [1, 2, 3])
    assert "错误 3 处" in unit.subject
    assert unit.attachment(".html").data.decode("utf-8").count('<section class="form"') == 2
    [line] = [line for line in digest.body.splitlines() if "已发送提醒" in line]
    assert line.startswith("  清溪镇人民政府（表中写作：清溪鎮人民政府、清溪镇政府）：新发现错误 3 处")
    assert "  清溪镇人民政府：错误 3 处" in digest.body.split("二、")[1]


def test_units_numbered_in_brackets_are_told_apart():
    registry = Registry([Unit("清溪县中心卫生院（一）", "yi@a.cn"), Unit("清溪县中心卫生院（二）", "er@a.cn")])
    new = [
        (1, finding("清溪县中心卫生院（一）", "arithmetic.total", "总分", "87", "95")),
        (2, finding("清溪县中心卫生院(二)", "arithmetic.total", "总分", "88", "96")),
    ]
    first, second, _ = compose_alerts("r1", new, [], registry, inbox([f for _, f in new]))
    assert (first.recipient, first.finding_ids) == ("yi@a.cn", [1])
    assert (second.recipient, second.finding_ids) == ("er@a.cn", [2])


def test_an_unknown_unit_is_one_unit_whatever_its_spacing_or_width():
    new = [
        (1, finding("某某中心", "arithmetic.total", "总分", "90", "80")),
        (2, finding("某某 中心", "x", "y", "", "")),
    ]
    [digest] = compose_alerts("r1", new, [], REGISTRY)
    assert digest.finding_ids == [1, 2] and "1 个单位有新发现的问题" in digest.subject
    [line] = digest.body.split("三、")[1].split("四、")[0].strip().splitlines()[1:]
    assert line == "  某某中心（表中写作：某某 中心）：自评表 0 张，未修正错误 0 处、警告 0 处"


def test_a_unit_name_typed_over_two_lines_in_the_registry_makes_a_one_line_subject(tmp_path):
    registry_file = tmp_path / "units.csv"
    registry_file.write_text('单位名称,别名,邮箱\n"清溪镇\r\n人民政府",,zhen@a.gov.cn\n', encoding="utf-8")
    error = finding("清溪镇人民政府", "arithmetic.total", "总分", "1", "2")
    form = replace(FORM, unit="清溪镇人民政府")
    unit, _ = compose_alerts("r1", [(1, error)], [], load_registry(registry_file), inbox([error], forms=[form]))
    assert unit.subject == "【绩效自评审核】清溪镇人民政府：自评表尚有错误 1 处未修正（新发现 1 处），请核对修改"
    assert (
        unit.body.startswith("清溪镇人民政府：\n") and unit.attachment(".html").name == "审核结果-清溪镇人民政府.html"
    )


def test_without_a_registry_findings_wait_and_are_emailed_once_it_is_back(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    form = consistent_form(unit="清溪镇政府")
    store.begin_run("r1", str(tmp_path))
    file = SubmittedFile(tmp_path / "07.txt", "07.txt", form.source_sha256, 1)
    outcome = FileOutcome(file, "audited", evaluations=[form])
    found = [finding("清溪镇政府", "arithmetic.total", "总分", "87", "95.2", evaluation_id=form.evaluation_id)]
    store.save_batch("r1", [outcome], found, {}, {}, None)

    def alert(run_id: str, registry: Registry):
        new, problems = store.unalerted(fixed=True)
        composed = compose_alerts(run_id, new, problems, registry, store.current_listing("r1"))
        store.queue_alerts(run_id, [(a.fields(), a.finding_ids, a.file_names) for a in composed])
        return composed

    missing = load_registry(tmp_path / "units.csv")
    [digest] = alert("r1", missing)
    assert digest.body.splitlines()[2] == f"【注意】{missing.problem}。" and "units.csv" in missing.problem
    assert digest.finding_ids == [] and "名录补充后下次运行时补发" in digest.body
    [(finding_id, _)] = store.unalerted()[0]  # not counted as reported

    unit, digest = alert("r2", REGISTRY)
    assert (unit.recipient, unit.finding_ids) == ("zhen@a.gov.cn", [finding_id]) and "【注意】" not in digest.body
    [pending] = [a for a in store.pending_alerts() if a.kind == "unit"]
    assert [item["name"] for item in pending.attachments] == [
        "审核结果-清溪镇人民政府.html",
        "审核结果-清溪镇人民政府.csv",
    ]
    assert store.unalerted(fixed=True) == ([], []) and alert("r3", REGISTRY) == []
