"""The store's text lookup: norm hashes and band keys written with each batch's texts, and a night's history
asked by key (`StoreHistory`) instead of loaded whole.

`text_keys` holds one row per stored text (its norm hash, field and unit), indexed by norm: the counts of
units per norm are an index range each. `text_bands` holds the 16 LSH band keys of each signed norm once, so a
night finds the history norms that share a bucket with its own texts without signing the history again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Table, and_, func, select

from evalaudit.store.rows import chunks
from evalaudit.store.schema import evaluations, text_bands, text_keys, texts
from evalaudit.text.facts import COPY_FIELDS
from evalaudit.text.history import COUNT_COLUMNS, EXCLUDED_COLUMNS, TextHistory
from evalaudit.text.index import COLUMNS as TEXT_COLUMNS
from evalaudit.text.signs import band_rows, norm_hashes, signable

CHUNK = 5000  # values per IN (…): under SQLite's and PostgreSQL drivers' parameter limits
HISTORY_ORDER = ["run_id", "evaluation_id", "field", "row"]  # the history's one order, whichever way it is read


def save_signs(connection: Connection, batch: pd.DataFrame) -> None:
    """Hash every text of `batch` (TEXT_COLUMNS) and give each norm signed for the first time its band keys;
    in the caller's transaction, so the lookup always matches the texts stored."""
    if batch.empty:
        return
    hashes = norm_hashes(batch["norm"])
    copies = batch.assign(norm_hash=hashes)[signable(batch).to_numpy()].drop_duplicates("norm_hash")
    known: set[int] = set()
    for chunk in chunks(copies["norm_hash"].tolist(), CHUNK):  # before this batch's own rows are in
        known.update(
            connection.execute(
                select(text_keys.c.norm_hash)
                .where(text_keys.c.norm_hash.in_(chunk), text_keys.c.field.in_(COPY_FIELDS))
                .distinct()
            ).scalars()
        )
    unit_keys = batch["unit_key"].astype(object).where(batch["unit_key"].notna(), None)
    insert_many(
        connection,
        text_keys,
        zip(
            batch["evaluation_id"].tolist(), batch["field"].tolist(), batch["row"].tolist(), unit_keys, hashes.tolist()
        ),
    )
    new = copies[~copies["norm_hash"].isin(known)]
    bands = band_rows(list(new["norm"]), new["norm_hash"].to_numpy()).sort_values(["band", "key", "norm_hash"])
    insert_many(connection, text_bands, zip(*(bands[name].tolist() for name in bands.columns), strict=True))


def sign_stored_texts(connection: Connection, forms_per_step: int = 2000) -> None:
    """Migration step 2: sign the texts a store held before it kept band keys, a few thousand forms at a time."""
    ids = list(connection.execute(select(texts.c.evaluation_id).distinct().order_by(texts.c.evaluation_id)).scalars())
    for chunk in chunks(ids, forms_per_step):
        frame = pd.read_sql(
            select(texts.c.evaluation_id, texts.c.field, texts.c.row, texts.c.unit_key, texts.c.norm).where(
                texts.c.evaluation_id.in_(list(chunk))
            ),
            connection,
        )
        save_signs(connection, frame)


