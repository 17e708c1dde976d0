"""Targets set in a table: STT | Chỉ tiêu | Đơn vị tính | Ước thực hiện năm 2025 | Kế hoạch năm 2026.

Many plans (Hà Nội's, and most socio-economic plans' appendices) give their main indicators as a
table rather than a list. A table is a targets table when its header row names an indicator
column, a unit column and a plan column with a year (``lang/vi/targets.yaml`` ``table``). Each row
with a value in the plan column is one target: the value and unit come from the plan and unit
cells, read as prose would read them ("1.195,0" + "Tỷ đồng" → 1 195 000 000 000 đồng; "≥ 95" +
"%" → ≥ 95 %), the baseline is the baseline column's header when the row has a value there, the
target year is the plan column's year. Rows numbered "-" (or not at all), or whose indicator starts
with "Trong đó", are sub-targets of the numbered row above. Group rows ("A | CHỈ TIÊU KINH TẾ")
and the comparison column set nothing.

Find (``header_columns``, ``table_rows``), then resolve (``row_target``): small pure functions over
a row's cells; ``table_targets`` builds the records of one document.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex as re

from ..lang import load
from ..normalize import fold, fold_cells, is_table_row
from .quantities import find_quantities, parse_number

_T = load("targets")["table"]
_PLAN = re.compile(_T["plan"])
_BASE = re.compile(_T["baseline"])
_NUMBER = {fold(w) for w in _T["number"]}
_INDICATOR = {fold(w) for w in _T["indicator"]}
_UNIT = {fold(w) for w in _T["unit"]}
_QUALITATIVE = {fold(w) for w in _T["qualitative_cells"]}
_SUB_NUMBERS = set(_T["sub_numbers"])
_TRONG_DO = re.compile(r"^\s*trong\s+đó\s*[:,]?\s*", re.I)


@dataclass(frozen=True)
class Columns:
    """Where the parts of a targets table are, from its header row."""

    number: int | None
    indicator: int
    unit: int
    plan: int
    plan_year: int
    baseline: int | None = None
    baseline_header: str = ""
    baseline_year: int | None = None


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # offset in the row's line
    end: int


def cells_of(line: str) -> list[Cell]:
    """The cells of a table row as the readers write it ("1 | Tổng thu … | Tỷ đồng | 1.086,4"),
    each with its offsets in the line, stripped.

    >>> [(c.text, c.start) for c in cells_of("1 | Thu | Tỷ đồng |  | 5")]
    [('1', 0), ('Thu', 4), ('Tỷ đồng', 10), ('', 20), ('5', 23)]
    """
    out, pos = [], 0
    for part in line.split("|"):
        lead = len(part) - len(part.lstrip())
        text = part.strip()
        out.append(Cell(text, pos + lead if text else pos + len(part) // 2, pos + lead + len(text)))
        pos += len(part) + 1
    return out


def header_columns(cells: list[str]) -> Columns | None:
    """The columns of a targets table's header row, or None when the row heads no such table.

    >>> c = header_columns(["STT", "Chỉ tiêu", "Đơn vị tính", "Ước thực hiện năm 2025", "Kế hoạch năm 2026", "So sánh (%)"])
    >>> (c.number, c.indicator, c.unit, c.plan, c.plan_year, c.baseline, c.baseline_year)
    (0, 1, 2, 4, 2026, 3, 2025)
    >>> header_columns(["STT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành"]) is None
    True
    """
    folded = fold_cells(cells)
    number = next((i for i, c in enumerate(folded) if c in _NUMBER), None)
    indicator = next((i for i, c in enumerate(folded) if c in _INDICATOR), None)
    unit = next((i for i, c in enumerate(folded) if c in _UNIT), None)
    plans = [(i, m) for i, c in enumerate(folded) if (m := _PLAN.search(c)) and i not in (indicator, unit)]
    if indicator is None or unit is None or not plans:
        return None
    plan, pm = max(plans, key=lambda p: int(p[1].group("y")))  # the latest year is the plan's
    bases = [(i, m) for i, c in enumerate(folded) if i not in (plan, indicator, unit) and (m := _BASE.search(c))]
    base, bm = bases[0] if bases else (None, None)
    return Columns(number, indicator, unit, plan, int(pm.group("y")), base,
                   cells[base].strip() if base is not None else "", int(bm.group("y")) if bm else None)


@dataclass(frozen=True)
class RowValue:
    """What one row's plan and unit cells say."""

    value: float | None
    value_min: float | None
    value_max: float | None
    comparator: str
    unit: str
    unit_text: str
    value_text: str
    parsed: bool
    rule: str


