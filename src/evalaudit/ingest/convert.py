"""Legacy and other office formats → .docx / .xlsx by LibreOffice headless, then read as those.

`.doc`, `.wps` (WPS Writer), `.rtf` and `.odt` become `.docx`; `.et` (WPS Spreadsheets) and `.ods` become
`.xlsx`. LibreOffice costs about a second to start, so a batch is converted by one process per target format
and worker (`convert_all`), not one per file; each output is cached by the input's hash (`cache.py`), so a
file is converted once in its life. A file converted alone (`convert`, when no batch step ran) costs one
start. Every process runs with its own throw-away profile (LibreOffice refuses a second process on the same
one) and is killed with its children when it overruns its time.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from evalaudit.ingest import cache
from evalaudit.ingest.decode import UnreadableFile
from evalaudit.ingest.settings import positive_number

# the format LibreOffice converts each suffix to, read then by the .docx / .xlsx reader
TARGETS = {".doc": ".docx", ".wps": ".docx", ".rtf": ".docx", ".odt": ".docx", ".et": ".xlsx", ".ods": ".xlsx"}
TIMEOUT_ENV = "EVALAUDIT_CONVERT_TIMEOUT"
DEFAULT_TIMEOUT = 120.0  # seconds per file: a form converts in about one
_START = 30.0  # seconds a cold LibreOffice may take to start, on top of the files' time
_KIND = "converted"
_PACKAGES = {".docx": "libreoffice-writer-nogui", ".xlsx": "libreoffice-calc-nogui"}


def soffice() -> str | None:
    """The LibreOffice binary, if the machine has one."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def timeout() -> float:
    """Seconds a file may take to convert, from EVALAUDIT_CONVERT_TIMEOUT (default 120)."""
    return positive_number(TIMEOUT_ENV, DEFAULT_TIMEOUT, "（秒）")


def missing_reason(suffix: str) -> str:
    package = _PACKAGES[TARGETS[suffix]]
    return f"缺少 LibreOffice，无法读取 {suffix} 文件（请管理员安装 {package}，见 README“支持的文件格式”）"


def convert(data: bytes, suffix: str) -> bytes:
    """The file as .docx / .xlsx bytes, from the cache or converted now. Raises UnreadableFile."""
    cached = _cached(data, suffix)
    if cached is None:
        convert_all([(data, suffix)])
        cached = _cached(data, suffix)
    if cached is None:
        raise UnreadableFile(missing_reason(suffix) if soffice() is None else _timed_out(suffix))
    if isinstance(cached, str):
        raise UnreadableFile(cached)
    return cached


def convert_all(items: Iterable[tuple[bytes, str]], workers: int | None = None) -> int:
    """Convert every (bytes, suffix) not yet in the cache; returns how many LibreOffice processes ran.

    The files are split over `workers` processes (default: the machine's cores) per target format, each
    process converting its share in one start. A process that overruns its time is killed and its files
    that have no output are converted one by one, so one file that hangs LibreOffice costs only itself.
    """
    binary = soffice()
    if binary is None:
        return 0
    pending: dict[str, dict[str, tuple[bytes, str]]] = {}  # target -> key -> (data, suffix)
    for data, suffix in items:
        if _cached(data, suffix) is None:
            pending.setdefault(TARGETS[suffix], {})[cache.content_key(data)] = (data, suffix)
    workers = max(1, workers or os.cpu_count() or 1)
    runs = 0
    with tempfile.TemporaryDirectory(prefix="evalaudit-convert-") as folder:
        jobs = []
        for target, files in pending.items():
            keys = sorted(files)
            shares = [keys[i::workers] for i in range(min(workers, len(keys)))]
            for number, share in enumerate(shares):
                jobs.append(
                    (binary, target, {key: files[key] for key in share}, Path(folder) / f"{target[1:]}{number}")
                )
        with ThreadPoolExecutor(max_workers=max(1, len(jobs))) as pool:  # threads wait; LibreOffice works
            runs = sum(pool.map(lambda job: _convert_share(*job), jobs))
    return runs


def _convert_share(binary: str, target: str, files: dict[str, tuple[bytes, str]], folder: Path) -> int:
    """One LibreOffice process over a share of the batch, then one per file it left unconverted."""
    inputs = folder / "in"
    inputs.mkdir(parents=True)
    paths = []
    for key, (data, suffix) in files.items():
        path = inputs / f"{key}{suffix}"
        path.write_bytes(data)
        paths.append(path)
    limit = timeout()
    finished = _run(binary, paths, target, folder, _START + limit * len(paths))
    runs = 1
    for path in paths:
        key, output = path.stem, folder / "out" / f"{path.stem}{target}"
        done = finished
        if not _made(output) and not finished and len(paths) > 1:  # the share overran: this file alone
            runs += 1
            done = _run(binary, [path], target, folder / key, _START + limit)
            output = folder / key / "out" / f"{key}{target}"
        if _made(output):
            cache.store(_KIND, key + target, output.read_bytes())
        elif done:  # LibreOffice finished and made nothing: it cannot open the file
            cache.store(_KIND, key + target + ".failed", _failed(path.suffix).encode())
        # else it overran alone: nothing is cached, `convert` says it timed out, the next run tries again
    return runs


def _made(output: Path) -> bool:
    return output.exists() and output.stat().st_size > 0


def _run(binary: str, paths: list[Path], target: str, folder: Path, seconds: float) -> bool:
    """Run LibreOffice over `paths` into folder/out; False if it overran `seconds` and was killed."""
    profile = folder / "profile"
    command = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        "--convert-to", target[1:], "--outdir", str(folder / "out"),
        *map(str, paths),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        process.wait(timeout=seconds)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # soffice starts soffice.bin: the whole group goes
        process.wait()
        return False


def _cached(data: bytes, suffix: str) -> bytes | str | None:
    """The cached conversion (bytes), the cached reason it failed (str), or None."""
    key = cache.content_key(data) + TARGETS[suffix]
    converted = cache.load(_KIND, key)
    if converted is not None:
        return converted
    failed = cache.load(_KIND, key + ".failed")
    return failed.decode() if failed is not None else None


def _failed(suffix: str) -> str:
    return (
        f"LibreOffice 无法打开此 {suffix} 文件（文件可能已损坏或设有密码），"
        f"请用 Word/WPS 打开确认无误、取消密码后另存为 {TARGETS[suffix]} 重新提交"
    )


def _timed_out(suffix: str) -> str:
    return f"{suffix} 文件转换超时（超过 {timeout():g} 秒），请用 Word/WPS 另存为 {TARGETS[suffix]} 后重新提交"
