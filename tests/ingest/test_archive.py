"""Archives (.zip, .7z): every member is a submitted file of its own, named `x.zip/member`, hashed by its own
bytes and audited as if it had been sent loose. Bad archives are recorded with a Chinese reason and left where
they are; limits are judged on the archive's directory, and no stream is decompressed past them.

Every archive here is a real one, written by the test with zipfile or py7zr (or byte by byte where a tool would
refuse to write it: a lying header, an encrypted flag, a bomb of a gigabyte).
"""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import py7zr
import pytest

from evalaudit import pipeline
from evalaudit.inbox import SKIPPED, UNREADABLE, scan
from evalaudit.ingest import max_file_bytes, too_large
from evalaudit.ingest.archive import list_members, member_bytes
from evalaudit.store import files, open_store
from tests.ingest.documents import INBOX, as_xlsx, sample
from tests.ingest.test_discovery import night

TOWNSHIP = "07_township_party_building_errors.txt"
SICHUAN = "05_sichuan_template.txt"
EDUCATION = "02_education_one_cell_per_line.txt"
TAX = "06_tax_weight_first.html"


def loose(name: str) -> bytes:
    return (INBOX / name).read_bytes()


@pytest.fixture(scope="module")
def sichuan_xlsx() -> bytes:
    return as_xlsx(sample(SICHUAN))


def zip_of(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def seven_of(members: dict[str, bytes], password: str | None = None) -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password=password, header_encryption=False) as archive:
        for name, data in members.items():
            archive.writestr(data, name)
    return out.getvalue()


def raw_zip(members: list[tuple[bytes, bytes, int, int, int]]) -> bytes:
    """A zip written byte by byte: (name, deflated stream, crc32, size the headers claim, flag bits) each."""
    body, directory = b"", b""
    for name, stream, crc, size, flags in members:
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, 0, 0x21, crc, len(stream), size, len(name), 0)
        directory += (
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                flags,
                8,
                0,
                0x21,
                crc,
                len(stream),
                size,
                len(name),
                0,
                0,
                0,
                0,
                0,
                len(body),
            )
            + name
        )
        body += header + name + stream
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def deflated(data: bytes) -> tuple[bytes, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data)


