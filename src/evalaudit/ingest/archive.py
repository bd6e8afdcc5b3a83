"""Archives (.zip, .7z): every member a submission of its own, read in memory, never extracted into the inbox.

Units send several forms in one archive. Each member is listed with its own hash (so the nightly store treats
it like any file) and read again by its chain of names when it is parsed. Archives are what an attacker or a
careless tool makes them, so every limit is checked on the archive's directory before a byte is decompressed,
and again on the stream (a directory may lie): no archive makes the job decompress more than its limits.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from evalaudit.ingest import ARCHIVE_SUFFIXES, cannot_open, too_large
from evalaudit.ingest.decode import UnreadableFile
from evalaudit.ingest.settings import positive_whole

MAX_MEMBERS_ENV = "EVALAUDIT_MAX_ARCHIVE_MEMBERS"
DEFAULT_MAX_MEMBERS = 200
MAX_DEPTH = 3  # an archive in an archive in an archive is read; one level deeper is refused
TOTAL_FACTOR = 10  # an archive may hold, uncompressed, ten times the largest file read
BOMB_RATIO = 100  # no form expands a hundredfold; zeros or a repeated byte do
BOMB_MIN_BYTES = 5_000_000  # below this, a high ratio is a small, very repetitive text, not a threat
_MB = 1_000_000
_JUNK_NAMES = frozenset({"thumbs.db", ".ds_store", "desktop.ini"})  # made by the OS, not by the unit
_EOCD = b"PK\x05\x06"
_DIRECTORY_BYTES_PER_MEMBER = 4096  # a directory entry with a long Chinese path is ~300 bytes
_DIRECTORY_SLACK = 1000  # folder entries and OS junk are listed too, and not counted as files

NOT_AN_ARCHIVE = "文件扩展名为“{suffix}”，但内容不是压缩包，无法读取；请检查文件后重新提交"
CORRUPT = "压缩包已损坏或不完整（可能上传中断），无法读取；请重新打包后提交"
ENCRYPTED = "压缩包设有密码，无法读取；请去除密码后重新提交"
EMPTY = "压缩包是空的（没有可审核的文件）；请放入自评表后重新提交"
TOO_DEEP = f"压缩包嵌套超过 {MAX_DEPTH} 层，未读取；请将文件直接放入压缩包后重新提交"
UNSUPPORTED_METHOD = "压缩包使用了不支持的压缩方式，无法读取；请用常用的 ZIP（标准压缩）重新打包后提交"
LYING = "压缩包已损坏或疑似“压缩炸弹”（解压出的内容超过压缩包目录所记的大小），已停止解压，未读取；请重新打包后提交"
DUPLICATE = "压缩包中有同名文件，只审核了第一个；请重命名后重新提交"
GONE = "压缩包中已找不到该文件（压缩包可能在审核期间被替换）"
HIDDEN = "隐藏{what}（名称以“.”开头），未审核"


def is_archive(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in ARCHIVE_SUFFIXES


def max_members() -> int:
    """The most files one archive (with the archives inside it) may hold, from EVALAUDIT_MAX_ARCHIVE_MEMBERS."""
    return positive_whole(MAX_MEMBERS_ENV, DEFAULT_MAX_MEMBERS)


def too_many(count: int, limit: int) -> str:
    return (
        f"压缩包内文件过多（至少 {count} 个，上限 {limit} 个），未读取；"
        f"请分成几个压缩包提交，或由管理员调整 {MAX_MEMBERS_ENV}"
    )


def too_big(size: int, limit: int) -> str:
    return f"压缩包解压后过大（{size / _MB:.1f} MB，上限 {limit / _MB:g} MB），未读取；请分成几个压缩包提交"


def bomb(size: int, packed: int) -> str:
    return (
        f"压缩包疑似“压缩炸弹”（解压后 {size / _MB:.1f} MB，是压缩后的 {size // max(packed, 1)} 倍），未读取；"
        "请直接提交自评表原文件"
    )


@dataclass(frozen=True)
class Member:
    """A file inside an archive: how to find it again, its name as shown, and its content's hash."""

    chain: tuple[str, ...]  # its name in each archive as stored, outermost first (nested archives)
    name: str  # as shown: its path inside the archive, through nested archives joined by '/'
    sha256: str
    size: int


@dataclass(frozen=True)
class Refused:
    """An archive, or a member of one, that is not read, and why. `name` is inside the archive ('' = itself)."""

    name: str
    reason: str
    hidden: bool = False  # skipped as a hidden inbox file is, not unreadable


@dataclass
class _Budget:
    """What the whole archive, nested archives included, may still hold: checked before reading, spent while."""

    members: int
    bytes: int
    limit_members: int
    limit_bytes: int


@dataclass(frozen=True)
class Entry:
    raw: str  # the name as the archive library knows it
    name: str  # decoded and cleaned, as shown
    size: int  # uncompressed, as the directory says
    packed: int | None  # compressed, when the format says per member (not in a solid 7z)
    encrypted: bool
    folder: bool


