"""The HTML report: self-contained, escaped, with every finding next to its cell."""

from __future__ import annotations

import re
from dataclasses import replace

from evalaudit.report import form_slug, publish, unit_slug
from tests.forms import consistent_form, with_indicator
from tests.report.snapshots import checked

REMOTE = re.compile(r"""(?:src|href|url)\s*[=(]\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def pages(out):
    return sorted(out.rglob("*.html"))


def test_no_page_refers_to_anything_on_the_internet(seed_report):
    run, out = seed_report
    checks = {finding.check_id for finding in run.findings}
    by_folder = {folder: len(list((out / folder).glob("*.html"))) for folder in ("units", "forms", "findings")}
    assert by_folder == {"units": 4 + 1, "forms": 7, "findings": len(checks)}  # 4 units and their list; 1 page a check
    for page in [*pages(out), out / "units" / "names.js"]:
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
    ranked = re.findall(r'<a href="units/([0-9a-f]{12})\.html">', index.split('<table id="units">')[1])
    assert ranked[0] == unit_slug("武威市政府政务服务中心")  # 6 errors across its four forms
    for slug in ranked:
        assert (out / "units" / f"{slug}.html").exists()


def test_submitted_text_is_escaped(tmp_path):
    hostile = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    form = with_indicator(consistent_form(unit=hostile, notes=hostile), 1, explanation=hostile, name=hostile)
    publish(checked("r1", [form]), tmp_path)
    for page in pages(tmp_path):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page.name
    form_page = (tmp_path / "forms" / f"{form.evaluation_id}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in form_page


def test_the_report_works_without_any_form(tmp_path):
    assert publish(checked("r2", []), tmp_path).read_text(encoding="utf-8").count("<table") >= 2


def test_a_form_without_a_unit_name_links_to_the_page_of_its_file(tmp_path):
    form = consistent_form(unit="")
    publish(checked("r3", [form]), tmp_path)
    page = (tmp_path / "forms" / f"{form.evaluation_id}.html").read_text(encoding="utf-8")
    [slug] = re.findall(r'href="\.\./units/([0-9a-f]{12})\.html"', page)
    assert (tmp_path / "units" / f"{slug}.html").exists()


def test_page_names_come_from_ids_never_from_what_a_unit_typed(tmp_path):
    out = tmp_path / "report"
    units = ["../../etc/x", "a/b\\c:*?<>|.html", "..", "/etc/passwd", ""]
    forms = [consistent_form(i, unit=unit) for i, unit in enumerate(units, start=1)]
    forms.append(replace(consistent_form(9), evaluation_id="../../escaped"))  # a tampered or legacy store row
    publish(checked("r4", forms), out)
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert written and all(path.resolve().is_relative_to(out.resolve()) for path in written)
    names = {path.relative_to(out).as_posix() for path in written}
    assert {f"forms/{form_slug(form.evaluation_id)}.html" for form in forms} <= names
    safe = re.compile(
        r"(index|units/[0-9a-f]{12}|units/list-[0-9]{4}|findings/[a-z0-9_.]+-[0-9]{4}|forms/([0-9a-f]{16}-[0-9]+|x[0-9a-f]{16}))"
        r"\.html|manifest\.json|units/names\.js"
    )
    assert all(safe.fullmatch(name) for name in names), names


def test_an_evaluation_id_names_its_own_page_and_nothing_else_does():
    assert form_slug("0123456789abcdef-3") == "0123456789abcdef-3"
    assert re.fullmatch(r"x[0-9a-f]{16}", form_slug("../../escaped"))
    assert form_slug("../a") != form_slug("../b")
