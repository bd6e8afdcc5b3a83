"""Command line: `evalaudit parse FILE…` (and, as later steps land, audit/serve/report)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from evalaudit.ingest import UnreadableFile, read_source
from evalaudit.parse import parse_document


def parse_files(paths: Sequence[str | Path]) -> tuple[list[dict], list[dict]]:
    """Evaluations (as dicts) and problems (unreadable files, file-level parse warnings)."""
    evaluations: list[dict] = []
    problems: list[dict] = []
    for path in paths:
        try:
            document = read_source(path)
        except UnreadableFile as error:
            problems.append({"source_file": Path(path).name, "status": "unreadable", "reason": str(error)})
            continue
        result = parse_document(document)
        evaluations.extend(evaluation.to_dict() for evaluation in result.evaluations)
        for warning in result.warnings:
            problems.append({"source_file": document.name, "status": "unparseable", "reason": warning.message})
    return evaluations, problems


def _cmd_parse(args: argparse.Namespace) -> int:
    evaluations, problems = parse_files(args.files)
    json.dump(evaluations, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    for problem in problems:
        print(f"[{problem['status']}] {problem['source_file']}: {problem['reason']}", file=sys.stderr)
    return 1 if problems and not evaluations else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalaudit", description="绩效自评表自动审核")
    commands = parser.add_subparsers(dest="command", required=True)
    parse_cmd = commands.add_parser("parse", help="解析自评表，输出 JSON")
    parse_cmd.add_argument("files", nargs="+")
    parse_cmd.set_defaults(func=_cmd_parse)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