_Contents = Iterator[tuple[Entry, "bytes | UnreadableFile"]]


@dataclass
class Archive:
    """An opened archive: its directory, and how to decompress some of its members (bounded by `limit`)."""

    entries: list[Entry]
    read: Callable[[list[Entry], int], _Contents]
    packed: int  # the archive's own size


def list_members(path: Path, max_bytes: int) -> list[Member | Refused]:
    """Every member of the archive at `path`, hashed, or refused with its reason; an unreadable archive is one
    Refused('')."""
    budget = _Budget(0, 0, max_members(), TOTAL_FACTOR * max_bytes)
    try:
        with path.open("rb") as handle:
            return _list(handle, path.name, (), "", 1, max_bytes, budget)
    except OSError as error:
        return [Refused("", cannot_open(error))]


def member_bytes(path: Path, chain: tuple[str, ...], max_bytes: int) -> bytes:
    """The bytes of the member found by `chain` (its names through nested archives), read at most to the limit.

    Raises UnreadableFile (by_content=False: the member's own bytes were not judged) when it cannot be read.
    """
    try:
        with path.open("rb") as handle:
            source: BinaryIO = handle
            name = path.name
            for depth, raw in enumerate(chain):
                archive = _open(source, name)
                entry = next((entry for entry in archive.entries if entry.raw == raw), None)
                if entry is None:
                    raise UnreadableFile(GONE, by_content=False)
                refusal = _refusal(entry, max_bytes)
                if refusal:
                    raise UnreadableFile(refusal, by_content=False)
                (_, data), *_ = archive.read([entry], max_bytes)
                if isinstance(data, UnreadableFile):
                    raise UnreadableFile(str(data), by_content=False)
                if depth == len(chain) - 1:
                    return data
                source, name = io.BytesIO(data), raw
    except OSError as error:
        raise UnreadableFile(cannot_open(error), by_content=False) from error
    raise UnreadableFile(GONE, by_content=False)


def _list(
    source: BinaryIO, name: str, chain: tuple[str, ...], prefix: str, depth: int, max_bytes: int, budget: _Budget
) -> list[Member | Refused]:
    try:
        archive = _open(source, name, budget)
    except UnreadableFile as error:
        return [Refused(prefix, str(error))]
    out: list[Member | Refused] = []
    wanted: list[Entry] = []
    hidden_folders: set[str] = set()
    seen: set[str] = set()
    for entry in archive.entries:
        if entry.folder or _junk(entry.name):
            continue
        hidden = _hidden_part(entry.name)
        if hidden:
            shown, what = hidden
            if shown not in hidden_folders:
                hidden_folders.add(shown)
                out.append(Refused(_join(prefix, shown), HIDDEN.format(what=what), hidden=True))
            continue
        if entry.name in seen:
            out.append(Refused(_join(prefix, entry.name), DUPLICATE))
            continue
        seen.add(entry.name)
        wanted.append(entry)
    if not wanted and not out:
        return [Refused(prefix, EMPTY)]
    budget.members += len(wanted)
    if budget.members > budget.limit_members:
        return [Refused(prefix, too_many(budget.members, budget.limit_members))]
    readable = []
    for entry in wanted:
        refusal = _refusal(entry, max_bytes)
        if refusal:
            out.append(Refused(_join(prefix, entry.name), refusal))
        elif is_archive(entry.name) and depth >= MAX_DEPTH:
            out.append(Refused(_join(prefix, entry.name), TOO_DEEP))
        else:
            readable.append(entry)
    declared = sum(entry.size for entry in readable)
    if budget.bytes + declared > budget.limit_bytes:
        return [Refused(prefix, too_big(budget.bytes + declared, budget.limit_bytes))]
    solid = sum(entry.size for entry in readable if entry.packed is None)  # 7z: judged for the whole archive
    if solid > BOMB_MIN_BYTES and solid > BOMB_RATIO * max(archive.packed, 1):
        return [Refused(prefix, bomb(solid, archive.packed))]
    if not readable:
        return out
    for entry, data in archive.read(readable, max_bytes):
        shown = _join(prefix, entry.name)
        if isinstance(data, UnreadableFile):
            out.append(Refused(shown, str(data)))
            continue
        budget.bytes += len(data)
        if is_archive(entry.name):
            out += _list(io.BytesIO(data), entry.name, (*chain, entry.raw), shown, depth + 1, max_bytes, budget)
        else:
            out.append(Member((*chain, entry.raw), shown, _sha256(data), len(data)))
    return out


def _refusal(entry: Entry, max_bytes: int) -> str | None:
    """Why a member is not read, judged from the directory alone (nothing decompressed yet)."""
    if entry.encrypted:
        return ENCRYPTED
    if entry.packed is not None and entry.size > BOMB_MIN_BYTES and entry.size > BOMB_RATIO * max(entry.packed, 1):
        return bomb(entry.size, entry.packed)
    if entry.size > max_bytes:
        return too_large(entry.size, max_bytes)
    return None


