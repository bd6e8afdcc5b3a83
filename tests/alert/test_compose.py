"""What a unit and the bureau read: every new finding with where it is, what was stated and what is expected."""

from __future__ import annotations

from evalaudit.alert.compose import compose_alerts
from evalaudit.alert.registry import Registry, Unit
from evalaudit.model import Finding
from evalaudit.pipeline import FileProblem
from evalaudit.report import unit_slug

REGISTRY = Registry([Unit("清溪镇人民政府", "zhen@a.gov.cn", ("清溪镇政府",))])


def finding(unit: str, check_id: str, location: str, stated: str, expected: str, severity: str = "error", **kw):
    return Finding(
        "e1",
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


def test_one_email_per_registered_unit_with_each_finding_spelled_out(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / f"{unit_slug('清溪镇政府')}.html").write_text("<html>本单位</html>", encoding="utf-8")
    new = [
        (1, finding("清溪镇政府", "arithmetic.total", "总分", "87", "95.2")),
        (2, finding("清溪镇政府", "text_template.instruction", "其他需要说明的问题", "请在此处…", "", "warning")),
    ]
    unit, digest = compose_alerts("r1", new, [], REGISTRY, tmp_path, bureau_email="czj@a.gov.cn")
    assert (unit.kind, unit.unit, unit.recipient, unit.finding_ids) == (
        "unit",
        "清溪镇人民政府",
        "zhen@a.gov.cn",
        [1, 2],
    )
    assert unit.subject == "【绩效自评审核】清溪镇人民政府：自评表发现错误 1 处、警告 1 处，请核对修改"
    assert "位置：总分" in unit.body and "填报值：87；应为：95.2" in unit.body and "说明：总分有误" in unit.body
    assert "文件“07.txt”第1张项目支出绩效自评表" in unit.body
    assert unit.attachment == "<html>本单位</html>".encode() and unit.attachment_name.endswith(".html")
    assert digest.kind == "digest" and digest.recipient == "czj@a.gov.cn" and digest.finding_ids == []
    assert "清溪镇政府：错误 1 处、警告 1 处；已发送提醒至 zhen@a.gov.cn" in digest.body


def test_units_missing_from_the_registry_and_unreadable_files_go_to_the_digest(tmp_path):
    new = [(7, finding("某某中心", "arithmetic.total", "总分", "90", "80"))]
    problems = [FileProblem("坏文件.txt", "unreadable", "文件含二进制内容，不是文本文件")]
    [digest] = compose_alerts("r1", new, problems, REGISTRY, tmp_path)
    assert digest.finding_ids == [7] and digest.file_names == ["坏文件.txt"]
    assert "某某中心：错误 1 处、警告 0 处；不在单位名录中，未发送提醒" in digest.body
    missing = digest.body.split("三、")[1].split("四、")[0]
    assert "某某中心" in missing
    assert "坏文件.txt：无法读取，文件含二进制内容" in digest.body


def test_a_resubmission_email_says_what_was_fixed_and_what_is_still_open(tmp_path):
    new = [(3, finding("清溪镇人民政府", "arithmetic.score", "指标/甲/得分", "12", "10"))]
    still_open = finding("清溪镇人民政府", "arithmetic.total", "总分", "87", "95.2", change="still_open")
    fixed = [finding("清溪镇人民政府", "arithmetic.fund_parts", "资金表", "64.5", "64", change="fixed")]
    unit, _ = compose_alerts("r2", new, [], REGISTRY, tmp_path, open_findings=[still_open], fixed=fixed)
    assert "已修正 1 处，仍未修正 1 处" in unit.body
    assert "位置：指标/甲/得分" in unit.body and "位置：总分" not in unit.body  # only what is new is listed
    assert unit.subject.endswith("自评表发现错误 1 处，请核对修改")  # no "警告 0 处"
    assert unit.attachment is None  # no report page to attach


def test_nothing_new_means_no_email_at_all(tmp_path):
    assert compose_alerts("r3", [], [], REGISTRY, tmp_path) == []
