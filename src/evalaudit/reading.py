"""Files → evaluations: read one submission and parse it, or a batch of them on every core.

Kept apart from the checks so the parsing pool's workers import only what reading needs (the readers and the
parser, about 0.5 s of CPU to start), not Great Expectations and pandas' checks (about 3 s more per worker).
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from evalaudit.inbox import AUDITED, UNPARSEABLE, UNREADABLE, SubmittedFile, access_key
from evalaudit.ingest import SourceDocument, UnreadableFile, max_file_bytes, read_bytes, source_bytes
from evalaudit.ingest.archive import member_bytes
from evalaudit.ingest.prepare import Prepared, prepare
from evalaudit.model import Evaluation
from evalaudit.parse import parse_document
from evalaudit.workers import on_every_core


class FileOutcome:
    """What one file yielded: its evaluations (status audited), or why it yielded none.

    The evaluations are kept pickled and compressed, and `evaluations` decodes them each time it is read: a
    province's night holds 100,000 forms in about 250 MB this way instead of 2.7 GB of objects, and they travel
    back from the parsing workers as one small bytes object. Read them once per use; change a copy."""

    __slots__ = ("file", "status", "reason", "evaluation_ids", "form_types", "warnings", "_packed")

    def __init__(self, file: SubmittedFile, status: str, reason: str = "", evaluations: Sequence[Evaluation] = ()):
        self.file = file
        self.status = status  # audited | unreadable | unparseable | skipped | check_failed
        self.reason = reason
        self.evaluation_ids = tuple(evaluation.evaluation_id for evaluation in evaluations)
        self.form_types = tuple(evaluation.form_type for evaluation in evaluations)
        self.warnings = sum(len(evaluation.warnings or ()) for evaluation in evaluations)  # the parser's, counted
        self._packed = zlib.compress(pickle.dumps(list(evaluations), protocol=5), 1) if evaluations else b""

    @property
    def evaluations(self) -> list[Evaluation]:
        return pickle.loads(zlib.decompress(self._packed)) if self._packed else []

    @property
    def forms(self) -> int:
        return len(self.evaluation_ids)

    def with_status(self, status: str, reason: str) -> FileOutcome:
        """The same file recorded otherwise (e.g. `check_failed`): no evaluations are kept for it."""
        return FileOutcome(self.file, status, reason)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FileOutcome):
            return NotImplemented
        return (self.file, self.status, self.reason, self._packed) == (
            other.file,
            other.status,
            other.reason,
            other._packed,
        )

    def __reduce__(self) -> tuple:
        heads = (self.evaluation_ids, self.form_types, self.warnings)
        return _unreduce, (self.file, self.status, self.reason, heads, self._packed)

    def __repr__(self) -> str:
        return f"FileOutcome({self.file.name!r}, {self.status!r}, forms={self.forms}, reason={self.reason!r})"


def _unreduce(file: SubmittedFile, status: str, reason: str, heads: tuple, packed: bytes) -> FileOutcome:
    outcome = FileOutcome(file, status, reason)
    (outcome.evaluation_ids, outcome.form_types, outcome.warnings), outcome._packed = heads, packed
    return outcome


def parse_file(file: SubmittedFile) -> FileOutcome:
    """Read and parse one file; never raises on content.

    The bytes are hashed again as they are read: a file changed since the inbox was hashed is recorded
    under the content that was parsed, never under the old hash. A file that vanished, cannot be opened or
    grew past the size limit is recorded by name (`access_key`), not by content, so the same bytes are read
    when they come back.
    """
    try:
        document = _read(file)
    except UnreadableFile as error:
        if not error.by_content:
            file = replace(file, sha256=access_key(file.name, str(error)), duplicates=[])
        return FileOutcome(file, UNREADABLE, str(error))
    if document.sha256 != file.sha256:
        file = replace(file, sha256=document.sha256, duplicates=[])
    result = parse_document(replace(document, name=file.name))
    if not result.evaluations:
        reason = "；".join(warning.message for warning in result.warnings) or "文件中未识别出绩效自评表或自评报告"
        return FileOutcome(file, UNPARSEABLE, reason)
    for evaluation in result.evaluations:
        evaluation.also_submitted_as = list(file.duplicates)
    return FileOutcome(file, AUDITED, evaluations=result.evaluations)


def _read(file: SubmittedFile) -> SourceDocument:
    """A file from disk, or a member from inside its archive (read in memory, named `x.zip/form.docx`)."""
    return read_bytes(file.name, _bytes_of(file))


PARALLEL_FROM = 64  # files: below this a process pool costs more to start than it saves
_CHUNK = 16  # files a worker takes at a time: outcomes travel back in few, large pickles


def parse_many(files: Sequence[SubmittedFile], workers: int | None = None) -> list[FileOutcome]:
    """`parse_file` over a batch, in file order, on every core once the batch is large enough (`workers.py`)."""
    if len(files) < PARALLEL_FROM:
        return [parse_file(file) for file in files]
    return on_every_core(parse_file, files, workers, chunksize=_CHUNK)


def read_ahead(files: Sequence[SubmittedFile]) -> Prepared:
    """Convert and OCR the batch's slow files on every core before they are parsed one by one (`ingest.prepare`)."""
    return prepare((file.name, partial(_bytes_of, file)) for file in files)


def _bytes_of(file: SubmittedFile) -> bytes:
    """A file's bytes from disk, or a member's from inside its archive; UnreadableFile with the reason."""
    if file.member:
        return member_bytes(file.path, file.member, max_file_bytes())
    return source_bytes(file.path)
