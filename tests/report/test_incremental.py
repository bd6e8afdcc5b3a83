"""Incremental publishing: a night renders only the pages that changed and hard-links the others from the
previous run's folder; the overview stays small and lists every finding once, however many forms there are."""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from dataclasses import replace
from html import unescape
from pathlib import Path

import pytest

import evalaudit.report as report
from evalaudit.nightly import check_outcomes, publish_run, record
from evalaudit.pipeline import parse_file, submitted_files
from evalaudit.report import build, form_slug, unit_name, unit_slug
from evalaudit.store import open_store
from tests.conftest import ROOT, TEXT_SAMPLES
from tests.report.snapshots import checked

ERRORS = "07_township_party_building_errors.txt"  # its total 87 is wrong; a resubmission states 95.2


def pages(folder: Path) -> dict[str, Path]:
    """Every page and data file of a report but the overview and the manifest (rendered every run)."""
    return {
        path.relative_to(folder).as_posix(): path
        for path in folder.rglob("*")
        if path.is_file() and path.suffix in (".html", ".js") and path.name != "index.html"
    }


def inode(path: Path) -> int:
    return path.stat().st_ino


def night(store, run_id: str, inbox: Path, reports: Path, keep: int = 30):
    store.begin_run(run_id, str(inbox))
    checked = check_outcomes(store, run_id, [parse_file(f) for f in store.plan(run_id, submitted_files(inbox))])
    record(store, run_id, checked, checked.outcomes)
    return publish_run(store, run_id, reports, keep)


