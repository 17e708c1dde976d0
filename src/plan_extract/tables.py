"""Records → pandas DataFrames → files: CSV, Parquet, JSON Lines, one Excel workbook.

(A batch writes CSV and JSON Lines straight from the records' rows, ``write_csv_rows`` and
``write_jsonl_rows``: the same bytes as from the typed frames, without pandas.)

Every table has a fixed column order and fixed column types (the record dataclass's fields and
type hints), so an empty table still writes its header, Parquet keeps its types, and consumers can
rely on the columns. Types: ``str`` → pandas ``string``, ``int`` → ``Int64``, ``float`` →
``Float64``, ``bool`` → ``boolean`` (all nullable: a missing value is written as an empty CSV
field, a Parquet null, a JSON ``null``, an empty Excel cell).

Formula safety. Plan text legitimately starts with "- " and "+ " bullets, so no file gets its text
altered:

* ``.xlsx``: every text cell is written as a text cell (never a formula), and text cells starting
  with ``= + - @``, a tab or a carriage return also get Excel's "quote prefix" style, so Excel shows
  them as typed, never evaluates them, and keeps them as text when a user edits the cell.
* CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or line break
  quoted), Parquet and JSON Lines are data files and hold the text exactly as extracted (a
  ``quote`` is always the source's text at ``start:end``). Excel evaluates CSV cells that start with ``=``, so
  people who open the tables in Excel should open ``plan_extract.xlsx``, not the CSVs.
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pandas is imported where frames are made: a CSV-only batch never loads it
    import pandas as pd

from .model import TABLES, row_getter

FORMATS = ("csv", "parquet", "jsonl", "xlsx")
WORKBOOK = "plan_extract.xlsx"
_PANDAS_DTYPE = {str: "string", int: "Int64", float: "Float64", bool: "boolean"}


def columns(name: str) -> list[str]:
    return [f.name for f in dataclasses.fields(TABLES[name])]


@functools.lru_cache(maxsize=None)
def field_types(record_type: type) -> dict[str, tuple[type, bool]]:
    """``{field: (base type, nullable)}`` from a record dataclass's type hints (``int | None`` →
    ``(int, True)``). Shared by the JSON Schemas and the database columns."""
    hints = typing.get_type_hints(record_type)
    out = {}
    for f in dataclasses.fields(record_type):
        hint = hints[f.name]
        args = typing.get_args(hint)
        if args and type(None) in args:
            base = [a for a in args if a is not type(None)]
            if len(base) != 1:
                raise TypeError(f"{record_type.__name__}.{f.name}: unsupported type {hint!r}")
            out[f.name] = (base[0], True)
        else:
            out[f.name] = (hint, False)
        if out[f.name][0] not in _PANDAS_DTYPE:
            raise TypeError(f"{record_type.__name__}.{f.name}: unsupported type {hint!r}")
    return out


def dtypes(name: str) -> dict[str, str]:
    return {c: _PANDAS_DTYPE[t] for c, (t, _) in field_types(TABLES[name]).items()}


def table_rows(plans: Iterable) -> dict[str, list[tuple]]:
    """Every table's rows from an iterable of ``Plan``s: tuples of the record's fields in order."""
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
    for plan in plans:
        for name, cls in TABLES.items():  # records are flat: a row is its fields in order (no deep copy)
            rows[name].extend(map(row_getter(cls), plan.table(name)))
    return rows


def to_frames(plans: Iterable) -> dict[str, pd.DataFrame]:
    """One typed DataFrame per table from an iterable of ``Plan``s."""
    return frames_of(table_rows(plans))


def frames_of(rows: dict[str, list[tuple]]) -> dict[str, pd.DataFrame]:
    """One typed DataFrame per table from ``table_rows``."""
    return {name: _typed_frame(name, rows[name]) for name in TABLES}


def _typed_frame(name: str, rows: list[tuple]) -> pd.DataFrame:
    """``frame`` for rows of field tuples, built column by column as typed arrays: half the cost
    of a frame of objects cast afterwards, and the same frame (tests/test_outputs.py)."""
    import pandas as pd

    if not rows:
        return frame(name, [])
    types = dtypes(name)
    return pd.DataFrame({c: pd.array(list(v), dtype=types[c]) for c, v in zip(types, zip(*rows))},
                        columns=list(types))


def frame(name: str, rows: list[dict] | list[tuple]) -> pd.DataFrame:
    """A table's DataFrame from row dicts (or tuples of the fields in order), with the table's
    columns in order and typed."""
    import pandas as pd

    return pd.DataFrame(rows, columns=columns(name)).astype(dtypes(name))


def parse_formats(values: Iterable[str] | str | None) -> list[str]:
    """``["csv,parquet", "xlsx"]`` → ``["csv", "parquet", "xlsx"]`` (order kept, duplicates dropped);
    raises ValueError on an unknown format."""
    if values is None:
        return ["csv"]
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for v in values:
        for f in v.split(","):
            f = f.strip().lower().lstrip(".")
            if not f:
                continue
            if f not in FORMATS:
                raise ValueError(f"unknown format {f!r} (choose from {', '.join(FORMATS)})")
            if f not in out:
                out.append(f)
    return out or ["csv"]


def write(frames: dict[str, pd.DataFrame], out: str | Path, formats: Iterable[str] = ("csv",),
          bom: bool = False) -> list[Path]:
    """Write every table in every format to folder ``out``; xlsx is one workbook,
    ``plan_extract.xlsx``, with a sheet per table. ``bom``: CSV with a UTF-8 BOM (for Excel)."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    formats = parse_formats(list(formats))
    written = []
    for fmt in formats:
        if fmt == "xlsx":
            path = out / WORKBOOK
            write_xlsx(frames, path)
            written.append(path)
            continue
        for name, df in frames.items():
            path = out / f"{name}.{fmt}"
            if fmt == "csv":
                # RFC 4180: CRLF line ends, so a field holding a lone CR is quoted too
                df.to_csv(path, index=False, encoding="utf-8-sig" if bom else "utf-8",
                          lineterminator="\r\n")
            elif fmt == "parquet":
                df.to_parquet(path, index=False)
            elif fmt == "jsonl":
                write_jsonl(df, path)
            written.append(path)
    return written


