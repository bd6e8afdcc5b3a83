"""Every reader limit is read one way: unset is its default, a positive value is taken, anything else raises
naming the setting (an operator's typo never silently becomes no limit or the default)."""

from __future__ import annotations

import pytest

from evalaudit.ingest import convert, max_file_bytes, pdf
from evalaudit.ingest.archive import max_members
from evalaudit.ingest.settings import positive_number, positive_whole


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "nan", "inf"])
def test_a_number_setting_that_is_not_a_positive_finite_number_raises(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("X_SECONDS", raw)
    with pytest.raises(ValueError, match="X_SECONDS 应为正数（秒）"):
        positive_number("X_SECONDS", 5.0, "（秒）")


@pytest.mark.parametrize("raw", ["0", "1.5", "-2", "ten"])
def test_a_whole_setting_that_is_not_a_positive_whole_number_raises(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("X_PAGES", raw)
    with pytest.raises(ValueError, match="X_PAGES 应为正整数"):
        positive_whole("X_PAGES", 3)


def test_unset_is_the_default_and_a_good_value_is_taken(monkeypatch) -> None:
    monkeypatch.delenv("X_PAGES", raising=False)
    assert positive_whole("X_PAGES", 3) == 3
    monkeypatch.setenv("X_PAGES", " 7 ")
    assert positive_whole("X_PAGES", 3) == 7
    monkeypatch.setenv("X_SECONDS", "0.5")
    assert positive_number("X_SECONDS", 5.0) == 0.5


@pytest.mark.parametrize(
    ("name", "read"),
    [
        (convert.TIMEOUT_ENV, convert.timeout),
        (pdf.MAX_PAGES_ENV, pdf.max_pages),
        ("EVALAUDIT_MAX_ARCHIVE_MEMBERS", max_members),
        ("EVALAUDIT_MAX_FILE_MB", max_file_bytes),
    ],
)
def test_each_reader_limit_refuses_a_typo(monkeypatch, name: str, read) -> None:
    monkeypatch.setenv(name, "12O")  # a letter O for a zero
    with pytest.raises(ValueError, match=name):
        read()
