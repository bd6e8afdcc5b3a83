"""Column types that read back the same on SQLite and PostgreSQL, each stored in its database's natural type.

SQLite keeps what it always held (ISO-8601 text, JSON text), so existing store files stay as they are;
PostgreSQL gets `timestamptz` and `jsonb`. Python sees one value either way: the ISO string, the dict.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import TypeDecorator


class Timestamp(TypeDecorator):
    """A moment as an ISO-8601 UTC string in Python (`now()`) on every database: stored as that text on SQLite,
    as every SQLite store always held it, and as `timestamptz` on PostgreSQL, where it reads back as the same
    string."""

    impl = String(32)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(DateTime(timezone=True))
        return dialect.type_descriptor(String(32))

    def process_bind_param(self, value, dialect):
        if dialect.name == "postgresql" and isinstance(value, str):
            return datetime.fromisoformat(value)
        return value

    def process_result_value(self, value, dialect):
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        return value


class JsonDocument(TypeDecorator):
    """A JSON document, a dict in Python: stored as the text `json.dumps(…, ensure_ascii=False)` writes on
    SQLite (as it always was), as `jsonb` on PostgreSQL."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value, dialect):
        if dialect.name == "postgresql" or value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False)

    def process_result_value(self, value, dialect):
        return json.loads(value) if isinstance(value, str) else value


class bytewise(ColumnElement):  # noqa: N801 - used like a SQL function: order_by(bytewise(files.c.name))
    """A text column ordered by code point, as SQLite orders it and Python's `sorted` does: on PostgreSQL with
    `COLLATE "C"`, whatever the database's locale (zh_CN, en_US sort names differently), so the report lists
    files and forms in the same order on both."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: ColumnElement) -> None:
        self.column = column
        self.type = column.type


@compiles(bytewise)
def _bytewise(element: bytewise, compiler, **kw) -> str:
    return compiler.process(element.column, **kw)


@compiles(bytewise, "postgresql")
def _bytewise_postgresql(element: bytewise, compiler, **kw) -> str:
    return f'{compiler.process(element.column, **kw)} COLLATE "C"'
