"""Plain-text and Markdown reader.

The source text is the decoded file as it is (converter artifacts included); normalization cleans
it. Markdown pipe tables ("| a | b |", rows sometimes broken across lines) and the tab-separated
rows of a Word table pasted as plain text ("1\tTổng thu ngân sách\tTỷ đồng\t12.500") become
``Table``s whose cells point into the text.
"""
from __future__ import annotations

from pathlib import Path

import regex as re

from ..model import Cell, SourceDoc, Table
from .encodings import decode

_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def read_txt(path: str | Path, data: bytes | None = None) -> SourceDoc:
    data = Path(path).read_bytes() if data is None else data
    text, encoding = decode(data)
    fmt = "md" if str(path).lower().endswith(".md") else "txt"
    tables = pipe_tables(text)
    if "\t" in text:
        tables = sorted(tables + tab_tables(text), key=lambda t: t.start)
    return SourceDoc(str(path), fmt, text, encoding=encoding, tables=tables)


def tab_tables(text: str) -> list[Table]:
    r"""Tables pasted from Word as plain text: the runs of ``tab_table_lines``, one row a line,
    empty cells kept so that columns stay aligned.

    >>> t = tab_tables("Nội dung\nSTT\tChỉ tiêu\tĐơn vị\n1\tThu ngân sách\tTỷ đồng\n\nHết")
    >>> [[c.text for c in r] for r in t[0].rows]
    [['STT', 'Chỉ tiêu', 'Đơn vị'], ['1', 'Thu ngân sách', 'Tỷ đồng']]
    """
    lines = text.splitlines(keepends=True)
    rows_at = tab_table_lines([l.rstrip("\r\n") for l in lines])
    tables: list[Table] = []
    rows: list[list[Cell]] = []
    pos = 0
    for i, line in enumerate(lines):
        start, body = pos, line.rstrip("\r\n")
        pos += len(line)
        if i in rows_at:
            rows.append(_tab_cells(body, start))
            continue
        if rows:
            tables.append(_table(rows))
            rows = []
    if rows:
        tables.append(_table(rows))
    return tables


def tab_table_lines(lines: list[str]) -> set[int]:
    r"""Indexes of the lines that are rows of a pasted table: runs of lines with two tabs or more
    of which one at least has three cells with text (a group row "A\tCHỈ TIÊU KINH TẾ\t\t\t"
    belongs to its table; "Số: 15/KH-UBND\t\t\tHà Nội, ngày …", tabs only aligning two
    blocks, makes no table). Normalization reads the same lines as table rows.

    >>> tab_table_lines(["Số: 15\t\t\tHà Nội", "x", "STT\tNội dung\tĐơn vị", "A\tNHÓM\t"])
    {2, 3}
    """
    out: set[int] = set()
    run: list[int] = []
    for i, line in enumerate(lines + [""]):
        if line.count("\t") >= 2 and not line.lstrip().startswith("|"):
            run.append(i)
            continue
        if any(sum(1 for c in lines[k].split("\t") if c.strip()) >= 3 for k in run):
            out.update(run)
        run = []
    return out


def _tab_cells(line: str, offset: int) -> list[Cell]:
    cells, at = [], offset
    for raw in line.split("\t"):
        lead = len(raw) - len(raw.lstrip())
        s = at + (lead if raw.strip() else 0)
        cells.append(Cell(raw.strip(), s, s + len(raw.strip())))
        at += len(raw) + 1
    return cells


def pipe_tables(text: str) -> list[Table]:
    """Markdown pipe tables: runs of lines starting with '|'; a line that does not start with '|'
    right after a row that did not close with '|' continues that row."""
    tables: list[Table] = []
    rows: list[list[Cell]] = []
    open_row = False
    pos = 0
    for line in text.splitlines(keepends=True):
        start, body = pos, line.rstrip("\r\n")
        pos += len(line)
        stripped = body.strip()
        if stripped.startswith("|") or (open_row and stripped):
            if _SEPARATOR_ROW.match(body):
                continue
            cells = _cells(body, start)
            if open_row and rows and not stripped.startswith("|"):
                rows[-1].extend(cells)
            else:
                rows.append(cells)
            open_row = not stripped.endswith("|")
            continue
        if rows:
            tables.append(_table(rows))
            rows = []
        open_row = False
    if rows:
        tables.append(_table(rows))
    return tables


def _cells(line: str, offset: int) -> list[Cell]:
    """The cells of one row line, empty ones kept (a vertically merged cell exported as "| |")
    so that columns stay aligned; an empty cell sits at the position between its pipes."""
    pipes = [i for i, c in enumerate(line) if c == "|"]
    bounds = ([-1] if not line.lstrip().startswith("|") else []) + pipes
    if not line.rstrip().endswith("|"):
        bounds.append(len(line))
    cells = []
    for a, b in zip(bounds, bounds[1:]):
        raw = line[a + 1:b]
        lead = len(raw) - len(raw.lstrip())
        s = offset + a + 1 + (lead if raw.strip() else 0)
        cells.append(Cell(raw.strip(), s, s + len(raw.strip())))
    if line.lstrip().startswith("|") is False and cells and not cells[0].text:
        cells = cells[1:]
    return cells


def _table(rows: list[list[Cell]]) -> Table:
    flat = [c for r in rows for c in r]
    return Table(rows, None, flat[0].start if flat else 0, flat[-1].end if flat else 0)