def in_history_order(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows as the history frame holds them: oldest run first, then by form and place; `year` and
    `form_index` nullable integers (the same dtypes whether a night reads all of them or a few)."""
    frame = frame.sort_values(HISTORY_ORDER, kind="stable").drop(columns="run_id").reset_index(drop=True)
    return frame.astype({"year": "Int64", "form_index": "Int64"})


class StoreHistory(TextHistory):
    """The store's texts, asked by norm hash and band key (`TextHistory.narrow`)."""

    def __init__(self, engine: Engine, exclude_form_keys: Iterable[str] = ()) -> None:
        self.engine = engine
        self.exclude_form_keys = frozenset(exclude_form_keys)

    def excluded_rows(self, evaluation_ids: set[str]) -> pd.DataFrame:
        query = select(
            text_keys.c.evaluation_id,
            text_keys.c.field,
            text_keys.c.row,
            text_keys.c.unit_key,
            text_keys.c.norm_hash,
            evaluations.c.form_key,
        ).join(evaluations, evaluations.c.evaluation_id == text_keys.c.evaluation_id)
        frames = []
        with self.engine.connect() as connection:
            for chunk in chunks(sorted(self.exclude_form_keys), CHUNK):
                frames.append(pd.read_sql(query.where(evaluations.c.form_key.in_(list(chunk))), connection))
            for chunk in chunks(sorted(evaluation_ids), CHUNK):
                frames.append(pd.read_sql(query.where(text_keys.c.evaluation_id.in_(list(chunk))), connection))
        rows = _joined(frames, [*EXCLUDED_COLUMNS[:-1], "form_key"]).drop_duplicates(["evaluation_id", "field", "row"])
        rows = rows.astype({"norm_hash": "int64"})
        return rows.assign(by_key=rows["form_key"].isin(self.exclude_form_keys).astype(bool))[EXCLUDED_COLUMNS]

    def unit_counts(self, hashes: np.ndarray) -> pd.DataFrame:
        with self.engine.connect() as connection:
            found = select_in(
                connection,
                text_keys,
                ("norm_hash", "field", "unit_key"),
                "norm_hash",
                hashes.tolist(),
                count=True,
            )
        return pd.DataFrame(found, columns=COUNT_COLUMNS).astype({"norm_hash": "int64", "rows": "int64"})

    def band_members(self, keys: pd.DataFrame) -> pd.DataFrame:
        found: list[tuple] = []
        with self.engine.connect() as connection:
            for band, chosen in keys.groupby("band"):
                wanted = np.sort(chosen["key"].to_numpy(dtype=np.int64)).tolist()
                found += select_in(connection, text_bands, ("band", "key", "norm_hash"), "key", wanted, band=int(band))
        return pd.DataFrame(found, columns=["band", "key", "norm_hash"]).astype("int64")

    def rows(self, hashes: np.ndarray) -> pd.DataFrame:
        query = (
            select(
                *(texts.c[name] for name in TEXT_COLUMNS),
                text_keys.c.norm_hash,
                evaluations.c.run_id,
                evaluations.c.form_key,
            )
            .select_from(
                text_keys.join(
                    texts,
                    and_(
                        texts.c.evaluation_id == text_keys.c.evaluation_id,
                        texts.c.field == text_keys.c.field,
                        texts.c.row == text_keys.c.row,
                    ),
                ).join(evaluations, evaluations.c.evaluation_id == text_keys.c.evaluation_id)
            )
            .where(text_keys.c.field.in_(COPY_FIELDS))
        )
        frames = []
        with self.engine.connect() as connection:
            for chunk in chunks(hashes.tolist(), CHUNK):
                frames.append(pd.read_sql(query.where(text_keys.c.norm_hash.in_(chunk)), connection))
        rows = _joined(frames, [*TEXT_COLUMNS, "norm_hash", "run_id", "form_key"])
        rows = rows[~rows["form_key"].isin(self.exclude_form_keys)].drop(columns="form_key")
        return in_history_order(rows.astype({"norm_hash": "int64"}))


def signed_counts(connection: Connection) -> tuple[int, int]:
    """(texts with a norm hash, band keys): what the lookup holds, for tests and the benchmark."""
    return (
        connection.execute(select(func.count()).select_from(text_keys)).scalar_one(),
        connection.execute(select(func.count()).select_from(text_bands)).scalar_one(),
    )


def insert_many(connection: Connection, table: Table, rows: Iterable[tuple]) -> None:
    """Rows (tuples in the table's column order) through the driver's executemany: the signs are a million
    rows a night, and building a parameter dict per row would cost more than the database's own work."""
    rows = list(rows)
    if not rows:
        return
    placeholder = {"qmark": "?", "numeric": ":{}", "named": ":c{}", "format": "%s", "pyformat": "%s"}
    style = placeholder[connection.dialect.paramstyle]
    marks = ", ".join(style.format(i + 1) for i in range(len(table.columns)))
    parameters: list[tuple] | list[dict[str, object]] = rows
    if connection.dialect.paramstyle == "named":
        parameters = [{f"c{i + 1}": value for i, value in enumerate(row)} for row in rows]
    quote = connection.dialect.identifier_preparer
    names = ", ".join(quote.quote(column.name) for column in table.columns)
    connection.exec_driver_sql(f"INSERT INTO {quote.format_table(table)} ({names}) VALUES ({marks})", parameters)


def select_in(
    connection: Connection,
    table: Table,
    columns: Sequence[str],
    key: str,
    values: list,
    count: bool = False,
    **equal: int,
) -> list[tuple]:
    """`columns` of the rows whose `key` is among `values` (and whose `equal` columns have those values), with
    the number of rows per distinct `columns` when `count`: one statement per CHUNK values, written out
    directly — a million band keys a night would cost more to compile through SQLAlchemy than to look up."""
    quote = connection.dialect.identifier_preparer
    mark = "?" if connection.dialect.paramstyle == "qmark" else "%s"  # SQLite; psycopg and most others
    listed = ", ".join(quote.quote(name) for name in columns)
    head = f"SELECT {listed}{', COUNT(*)' if count else ''} FROM {quote.format_table(table)} WHERE "
    head += "".join(f"{quote.quote(name)} = {mark} AND " for name in equal)
    found: list[tuple] = []
    for chunk in chunks(values, CHUNK):
        statement = f"{head}{quote.quote(key)} IN ({', '.join([mark] * len(chunk))})"
        statement += f" GROUP BY {listed}" if count else ""
        found += [tuple(row) for row in connection.exec_driver_sql(statement, (*equal.values(), *chunk)).all()]
    return found


def _joined(frames: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    """The chunks' frames as one (an empty frame with `columns` when no chunk was asked)."""
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(columns))
