"""Reading speed per format: files per second (CPU, this process and the converters it starts), seconds per
OCR page, and what batching LibreOffice saves.

    .venv/bin/python benchmarks/formats.py [--repeat 5]

Every read is cold (an empty conversion/OCR cache of its own), so it measures the reader, not the cache. CPU
seconds count the children (LibreOffice, tesseract, pdftoppm) too; on a shared machine they hold where wall
time does not. The load (`uptime`) is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.* (the sample makers)

from evalaudit.ingest import convert, read_bytes  # noqa: E402
from evalaudit.pipeline import parse_files  # noqa: E402
from tests.ingest.documents import TABLE_SAMPLES, as_docx, sample, soffice_convert_many  # noqa: E402
from tests.samples.formats import FORMS  # noqa: E402

INBOX = Path(__file__).resolve().parents[1] / "data" / "inbox"
TEXT = "07_township_party_building_errors.txt"


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def fresh_cache() -> None:
    os.environ["EVALAUDIT_CACHE_DIR"] = tempfile.mkdtemp(prefix="evalaudit-bench-")


def timed(action, repeat: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per call, each call with a cold cache."""
    spent_cpu = spent_wall = 0.0
    for _ in range(repeat):
        fresh_cache()
        start_cpu, start_wall = cpu(), time.perf_counter()
        action()
        spent_cpu += cpu() - start_cpu
        spent_wall += time.perf_counter() - start_wall
    return spent_cpu / repeat, spent_wall / repeat


def per_format(repeat: int) -> None:
    print(f"{'格式':<8}{'样本':<40}{'CPU 秒/个':>10}{'墙钟 秒/个':>11}{'个/秒(CPU)':>12}")
    samples = {".txt": TEXT} | {Path(name).suffix: name for name in FORMS}
    for suffix, name in samples.items():
        path = INBOX / name
        times = 1 if suffix in (".png",) else repeat
        if suffix == ".zip":
            seconds = timed(lambda path=path: parse_files([path]), times)
        else:
            data = path.read_bytes()
            seconds = timed(lambda name=name, data=data: read_bytes(name, data), times)
        print(f"{suffix:<8}{name:<40}{seconds[0]:>10.3f}{seconds[1]:>11.3f}{1 / seconds[0]:>12.1f}")
    pages = 1  # the scanned sample is one page
    ocr_cpu, ocr_wall = timed(lambda: read_bytes("scan.png", (INBOX / "12_health_scanned.png").read_bytes()), 1)
    print(f"OCR：每页 CPU {ocr_cpu / pages:.2f} 秒，墙钟 {ocr_wall / pages:.2f} 秒（300 dpi，tesseract chi_sim+eng）")


def batching() -> None:
    """Three Word 97 files: one LibreOffice per core for the batch, against one LibreOffice per file."""
    words = {Path(name).stem + ".docx": as_docx(sample(name)) for name in TABLE_SAMPLES}
    documents = [(data, ".doc") for data in soffice_convert_many(words, "doc").values()]
    one_by_one = timed(lambda: [convert.convert(data, suffix) for data, suffix in documents], 1)
    batched = timed(lambda: convert.convert_all(documents), 1)
    print(
        f"LibreOffice：{len(documents)} 个 .doc 逐个转换 CPU {one_by_one[0]:.2f} 秒 / 墙钟 {one_by_one[1]:.2f} 秒；"
        f"整批转换（每核一个进程）CPU {batched[0]:.2f} 秒 / 墙钟 {batched[1]:.2f} 秒；"
        f"CPU 比 {one_by_one[0] / batched[0]:.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print("负载：", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    per_format(args.repeat)
    batching()
    print("负载：", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
