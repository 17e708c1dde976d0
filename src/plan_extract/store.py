"""The tables in one database with primary and foreign keys: DuckDB (default), SQLite, PostgreSQL.

``plan-extract extract`` loads every batch into ``DIR/plan_extract.duckdb`` unless told otherwise
(``--db none``, ``--db PATH.duckdb``, ``--db PATH.sqlite``/``sqlite:///PATH``,
``--db postgresql://…``). The tables and columns are those of the CSV files, plus ``row_no`` in
``warnings`` and ``errors``, so ``SELECT … FROM targets JOIN documents USING (doc_id)`` works as it
is. Quote ``"references"`` and ``"end"`` in SQL: both are reserved words.

Keys (``PRIMARY_KEYS``, ``FOREIGN_KEYS``):

* ``documents.doc_id``, ``sections.section_id``, ``references.reference_id``,
  ``targets.target_id``, ``tasks.task_id``, ``deadlines.deadline_id``, ``bodies.body_id``;
  ``warnings`` and ``errors``: ``(source_path, row_no)``, ``row_no`` numbering a file's rows 1, 2, …
* every ``doc_id`` → ``documents``; ``documents.parent_doc_id`` → ``documents`` (the QĐ that issues
  a CTr); ``sections.parent_id`` → ``sections``; ``section_id`` of targets, tasks and deadlines →
  ``sections``; ``targets.parent_target_id`` → ``targets``; ``deadlines.task_id`` and
  ``bodies.task_id`` → ``tasks``. ``tasks.deadline_id`` is not a foreign key: with
  ``deadlines.task_id`` it would make a cycle, and a deadline names its task.
* a reference column ("" in the CSVs for "none") is NULL in the database.

Appending: a batch replaces, in one transaction, every row of the documents it holds (same
``doc_id``: the same file content, wherever it lies) and every row from the files it read (same
``source_path``: a file edited since, or one that failed before), then inserts its rows; other rows
stay. So re-running a batch leaves the database as it was, and a batch with one new file adds only
that file's rows. A file content is kept once, at the last path it was read from: within a batch,
and across batches (the rows of the path it was at before go).

In SQLite and PostgreSQL the foreign keys are ``DEFERRABLE INITIALLY DEFERRED`` and the replacement
is a DELETE then an INSERT. DuckDB checks a foreign key as soon as a parent row is deleted, even
when its children were deleted earlier in the same transaction, so when a DuckDB batch replaces
rows, the tables are rebuilt inside the transaction (kept rows + the batch's rows into freshly
created tables); a batch of new files only inserts. The rebuild also moves a database written by
an older version to the current columns (SQLite and PostgreSQL get missing columns added). Keep
your own tables and views apart: a rebuild drops and re-creates ``documents``, ``sections``, …
(and nothing else). A batch that breaks a key (a duplicate id, a link to a missing row) is refused
whole (``StoreError``) and the database stays as it was.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .tables import TABLES, columns, field_types, frame, records

DEFAULT_NAME = "plan_extract.duckdb"
ROW_NO = "row_no"

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id",),
    "sections": ("section_id",),
    "references": ("reference_id",),
    "targets": ("target_id",),
    "tasks": ("task_id",),
    "deadlines": ("deadline_id",),
    "bodies": ("body_id",),
    "warnings": ("source_path", ROW_NO),
    "errors": ("source_path", ROW_NO),
}

_DOC = ("doc_id", "documents", "doc_id")
_SECTION = ("section_id", "sections", "section_id")
_TASK = ("task_id", "tasks", "task_id")
FOREIGN_KEYS: dict[str, list[tuple[str, str, str]]] = {  # table: [(column, parent table, its key)]
    "documents": [("parent_doc_id", "documents", "doc_id")],
    "sections": [_DOC, ("parent_id", "sections", "section_id")],
    "references": [_DOC],
    "targets": [_DOC, _SECTION, ("parent_target_id", "targets", "target_id")],
    "tasks": [_DOC, _SECTION],
    "deadlines": [_DOC, _SECTION, _TASK],
    "bodies": [_DOC, _TASK],
    "warnings": [_DOC],
    "errors": [],
}
# reference columns whose "" (none) is stored as NULL
NULL_IF_EMPTY: dict[str, set[str]] = {t: {c for c, _, _ in fks} for t, fks in FOREIGN_KEYS.items()}
NULL_IF_EMPTY["tasks"].add("deadline_id")

LOAD_ORDER = list(TABLES)  # parents before children (checked below)
for _t, _fks in FOREIGN_KEYS.items():
    for _c, _p, _k in _fks:
        assert LOAD_ORDER.index(_p) <= LOAD_ORDER.index(_t), (_t, _p)
        assert _c in columns(_t) and PRIMARY_KEYS[_p] == (_k,), (_t, _c)

_TYPES = {
    "duckdb": {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN"},
    "sqlite": {str: "TEXT", int: "INTEGER", float: "REAL", bool: "BOOLEAN"},
    "postgresql": {str: "TEXT", int: "BIGINT", float: "DOUBLE PRECISION", bool: "BOOLEAN"},
}


class StoreError(Exception):
    """The batch could not be loaded; the database is left as it was."""


def db_columns(table: str) -> dict[str, type]:
    """``{column: Python type}`` of a table in the database."""
    cols = {c: t for c, (t, _) in field_types(TABLES[table]).items()}
    if ROW_NO in PRIMARY_KEYS[table]:
        cols[ROW_NO] = int
    return cols


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def ddl(dialect: str) -> list[str]:
    """CREATE TABLE statements of every table, parents first."""
    types = _TYPES[dialect]
    deferred = "" if dialect == "duckdb" else " DEFERRABLE INITIALLY DEFERRED"
    out = []
    for t in LOAD_ORDER:
        pk = PRIMARY_KEYS[t]
        lines = [f"  {q(c)} {types[ty]}{' NOT NULL' if c in pk else ''}"
                 for c, ty in db_columns(t).items()]
        lines.append(f"  PRIMARY KEY ({', '.join(map(q, pk))})")
        lines += [f"  FOREIGN KEY ({q(c)}) REFERENCES {q(p)} ({q(k)}){deferred}"
                  for c, p, k in FOREIGN_KEYS[t]]
        out.append(f"CREATE TABLE IF NOT EXISTS {q(t)} (\n" + ",\n".join(lines) + "\n)")
    return out


# --- the batch -----------------------------------------------------------------------------------

@dataclass
class Batch:
    frames: dict[str, pd.DataFrame]  # database columns, reference "" → NULL, one copy per document
    doc_ids: list[str]
    paths: list[str]


def prepare(frames: dict[str, pd.DataFrame]) -> Batch:
    """The rows of a batch as they go into the database (see the module doc)."""
    out: dict[str, pd.DataFrame] = {}
    for t in LOAD_ORDER:
        df = frames.get(t)
        df = frame(t, []) if df is None else df.reindex(columns=columns(t))
        df = df.astype({c: d for c, d in frame(t, []).dtypes.items()})
        for c in NULL_IF_EMPTY[t]:
            df[c] = df[c].mask((df[c] == "").fillna(False).astype(bool))
        out[t] = df
    docs = out["documents"]
    kept_path = docs.drop_duplicates("doc_id", keep="last").set_index("doc_id")["source_path"]
    for t, df in out.items():
        if "doc_id" in df.columns and len(df):
            other = df["doc_id"].map(kept_path)
            keep = (other.isna() | (other == df["source_path"])).fillna(True).astype(bool)
            df = df[keep.to_numpy()]
        df = df.drop_duplicates(keep="last").reset_index(drop=True)
        if ROW_NO in PRIMARY_KEYS[t]:
            df[ROW_NO] = pd.array(df.groupby("source_path", sort=False).cumcount() + 1,
                                  dtype="Int64")
        out[t] = df
    paths: set[str] = set()
    for df in out.values():
        paths.update(df["source_path"].dropna())
    return Batch(out, sorted(set(out["documents"]["doc_id"].dropna())), sorted(paths))


# --- where --------------------------------------------------------------------------------------

@dataclass
class Target:
    kind: str       # duckdb, sqlite, postgresql
    location: str   # a file path, or a PostgreSQL URL

    def __str__(self) -> str:
        if self.kind == "postgresql":
            return re.sub(r"(//[^:/@]*):[^@/]*@", r"\1:***@", self.location)
        return self.location


def resolve(db: str | None, out_dir: str | Path = ".") -> Target | None:
    """What ``--db`` names: None for ``none``; by default ``OUT_DIR/plan_extract.duckdb``."""
    if db is None or db == "":
        return Target("duckdb", str(Path(out_dir) / DEFAULT_NAME))
    if db.strip().lower() == "none":
        return None
    if db.startswith(("postgresql://", "postgres://")):
        return Target("postgresql", db)
    for scheme in ("sqlite", "duckdb"):
        if db.startswith(f"{scheme}:///"):
            return Target(scheme, db[len(scheme) + 4:])
    if "://" in db:
        raise ValueError(f"--db: unknown database URL {db!r} "
                         "(use a file path, sqlite:///PATH, postgresql://… or none)")
    kind = "sqlite" if Path(db).suffix.lower() in (".sqlite", ".sqlite3") else "duckdb"
    return Target(kind, db)


@dataclass
class LoadResult:
    target: str
    rows: dict[str, int]                                  # the batch's rows, per table
    replaced: int = 0                                     # rows replaced, all tables
    totals: dict[str, int] = field(default_factory=dict)  # rows in the database afterwards

    def summary(self) -> str:
        return (f"{self.rows['documents']} document(s) loaded into {self.target} "
                f"({self.replaced} row(s) replaced; {self.totals.get('documents', 0)} document(s) in all)")


def load(frames: dict[str, pd.DataFrame], target: Target | str, out_dir: str | Path = ".") -> LoadResult:
    """Load a batch's tables (``to_frames``'s output) into a database; see the module doc."""
    if isinstance(target, str):
        target = resolve(target, out_dir)
        if target is None:
            raise ValueError("no database")
    batch = prepare(frames)
    try:
        if target.kind == "duckdb":
            return _load_duckdb(batch, target)
        if target.kind == "sqlite":
            return _load_sqlite(batch, target)
        return _load_postgresql(batch, target)
    except StoreError:
        raise
    except Exception as exc:  # noqa: BLE001 - driver errors differ per database
        if type(exc).__name__ in ("ModuleNotFoundError", "ImportError"):
            raise
        raise StoreError(f"{target}: {type(exc).__name__}: {exc}".strip()) from exc


def _where_replaced(t: str) -> str:
    cond = f"{q('source_path')} IN (SELECT source_path FROM _pe_paths)"
    if "doc_id" in db_columns(t):
        cond = f"({q('doc_id')} IN (SELECT doc_id FROM _pe_docs) OR {cond})"
    return cond


# the files where the batch's documents were before (the same content, read at another path)
_MOVED_PATHS = ('INSERT INTO _pe_paths SELECT DISTINCT source_path FROM "documents" '
                'WHERE doc_id IN (SELECT doc_id FROM _pe_docs) '
                'AND source_path NOT IN (SELECT source_path FROM _pe_paths)')


def _collist(t: str) -> str:
    return ", ".join(map(q, db_columns(t)))


# --- DuckDB --------------------------------------------------------------------------------------

def _load_duckdb(batch: Batch, target: Target) -> LoadResult:
    import duckdb

    Path(target.location).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(target.location)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            result = _duckdb_tx(con, batch, target)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("CHECKPOINT")
        return result
    finally:
        con.close()


def _duckdb_existing(con) -> dict[str, dict[str, str]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = current_schema() "
        "ORDER BY table_name, ordinal_position").fetchall()
    out: dict[str, dict[str, str]] = {}
    for t, c, ty in rows:
        out.setdefault(t, {})[c] = ty.upper()
    return out


def _duckdb_tx(con, batch: Batch, target: Target) -> LoadResult:
    import pyarrow as pa

    types = _TYPES["duckdb"]
    arrow = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}
    for t in LOAD_ORDER:
        view = f"_pe_df_{t}"
        schema = pa.schema([(c, arrow[ty]) for c, ty in db_columns(t).items()])
        # through Arrow: every DuckDB version reads its nulls as NULL (not pandas' NA as "<NA>")
        con.register(view, pa.Table.from_pandas(batch.frames[t], schema=schema, preserve_index=False))
        casts = ", ".join(f"CAST({q(c)} AS {types[ty]}) AS {q(c)}" for c, ty in db_columns(t).items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {q('_pe_new_' + t)} AS SELECT {casts} FROM {view}")
        con.unregister(view)
    con.register("_pe_docs_df", pd.DataFrame({"doc_id": pd.Series(batch.doc_ids, dtype=object)}))
    con.register("_pe_paths_df", pd.DataFrame({"source_path": pd.Series(batch.paths, dtype=object)}))
    con.execute("CREATE OR REPLACE TEMP TABLE _pe_docs AS SELECT CAST(doc_id AS VARCHAR) AS doc_id FROM _pe_docs_df")
    con.execute("CREATE OR REPLACE TEMP TABLE _pe_paths AS SELECT CAST(source_path AS VARCHAR) AS source_path FROM _pe_paths_df")
    con.unregister("_pe_docs_df")
    con.unregister("_pe_paths_df")

    existing = _duckdb_existing(con)
    ours = [t for t in LOAD_ORDER if t in existing]
    if "documents" in existing:
        con.execute(_MOVED_PATHS)
    want = {t: {c: types[ty] for c, ty in db_columns(t).items()} for t in LOAD_ORDER}
    outdated = any(existing[t] != want[t] for t in ours)
    replaced = 0
    for t in ours:
        replaced += con.execute(f"SELECT count(*) FROM {q(t)} WHERE {_where_replaced(t)}").fetchone()[0]

    if ours and (replaced or outdated):
        # rebuild: keep the rows the batch does not replace, drop, re-create, insert all
        for t in ours:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {q('_pe_keep_' + t)} AS "
                        f"SELECT * FROM {q(t)} WHERE NOT COALESCE({_where_replaced(t)}, FALSE)")
        for t in reversed(LOAD_ORDER):
            con.execute(f"DROP TABLE IF EXISTS {q(t)}")
        for stmt in ddl("duckdb"):
            con.execute(stmt)
        for t in LOAD_ORDER:
            src = f"SELECT * FROM {q('_pe_new_' + t)}"
            if t in ours:
                keep_cols = [c for c in existing[t] if c in want[t]]
                if keep_cols:
                    src = (f"SELECT {', '.join(map(q, keep_cols))} FROM {q('_pe_keep_' + t)} "
                           f"UNION ALL BY NAME {src}")
            _duckdb_insert(con, t, f"SELECT {_collist(t)} FROM ({src})")
    else:
        for stmt in ddl("duckdb"):
            con.execute(stmt)
        for t in LOAD_ORDER:
            _duckdb_insert(con, t, f"SELECT {_collist(t)} FROM {q('_pe_new_' + t)}")

    totals = {t: con.execute(f"SELECT count(*) FROM {q(t)}").fetchone()[0] for t in LOAD_ORDER}
    for t in LOAD_ORDER:
        con.execute(f"DROP TABLE IF EXISTS {q('_pe_new_' + t)}")
        con.execute(f"DROP TABLE IF EXISTS {q('_pe_keep_' + t)}")
    con.execute("DROP TABLE IF EXISTS _pe_docs")
    con.execute("DROP TABLE IF EXISTS _pe_paths")
    return LoadResult(str(target), {t: len(batch.frames[t]) for t in LOAD_ORDER}, replaced, totals)


def _duckdb_insert(con, t: str, select: str) -> None:
    """Insert ``select``'s rows into ``t``. DuckDB checks a foreign key against the rows present
    before the statement, so rows of a self-referencing table go in by generations: roots first."""
    cols = _collist(t)
    self_fks = [(c, k) for c, p, k in FOREIGN_KEYS[t] if p == t]
    if not self_fks:
        con.execute(f"INSERT INTO {q(t)} ({cols}) {select}")
        return
    (pk,) = PRIMARY_KEYS[t]
    con.execute(f"CREATE OR REPLACE TEMP TABLE _pe_todo AS {select}")
    ready = " AND ".join(f"({q(c)} IS NULL OR {q(c)} IN (SELECT {q(k)} FROM {q(t)}))"
                         for c, k in self_fks)
    while con.execute("SELECT count(*) FROM _pe_todo").fetchone()[0]:
        n = con.execute(f"INSERT INTO {q(t)} ({cols}) SELECT {cols} FROM _pe_todo WHERE {ready}").fetchone()[0]
        if not n:
            left = con.execute(f"SELECT {q(pk)}, {', '.join(q(c) for c, _ in self_fks)} "
                               f"FROM _pe_todo LIMIT 3").fetchall()
            raise StoreError(f"{t}: rows refer to a parent row that is not in the batch, e.g. {left}")
        con.execute(f"DELETE FROM _pe_todo WHERE {q(pk)} IN (SELECT {q(pk)} FROM {q(t)})")
    con.execute("DROP TABLE _pe_todo")


# --- SQLite and PostgreSQL ------------------------------------------------------------------------

def _load_sqlite(batch: Batch, target: Target) -> LoadResult:
    Path(target.location).parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(target.location, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("BEGIN IMMEDIATE")
        try:
            cur = con.cursor()
            for stmt in ddl("sqlite"):
                cur.execute(stmt)
            for t in LOAD_ORDER:
                have = {r[1] for r in cur.execute(f"PRAGMA table_info({q(t)})")}
                _add_missing(cur, "sqlite", t, have)
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS _pe_docs (doc_id TEXT)")
            cur.execute("CREATE TEMP TABLE IF NOT EXISTS _pe_paths (source_path TEXT)")
            cur.execute("DELETE FROM _pe_docs")
            cur.execute("DELETE FROM _pe_paths")
            cur.executemany("INSERT INTO _pe_docs VALUES (?)", [(d,) for d in batch.doc_ids])
            cur.executemany("INSERT INTO _pe_paths VALUES (?)", [(p,) for p in batch.paths])
            cur.execute(_MOVED_PATHS)
            replaced = 0
            for t in reversed(LOAD_ORDER):
                replaced += cur.execute(f"DELETE FROM {q(t)} WHERE {_where_replaced(t)}").rowcount
            for t in LOAD_ORDER:
                cols = list(db_columns(t))
                cur.executemany(
                    f"INSERT INTO {q(t)} ({_collist(t)}) VALUES ({', '.join('?' * len(cols))})",
                    [tuple(r[c] for c in cols) for r in records(batch.frames[t])])
            totals = {t: cur.execute(f"SELECT count(*) FROM {q(t)}").fetchone()[0] for t in LOAD_ORDER}
            cur.execute("DROP TABLE _pe_docs")
            cur.execute("DROP TABLE _pe_paths")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    return LoadResult(str(target), {t: len(batch.frames[t]) for t in LOAD_ORDER}, replaced, totals)


def _add_missing(cur, dialect: str, t: str, have: set[str]) -> None:
    """Columns a newer record has and an existing table lacks are added (nullable)."""
    for c, ty in db_columns(t).items():
        if c not in have:
            cur.execute(f"ALTER TABLE {q(t)} ADD COLUMN {q(c)} {_TYPES[dialect][ty]}")


def _load_postgresql(batch: Batch, target: Target) -> LoadResult:
    try:
        import psycopg
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "PostgreSQL needs psycopg: python3 -m pip install 'plan_extract[postgres]'") from exc

    with psycopg.connect(target.location) as con:  # commits on success, rolls back on error
        with con.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('plan_extract'))")
            for stmt in ddl("postgresql"):
                cur.execute(stmt)
            for t in LOAD_ORDER:
                cur.execute("SELECT column_name FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = %s", (t,))
                _add_missing(cur, "postgresql", t, {r[0] for r in cur.fetchall()})
            cur.execute("CREATE TEMP TABLE _pe_docs (doc_id TEXT) ON COMMIT DROP")
            cur.execute("CREATE TEMP TABLE _pe_paths (source_path TEXT) ON COMMIT DROP")
            with cur.copy("COPY _pe_docs (doc_id) FROM STDIN") as copy:
                for d in batch.doc_ids:
                    copy.write_row((d,))
            with cur.copy("COPY _pe_paths (source_path) FROM STDIN") as copy:
                for p in batch.paths:
                    copy.write_row((p,))
            cur.execute(_MOVED_PATHS)
            replaced = 0
            for t in reversed(LOAD_ORDER):
                cur.execute(f"DELETE FROM {q(t)} WHERE {_where_replaced(t)}")
                replaced += max(cur.rowcount, 0)
            for t in LOAD_ORDER:
                cols = list(db_columns(t))
                with cur.copy(f"COPY {q(t)} ({_collist(t)}) FROM STDIN") as copy:
                    for r in records(batch.frames[t]):
                        copy.write_row(tuple(r[c] for c in cols))
            totals = {}
            for t in LOAD_ORDER:
                cur.execute(f"SELECT count(*) FROM {q(t)}")
                totals[t] = cur.fetchone()[0]
    return LoadResult(str(target), {t: len(batch.frames[t]) for t in LOAD_ORDER}, replaced, totals)
