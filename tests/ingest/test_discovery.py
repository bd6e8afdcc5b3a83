"""The inbox as real inboxes are: every entry is audited or recorded with a Chinese reason, nothing lost, the
rest audited, and the next night recovers by itself.

The nightly steps run here as plain functions over a real SQLite store (the flow only wires them).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from evalaudit.inbox import scan
from evalaudit.nightly import check_outcomes, publish_run, record
from evalaudit.pipeline import parse_file, parse_files, submitted_files
from evalaudit.store import evaluations, files, open_store
from tests.conftest import INBOX, ROOT, SUBMISSIONS

CJK = re.compile(r"[\u4e00-\u9fff]")
GOOD = SUBMISSIONS  # the first ones are text samples, copied into the test inboxes below


def night(store, run_id: str, inbox: Path, reports: Path, before_reading=None):
    """One nightly run without Prefect: plan, parse, check, record, publish.

    `before_reading(todo)` runs between hashing the inbox and reading the files (a unit acting mid-run).
    """
    store.begin_run(run_id, str(inbox))
    todo = store.plan(run_id, submitted_files(inbox))
    if before_reading:
        before_reading(todo)
    checked = check_outcomes(store, run_id, [parse_file(file) for file in todo])
    record(store, run_id, checked, checked.outcomes)
    published = publish_run(store, run_id, reports)
    store.finish_run(run_id, "completed")
    return published.snapshot


@pytest.fixture
def inbox(tmp_path):
    folder = tmp_path / "inbox"
    shutil.copytree(INBOX, folder)
    return folder


def make_bad_entries(inbox: Path, outside: Path) -> None:
    (inbox / "empty.txt").write_bytes(b"")
    (inbox / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    (inbox / "truncated.txt").write_bytes((INBOX / GOOD[0]).read_bytes()[:301] + "资".encode()[:2])
    (inbox / "x.txt").mkdir()  # a folder that looks like a file
    (inbox / "x.txt" / "inside.txt").write_bytes((INBOX / GOOD[1]).read_bytes())
    os.mkfifo(inbox / "pipe.txt")
    (inbox / "loop_a.txt").symlink_to(inbox / "loop_b.txt")
    (inbox / "loop_b.txt").symlink_to(inbox / "loop_a.txt")
    (inbox / "dangling.txt").symlink_to(inbox / "gone.txt")
    outside.write_text("机密：不应出现在报告中", encoding="utf-8")
    (inbox / "leak.txt").symlink_to(outside)
    (inbox / ".hidden.txt").write_text("x", encoding="utf-8")
    (inbox / ".git").mkdir()
    (inbox / ".git" / "config").write_text("x", encoding="utf-8")
    (inbox / "nested.html").write_text("<div>" * 20000 + "年度" + "</div>" * 20000, encoding="utf-8")
    (inbox / "名称 含空格 😀.txt").write_bytes((INBOX / GOOD[2]).read_bytes())
    (inbox / ("长" * 80 + ".txt")).write_bytes((INBOX / GOOD[3]).read_bytes())
    with open(inbox / "huge.txt", "wb") as handle:  # 50 MB, sparse: over the size limit
        handle.truncate(50 * 1024 * 1024)
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    (inbox / "million.txt").write_bytes(b"\n".join(b"%d" % i for i in range(1_000_000)))


def test_every_entry_of_a_messy_inbox_is_audited_or_recorded_with_its_reason(inbox, tmp_path):
    make_bad_entries(inbox, tmp_path / "secret.txt")
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    snapshot = night(store, "20260101T000000Z-aaaaaa", inbox, tmp_path / "reports")

    audited = {e.source_file for e in snapshot.evaluations} | {
        n for e in snapshot.evaluations for n in e.also_submitted_as
    }
    assert set(GOOD) <= audited  # the good files are all audited
    assert {"x.txt/inside.txt", "名称 含空格 😀.txt", "长" * 80 + ".txt"} <= audited
    problems = {problem.source_file: problem for problem in snapshot.problems}
    expected = {
        "empty.txt": "空",
        "binary.txt": "",
        "pipe.txt": "命名管道",
        "loop_a.txt": "循环",
        "loop_b.txt": "循环",
        "dangling.txt": "不存在",
        "leak.txt": "收件箱以外",
        ".hidden.txt": "隐藏",
        ".git": "隐藏",
        "huge.txt": "过大",
        "scan.pdf": "",
        "million.txt": "",
    }
    for name, word in expected.items():
        assert name in problems, name
        assert CJK.search(problems[name].reason) and word in problems[name].reason, (name, problems[name].reason)
    assert problems[".hidden.txt"].status == "skipped"
    # nothing is lost: every entry of the inbox is somewhere in the report
    listed = audited | set(problems) | {name.split("/")[0] for name in audited}  # an archive: its members
    top_level = {path.name for path in inbox.iterdir()} - {"x.txt"}
    assert top_level <= listed
    # the report never shows the linked file from outside the inbox
    report = tmp_path / "reports" / "latest"
    assert not any("机密" in page.read_text(encoding="utf-8") for page in report.rglob("*.html"))
    assert "机密" not in (report / "evaluations.jsonl").read_text(encoding="utf-8")


def test_the_next_night_recovers_without_a_hand_on_it(inbox, tmp_path):
    make_bad_entries(inbox, tmp_path / "secret.txt")
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    night(store, "20260101T000000Z-aaaaaa", inbox, tmp_path / "reports")
    # the unit fixes its files: the pipe and the loop are gone, the empty file filled in
    (inbox / "pipe.txt").unlink()
    (inbox / "loop_a.txt").unlink()
    (inbox / "loop_b.txt").unlink()
    (inbox / "empty.txt").write_bytes((INBOX / GOOD[4]).read_bytes()[:-3] + b"\n\n\n")
    second = night(store, "20260102T000000Z-bbbbbb", inbox, tmp_path / "reports")
    names = {problem.source_file for problem in second.problems}
    assert not names & {"pipe.txt", "loop_a.txt", "loop_b.txt", "empty.txt"}
    assert "empty.txt" in {e.source_file for e in second.evaluations} | {
        n for e in second.evaluations for n in e.also_submitted_as
    }
    # an unchanged third night reads nothing and reports the same
    store.begin_run("20260103T000000Z-cccccc", str(inbox))
    assert store.plan("20260103T000000Z-cccccc", submitted_files(inbox)) == []


def test_a_file_changed_between_hashing_and_reading_is_stored_under_what_was_read(inbox, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    changed = inbox / GOOD[0]

    def unit_edits_the_file(_todo):
        changed.write_bytes(changed.read_bytes() + "\n补充说明。\n".encode())

    night(store, "20260101T000000Z-aaaaaa", inbox, tmp_path / "reports", before_reading=unit_edits_the_file)
    # the next nights see the file as known: no duplicate evaluation, no store blocked for good
    for later in ("20260102T000000Z-bbbbbb", "20260103T000000Z-cccccc"):
        assert night(store, later, inbox, tmp_path / "reports").evaluations
        assert store.count(files, files.c.last_seen_run == later) == len(GOOD)
    with store.engine.connect() as connection:
        shas = {row.sha256 for row in connection.execute(files.select().where(files.c.name == GOOD[0]))}
        stored = {row.sha256 for row in connection.execute(evaluations.select())}
    assert hashlib.sha256(changed.read_bytes()).hexdigest() in shas & stored


def test_a_file_deleted_during_the_run_is_read_again_when_its_bytes_come_back(inbox, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    gone = inbox / GOOD[0]
    content = gone.read_bytes()
    snapshot = night(
        store, "20260101T000000Z-aaaaaa", inbox, tmp_path / "reports", before_reading=lambda _todo: gone.unlink()
    )
    [problem] = [p for p in snapshot.problems if p.source_file == GOOD[0]]
    assert "删除" in problem.reason
    # the same bytes come back under another name: they are read, not taken for unreadable
    (inbox / "重新提交.txt").write_bytes(content)
    second = night(store, "20260102T000000Z-bbbbbb", inbox, tmp_path / "reports")
    assert "重新提交.txt" in {e.source_file for e in second.evaluations}
    assert GOOD[0] not in {p.source_file for p in second.problems}


def test_the_same_bytes_under_another_suffix_are_judged_by_their_own_name(inbox, tmp_path):
    (inbox / "表.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 600)
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    night(store, "20260101T000000Z-aaaaaa", inbox, tmp_path / "reports")
    (inbox / "表.xls").write_bytes((inbox / "表.doc").read_bytes())
    snapshot = night(store, "20260102T000000Z-bbbbbb", inbox, tmp_path / "reports")
    reasons = {p.source_file: p.reason for p in snapshot.problems}
    assert ".xls" in reasons["表.xls"] and ".doc" not in reasons["表.xls"]  # its own format named
    assert ".doc" in reasons["表.doc"] and ".xls" not in reasons["表.doc"]


def test_a_renamed_or_nested_file_is_shown_under_its_name_now(inbox, tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    night(store, "20260101T000000Z-aaaaaa", inbox, tmp_path / "reports")
    (inbox / "sub" / "dir").mkdir(parents=True)
    with_findings = "07_township_party_building_errors.txt"
    (inbox / with_findings).rename(inbox / "sub" / "dir" / "改名.txt")
    snapshot = night(store, "20260102T000000Z-bbbbbb", inbox, tmp_path / "reports")
    names = {e.source_file for e in snapshot.evaluations}
    assert "sub/dir/改名.txt" in names and with_findings not in names
    assert "sub/dir/改名.txt" in {f.source_file for f in snapshot.findings}
    assert with_findings not in {f.source_file for f in snapshot.findings}
    csv = (tmp_path / "reports" / "latest" / "findings.csv").read_text(encoding="utf-8-sig")
    assert "sub/dir/改名.txt" in csv and with_findings not in csv


def test_one_off_audit_reads_the_same_content_once_and_lists_both_names(inbox, tmp_path):
    copy = "再次提交" + Path(GOOD[0]).suffix
    shutil.copy(inbox / GOOD[0], inbox / copy)
    batch = parse_files([inbox])
    [form] = [e for e in batch.evaluations if e.source_file == GOOD[0]]
    assert form.also_submitted_as == [copy]
    assert [e.evaluation_id for e in batch.evaluations].count(form.evaluation_id) == 1


NOBODY_SCAN = """
import json, sys
from evalaudit.inbox import scan
inbox = scan([sys.argv[1]])
print(json.dumps({"files": [f.name for f in inbox.files], "problems": {p.source_file: p.reason for p in inbox.problems}}))
"""


@pytest.fixture
def world_readable_dir():
    """A folder an unprivileged user can enter (pytest's own tmp folders are private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="evalaudit-perm-"))
    folder.chmod(0o755)
    yield folder
    for path in folder.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755)
    shutil.rmtree(folder)


