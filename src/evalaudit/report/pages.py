"""Writing a report's pages incrementally: a page whose key is unchanged is hard-linked from the previous run.

Each page's key is a digest of exactly what it shows plus `REPORT_VERSION` (the report's code, templates, CSS
and JS). The keys go into the run folder's `manifest.json`; the next run links (`os.link`) every page whose key
is the same and renders only the others, so 30 kept runs cost little more than one. When linking fails (another
filesystem) the page is copied; when the previous page is gone it is rendered.

Pages are written without a per-file fsync: the run folder is a partial folder renamed into place, and one
flush of the filesystem (`flush`) makes it durable before `latest` moves.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import filecmp
import hashlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = "manifest.json"
_HERE = Path(__file__).parent


def _version() -> str:
    """A digest of what renders pages: this package's code, templates, CSS and JS, and number formatting."""
    digest = hashlib.blake2b(digest_size=8)
    sources = sorted([*_HERE.glob("*.py"), *_HERE.glob("*.css"), *_HERE.glob("*.js"), *_HERE.glob("templates/*")])
    for path in [*sources, _HERE.parent / "display.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


REPORT_VERSION = _version()


def page_key(*parts: object) -> str:
    """A page's key: what it shows, as plain values (str, numbers, None, tuples), and the report's version."""
    return hashlib.blake2b(repr((REPORT_VERSION, parts)).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


@dataclass
class Manifest:
    """What a run folder holds: each page's key, and per form what the next run may reuse without decoding it:
    [content version, project name, stated total, page problem, evaluations.jsonl offset, line length]."""

    pages: dict[str, str] = field(default_factory=dict)
    forms: dict[str, list] = field(default_factory=dict)

    @classmethod
    def read(cls, folder: Path | None) -> Manifest:
        """The manifest of `folder`, or an empty one when there is none (or it is unreadable: render all)."""
        if folder is None:
            return cls()
        try:
            data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            return cls(pages=dict(data["pages"]), forms=dict(data["forms"]))
        except (OSError, ValueError, KeyError, TypeError):
            return cls()

    def write(self, folder: Path) -> None:
        data = {"version": REPORT_VERSION, "pages": self.pages, "forms": self.forms}
        (folder / MANIFEST).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


class PageWriter:
    """Pages into `out`, each linked from `previous` when its key is unchanged, else rendered.

    `atomic` writes each page through a temporary file and a rename (for a folder people read while it is
    written, as `evalaudit audit --out`); a partial run folder needs no such care, it is renamed as a whole.
    """

    def __init__(self, out: Path, previous: Path | None = None, atomic: bool = False) -> None:
        self.out, self.atomic = out, atomic
        self.previous = previous if previous is not None and previous.resolve() != out.resolve() else None
        self.before = Manifest.read(previous)
        self.now = Manifest()
        self.linked = self.copied = self.rendered = 0
        self._folders: set[Path] = set()
        self._source, self._target = os.fspath(self.previous or ""), os.fspath(out)
        self._made: set[str] = set()

    def reuse(self, name: str, key: str) -> bool:
        """Link (or copy) the previous run's page `name` when it showed the same; False when it must be rendered.

        Plain strings and `os` calls: this runs for every unchanged page of a 100,000-form report each night."""
        if self.previous is None or self.before.pages.get(name) != key:
            return False
        source, target = f"{self._source}/{name}", f"{self._target}/{name}"
        self._folder_of(name)
        try:
            os.link(source, target)
            self.linked += 1
        except FileNotFoundError:
            return False
        except FileExistsError:
            os.unlink(target)
            return self.reuse(name, key)
        except OSError:  # another filesystem, or links not allowed: a copy costs more disk, nothing else
            try:
                shutil.copyfile(source, target)
            except OSError:
                return False
            self.copied += 1
        self.now.pages[name] = key
        return True

    def write(self, name: str, key: str | None, text: str) -> None:
        """A rendered page (a key of None: a page rendered every run, such as the overview)."""
        target = self.out / name
        self._folder(target.parent)
        if self.atomic:
            temporary = target.with_name(f".{target.name}.tmp")
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, target)
        else:
            try:
                handle = target.open("x", encoding="utf-8")
            except FileExistsError:  # never write through a link into the previous run's page
                target.unlink()
                handle = target.open("x", encoding="utf-8")
            with handle:
                handle.write(text)
        self.rendered += 1
        if key is not None:
            self.now.pages[name] = key

    def page(self, name: str, key: str, render) -> None:
        """`name` linked when its key is unchanged, else `render()` written."""
        if not self.reuse(name, key):
            self.write(name, key, render())

    def finish(self) -> None:
        self.now.write(self.out)

    def _folder_of(self, name: str) -> None:
        folder = name.rpartition("/")[0]
        if folder not in self._made:
            os.makedirs(f"{self._target}/{folder}" if folder else self._target, exist_ok=True)
            self._made.add(folder)

    def _folder(self, folder: Path) -> None:
        if folder not in self._folders:
            folder.mkdir(parents=True, exist_ok=True)
            self._folders.add(folder)


def link_if_same(target: Path, previous: Path | None) -> bool:
    """Replace `target` by a hard link to `previous` when their bytes are the same (findings.csv of a night that
    found nothing new): a kept run then costs no second copy."""
    if previous is None:
        return False
    try:
        if previous.stat().st_size != target.stat().st_size or not filecmp.cmp(previous, target, shallow=False):
            return False
        temporary = target.with_name(f".{target.name}.link")
        temporary.unlink(missing_ok=True)
        os.link(previous, temporary)
        os.replace(temporary, target)
        return True
    except OSError:
        return False


def flush(folder: Path) -> None:
    """Everything written under `folder` on disk, in one call: syncfs(2) of its filesystem on Linux, else sync(2).

    One flush per run instead of one fsync per page: a night that writes 10,000 pages waits once."""
    libc_name = ctypes.util.find_library("c")
    syncfs = getattr(ctypes.CDLL(libc_name, use_errno=True), "syncfs", None) if libc_name else None
    if syncfs is not None:
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            if syncfs(descriptor) == 0:
                return
        finally:
            os.close(descriptor)
    os.sync()


def fsync_folder(folder: Path) -> None:
    """A rename or link in `folder` made durable (the folder's own entry list)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
