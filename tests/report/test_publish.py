"""The HTML report: self-contained, escaped, with every finding next to its cell."""

from __future__ import annotations

import re

from evalaudit.checks import run_checks
from evalaudit.pipeline import AuditRun, ParsedBatch
from evalaudit.report import publish, unit_slug
from tests.forms import consistent_form, with_indicator

REMOTE = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def pages(out):
    return sorted(out.rglob("*.html"))


def test_no_page_refers_to_anything_on_the_internet(seed_report):
    _, out = seed_report
    assert len(pages(out)) == 1 + 4 + 7  # overview, 4 units, 7 forms
    for page in pages(out):
        text = page.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, page.name
        assert not REMOTE.search(text), page.name


def test_each_finding_stands_beside_its_cell(seed_report):
    run, out = seed_report
    [total] = [
        f
        for f in run.findings
        if f.source_file.startswith("001") and f.form_index == 3 and f.check_id == "arithmetic.total"
    ]
    page = (out / "forms" / f"{total.evaluation_id}.html").read_text(encoding="utf-8")
    cell = re.search(r'<td data-cell="total" class="num flagged">(.*?)</td>', page, re.S)
    assert cell and total.message in cell.group(1)


def test_units_are_ranked_by_errors_and_have_their_page(seed_report):
    run, out = seed_report
    index = (out / "index.html").read_text(encoding="utf-8")
    ranked = re.findall(r'<a href="units/([0-9a-f]{12})\.html">', index)
    assert ranked[0] == unit_slug("武威市政府政务服务中心")  # 6 errors across its four forms
    for slug in ranked:
        assert (out / "units" / f"{slug}.html").exists()


def test_submitted_text_is_escaped(tmp_path):
    hostile = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    form = with_indicator(consistent_form(unit=hostile, notes=hostile), 1, explanation=hostile, name=hostile)
    run = AuditRun(run_id="r1", batch=ParsedBatch(evaluations=[form], files=1), findings=[], checks=None)
    run.checks = run_checks([form])
    run.findings = run.checks.findings
    publish(run.snapshot(), tmp_path)
    for page in pages(tmp_path):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page.name
    form_page = (tmp_path / "forms" / f"{form.evaluation_id}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in form_page


def test_the_report_works_without_any_form(tmp_path):
    run = AuditRun(run_id="r2", batch=ParsedBatch(files=0), findings=[], checks=None)
    assert publish(run.snapshot(), tmp_path).read_text(encoding="utf-8").count("<table") >= 2


def test_a_form_without_a_unit_name_links_to_the_page_of_its_file(tmp_path):
    form = consistent_form(unit="")
    checks = run_checks([form])
    run = AuditRun(run_id="r3", batch=ParsedBatch(evaluations=[form], files=1), findings=checks.findings, checks=checks)
    publish(run.snapshot(), tmp_path)
    page = (tmp_path / "forms" / f"{form.evaluation_id}.html").read_text(encoding="utf-8")
    [slug] = re.findall(r'href="\.\./units/([0-9a-f]{12})\.html"', page)
    assert (tmp_path / "units" / f"{slug}.html").exists()