@pytest.mark.skipif(os.geteuid() == 0 and shutil.which("setpriv") is None, reason="needs setpriv to drop root")
def test_files_and_folders_the_job_may_not_read_are_recorded_and_the_rest_read(world_readable_dir):
    inbox = world_readable_dir / "inbox"
    shutil.copytree(INBOX, inbox)
    for path in (inbox, *inbox.iterdir()):
        path.chmod(0o755 if path.is_dir() else 0o644)
    (inbox / "locked.txt").write_bytes((INBOX / GOOD[0]).read_bytes())
    (inbox / "locked.txt").chmod(0)
    (inbox / "closed").mkdir()
    (inbox / "closed" / "a.txt").write_text("x", encoding="utf-8")
    (inbox / "closed").chmod(0)
    command = [sys.executable, "-c", NOBODY_SCAN, str(inbox)]
    if os.geteuid() == 0:  # the job must not run as root for permissions to mean anything
        for parent in (ROOT, *ROOT.parents, Path(sys.executable).parent):
            if not parent.stat().st_mode & 0o001:
                pytest.skip(f"{parent} is not traversable by an unprivileged user")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")}
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert set(GOOD) <= set(found["files"])
    assert "权限" in found["problems"]["locked.txt"]
    assert "权限" in found["problems"]["closed/"]


def test_scan_names_entries_relative_to_the_folder_and_files_by_their_name(inbox):
    (inbox / "a" / "b").mkdir(parents=True)
    (inbox / "a" / "b" / "c.txt").write_text("x", encoding="utf-8")
    names = {file.name for file in scan([inbox]).files}
    assert "a/b/c.txt" in names and GOOD[0] in names
    assert [file.name for file in scan([inbox / "a" / "b" / "c.txt"]).files] == ["c.txt"]
    [problem] = scan([inbox / "missing.txt"]).problems
    assert "不存在" in problem.reason