def row_value(plan_cell: str, unit_cell: str) -> RowValue | None:
    """The value of a row from its plan cell read with its unit cell; None for an empty cell.

    >>> v = row_value("1.195,0", "Tỷ đồng"); (v.value, v.unit, v.comparator)
    (1195000000000.0, 'đồng', '=')
    >>> v = row_value("≥ 95", "%"); (v.value, v.unit, v.comparator)
    (95.0, '%', '>=')
    >>> v = row_value("Trên 90", "%"); (v.value, v.comparator)
    (90.0, '>')
    >>> v = row_value("8 - 10", "%"); (v.value_min, v.value_max, v.comparator)
    (8.0, 10.0, 'range')
    >>> v = row_value("1.300", "Người"); (v.value, v.unit)
    (1300.0, 'người')
    >>> row_value("Đạt", "").rule, row_value("Không để phát sinh", "Công trình").rule, row_value("", "%") is None
    ('table_qualitative', 'table_qualitative', True)
    >>> v = row_value("khoảng 5", "lớp"); (v.value, v.unit, v.parsed)
    (5.0, 'lớp', True)
    """
    cell = " ".join(plan_cell.split())
    if not cell:
        return None
    if fold(cell).strip(" .") in _QUALITATIVE or not any(c.isdigit() for c in cell):
        # "Đạt", "Giữ vững", "Không để phát sinh": a qualitative target; a cell is "unparsed" only
        # when it holds a number that cannot be read
        return RowValue(None, None, None, "", "", "", cell, True, "table_qualitative")
    unit = " ".join(unit_cell.split())
    glue = "" if unit in ("%", "‰") else " "
    expr = f"{cell}{glue}{unit.lower() if unit and not unit.isupper() else unit}"
    qs = find_quantities(expr)
    if qs and qs[0].start <= len(cell) // 2 + 2:
        q = qs[0]
        unit_norm = q.unit or " ".join(unit.lower().split())
        return RowValue(q.value, q.value_min, q.value_max, q.comparator, unit_norm, unit, cell,
                        q.parsed, "table")
    number = re.search(r"\d+(?:[.,]\d+)*", cell)
    if number:  # a count of a noun the unit lexicon does not know ("5 lớp"): the number, as written
        value = parse_number(number.group())
        return RowValue(value, None, None, "=", " ".join(unit.lower().split()), unit, cell,
                        value is not None, "table")
    return RowValue(None, None, None, "", "", unit, cell, False, "table_unparsed")


def is_sub_row(number_cell: str, indicator_cell: str) -> bool:
    """A sub-target row: numbered "-" (or not at all), or "Trong đó: …".

    >>> is_sub_row("-", "Thu lệ phí trước bạ"), is_sub_row("2", "Trong đó: thu thuế"), is_sub_row("3", "Tỷ lệ")
    (True, True, False)
    """
    return number_cell.strip() in _SUB_NUMBERS or bool(_TRONG_DO.match(indicator_cell))


def table_rows(text: str, start: int, end: int) -> list[tuple[Columns, int, str]]:
    """Every data row of the targets tables in ``text[start:end]``: (columns, line offset, line)."""
    out = []
    cols: Columns | None = None
    pos = start
    for line in text[start:end].split("\n"):
        at, pos = pos, pos + len(line) + 1
        if not is_table_row(line):
            cols = None
            continue
        cells = cells_of(line)
        head = header_columns([c.text for c in cells])
        if head is not None:
            cols = head
            continue
        if cols is not None:
            out.append((cols, at, line))
    return out


def doc_table_rows(ctx) -> list[tuple[Columns, int, str]]:
    """``table_rows`` of one document (a pipeline DocContext), computed once for its extractors."""
    memo = getattr(ctx, "memo", None)
    if memo is None:
        return table_rows(ctx.norm.text, ctx.part.start, ctx.part.end)
    if "table_rows" not in memo:
        memo["table_rows"] = table_rows(ctx.norm.text, ctx.part.start, ctx.part.end)
    return memo["table_rows"]


def table_targets(ctx, source_text: str, n0: int) -> list:
    """Target records of the targets tables of one document (``ctx``: a pipeline DocContext)."""
    from ..model import TargetRecord
    from .targets import _BASELINE_IN, _kind, baseline_of, classify_indicator, measure_fits

    text = ctx.norm.text
    out: list = []
    last_numbered = None  # (label, target id) of the last numbered row
    subs = 0
    for cols, at, line in doc_table_rows(ctx):
        cells = cells_of(line)

        def cell(i: int | None) -> Cell:
            return cells[i] if i is not None and i < len(cells) else Cell("", len(line), len(line))

        ind, plan = cell(cols.indicator), cell(cols.plan)
        v = row_value(plan.text, cell(cols.unit).text)
        if v is None or not ind.text:
            continue  # a group row, or a row the plan column leaves empty
        number = cell(cols.number).text
        if is_sub_row(number, ind.text) and last_numbered is not None:
            subs += 1
            label, parent = f"{last_numbered[0]}{'abcdefghijklmnopqrstuvwxyz'[(subs - 1) % 26]}", last_numbered[1]
        else:
            label, parent, subs = number.rstrip("."), "", 0
        indicator = _TRONG_DO.sub("", ind.text).strip()
        # the plan cell's own verb wins ("Tăng 10-12%", "Giảm 3% so với năm 2025"), as its own baseline does
        kind = ("qualitative" if v.value is None and v.value_min is None and v.rule != "table_unparsed"
                else _kind(f"{indicator} {plan.text}", ""))
        own_base = _BASELINE_IN.search(plan.text)
        code, sector, hib = classify_indicator(indicator)
        if code and not measure_fits(code, v.unit, kind):
            code, sector, hib = "", "", None
        has_base = cols.baseline is not None and bool(cell(cols.baseline).text)
        base_text, base_year = (cols.baseline_header, cols.baseline_year) if has_base else ("", None)
        if own_base:
            base_text, base_year = baseline_of(own_base)
        s, e = ctx.src(at + ind.start, at + plan.end)
        vs, ve = ctx.src(at + plan.start, at + plan.end)
        sec = ctx.section_at(at)
        target_id = f"{ctx.doc_id}:t{n0 + len(out) + 1}"
        out.append(TargetRecord(
            ctx.doc_id, ctx.source_path, target_id, label, parent,
            f"{ctx.doc_id}:{sec.id}" if sec else "", False, indicator, code, sector, hib, kind,
            v.comparator, v.value, v.value_min, v.value_max, v.unit, v.unit_text, v.value_text, v.parsed,
            base_text, base_year,
            cols.plan_year, s, e, vs, ve, source_text[s:e], v.rule))
        if not parent:
            last_numbered = (label, target_id)
    return out
