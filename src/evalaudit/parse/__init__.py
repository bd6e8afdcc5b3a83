"""Blocks → canonical evaluations. Never raises on content: what cannot be placed becomes a ParseWarning."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evalaudit.ingest import note_code
from evalaudit.ingest.blocks import SourceDocument
from evalaudit.model import Evaluation, ParseWarning, evaluation_id
from evalaudit.parse.form import build_evaluation, parse_table_form
from evalaudit.parse.inferred import publisher
from evalaudit.parse.lines import to_lines
from evalaudit.parse.report import parse_report
from evalaudit.parse.segment import split_forms


@dataclass
class ParseResult:
    evaluations: list[Evaluation] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)  # about the file as a whole


def parse_document(document: SourceDocument) -> ParseResult:
    result = ParseResult()
    try:
        lines = to_lines(document.blocks)
        segments = split_forms(lines)
    except Exception as error:  # noqa: BLE001 - a parser bug must not lose the file
        result.warnings.append(_crash_warning(error, "整个文件"))
        return result
    if not segments:
        result.warnings.append(
            ParseWarning("no_form_found", "文件中未识别出绩效自评表或自评报告", "文件", document.text[:200])
        )
        return result
    for index, segment in enumerate(segments, start=1):
        evaluation = Evaluation(
            evaluation_id=evaluation_id(document.sha256, index),
            source_file=document.name,
            source_sha256=document.sha256,
            form_index=index,
            form_type=segment.form_type,
            raw_text="\n".join(line.raw for line in segment.lines),
        )
        try:
            parse = parse_report if segment.form_type == "report" else parse_table_form
            header, parts = parse(segment.lines)
            build_evaluation(evaluation, header, parts, segment.lines)
        except Exception as error:  # noqa: BLE001
            evaluation.warnings.append(_crash_warning(error, f"第{index}张表"))
        evaluation.warnings += [ParseWarning(note_code(note), note, "文件") for note in document.warnings]
        evaluation.ocr = document.ocr
        result.evaluations.append(evaluation)
    _fill_from_cover(result.evaluations)
    unnamed = [e for e in result.evaluations if e.form_type == "report" and not e.unit]
    office = publisher(document.text) if unnamed else ""
    for evaluation in unnamed:
        evaluation.unit = office  # a report a unit published on its own site names itself only there
    return result


_COVER_CHARS = 300  # a cover page holds a title, a few labels and a date


def _fill_from_cover(evaluations: list[Evaluation]) -> None:
    """A cover page (unit, year, date and nothing else) belongs to the table that follows it, unless that table is
    an attachment of its own (附件4-2) which names what it is about itself."""
    for cover, form in zip(evaluations, evaluations[1:]):
        if cover.funds or cover.indicators or cover.sections or cover.stated_total is not None:
            continue
        if len(cover.raw_text) > _COVER_CHARS:
            continue  # a report of its own, with the table as its annex
        if re.match(r"\s*附件", form.raw_text):
            continue
        form.unit = form.unit or cover.unit
        form.year = form.year if form.year is not None else cover.year


def _crash_warning(error: Exception, where: str) -> ParseWarning:
    return ParseWarning(
        "parser_error",
        f"{where}解析出错，原文已保留，请人工核对（{type(error).__name__}: {error}）",
        where,
        "",
    )