def _open(source: BinaryIO, name: str, budget: _Budget | None = None) -> Archive:
    suffix = PurePosixPath(name).suffix.lower()
    head = source.read(8)
    source.seek(0)
    packed = source.seek(0, io.SEEK_END)
    source.seek(0)
    if suffix == ".7z":
        if not head.startswith(b"7z\xbc\xaf\x27\x1c"):
            raise UnreadableFile(NOT_AN_ARCHIVE.format(suffix=suffix))
        from evalaudit.ingest.sevenzip import (
            open_7z,  # py7zr is imported only when a .7z arrives
        )

        return open_7z(source, packed)
    if not head.startswith(b"PK"):
        raise UnreadableFile(NOT_AN_ARCHIVE.format(suffix=suffix))
    return _open_zip(source, packed, budget)


# zip -------------------------------------------------------------------------------------------------------


def _open_zip(source: BinaryIO, packed: int, budget: _Budget | None) -> Archive:
    if budget is not None:
        _check_zip_directory(source, packed, budget)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, EOFError, ValueError, struct.error) as error:
        raise UnreadableFile(CORRUPT) from error
    entries = [
        Entry(
            raw=info.filename,
            name=clean_name(_zip_name(info)),
            size=info.file_size,
            packed=info.compress_size,
            encrypted=bool(info.flag_bits & 0x1),
            folder=info.is_dir(),
        )
        for info in archive.infolist()
    ]
    infos = {info.filename: info for info in reversed(archive.infolist())}  # the first of a repeated name

    def read(wanted: list[Entry], limit: int) -> Iterator[tuple[Entry, bytes | UnreadableFile]]:
        for entry in wanted:
            yield entry, _read_zip_member(archive, infos[entry.raw], limit)

    return Archive(entries, read, packed)


def _check_zip_directory(source: BinaryIO, packed: int, budget: _Budget) -> None:
    """Refuse a zip whose directory is too long before zipfile parses it into memory: the end record says how
    many entries there are and how many bytes they take."""
    tail_start = max(0, packed - (22 + 65535))
    source.seek(tail_start)
    tail = source.read()
    source.seek(0)
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) - at < 22:
        raise UnreadableFile(CORRUPT)  # starts like a zip, has no directory: cut off
    entries, directory_bytes = struct.unpack("<HI", tail[at + 10 : at + 16])  # 0xFFFF…: zip64, even more
    room = budget.limit_members - budget.members + _DIRECTORY_SLACK
    if entries > room or directory_bytes > room * _DIRECTORY_BYTES_PER_MEMBER:
        raise UnreadableFile(too_many(max(entries, room), budget.limit_members))


def _read_zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes | UnreadableFile:
    """At most min(declared size, limit) + 1 bytes decompressed: one byte past what the directory said is a
    lie, and reading stops there."""
    bound = min(info.file_size, limit)
    try:
        with archive.open(info) as stream:
            data = stream.read(bound + 1)
    except NotImplementedError:
        return UnreadableFile(UNSUPPORTED_METHOD)
    except RuntimeError as error:  # zipfile: "... is encrypted, password required"
        return UnreadableFile(ENCRYPTED if "password" in str(error) else CORRUPT)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):  # a bad CRC, a cut stream
        return UnreadableFile(CORRUPT)
    if len(data) > bound:
        return UnreadableFile(LYING)
    return data


def _zip_name(info: zipfile.ZipInfo) -> str:
    """A name as the unit typed it. Windows zip tools in China write names in GBK without the UTF-8 flag, which
    zipfile then reads as cp437; such a name is decoded again as UTF-8 (tools that forget the flag) or GB18030,
    kept as it was when neither reads as Chinese."""
    if info.flag_bits & 0x800 or info.filename.isascii():
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "gb18030"):
        try:
            decoded = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any("\u4e00" <= char <= "\u9fff" or "\u3000" <= char <= "\u303f" for char in decoded):
            return decoded
    return info.filename


# names -----------------------------------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """Backslashes (old Windows tools) as folders, no leading '/' or './'."""
    parts = [part for part in name.replace("\\", "/").split("/") if part not in ("", ".")]
    return "/".join(parts) + ("/" if name.endswith(("/", "\\")) else "")


def _junk(name: str) -> bool:
    """What the OS and zip tools add without the unit knowing: skipped silently, as nobody can act on them."""
    parts = name.rstrip("/").split("/")
    return "__MACOSX" in parts or parts[-1].startswith("._") or parts[-1].lower() in _JUNK_NAMES


def _hidden_part(name: str) -> tuple[str, str] | None:
    """The hidden folder or file a member is in (shown once per folder), as a hidden inbox entry is reported."""
    parts = name.rstrip("/").split("/")
    for index, part in enumerate(parts):
        if part.startswith("."):
            return "/".join(parts[: index + 1]), "文件" if index == len(parts) - 1 else "文件夹"
    return None


def _join(prefix: str, name: str) -> str:
    return f"{prefix}/{name}" if prefix else name


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
