"""Command line: `evalaudit parse PATH… [--out DIR]`.

Prints the parsed evaluations as a JSON list (Chinese readable), or with --out writes
`evaluations.jsonl` into DIR and prints a one-screen summary.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evalaudit.ingest import SUPPORTED_SUFFIXES, UnreadableFile, read_source
from evalaudit.parse import parse_document


@dataclass
class FileProblem:
    source_file: str
    status: str  # unreadable | unparseable
    reason: str


@dataclass
class ParsedBatch:
    evaluations: list[dict] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    files: int = 0


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every file inside named folders (sorted, hidden files skipped)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.parts))
            )
        else:
            found.append(path)
    return found


def parse_files(paths: Sequence[str | Path]) -> ParsedBatch:
    """Every file is accounted for: parsed into evaluations, or recorded with the reason it was not."""
    batch = ParsedBatch()
    for path in discover(paths):
        batch.files += 1
        try:
            document = read_source(path)
        except UnreadableFile as error:
            batch.problems.append(FileProblem(path.name, "unreadable", str(error)))
            continue
        result = parse_document(document)
        batch.evaluations.extend(evaluation.to_dict() for evaluation in result.evaluations)
        for warning in result.warnings:
            batch.problems.append(FileProblem(document.name, "unparseable", warning.message))
    return batch


def write_jsonl(rows: Iterable[dict], target: Path) -> None:
    """Write atomically: a crash never leaves a half-written file that the next run would trust."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(target.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(temporary, target)


def summary(batch: ParsedBatch, out: Path | None) -> str:
    by_type: dict[str, int] = {}
    for evaluation in batch.evaluations:
        by_type[evaluation["form_type"]] = by_type.get(evaluation["form_type"], 0) + 1
    warnings = sum(len(evaluation["warnings"]) for evaluation in batch.evaluations)
    names = {"department": "部门整体支出表", "project": "项目支出表", "report": "自评报告"}
    lines = [
        f"读取文件 {batch.files} 个，解析出自评表 {len(batch.evaluations)} 张"
        + (f"（{'，'.join(f'{names[k]} {v}' for k, v in sorted(by_type.items()))}）" if by_type else ""),
        f"解析提示 {warnings} 条（无法确定位置的内容，均已保留原文）",
    ]
    for problem in batch.problems:
        label = "无法读取" if problem.status == "unreadable" else "无法解析"
        lines.append(f"  [{label}] {problem.source_file}：{problem.reason}")
    if out is not None:
        lines.append(f"解析结果：{out / 'evaluations.jsonl'}")
    return "\n".join(lines)


def _cmd_parse(args: argparse.Namespace) -> int:
    batch = parse_files(args.paths)
    if args.out:
        out = Path(args.out)
        write_jsonl(batch.evaluations, out / "evaluations.jsonl")
        print(summary(batch, out))
    else:
        json.dump(batch.evaluations, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        for problem in batch.problems:
            print(f"[{problem.status}] {problem.source_file}: {problem.reason}", file=sys.stderr)
    return 1 if batch.files == 0 or (batch.problems and not batch.evaluations) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalaudit", description="绩效自评表自动审核")
    commands = parser.add_subparsers(dest="command", required=True)
    parse_cmd = commands.add_parser("parse", help="解析自评表（文件或文件夹），输出 JSON")
    parse_cmd.add_argument("paths", nargs="+", help=f"文件或文件夹（支持 {' '.join(SUPPORTED_SUFFIXES)}）")
    parse_cmd.add_argument("--out", help="输出目录：写入 evaluations.jsonl 并打印摘要")
    parse_cmd.set_defaults(func=_cmd_parse)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
