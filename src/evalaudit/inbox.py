"""What is in the inbox: every entry either a file to audit (with its content hash) or a problem with a reason.

Nothing is skipped without a trace. Hidden entries, links out of the inbox, dangling links, link loops, named
pipes, devices, folders and files the job may not read and oversized files are each recorded with a Chinese
reason, so the reviewer sees them in the report. Links are never followed out of the inbox: a submitted link
must not publish a file from elsewhere on the machine.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from evalaudit.ingest import cannot_open, max_file_bytes, too_large
from evalaudit.ingest.archive import TOTAL_FACTOR, Member, is_archive, list_members

# What became of an inbox entry (the store's files.status); every status but `audited` is a FileProblem.
AUDITED, UNREADABLE, UNPARSEABLE, CHECK_FAILED, SKIPPED = (
    "audited",
    "unreadable",
    "unparseable",
    "check_failed",
    "skipped",
)
STATUS_LABELS = {
    UNREADABLE: "无法读取",
    UNPARSEABLE: "无法解析",
    CHECK_FAILED: "审核出错",
    SKIPPED: "未审核",
    "page_failed": "页面出错",
}
_CHUNK = 1 << 20


@dataclass
class SubmittedFile:
    """A file in the inbox: where it is, its name as recorded (relative to the inbox) and its content hash."""

    path: Path
    name: str
    sha256: str
    size: int
    duplicates: list[str] = field(default_factory=list)  # other names in the inbox with the same content
    # a member of the archive at `path`: its name in each archive, outermost first (`ingest.archive`)
    member: tuple[str, ...] = ()

    @property
    def names(self) -> list[str]:
        return [self.name, *self.duplicates]


@dataclass
class FileProblem:
    """A file that produced no evaluation, and why. It stays where it is and is reported every run."""

    source_file: str
    status: str  # unreadable | unparseable | skipped | check_failed
    reason: str

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, "未能审核")


@dataclass
class Inbox:
    files: list[SubmittedFile] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


def suffix(name: str) -> str:
    """The format a file's name claims: the same bytes under another suffix are another submission."""
    return Path(name).suffix.lower()


def access_key(name: str, reason: str) -> str:
    """The store's content key for an entry that could not be read: by name and reason, never by content.

    A file that vanished or could not be opened says nothing about its bytes; when the same bytes come back
    (under any name) they must be read as new.
    """
    return "noread:" + hashlib.sha256(f"{name}\0{reason}".encode()).hexdigest()[:57]


def scan(paths: Iterable[str | Path], max_bytes: int | None = None) -> Inbox:
    """Every entry under the given files and folders, hashed or recorded with the reason it was not.

    A folder's entries are named relative to it (`sub/dir/x.txt`); a file named directly by its file name.
    """
    inbox = Inbox()
    for root in map(Path, paths):
        if not root.exists() and not root.is_symlink():
            inbox.problems.append(FileProblem(root.name or str(root), UNREADABLE, f"文件或文件夹不存在：{root}"))
        elif root.is_dir():
            _walk(root.resolve(), root.resolve(), inbox, max_bytes)
        else:
            _add_file(root, root.name, inbox, max_bytes)
    return inbox


def _walk(folder: Path, root: Path, inbox: Inbox, max_bytes: int | None) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        name = _relative(folder, root)
        inbox.problems.append(FileProblem(name + "/", UNREADABLE, f"文件夹无法打开（{_why(error)}），其中的文件未审核"))
        return
    for entry in entries:
        path = Path(entry.path)
        name = _relative(path, root)
        if entry.name.startswith("."):
            what = "文件夹" if entry.is_dir(follow_symlinks=False) else "文件"
            inbox.problems.append(FileProblem(name, SKIPPED, f"隐藏{what}（名称以“.”开头），未审核"))
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as error:
            inbox.problems.append(FileProblem(name, UNREADABLE, f"无法读取文件信息（{_why(error)}）"))
            continue
        if stat.S_ISLNK(mode):
            _add_link(path, name, root, inbox, max_bytes)
        elif stat.S_ISDIR(mode):
            _walk(path, root, inbox, max_bytes)
        elif stat.S_ISREG(mode):
            _add_file(path, name, inbox, max_bytes)
        else:
            inbox.problems.append(FileProblem(name, UNREADABLE, "不是普通文件（命名管道、套接字或设备），未读取"))


def _add_link(path: Path, name: str, root: Path, inbox: Inbox, max_bytes: int | None) -> None:
    try:
        target = path.resolve(strict=True)
    except FileNotFoundError:
        inbox.problems.append(FileProblem(name, UNREADABLE, "链接指向的文件不存在"))
        return
    except (RuntimeError, OSError) as error:
        if isinstance(error, RuntimeError) or getattr(error, "errno", None) == errno.ELOOP:
            inbox.problems.append(FileProblem(name, UNREADABLE, "链接循环指向自身，无法读取"))
        else:
            inbox.problems.append(FileProblem(name, UNREADABLE, f"链接无法读取（{_why(error)}）"))
        return
    if not target.is_relative_to(root):
        inbox.problems.append(FileProblem(name, UNREADABLE, "链接指向收件箱以外的位置，出于安全考虑未读取"))
    elif target.is_dir():
        inbox.problems.append(FileProblem(name, SKIPPED, "链接指向收件箱内的文件夹，其中的文件已按原位置审核"))
    elif target.is_file():
        _add_file(path, name, inbox, max_bytes)  # read through the link: the target is inside the inbox
    else:
        inbox.problems.append(FileProblem(name, UNREADABLE, "链接指向的不是普通文件，未读取"))


def _add_file(path: Path, name: str, inbox: Inbox, max_bytes: int | None) -> None:
    archive = is_archive(name)
    limit = TOTAL_FACTOR * max_bytes if archive and max_bytes is not None else max_bytes
    try:
        size = path.stat().st_size
        if limit is not None and size > limit:
            inbox.problems.append(FileProblem(name, UNREADABLE, too_large(size, limit)))
            return
        if archive:
            _add_archive(path, name, inbox, max_bytes)
            return
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(_CHUNK), b""):
                digest.update(chunk)
    except OSError as error:
        inbox.problems.append(FileProblem(name, UNREADABLE, cannot_open(error)))
        return
    inbox.files.append(SubmittedFile(path=path, name=name, sha256=digest.hexdigest(), size=size))


def _add_archive(path: Path, name: str, inbox: Inbox, max_bytes: int | None) -> None:
    """Each member of an archive is a submission of its own (`x.zip/form.docx`); the archive is none."""
    for entry in list_members(path, max_file_bytes() if max_bytes is None else max_bytes):
        if isinstance(entry, Member):
            full = f"{name}/{entry.name}"
            inbox.files.append(SubmittedFile(path, full, entry.sha256, entry.size, member=entry.chain))
        else:
            full = f"{name}/{entry.name}" if entry.name else name
            inbox.problems.append(FileProblem(full, SKIPPED if entry.hidden else UNREADABLE, entry.reason))


def _why(error: OSError) -> str:
    """The operating system's reason in Chinese where a unit or an operator can act on it."""
    if isinstance(error, PermissionError):
        return "没有读取权限"
    if isinstance(error, FileNotFoundError):
        return "已被删除或移动"
    return error.strerror or type(error).__name__


def _relative(path: Path, root: Path) -> str:
    relative = path.relative_to(root).as_posix() if path != root else path.name
    return relative or path.name
