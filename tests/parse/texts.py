"""Forms written for the tests, parsed as a submitted .txt file would be."""

from __future__ import annotations

from evalaudit.ingest.blocks import SourceDocument
from evalaudit.ingest.text import text_blocks
from evalaudit.model import Evaluation
from evalaudit.parse import ParseResult, parse_document


def parse_text(text: str) -> ParseResult:
    return parse_document(SourceDocument("t.txt", "0" * 64, "utf-8", text, text_blocks(text)))


def forms_of(text: str) -> list[Evaluation]:
    return parse_text(text).evaluations


def one_form(text: str) -> Evaluation:
    """The one form the text holds (a test of a single form fails if the text splits into several)."""
    (evaluation,) = forms_of(text)
    return evaluation
