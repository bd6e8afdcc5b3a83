"""What a unit and the bureau read: every new finding with where it is, what was stated and what is expected."""

from __future__ import annotations

from evalaudit.alert.compose import compose_alerts
from evalaudit.alert.registry import Registry, Unit, load_registry
from evalaudit.model import Finding
from evalaudit.pipeline import FileOutcome, FileProblem, SubmittedFile
from evalaudit.report import unit_slug
from evalaudit.store import open_store
from tests.forms import consistent_form

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
    assert "清溪镇人民政府（表中写作：清溪镇政府）：错误 1 处、警告 1 处；已发送提醒至 zhen@a.gov.cn" in digest.body


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


def test_a_unit_written_in_simplified_traditional_or_by_alias_gets_one_email(tmp_path):
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / f"{unit_slug('清溪鎮人民政府')}.html").write_text("<html>繁体</html>", encoding="utf-8")
    new = [
        (1, finding("清溪镇人民政府", "arithmetic.total", "总分", "87", "95.2")),
        (2, finding("清溪鎮人民政府", "arithmetic.score", "指标/甲/得分", "12", "10")),
        (3, finding("清溪鎮人民政府", "arithmetic.score", "指标/乙/得分", "12", "10")),
        (4, finding("清溪镇政府", "arithmetic.fund_parts", "资金表", "64.5", "64")),
    ]
    open_error = finding("清溪鎮人民政府", "arithmetic.total", "总分", "87", "95.2", change="still_open")
    unit, digest = compose_alerts("r1", new, [], REGISTRY, tmp_path, open_findings=[open_error])
    assert (unit.recipient, unit.finding_ids) == ("zhen@a.gov.cn", [1, 2, 3, 4])
    assert "错误 4 处" in unit.subject and "仍未修正 1 处" in unit.body
    assert unit.attachment == "<html>繁体</html>".encode()  # the page of the spelling with most findings
    [line] = [line for line in digest.body.splitlines() if "已发送提醒" in line]
    assert line.startswith("  清溪镇人民政府（表中写作：清溪鎮人民政府、清溪镇政府）：错误 4 处")
    assert "  清溪镇人民政府：错误 1 处" in digest.body.split("二、")[1]


def test_units_numbered_in_brackets_are_told_apart(tmp_path):
    registry = Registry([Unit("清溪县中心卫生院（一）", "yi@a.cn"), Unit("清溪县中心卫生院（二）", "er@a.cn")])
    new = [
        (1, finding("清溪县中心卫生院（一）", "arithmetic.total", "总分", "87", "95")),
        (2, finding("清溪县中心卫生院(二)", "arithmetic.total", "总分", "88", "96")),
    ]
    first, second, _ = compose_alerts("r1", new, [], registry, tmp_path)
    assert (first.recipient, first.finding_ids) == ("yi@a.cn", [1])
    assert (second.recipient, second.finding_ids) == ("er@a.cn", [2])


def test_an_unknown_unit_is_one_unit_whatever_its_spacing_or_width(tmp_path):
    new = [
        (1, finding("某某中心", "arithmetic.total", "总分", "90", "80")),
        (2, finding("某某 中心", "x", "y", "", "")),
    ]
    [digest] = compose_alerts("r1", new, [], REGISTRY, tmp_path)
    assert digest.finding_ids == [1, 2] and "1 个单位有新发现的问题" in digest.subject
    assert digest.body.split("三、")[1].split("四、")[0].count("某某") == 1


def test_a_unit_name_typed_over_two_lines_in_the_registry_makes_a_one_line_subject(tmp_path):
    registry_file = tmp_path / "units.csv"
    registry_file.write_text('单位名称,别名,邮箱\n"清溪镇\r\n人民政府",,zhen@a.gov.cn\n', encoding="utf-8")
    new = [(1, finding("清溪镇人民政府", "arithmetic.total", "总分", "1", "2"))]
    unit, _ = compose_alerts("r1", new, [], load_registry(registry_file), tmp_path)
    assert unit.subject == "【绩效自评审核】清溪镇人民政府：自评表发现错误 1 处，请核对修改"
    assert unit.body.startswith("清溪镇人民政府：\n") and unit.attachment_name is None


def test_without_a_registry_findings_wait_and_are_emailed_once_it_is_back(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    form = consistent_form(unit="清溪镇政府")
    store.begin_run("r1", str(tmp_path))
    file = SubmittedFile(tmp_path / "07.txt", "07.txt", form.source_sha256, 1)
    outcome = FileOutcome(file, "audited", evaluations=[form])
    found = [finding("清溪镇政府", "arithmetic.total", "总分", "87", "95.2")]
    found[0].evaluation_id = form.evaluation_id
    store.save_batch("r1", [outcome], found, {}, {}, None)

    def alert(run_id: str, registry: Registry):
        new, problems = store.unalerted()
        composed = compose_alerts(run_id, new, problems, registry, tmp_path)
        store.queue_alerts(run_id, [(a.fields(), a.finding_ids, a.file_names) for a in composed])
        return composed

    missing = load_registry(tmp_path / "units.csv")
    [digest] = alert("r1", missing)
    assert digest.body.splitlines()[2] == f"【注意】{missing.problem}。" and "units.csv" in missing.problem
    assert digest.finding_ids == [] and "名录补充后下次运行时补发" in digest.body
    [(finding_id, _)] = store.unalerted()[0]  # not counted as reported

    unit, digest = alert("r2", REGISTRY)
    assert (unit.recipient, unit.finding_ids) == ("zhen@a.gov.cn", [finding_id]) and "【注意】" not in digest.body
    assert store.unalerted() == ([], []) and alert("r3", REGISTRY) == []