def gigabyte_of_zeros() -> tuple[bytes, int, int]:
    """1 GiB of zeros as one deflate stream of about 1 MB, made without holding the gigabyte: a full flush
    makes every mebibyte compress to the same bytes."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    mebibyte = bytes(1 << 20)
    piece = compressor.compress(mebibyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(mebibyte, crc)
    return piece * 1024 + compressor.flush(), crc, 1 << 30


class GbkInfo(zipfile.ZipInfo):
    """A member name written as a Windows zip tool in China writes it: GBK bytes, no UTF-8 flag."""

    def __init__(self, name: str) -> None:
        super().__init__(name.encode("gbk").decode("cp437"))

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's name
        return self.filename.encode("cp437"), self.flag_bits


def audited_names(run) -> dict[str, str]:
    """Each name in the batch that yielded forms, mapped to the name its forms were recorded under."""
    return {
        name: outcome.file.name for outcome in run.batch.outcomes if outcome.evaluations for name in outcome.file.names
    }


def findings_of(run, name: str) -> list[tuple]:
    return sorted(
        (finding.check_id, finding.location, finding.message, finding.stated or "", finding.expected or "")
        for finding in run.findings
        if finding.source_file == name
    )


def problems_of(run) -> dict[str, tuple[str, str]]:
    return {problem.source_file: (problem.status, problem.reason) for problem in run.batch.problems}


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    return folder


# every member a file of its own ----------------------------------------------------------------------------


def test_every_member_is_audited_under_its_archive_name_with_the_findings_it_has_when_sent_loose(
    tmp_path, inbox, sichuan_xlsx
) -> None:
    members = {TOWNSHIP: loose(TOWNSHIP), f"表格/{SICHUAN[:-4]}.xlsx": sichuan_xlsx, EDUCATION: loose(EDUCATION)}
    (inbox / "单位材料.zip").write_bytes(zip_of(members))
    (inbox / "更多.7z").write_bytes(seven_of({"sub/" + TAX: loose(TAX)}))
    apart = tmp_path / "apart"
    apart.mkdir()
    for name, data in [*members.items(), (TAX, loose(TAX))]:
        (apart / Path(name).name).write_bytes(data)

    zipped, given_loose = pipeline.audit([inbox]), pipeline.audit([apart])

    names = audited_names(zipped)
    expected = {f"单位材料.zip/{name}" for name in members} | {f"更多.7z/sub/{TAX}"}
    assert set(names) == expected
    assert not zipped.batch.problems
    for name in members:
        shown = f"单位材料.zip/{name}"
        assert findings_of(zipped, shown) == findings_of(given_loose, Path(name).name), name
    assert findings_of(zipped, f"更多.7z/sub/{TAX}") == findings_of(given_loose, TAX)
    assert findings_of(zipped, f"单位材料.zip/{TOWNSHIP}")  # the sample has findings: the comparison says something
    assert sorted(path.name for path in inbox.iterdir()) == ["单位材料.zip", "更多.7z"]  # nothing extracted


def test_a_member_is_hashed_by_its_own_bytes_so_the_same_form_inside_and_outside_is_one_content(inbox) -> None:
    (inbox / TOWNSHIP).write_bytes(loose(TOWNSHIP))
    (inbox / "a.zip").write_bytes(zip_of({"copy.txt": loose(TOWNSHIP)}))
    found = scan([inbox])
    member = next(file for file in found.files if file.name == "a.zip/copy.txt")
    assert member.sha256 == next(file.sha256 for file in found.files if file.name == TOWNSHIP)
    assert (member.path, member.member, member.size) == (inbox / "a.zip", ("copy.txt",), len(loose(TOWNSHIP)))
    run = pipeline.audit([inbox])
    assert [outcome.file.names for outcome in run.batch.outcomes] == [[TOWNSHIP, "a.zip/copy.txt"]]
    assert run.batch.evaluations[0].also_submitted_as == ["a.zip/copy.txt"]


def test_nested_archives_are_read_to_three_levels_and_a_fourth_is_refused(inbox) -> None:
    level3 = zip_of({"c.txt": loose(EDUCATION), "d.zip": zip_of({"too_deep.txt": loose(TOWNSHIP)})})
    level2 = seven_of({"b.txt": loose(SICHUAN), "c.zip": level3})
    (inbox / "a.zip").write_bytes(zip_of({"a.txt": loose(TOWNSHIP), "folder/b.7z": level2}))
    run = pipeline.audit([inbox])
    assert set(audited_names(run)) == {"a.zip/a.txt", "a.zip/folder/b.7z/b.txt", "a.zip/folder/b.7z/c.zip/c.txt"}
    status, reason = problems_of(run)["a.zip/folder/b.7z/c.zip/d.zip"]
    assert status == UNREADABLE and "嵌套超过 3 层" in reason
    deepest = next(file for file in scan([inbox]).files if file.name.endswith("c.zip/c.txt"))
    assert deepest.member == ("folder/b.7z", "c.zip", "c.txt")
    assert member_bytes(deepest.path, deepest.member, max_file_bytes()) == loose(EDUCATION)


def test_gbk_member_names_from_windows_zip_tools_are_shown_in_chinese(inbox) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(GbkInfo("自评表.txt"), loose(TOWNSHIP))
        archive.writestr(GbkInfo("资料\\项目支出.txt"), loose(EDUCATION))  # 数/项 bytes end in 0x5C, like '\'
        archive.writestr("readme.txt", b"ascii names stay as they are")
    assert "自评表".encode("gbk") in out.getvalue()  # the bytes in the archive really are GBK
    (inbox / "压缩.zip").write_bytes(out.getvalue())
    names = {file.name for file in scan([inbox]).files}
    assert names == {"压缩.zip/自评表.txt", "压缩.zip/资料/项目支出.txt", "压缩.zip/readme.txt"}
    assert {"压缩.zip/自评表.txt", "压缩.zip/资料/项目支出.txt"} <= set(audited_names(pipeline.audit([inbox])))


def test_folders_and_os_junk_are_skipped_silently_and_hidden_members_recorded_as_skipped(inbox) -> None:
    (inbox / "mac.zip").write_bytes(
        zip_of(
            {
                "forms/": b"",
                "forms/" + TOWNSHIP: loose(TOWNSHIP),
                "__MACOSX/forms/._" + TOWNSHIP: b"\x00\x05\x16\x07",
                "forms/.DS_Store": b"\x00\x00\x00\x01Bud1",
                "Thumbs.db": b"\xd0\xcf\x11\xe0",
                ".hidden.txt": loose(EDUCATION),
                ".git/config": b"[core]",
                ".git/HEAD": b"ref: refs/heads/main",
            }
        )
    )
    run = pipeline.audit([inbox])
    assert set(audited_names(run)) == {"mac.zip/forms/" + TOWNSHIP}
    problems = problems_of(run)
    assert problems == {
        "mac.zip/.hidden.txt": (SKIPPED, "隐藏文件（名称以“.”开头），未审核"),
        "mac.zip/.git": (SKIPPED, "隐藏文件夹（名称以“.”开头），未审核"),
    }


# bad archives ----------------------------------------------------------------------------------------------


def encrypted_zip() -> bytes:
    """A member flagged encrypted (bit 0), as WinZip/7-Zip write a password-protected zip."""
    stream, crc = deflated(loose(TOWNSHIP))
    return raw_zip([(b"secret.txt", stream, crc, len(loose(TOWNSHIP)), 0x1)])


def corrupt_zip() -> bytes:
    data = bytearray(zip_of({"form.txt": loose(TOWNSHIP)}))
    middle = 30 + len("form.txt") + 200
    data[middle : middle + 40] = bytes(40)  # the compressed stream is damaged; the directory is intact
    return bytes(data)


BAD = {
    "encrypted.zip": (encrypted_zip, "encrypted.zip/secret.txt", "压缩包设有密码"),
    "encrypted.7z": (lambda: seven_of({"a.txt": loose(TOWNSHIP)}, password="123456"), "encrypted.7z", "压缩包设有密码"),
    "encrypted_names.7z": (None, "encrypted_names.7z", "压缩包设有密码"),
    "corrupt.zip": (corrupt_zip, "corrupt.zip/form.txt", "压缩包已损坏"),
    "truncated.zip": (lambda: zip_of({"form.txt": loose(TOWNSHIP)})[:900], "truncated.zip", "压缩包已损坏"),
    "truncated.7z": (lambda: seven_of({"form.txt": loose(TOWNSHIP)})[:300], "truncated.7z", "压缩包已损坏"),
    "empty.zip": (lambda: zip_of({}), "empty.zip", "压缩包是空的"),
    "only_folders.zip": (lambda: zip_of({"a/": b"", "a/b/": b""}), "only_folders.zip", "压缩包是空的"),
    "empty.7z": (lambda: seven_of({}), "empty.7z", "压缩包是空的"),
    "not_a.zip": (lambda: loose(TOWNSHIP), "not_a.zip", "内容不是压缩包"),
    "not_a.7z": (lambda: zip_of({"a.txt": b"x"}), "not_a.7z", "内容不是压缩包"),
}


def encrypted_names_7z() -> bytes:
    out = io.BytesIO()
    with py7zr.SevenZipFile(out, "w", password="123456", header_encryption=True) as archive:
        archive.writestr(loose(TOWNSHIP), "a.txt")
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_archive_is_recorded_with_its_reason_kept_in_place_and_the_rest_is_audited(inbox, name) -> None:
    make, problem, word = BAD[name]
    data = (make or encrypted_names_7z)()
    (inbox / name).write_bytes(data)
    (inbox / "good.zip").write_bytes(zip_of({TOWNSHIP: loose(TOWNSHIP)}))
    (inbox / EDUCATION).write_bytes(loose(EDUCATION))
    run = pipeline.audit([inbox])
    status, reason = problems_of(run)[problem]
    assert status == UNREADABLE and word in reason and "重新" in reason, reason
    assert set(audited_names(run)) == {"good.zip/" + TOWNSHIP, EDUCATION}
    assert (inbox / name).read_bytes() == data  # the archive stays as sent
    assert sorted(path.name for path in inbox.iterdir()) == sorted([name, "good.zip", EDUCATION])


def test_an_unsupported_member_inside_an_archive_gets_the_reason_it_gets_loose(inbox) -> None:
    (inbox / "a.zip").write_bytes(zip_of({"slides.ppt": b"\xd0\xcf\x11\xe0" + bytes(100), TOWNSHIP: loose(TOWNSHIP)}))
    run = pipeline.audit([inbox])
    status, reason = problems_of(run)["a.zip/slides.ppt"]
    assert status == UNREADABLE and reason.startswith("暂不支持的文件格式“.ppt”")


# limits ----------------------------------------------------------------------------------------------------


def test_an_archive_with_more_members_than_the_limit_is_refused_and_the_rest_audited(inbox, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_MAX_ARCHIVE_MEMBERS", "3")
    (inbox / "many.zip").write_bytes(zip_of({f"{n}.txt": loose(TOWNSHIP) + b"%d" % n for n in range(4)}))
    (inbox / "nested_many.zip").write_bytes(
        zip_of({"1.txt": b"1", "2.txt": b"2", "inner.zip": zip_of({"3.txt": b"3", "4.txt": b"4"})})
    )
    (inbox / "three.zip").write_bytes(zip_of({f"{n}.txt": loose(TOWNSHIP) + b"%d" % n for n in range(3)}))
    run = pipeline.audit([inbox])
    problems = problems_of(run)
    assert problems["many.zip"][1].startswith("压缩包内文件过多（至少 4 个，上限 3 个）")
    # nested archives share the limit: five entries in all (the inner archive is one)
    assert problems["nested_many.zip/inner.zip"][1].startswith("压缩包内文件过多（至少 5 个，上限 3 个）")
    assert {name for name in audited_names(run) if name.startswith("three.zip/")} == {
        f"three.zip/{n}.txt" for n in range(3)
    }


def test_a_zip_directory_claiming_more_entries_than_allowed_is_refused_before_zipfile_parses_it(tmp_path) -> None:
    stream, crc = deflated(b"x")
    path = tmp_path / "huge_directory.zip"
    path.write_bytes(raw_zip([(b"%d.txt" % n, stream, crc, 1, 0) for n in range(1500)]))
    [refused] = list_members(path, max_file_bytes())
    assert refused.name == "" and refused.reason.startswith("压缩包内文件过多")


def test_a_member_over_the_size_limit_gets_the_reason_of_an_oversized_file(inbox, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_MAX_FILE_MB", "0.1")
    big = loose(TOWNSHIP) * (120_000 // len(loose(TOWNSHIP)) + 1)
    (inbox / "a.zip").write_bytes(zip_of({"big.txt": big, TOWNSHIP: loose(TOWNSHIP)}, zipfile.ZIP_STORED))
    run = pipeline.audit([inbox])
    assert problems_of(run)["a.zip/big.txt"] == (UNREADABLE, too_large(len(big), 100_000))
    assert set(audited_names(run)) == {"a.zip/" + TOWNSHIP}


def test_an_archive_over_ten_times_the_file_limit_uncompressed_is_refused(inbox, monkeypatch) -> None:
    monkeypatch.setenv("EVALAUDIT_MAX_FILE_MB", "0.01")  # 10 kB a file, 100 kB an archive
    members = {f"{n}.txt": bytes([65 + n]) * 9_000 for n in range(12)}  # 108 kB, each member within the limit
    (inbox / "big.zip").write_bytes(zip_of(members))  # 1 kB on disk
    (inbox / "small.zip").write_bytes(zip_of(dict(list(members.items())[:3])))
    run = pipeline.audit([inbox])
    status, reason = problems_of(run)["big.zip"]
    assert status == UNREADABLE and reason.startswith("压缩包解压后过大（0.1 MB，上限 0.1 MB）")
    assert not [name for name in problems_of(run) if name.startswith("big.zip/")]
    assert {f"small.zip/{n}.txt" for n in range(3)} <= set(problems_of(run))  # read (and found no form)


def test_a_zip_bomb_is_refused_from_its_directory_without_decompressing_it(inbox) -> None:
    stream, crc, size = gigabyte_of_zeros()
    form, form_crc = deflated(loose(TOWNSHIP))
    (inbox / "bomb.zip").write_bytes(
        raw_zip([(b"zeros.txt", stream, crc, size, 0), (TOWNSHIP.encode(), form, form_crc, len(loose(TOWNSHIP)), 0)])
    )
    assert (inbox / "bomb.zip").stat().st_size < 2_000_000
    tracemalloc.start()
    try:
        run = pipeline.audit([inbox])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    status, reason = problems_of(run)["bomb.zip/zeros.txt"]
    assert status == UNREADABLE and "压缩炸弹" in reason and "1073.7 MB" in reason, reason
    assert set(audited_names(run)) == {"bomb.zip/" + TOWNSHIP}  # the rest of the archive is audited
    assert peak < 100_000_000  # not a tenth of the gigabyte was ever held


def test_a_member_whose_directory_understates_its_size_is_read_no_further_than_the_directory_said(tmp_path) -> None:
    """The header says 1,000 bytes; the stream holds a gigabyte. Reading stops after 1,001 bytes."""
    stream, crc, _ = gigabyte_of_zeros()
    path = tmp_path / "liar.zip"
    path.write_bytes(raw_zip([(b"zeros.txt", stream, crc, 1000, 0)]))
    tracemalloc.start()
    try:
        [refused] = list_members(path, max_file_bytes())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refused.name == "zeros.txt" and "压缩包已损坏" in refused.reason
    assert peak < 20_000_000


def test_a_solid_7z_that_expands_a_hundredfold_is_refused_as_a_whole(inbox) -> None:
    (inbox / "bomb.7z").write_bytes(seven_of({"zeros.txt": bytes(15_000_000), TOWNSHIP: loose(TOWNSHIP)}))
    assert (inbox / "bomb.7z").stat().st_size < 100_000
    status, reason = problems_of(pipeline.audit([inbox]))["bomb.7z"]
    assert status == UNREADABLE and "压缩炸弹" in reason


def test_a_member_changed_after_the_scan_is_recorded_under_the_bytes_parsed(inbox) -> None:
    (inbox / "a.zip").write_bytes(zip_of({"form.txt": loose(TOWNSHIP)}))
    [file] = scan([inbox]).files
    (inbox / "a.zip").write_bytes(zip_of({"form.txt": loose(EDUCATION)}))
    outcome = pipeline.parse_file(file)
    assert outcome.status == "audited" and outcome.file.sha256 != file.sha256
    (inbox / "a.zip").write_bytes(zip_of({"other.txt": loose(EDUCATION)}))
    gone = pipeline.parse_file(file)
    assert gone.status == UNREADABLE and "找不到该文件" in gone.reason and gone.file.sha256.startswith("noread:")


# the nightly store -----------------------------------------------------------------------------------------


def test_the_nightly_store_re_audits_only_the_members_that_changed(inbox, tmp_path, sichuan_xlsx) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'evalaudit.db'}")
    (inbox / "unit.zip").write_bytes(zip_of({TOWNSHIP: loose(TOWNSHIP), "sichuan.xlsx": sichuan_xlsx}))
    first = night(store, "20260101T000000Z-aaaaaa", inbox, tmp_path / "reports")
    assert {e.source_file for e in first.evaluations} == {"unit.zip/" + TOWNSHIP, "unit.zip/sichuan.xlsx"}
    # the unit resubmits the archive: the Excel form unchanged, the text form corrected
    corrected = loose(TOWNSHIP) + "\n补充说明。\n".encode()
    (inbox / "unit.zip").write_bytes(zip_of({"sichuan.xlsx": sichuan_xlsx, TOWNSHIP: corrected}))
    store.begin_run("20260102T000000Z-bbbbbb", str(inbox))
    todo = store.plan("20260102T000000Z-bbbbbb", pipeline.submitted_files(inbox))
    assert [file.name for file in todo] == ["unit.zip/" + TOWNSHIP]
    second = night(store, "20260103T000000Z-cccccc", inbox, tmp_path / "reports")
    assert {e.source_file for e in second.evaluations} == {"unit.zip/" + TOWNSHIP, "unit.zip/sichuan.xlsx"}
    assert store.count(files, files.c.name == "unit.zip/sichuan.xlsx") == 1  # stored once, never re-read
    assert store.count(files, files.c.name == "unit.zip/" + TOWNSHIP) == 2  # each content it had


def test_the_member_limit_comes_from_the_environment_and_a_bad_setting_is_refused(monkeypatch) -> None:
    from evalaudit.ingest.archive import max_members

    monkeypatch.delenv("EVALAUDIT_MAX_ARCHIVE_MEMBERS", raising=False)
    assert max_members() == 200
    monkeypatch.setenv("EVALAUDIT_MAX_ARCHIVE_MEMBERS", " 50 ")
    assert max_members() == 50
    for setting in ("0", "-3", "abc", "1.5"):
        monkeypatch.setenv("EVALAUDIT_MAX_ARCHIVE_MEMBERS", setting)
        with pytest.raises(ValueError, match="EVALAUDIT_MAX_ARCHIVE_MEMBERS 应为正整数"):
            max_members()
