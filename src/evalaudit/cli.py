"""Command line: `evalaudit audit PATH… --out DIR` and `evalaudit parse PATH… [--out DIR]`.

Both print a one-screen Chinese summary; the work itself is in `pipeline.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from evalaudit.alert.registry import registry_aliases
from evalaudit.decisions import keyed
from evalaudit.ingest import SUPPORTED_SUFFIXES
from evalaudit.outputs import write_jsonl, write_run_outputs
from evalaudit.pipeline import AuditRun, ParsedBatch, audit, parse_files
from evalaudit.report import publish
from evalaudit.report.listing import listing_of_run
from evalaudit.report.pages import flush
from evalaudit.report.workbook import units_of, write_workbook
from evalaudit.resubmission import form_key
from evalaudit.summary import finding_lines, problem_lines
from evalaudit.timing import Stopwatch

FORM_TYPE_LABELS = {"department": "部门整体支出表", "project": "项目支出表", "report": "自评报告"}


def parse_summary(batch: ParsedBatch) -> list[str]:
    by_type = Counter(kind for outcome in batch.outcomes for kind in outcome.form_types)
    warnings = sum(outcome.warnings for outcome in batch.outcomes)
    lines = [
        f"读取文件 {batch.files} 个，解析出自评表 {batch.forms} 张"
        + (f"（{'，'.join(f'{FORM_TYPE_LABELS[k]} {v}' for k, v in sorted(by_type.items()))}）" if by_type else ""),
        f"解析提示 {warnings} 条（无法确定位置的内容，均已保留原文）",
    ]
    return lines + problem_lines(batch.problems)


def audit_summary(run: AuditRun, paths: dict[str, Path]) -> str:
    lines = parse_summary(run.batch)[:1] + finding_lines(run.findings)
    lines += problem_lines(run.batch.problems, "（文件已保留，请单位重新提交）")
    lines.append(f"审核报告：{paths['index.html']}")
    lines.append(f"审核结果（Excel，可填写审核意见）：{paths['findings.xlsx']}")
    lines.append(f"审核结果（CSV）：{paths['findings.csv']}")
    lines.append(f"其他结果：{paths['findings.jsonl']}  {paths['evaluations.jsonl']}")
    return "\n".join(lines)


def _cmd_audit(args: argparse.Namespace) -> int:
    watch = Stopwatch()
    run = audit(args.paths, text_index=Path(args.index) if args.index else None, watch=watch)
    watch.start("outputs")
    paths = write_run_outputs(Path(args.out), run.findings, run.batch.iter_evaluations())
    forms = list(run.batch.iter_evaluations())
    found = keyed(run.findings, {e.evaluation_id: form_key(e) for e in forms})
    paths["findings.xlsx"] = write_workbook(Path(args.out) / "findings.xlsx", found, units_of(forms))
    watch.start("report")
    paths["index.html"] = publish(
        listing_of_run(run), Path(args.out), aliases=registry_aliases(Path(args.registry) if args.registry else None)
    )
    flush(Path(args.out))
    watch.write_if_asked()
    print(audit_summary(run, paths))
    return 1 if run.batch.files == 0 else 0


def _cmd_parse(args: argparse.Namespace) -> int:
    batch = parse_files(args.paths)
    rows = (evaluation.to_dict() for evaluation in batch.iter_evaluations())
    if args.out:
        target = Path(args.out) / "evaluations.jsonl"
        write_jsonl(rows, target)
        print("\n".join(parse_summary(batch) + [f"解析结果：{target}"]))
    else:
        json.dump(list(rows), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        for problem in batch.problems:
            print(f"[{problem.status}] {problem.source_file}: {problem.reason}", file=sys.stderr)
    return 1 if batch.files == 0 or (batch.problems and not batch.forms) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalaudit", description="绩效自评表自动审核")
    commands = parser.add_subparsers(dest="command", required=True)
    inputs = f"文件或文件夹（支持 {' '.join(SUPPORTED_SUFFIXES)}）"

    audit_cmd = commands.add_parser("audit", help="审核自评表：写出 findings.csv、findings.jsonl、evaluations.jsonl")
    audit_cmd.add_argument("paths", nargs="+", help=inputs)
    audit_cmd.add_argument("--out", required=True, help="输出目录")
    audit_cmd.add_argument("--index", help="文本索引目录：与以往各次审核的文字比对，并把本次文字加入索引")
    audit_cmd.add_argument("--registry", help="单位名录（units.csv 或 units.xlsx）：总览的查找也按名录中的别名找到单位")
    audit_cmd.set_defaults(func=_cmd_audit)

    parse_cmd = commands.add_parser("parse", help="解析自评表（文件或文件夹），输出 JSON")
    parse_cmd.add_argument("paths", nargs="+", help=inputs)
    parse_cmd.add_argument("--out", help="输出目录：写入 evaluations.jsonl 并打印摘要")
    parse_cmd.set_defaults(func=_cmd_parse)

    review_cmd = commands.add_parser("review", help="审核页面：在浏览器中确认或排除审核发现、通过或退回自评表")
    review_cmd.add_argument("--reports", default="reports", help="报告文件夹（显示其中 latest 的报告）")
    review_cmd.add_argument("--host", default="127.0.0.1", help="绑定地址（非本机地址须设置审核人员账户）")
    review_cmd.add_argument("--port", type=int, default=4300)
    review_cmd.set_defaults(func=_cmd_review)

    reviewer_cmd = commands.add_parser("reviewer", help="审核人员账户")
    reviewer_cmd.add_argument("action", choices=["add"])
    reviewer_cmd.add_argument("name", help="姓名")
    reviewer_cmd.set_defaults(func=_cmd_reviewer)

    args = parser.parse_args(argv)
    return args.func(args)


def _cmd_review(args: argparse.Namespace) -> int:
    from evalaudit.review.app import ReviewSetupError
    from evalaudit.review.serve import serve

    try:
        return serve(Path(args.reports), args.host, args.port)
    except ReviewSetupError as error:
        print(error, file=sys.stderr)
        return 2


def _cmd_reviewer(args: argparse.Namespace) -> int:
    from evalaudit.review.accounts import AccountError
    from evalaudit.review.serve import add_reviewer

    try:
        return add_reviewer(args.name)
    except AccountError as error:
        print(error, file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
