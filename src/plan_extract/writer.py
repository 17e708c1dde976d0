"""Streaming table writer: a batch's rows appended chunk by chunk to CSV, JSON Lines, Parquet and
the database, so no table is held whole in memory while thousands of files are processed.

The files are the same as ``tables.write`` gives for the whole batch at once (same columns, types,
CSV dialect and JSON encoding); the Excel workbook is written at the end from the finished
Parquet or CSV files.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import pandas as pd

from .tables import (TABLES, WORKBOOK, dtypes, frame, frames_of, parse_formats, table_rows, write_csv_rows,
                     write_jsonl_rows, write_xlsx)


class TableWriter:
    """``append(plans)`` per chunk, then ``close()`` → the files written."""

    def __init__(self, out: str | Path, formats: Iterable[str] = ("csv",), bom: bool = False,
                 db_target=None):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.formats = parse_formats(list(formats))
        self.bom = bom
        self.db_target = db_target
        self.db_summary = ""
        self._started: set[str] = set()
        self._parquet: dict[str, object] = {}
        self._held: dict[str, list[pd.DataFrame]] = {name: [] for name in TABLES}
        self._db_results: list = []
        self._db_error: Exception | None = None
        for fmt in self.formats:  # a fresh run replaces the files of the last one
            if fmt == "xlsx":
                continue
            for name in TABLES:
                (self.out / f"{name}.{fmt}").unlink(missing_ok=True)

    def append(self, plans: list) -> None:
        if not plans:
            return
        rows = table_rows(plans)
        held = "xlsx" in self.formats and not ({"csv", "parquet"} & set(self.formats))
        frames = frames_of(rows) if (self.db_target is not None or held
                                     or "parquet" in self.formats) else None
        for name in TABLES:
            first = name not in self._started
            self._started.add(name)
            for fmt in self.formats:
                if fmt == "csv":
                    with open(self.out / f"{name}.csv", "w" if first else "a", newline="",
                              encoding="utf-8-sig" if self.bom and first else "utf-8") as fh:
                        write_csv_rows(fh, name, rows[name], header=first)
                elif fmt == "jsonl":
                    with open(self.out / f"{name}.jsonl", "w" if first else "a", encoding="utf-8",
                              newline="\n") as fh:
                        write_jsonl_rows(fh, name, rows[name])
                elif fmt == "parquet":
                    self._parquet_append(name, frames[name])
            if held:
                self._held[name].append(frames[name])
        if self.db_target is not None and self._db_error is None:
            from .store import load

            try:
                self._db_results.append(load(frames, self.db_target))
            except Exception as exc:  # noqa: BLE001 - reported by close(); files still written
                self._db_error = exc

    def _parquet_append(self, name: str, df: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pandas(df, preserve_index=False)
        w = self._parquet.get(name)
        if w is None:
            w = pq.ParquetWriter(self.out / f"{name}.parquet", table.schema)
            self._parquet[name] = w
        w.write_table(table.cast(w.schema))

    def close(self) -> list[Path]:
        """Finish the files (empty tables get their header) and write the workbook."""
        missing = [n for n in TABLES if n not in self._started]
        if missing:
            empty = {n: frame(n, []) for n in missing}
            for name, df in empty.items():
                self._started.add(name)
                for fmt in self.formats:
                    if fmt == "csv":
                        df.to_csv(self.out / f"{name}.csv", index=False, lineterminator="\r\n",
                                  encoding="utf-8-sig" if self.bom else "utf-8")
                    elif fmt == "jsonl":
                        (self.out / f"{name}.jsonl").write_text("", encoding="utf-8")
                    elif fmt == "parquet":
                        self._parquet_append(name, df)
        for w in self._parquet.values():
            w.close()
        written = [self.out / f"{n}.{fmt}" for fmt in self.formats if fmt != "xlsx" for n in TABLES]
        if "xlsx" in self.formats:
            write_xlsx(self._read_back(), self.out / WORKBOOK)
            written.append(self.out / WORKBOOK)
        if self._db_error is not None:
            raise self._db_error
        if self._db_results:
            last = self._db_results[-1]
            self.db_summary = last.summary() if hasattr(last, "summary") else str(last)
        return written

    def _read_back(self) -> dict[str, pd.DataFrame]:
        import pandas as pd

        frames = {}
        for name in TABLES:
            if "parquet" in self.formats:
                frames[name] = pd.read_parquet(self.out / f"{name}.parquet").astype(dtypes(name))
            elif "csv" in self.formats:
                frames[name] = pd.read_csv(self.out / f"{name}.csv", dtype=str, keep_default_na=False,
                                           encoding="utf-8-sig", na_values=[""]).astype(dtypes(name))
            else:
                held = self._held[name]
                frames[name] = pd.concat(held, ignore_index=True) if held else frame(name, [])
        return frames
