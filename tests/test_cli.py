"""`evalaudit audit PATH… --out DIR`: the output contract (DESIGN.md §5) and the summary a reviewer reads."""

from __future__ import annotations

import csv
import json

from evalaudit.cli import main
from evalaudit.model import FINDING_COLUMNS


def run_audit(tmp_path, capsys, *paths):
    out = tmp_path / "out"
    code = main(["audit", *map(str, paths), "--out", str(out)])
    return code, out, capsys.readouterr().out


def test_audit_writes_the_three_contract_files(tmp_path, capsys, seeds_dir):
    code, out, printed = run_audit(tmp_path, capsys, *sorted(seeds_dir.glob("*.txt")))
    assert code == 0
    raw = (out / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese
    with (out / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == FINDING_COLUMNS
    jsonl = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [tuple(row) for row in jsonl] == [FINDING_COLUMNS] * len(rows)
    assert [row["message"] for row in jsonl] == [row["message"] for row in rows]
    assert len({row["run_id"] for row in rows}) == 1
    evaluations = [json.loads(line) for line in (out / "evaluations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(evaluations) == 7
    assert {"stated_total", "funds", "indicators"} <= set(evaluations[0])
    assert "总分填报为88，按各项得分合计应为98（含预算执行率得分10分）" in {row["message"] for row in rows}
    assert "读取文件 4 个，解析出自评表 7 张" in printed
    assert "计算错误（arithmetic）" in printed
    assert str(out / "findings.csv") in printed


def test_a_file_that_cannot_be_read_is_reported_kept_and_in_the_findings(tmp_path, capsys, seeds_dir):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "scan.txt").write_bytes(b"\x00\x01\x02\xff\xfe binary")
    (inbox / "form.txt").write_text(
        (seeds_dir / "003_ef99cb2997024d40.txt").read_text(encoding="utf-8"), encoding="utf-8"
    )
    code, out, printed = run_audit(tmp_path, capsys, inbox)
    assert code == 0
    assert (inbox / "scan.txt").exists()
    assert "[无法读取] scan.txt" in printed
    rows = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    [problem] = [row for row in rows if row["source_file"] == "scan.txt"]
    assert (problem["check_id"], problem["severity"], problem["form_index"]) == (
        "completeness.file_unreadable",
        "error",
        None,
    )


def test_an_empty_inbox_is_an_error_exit(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, out, _ = run_audit(tmp_path, capsys, tmp_path / "empty")
    assert code == 1
    assert (out / "findings.csv").read_text(encoding="utf-8-sig").splitlines() == [",".join(FINDING_COLUMNS)]


def test_a_file_without_any_form_is_reported_as_unparseable(tmp_path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "letter.txt").write_text("关于报送材料的说明：附件请见邮件。", encoding="utf-8")
    _, out, printed = run_audit(tmp_path, capsys, inbox)
    assert "[无法解析] letter.txt" in printed
    [row] = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (row["check_id"], row["severity"]) == ("completeness.file_unparseable", "error")


def test_a_submission_sent_twice_is_audited_and_reported_once_under_both_names(tmp_path, capsys, seeds_dir):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    seed = sorted(seeds_dir.glob("*.txt"))[1]
    (inbox / "第一次.txt").write_bytes(seed.read_bytes())
    (inbox / "第二次.txt").write_bytes(seed.read_bytes())
    code, out, printed = run_audit(tmp_path, capsys, inbox)
    assert code == 0
    evaluations = [json.loads(line) for line in (out / "evaluations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len({e["evaluation_id"] for e in evaluations}) == len(evaluations) > 0
    assert {e["source_file"] for e in evaluations} == {"第一次.txt"}
    assert {tuple(e["also_submitted_as"]) for e in evaluations} == {("第二次.txt",)}
    form_page = next((out / "forms").glob("*.html")).read_text(encoding="utf-8")
    assert "第二次.txt" in form_page