@pytest.fixture
def nights(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in TEXT_SAMPLES:
        shutil.copy(path, inbox / path.name)
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    return store, inbox, tmp_path / "reports"


def test_an_unchanged_night_links_every_page_of_the_previous_report(nights):
    store, inbox, reports = nights
    first = night(store, "20260101T000000Z-aaaaaa", inbox, reports).report.parent
    second = night(store, "20260102T000000Z-bbbbbb", inbox, reports).report.parent
    before, after = pages(first), pages(second)
    assert before.keys() == after.keys() and any(name.startswith("forms/") for name in after)
    assert all(inode(after[name]) == inode(before[name]) for name in after), "a page was rendered again"
    for name in ("evaluations.jsonl", "findings.csv", "findings.jsonl"):  # the same bytes: one copy on disk
        assert inode(second / name) == inode(first / name), name
    assert (second / "findings.csv").read_text(encoding="utf-8-sig").count("\n") > 1
    assert "20260102T000000Z-bbbbbb" in (second / "index.html").read_text(encoding="utf-8")


def test_a_resubmitted_form_renders_its_page_and_its_units_page_and_links_the_rest(nights):
    store, inbox, reports = nights
    first = night(store, "20260101T000000Z-aaaaaa", inbox, reports)
    old = next(e for e in first.snapshot.evaluations if e.source_file == ERRORS)
    text = (inbox / ERRORS).read_text(encoding="utf-8")
    (inbox / ERRORS).write_text(text.replace("\t100\t87\t", "\t100\t95.2\t"), encoding="utf-8")
    second = night(store, "20260102T000000Z-bbbbbb", inbox, reports)
    new = next(e for e in second.snapshot.evaluations if e.source_file == ERRORS)
    assert new.evaluation_id != old.evaluation_id

    before, after = pages(first.report.parent), pages(second.report.parent)
    unit_page = f"units/{unit_slug(unit_name(new))}.html"
    rendered = {name for name in after if name not in before or inode(after[name]) != inode(before[name])}
    assert f"forms/{form_slug(new.evaluation_id)}.html" in rendered and unit_page in rendered
    assert f"forms/{form_slug(old.evaluation_id)}.html" not in after  # the old submission left the inbox
    others = [e for e in second.snapshot.evaluations if unit_name(e) != unit_name(new)]
    assert others and not {f"forms/{form_slug(e.evaluation_id)}.html" for e in others} & rendered
    assert not {f"units/{unit_slug(unit_name(e))}.html" for e in others} & rendered
    assert "已修正" in after[unit_page].read_text(encoding="utf-8")  # the fixed total is on the unit's page
    lines = [json.loads(line) for line in (second.report.parent / "evaluations.jsonl").read_text("utf-8").splitlines()]
    assert [line["evaluation_id"] for line in lines] == [e.evaluation_id for e in second.snapshot.evaluations]
    assert [e.to_dict() for e in store.current_state("20260102T000000Z-bbbbbb").evaluations] == lines
    assert inode(second.report.parent / "evaluations.jsonl") != inode(first.report.parent / "evaluations.jsonl")


def test_pruning_the_previous_report_leaves_the_new_one_whole(nights):
    store, inbox, reports = nights
    first = night(store, "20260101T000000Z-aaaaaa", inbox, reports, keep=1).report.parent
    second = night(store, "20260102T000000Z-bbbbbb", inbox, reports, keep=1).report.parent
    assert not first.exists() and (reports / "latest").resolve() == second.resolve()
    for path in pages(second).values():
        assert path.stat().st_nlink == 1 and path.read_bytes().strip()
    third = night(store, "20260103T000000Z-cccccc", inbox, reports, keep=1).report.parent
    assert all(inode(path) == inode(second / name) for name, path in pages(third).items() if (second / name).exists())


def test_a_renamed_file_renders_its_forms_pages_again(nights):
    store, inbox, reports = nights
    first = night(store, "20260101T000000Z-aaaaaa", inbox, reports)
    (inbox / ERRORS).rename(inbox / "改名.txt")
    second = night(store, "20260102T000000Z-bbbbbb", inbox, reports)
    [form] = [e for e in second.snapshot.evaluations if e.source_file == "改名.txt"]
    page = second.report.parent / "forms" / f"{form_slug(form.evaluation_id)}.html"
    assert inode(page) != inode(first.report.parent / "forms" / page.name)
    assert "改名.txt" in page.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def synthetic():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from synthetic import synthetic_evaluations

    return checked("big", synthetic_evaluations(3000), with_text=False)


def test_a_changed_finding_renders_that_form_and_its_unit_again(synthetic, tmp_path):
    forms = synthetic.evaluations[:200]
    ids = {form.evaluation_id for form in forms}
    snapshot = replace(synthetic, evaluations=forms, findings=[f for f in synthetic.findings if f.evaluation_id in ids])
    build(snapshot, tmp_path / "one", atomic=False)
    changed = snapshot.findings[len(snapshot.findings) // 2]
    findings = [replace(f, message=f.message + "（复核）") if f is changed else f for f in snapshot.findings]
    built = build(replace(snapshot, findings=findings), tmp_path / "two", tmp_path / "one", atomic=False)
    before, after = pages(tmp_path / "one"), pages(tmp_path / "two")
    rendered = {name for name in after if inode(after[name]) != inode(before[name])}
    form_page = f"forms/{form_slug(changed.evaluation_id)}.html"
    unit_page = f"units/{unit_slug(unit_name(changed))}.html"
    findings_page = next(name for name in after if name.startswith(f"findings/{changed.check_id}-"))
    assert {form_page, unit_page, findings_page} <= rendered
    assert rendered <= {form_page, unit_page, findings_page, "units/names.js"} | {
        name for name in after if name.startswith(f"findings/{changed.check_id}-")
    }
    assert built.decoded == 1 and built.linked == len(after) - len(rendered)
    assert "（复核）" in after[form_page].read_text(encoding="utf-8")


def test_a_report_folder_copied_elsewhere_still_serves_as_the_previous_one(synthetic, tmp_path, monkeypatch):
    forms = synthetic.evaluations[:20]
    snapshot = replace(synthetic, evaluations=forms, findings=[])
    build(snapshot, tmp_path / "one", atomic=False)

    def no_links(source, target):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(report.pages.os, "link", no_links)
    built = build(snapshot, tmp_path / "two", tmp_path / "one", atomic=False)
    assert built.copied == len(pages(tmp_path / "two")) and built.decoded == 0
    shutil.rmtree(tmp_path / "one")
    assert build(snapshot, tmp_path / "three", tmp_path / "one", atomic=False).decoded == len(forms)


def test_the_overview_stays_small_and_every_finding_is_on_exactly_one_page(synthetic, tmp_path, monkeypatch):
    monkeypatch.setattr(report, "FINDINGS_PER_PAGE", 100)
    monkeypatch.setattr(report, "UNITS_ON_INDEX", 100)
    monkeypatch.setattr(report, "UNITS_PER_PAGE", 400)
    monkeypatch.setattr(report, "CHART_POINTS", 300)
    build(synthetic, tmp_path, atomic=False)
    sizes = {path.relative_to(tmp_path).as_posix(): path.stat().st_size for path in tmp_path.rglob("*.html")}
    assert sizes["index.html"] < 400_000, sizes["index.html"]
    assert max(sizes.values()) < 1_000_000
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    units_table = index.split('<table id="units">')[1].split("</table>")[0]
    assert len(re.findall(r'<a href="units/[0-9a-f]{12}\.html">', units_table)) == 100
    assert index.count('<a href="units/list-') == 3000 // 400 + 1 and index.count("<circle") <= 2 * 300

    listed: Counter = Counter()
    for path in sorted((tmp_path / "findings").glob("*.html")):
        assert f'href="findings/{path.name}"' in index
        text = path.read_text(encoding="utf-8")
        rows = re.findall(r"<tr data-unit=.*?</tr>", text, re.S)
        assert 0 < len(rows) <= 100
        for row in rows:
            [form] = re.findall(r'href="\.\./forms/([^"]+)\.html"', row)
            row = re.sub(r'<span class="aside">.*?</span>', "", row)  # why a row is greyed, beside its message
            cells = [unescape(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            listed[(form, cells[5], cells[8])] += 1
    expected = Counter((form_slug(f.evaluation_id), f.location, f.message) for f in synthetic.findings)
    assert listed == expected and len(synthetic.findings) > 100

    units = {slug for path in (tmp_path / "units").glob("list-*.html") for slug in
             re.findall(r'href="([0-9a-f]{12})\.html"', path.read_text(encoding="utf-8"))}  # fmt: skip
    assert units == {unit_slug(unit_name(e)) for e in synthetic.evaluations}
    first_line = (tmp_path / "units" / "names.js").read_text(encoding="utf-8").splitlines()[0]
    names = json.loads(first_line[len("window.UNIT_NAMES=") : -1])
    assert {slug for _, slug, *_ in names} == units
