"""The unit registry as bureau staff keep it: Excel CSV, Chinese headers, aliases."""

from __future__ import annotations

import pytest

from evalaudit.alert.registry import Registry, RegistryError, Unit, load_registry
from tests.conftest import ROOT


def write(tmp_path, text: str, encoding: str = "utf-8-sig"):
    path = tmp_path / "units.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_a_unit_is_found_by_its_name_or_any_alias_whatever_the_spelling(tmp_path):
    registry = load_registry(
        write(tmp_path, "单位名称,别名,邮箱\n清溪县疾病预防控制中心,县疾控中心；清溪县疾控,jk@a.gov.cn\n")
    )
    unit = registry.find("清溪縣疾病預防控制中心")  # traditional characters, as some forms are typed
    assert unit is not None and unit.email == "jk@a.gov.cn"
    assert registry.find("县疾控中心") == unit and registry.find("清溪县 疾控") == unit
    assert registry.find("清溪县教育局") is None and registry.find("") is None


def test_excel_gb18030_and_english_headers_are_read(tmp_path):
    registry = load_registry(write(tmp_path, "单位名称,邮箱\r\n清溪县教育局,jy@a.gov.cn\r\n", "gb18030"))
    assert registry.units == [Unit("清溪县教育局", "jy@a.gov.cn")]
    registry = load_registry(write(tmp_path, "name,aliases,email\nA局,B局|C局,a@a.cn\n"))
    assert registry.units == [Unit("A局", "a@a.cn", ("B局", "C局"))]


def test_a_bad_address_names_its_line(tmp_path):
    with pytest.raises(RegistryError, match="第3行.*不是有效的电子邮件地址"):
        load_registry(write(tmp_path, "单位名称,别名,邮箱\n甲局,,a@a.cn\n乙局,,乙局邮箱\n"))


def test_a_missing_column_or_an_alias_of_two_units_is_an_error(tmp_path):
    with pytest.raises(RegistryError, match="缺少“邮箱”列"):
        load_registry(write(tmp_path, "单位名称,别名\n甲局,\n"))
    with pytest.raises(RegistryError, match="同时对应"):
        load_registry(write(tmp_path, "单位名称,别名,邮箱\n甲局,总局,a@a.cn\n乙局,总局,b@a.cn\n"))


def test_a_line_break_typed_in_a_cell_is_no_part_of_a_name(tmp_path):
    registry = load_registry(
        write(
            tmp_path,
            '单位名称,别名,邮箱\r\n"清溪镇\n人民政府","清溪镇\r\n政府；A  Town\nOffice"," zhen@a.gov.cn\r\n"\r\n',
        )
    )
    [unit] = registry.units
    assert unit == Unit("清溪镇人民政府", "zhen@a.gov.cn", ("清溪镇政府", "A Town Office"))
    assert registry.find("清溪镇 人民政府") == unit and registry.find("a town office") == unit


@pytest.mark.parametrize("email", ["zhen@a.gov.cn\nqita@a.gov.cn", "zhen@a.gov.cn\rBcc: x@x.cn", "zhen @a.gov.cn"])
def test_an_address_with_a_line_break_or_a_space_inside_names_its_line(tmp_path, email):
    with pytest.raises(RegistryError, match="第3行（清溪镇人民政府）的邮箱.*不是有效的电子邮件地址") as error:
        load_registry(write(tmp_path, f'单位名称,别名,邮箱\n甲局,,a@a.cn\n"清溪镇\n人民政府",,"{email}"\n'))
    assert "\n" not in str(error.value) and "\r" not in str(error.value)  # the message stays one line


def test_units_numbered_in_brackets_are_different_units(tmp_path):
    registry = load_registry(
        write(tmp_path, "单位名称,别名,邮箱\n清溪县中心卫生院（一）,,yi@a.cn\n清溪县中心卫生院（二）,,er@a.cn\n")
    )
    assert registry.find("清溪縣中心衛生院(一)").email == "yi@a.cn"
    assert registry.find("清溪县中心卫生院 （二）").email == "er@a.cn"
    assert registry.find("清溪县中心卫生院") is None


def test_a_missing_registry_is_a_problem_to_report_not_an_empty_list(tmp_path):
    registry = load_registry(tmp_path / "missing.csv")
    assert registry.find("甲局") is None
    assert "missing.csv" in registry.problem and "不存在" in registry.problem
    assert "没有任何单位" in load_registry(write(tmp_path, "单位名称,别名,邮箱\n")).problem
    assert load_registry(write(tmp_path, "单位名称,别名,邮箱\n甲局,,a@a.cn\n")).problem == ""


def test_the_bundled_registry_knows_the_sample_units_but_one():
    registry = load_registry(ROOT / "data" / "units.csv")
    assert registry.find("清溪縣稅務局") is not None  # the tax form spells its name in traditional characters
    assert registry.find("清溪县社会保险事业中心") is None  # left out so the digest shows an unknown unit
    assert isinstance(registry, Registry)


def test_a_registry_kept_as_a_workbook_is_read_like_the_csv(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["单位名称", "别名", "邮箱"])
    sheet.append(["清溪镇\n人民政府", "清溪镇政府；清溪镇", "town@example.gov.cn"])
    sheet.append(["清溪县疾病预防控制中心", "县疾控中心", "cdc@example.gov.cn"])
    book.save(tmp_path / "units.xlsx")
    registry = load_registry(tmp_path / "units.csv")  # only the workbook is there: it is used
    assert registry.problem == "" and registry.find("县疾控中心").email == "cdc@example.gov.cn"
    assert registry.find("清溪镇政府").name == "清溪镇人民政府"
    sheet.append(["某中心", "", "not-an-address"])
    book.save(tmp_path / "units.xlsx")
    with pytest.raises(RegistryError, match="第4行（某中心）的邮箱"):
        load_registry(tmp_path / "units.xlsx")
    (tmp_path / "bad.xlsx").write_bytes(b"no workbook")
    with pytest.raises(RegistryError, match="无法作为 Excel 工作簿打开"):
        load_registry(tmp_path / "bad.xlsx")
