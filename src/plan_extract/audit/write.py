"""Audit results → files and database tables.

``write_outputs`` writes, in the output folder, ``findings.csv``, ``city_comparisons.csv`` and
``ward_matrix.csv`` (UTF-8, CRLF like the extraction tables) and, when a database file is given,
the same three tables into it (``findings``, ``city_comparisons``, ``ward_matrix``; replaced on
every run). They are kept apart from the extraction tables: no foreign keys, so a later
``plan-extract extract`` into the same database never trips over them.
"""
from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pandas as pd

from .model import AuditResult, Comparison, Finding, MatrixCell

OUTPUT_TABLES: dict[str, type] = {"findings": Finding, "city_comparisons": Comparison, "ward_matrix": MatrixCell}
_DTYPE = {str: "string", int: "Int64", float: "Float64", bool: "boolean"}


def _dtypes(record_type: type) -> dict[str, str]:
    out = {}
    for name, hint in typing.get_type_hints(record_type).items():
        base = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
        out[name] = _DTYPE[base[0]]
    return out


def frames(result: AuditResult) -> dict[str, pd.DataFrame]:
    """The result's tables as typed DataFrames (fixed columns even when empty)."""
    rows = {"findings": result.findings, "city_comparisons": result.comparisons, "ward_matrix": result.matrix}
    out = {}
    for name, record_type in OUTPUT_TABLES.items():
        cols = [f.name for f in dataclasses.fields(record_type)]
        out[name] = pd.DataFrame([dataclasses.asdict(r) for r in rows[name]], columns=cols).astype(_dtypes(record_type))
    return out


def write_outputs(result: AuditResult, out_dir: str | Path, db_path: str | Path | None = None) -> list[Path]:
    """Write the CSV files to ``out_dir`` and the tables into ``db_path`` (.duckdb or .sqlite)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    dfs = frames(result)
    for name, df in dfs.items():
        path = out / f"{name}.csv"
        df.to_csv(path, index=False, encoding="utf-8", lineterminator="\r\n")
        written.append(path)
    if db_path is not None:
        write_db(dfs, db_path)
        written.append(Path(db_path))
    return written


def write_db(dfs: dict[str, pd.DataFrame], db_path: str | Path) -> None:
    """Replace the audit tables in a DuckDB or SQLite file."""
    p = Path(db_path)
    if p.suffix.lower() in (".sqlite", ".sqlite3"):
        import sqlite3

        con = sqlite3.connect(str(p))
        try:
            for name, df in dfs.items():
                df.astype(object).where(df.notna(), None).to_sql(name, con, if_exists="replace", index=False)
            con.commit()
        finally:
            con.close()
        return
    import duckdb

    con = duckdb.connect(str(p))
    try:
        for name, df in dfs.items():
            con.register("_audit_frame", df)
            con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _audit_frame')
            con.unregister("_audit_frame")
    finally:
        con.close()