def records(df: pd.DataFrame) -> Iterable[dict]:
    """Rows as dicts of plain Python values (missing → None)."""
    cols = list(df.columns)
    for row in df.itertuples(index=False, name=None):
        yield {c: _py(v) for c, v in zip(cols, row)}


def _py(v):
    import pandas as pd

    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalar
        v = v.item()
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


# --- rows straight to CSV and JSON Lines ----------------------------------------------------------
# A batch's CSV and JSON Lines files are written from the record tuples, without a DataFrame:
# a tenth of the cost of ``to_csv`` on typed frames, and the same bytes (tests/test_outputs.py).


def _plain_float(v):
    return None if v != v else float(v)  # NaN is missing, as in a Float64 column


_PLAIN = {int: int, float: _plain_float, bool: bool}


def plain_rows(name: str, rows: Iterable[tuple]) -> Iterable[list]:
    """Rows with each value as the table's typed frame holds it, as a plain Python value: missing
    (``None``, a float NaN) → ``None``, numbers coerced to their column's type. Text columns hold
    ``str`` or ``None`` already and are passed as they are; a number already of its column's
    type is left alone (the usual case, checked inline: a call per value cost more than the
    CSV writing)."""
    typed = [(i, t, _PLAIN[t]) for i, (t, _) in enumerate(field_types(TABLES[name]).values()) if t in _PLAIN]
    for row in rows:
        row = list(row)
        for i, t, plain in typed:
            v = row[i]
            if v is not None and (type(v) is not t or v != v):
                row[i] = plain(v)
        yield row


def write_csv_rows(fh, name: str, rows: Iterable[tuple], header: bool = True) -> None:
    """A table's rows to an open text file (``newline=""``) in ``DataFrame.to_csv``'s dialect:
    RFC 4180, CRLF line ends, minimal quoting."""
    import csv

    w = csv.writer(fh, lineterminator="\r\n")
    if header:
        w.writerow(columns(name))
    w.writerows(plain_rows(name, rows))  # csv writes None as "", floats by repr, bools as True/False


def write_jsonl_rows(fh, name: str, rows: Iterable[tuple]) -> None:
    """A table's rows to an open text file as JSON Lines (the same lines as ``write_jsonl``)."""
    cols = columns(name)
    for row in plain_rows(name, rows):
        fh.write(json.dumps(dict(zip(cols, row)), ensure_ascii=False, allow_nan=False))
        fh.write("\n")


def write_jsonl(df: pd.DataFrame, path: str | Path) -> None:
    """One JSON object per line, UTF-8 (not ASCII-escaped), numbers exact, missing → null; each
    line validates against ``schemas/<table>.schema.json``."""
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in records(df):
            fh.write(json.dumps(row, ensure_ascii=False, allow_nan=False))
            fh.write("\n")


# --- Excel ---------------------------------------------------------------------------------------

_RISKY_START = ("=", "+", "-", "@", "\t", "\r")
_XLSX_MAX_CHARS = 32767  # Excel's limit for one cell
_MIN_WIDTH, _MAX_WIDTH = 6, 60


def xlsx_text(value: str) -> str:
    """Text Excel can store: control characters it rejects become spaces, and text longer than a
    cell holds is cut (with "…"); the CSV/Parquet/JSON Lines files keep the full text."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub(" ", value)
    if len(value) > _XLSX_MAX_CHARS:
        value = value[: _XLSX_MAX_CHARS - 1] + "…"
    return value


def _width(name: str, col: pd.Series) -> float:
    sample = col.dropna()
    if len(sample) > 2000:
        sample = sample.sample(2000, random_state=0)
    longest = int(sample.astype(str).str.len().max()) if len(sample) else 0
    return float(min(_MAX_WIDTH, max(_MIN_WIDTH, len(name) + 2, longest + 2)))


def write_xlsx(frames: dict[str, pd.DataFrame], path: str | Path) -> None:
    """One workbook, a sheet per table: bold header row, frozen under the header, auto-filter,
    column widths from the content (capped), every text cell stored as text (see module doc)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for name, df in frames.items():
        ws = wb.create_sheet(title=name[:31])
        ncols = len(df.columns)
        for i, c in enumerate(df.columns, 1):
            ws.column_dimensions[get_column_letter(i)].width = _width(c, df[c])
        ws.freeze_panes = "A2"
        if ncols:
            ws.auto_filter.ref = f"A1:{get_column_letter(ncols)}{len(df) + 1}"
        header = []
        for c in df.columns:
            cell = WriteOnlyCell(ws, value=str(c))
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(vertical="top")
            header.append(cell)
        ws.append(header)
        for row in records(df):
            ws.append([_xlsx_cell(ws, v, WriteOnlyCell) for v in row.values()])
    if not frames:
        wb.create_sheet(title="empty")
    wb.save(path)


def _xlsx_cell(ws, value, cell_type):
    if not isinstance(value, str):
        return value
    value = xlsx_text(value)
    if not value.startswith(_RISKY_START):
        return value  # openpyxl stores it as a text cell
    cell = cell_type(ws, value=value)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    cell.quotePrefix = True
    return cell
