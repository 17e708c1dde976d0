"""PDF reader: a fast, faithful text path on pypdfium2, with layout repair; pdfplumber for tables.

pypdfium2 gives text runs ("rects") with their boxes at a few ms a page and reads fonts that
pdfminer-based tools turn into "(cid:3)". From the boxes we rebuild lines, put two-column blocks
(the header: issuer and "Số: …" | national motto, place and date; the recipients | signature
block) back in reading order — left column, then right column —, drop running headers, footers
and page numbers, and mark paragraph breaks by vertical gaps. Pages with ruled tables go through
pdfplumber's table finder, which is slower but knows cells.
"""
from __future__ import annotations

import statistics
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import regex as re

from ..model import Cell, ReadError, SourceDoc, Table
from ..normalize import PAGE_NUMBER as _PAGE_NUMBER

SCANNED = "scanned: no text layer (this PDF is an image; OCR is needed to read it)"


@dataclass
class _Seg:
    text: str
    left: float
    bottom: float
    right: float
    top: float
    known: str | None = None  # its text when the character stream gave it (``_rect_texts``)


class _Line:
    """A printed line: its segments, its box (``top``, ``bottom``, ``left``, ``right``) and its
    text. The box is computed on first use and the text joined once; both again only when
    ``segs`` is assigned (segments are not added in place)."""

    _BOX = ("top", "bottom", "left", "right")

    def __init__(self, segs: list[_Seg], box: tuple[float, float, float, float] | None = None) -> None:
        self.segs = segs
        if box is not None:  # the caller's (top, bottom, left, right) of these segments
            self.top, self.bottom, self.left, self.right = box

    @property
    def segs(self) -> list[_Seg]:
        return self._segs

    @segs.setter
    def segs(self, segs: list[_Seg]) -> None:
        self._segs = segs
        self._text: str | None = None
        for name in self._BOX:
            self.__dict__.pop(name, None)

    def __getattr__(self, name: str) -> float:  # only for attributes not set yet: the box
        if name not in _Line._BOX:
            raise AttributeError(name)
        segs = self._segs
        self.top, self.bottom = max(s.top for s in segs), min(s.bottom for s in segs)
        self.left, self.right = min(s.left for s in segs), max(s.right for s in segs)
        return self.__dict__[name]

    def __repr__(self) -> str:
        return f"_Line({self._segs!r})"

    def text(self) -> str:
        if self._text is None:
            self._text = self._joined()
        return self._text

    def _joined(self) -> str:
        out, prev = "", None
        for s in sorted(self.segs, key=lambda s: s.left):
            if prev is not None:
                gap = s.left - prev.right
                height = max(1.0, prev.top - prev.bottom)
                if gap > 0.25 * height and not out.endswith(" ") and not s.text.startswith(" "):
                    out += " "
            out += s.text
            prev = s
        return out.rstrip()


def read_pdf(path: str | Path, data: bytes | None = None) -> SourceDoc:
    import pypdfium2 as pdfium

    data = Path(path).read_bytes() if data is None else data
    if not data.lstrip().startswith(b"%PDF"):
        raise ReadError("not a PDF file (the file does not start with a PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg:
            raise ReadError("encrypted PDF: it needs a password to open")
        raise ReadError(f"damaged PDF: it could not be opened ({exc})")
    try:
        pages, ruled = [], []
        for i in range(len(pdf)):  # each page is loaded once: loading costs as much as its text
            page = pdf[i]
            pages.append(_page_lines(page))
            ruled.append(_has_rules(page))
            page.close()
        to_ocr = _pages_to_ocr(pdf, pages)
    finally:
        pdf.close()
    if not pages:
        raise ReadError("the PDF has no pages")
    ocr_pages = _ocr(path, data, pages, to_ocr) if to_ocr else []
    chars = sum(len(l.text()) for lines, _, _ in pages for l in lines)
    if chars < 40 * len(pages) * 0.5 and chars < 200:
        raise ReadError(SCANNED if not to_ocr else
                        f"scanned: OCR found no text on the {len(to_ocr)} page(s) without a text layer")
    pages = _drop_running_lines(pages)
    tables_by_page = _tables(path, data, [r and i not in to_ocr for i, r in enumerate(ruled)])
    doc = _assemble(str(path), pages, tables_by_page)
    return _with_ocr_layer(doc, pages, ocr_pages) if ocr_pages else doc


# --- scanned pages: OCR (read/ocr.py) gives fragments that are laid out like text runs ------------

def _pages_to_ocr(pdf, pages) -> list[int]:
    """0-based pages to read by OCR under ``PLAN_EXTRACT_OCR``: in ``auto`` mode the pages whose
    text layer is empty or garbage and that draw something (an image, paths)."""
    from .ocr import ocr_mode, unusable_text

    mode = ocr_mode()
    if mode == "never":
        return []
    if mode == "always":
        return list(range(len(pages)))
    return [i for i, (lines, _, _) in enumerate(pages)
            if unusable_text("\n".join(l.text() for l in lines)) and _draws_something(pdf[i])]


def _draws_something(page) -> bool:
    import pypdfium2.raw as pdfium_c

    return any(obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT for obj in page.get_objects(max_depth=2))


def _ocr(path, data: bytes, pages: list, to_ocr: list[int]) -> list:
    """Replace the lines of the pages in ``to_ocr`` by what OCR reads there, in the reading order
    of ``ocr.reading_order`` (each segment keeps its OCR fragment, to find the words again after
    assembly); return the ``OcrPage``s."""
    from .ocr import ocr_dpi, ocr_pdf, reading_order

    keep = "\n".join(l.text() for i, (lines, _, _) in enumerate(pages) if i not in to_ocr for l in lines)
    done = ocr_pdf(path, data, to_ocr, dpi=ocr_dpi(), context=keep)
    for op in done:
        lines = []
        for row in reading_order(op.fragments):
            line = _Line([_ocr_seg(frag, op.height) for frag in row.fragments])
            if row.column_block:
                line.column_block = True  # type: ignore[attr-defined]
            lines.append(line)
        pages[op.index] = (lines, op.width, op.height)
    return done


def _ocr_seg(frag, page_height: float) -> _Seg:
    """A text segment in PDF coordinates (y up) for an OCR fragment (boxes from the top)."""
    x0, y0, x1, y1 = frag.box
    seg = _Seg(frag.text, x0, page_height - y1, x1, page_height - y0)
    seg.fragment = frag  # type: ignore[attr-defined]
    return seg


def _with_ocr_layer(doc: SourceDoc, pages: list, ocr_pages: list) -> SourceDoc:
    """``doc`` with its OCR layer: every OCR word found in the text, with page, box, confidence."""
    from .ocr import layer_of, place_words, summary, with_layer

    page_of: dict[int, int] = {}
    lines = []
    for pi, (page_lines, _, _) in enumerate(pages):
        for line in page_lines:
            frags = [s.fragment for s in sorted(line.segs, key=lambda s: s.left) if hasattr(s, "fragment")]
            for f in frags:
                page_of[id(f)] = pi + 1
            lines.append((line.text(), frags))
    spans, repairs = place_words(doc.text, lines, page_of)
    layer = layer_of(ocr_pages, spans, repairs)
    doc = with_layer(doc, layer)
    doc.warnings.append(summary(layer))
    return doc


def _page_lines(page) -> tuple[list[_Line], float, float]:
    width, height = page.get_size()
    tp = page.get_textpage()
    known = _rect_texts(tp)
    boxes = [_Seg("", *tp.get_rect(i), known[i]) for i in range(len(known))]
    lines = _group_lines(boxes)
    chars = None
    for line in lines:
        n = len(line.segs)
        if n > 1:
            line.segs = _merge_overlaps(line.segs)  # a merged box is read by its bounds
        for s in line.segs:
            text = s.known if s.known is not None else _bounded_text(tp, s)
            s.text = text.replace("\r", "").replace("\n", " ")
        if len(line.segs) < n:  # runs overlapped: their text may be out of reading order
            chars = chars if chars is not None else _chars(tp)
            for s in line.segs:
                s.text = _reorder(s, chars) or s.text
        if not all(s.text.strip() for s in line.segs):
            line.segs = [s for s in line.segs if s.text.strip()]
    tp.close()
    return [l for l in lines if l.segs], width, height


def _rect_texts(tp) -> list[str | None]:
    """The text of each of the page's rectangles (``count_rects``, which this call leaves
    computed) where the character stream gives it, else None.

    pdfium makes its rectangles from runs of the character stream, which breaks its lines with
    generated CR LF: a line of the stream that makes one rectangle is that rectangle's text, the
    same as ``get_text_bounded`` on it (checked on every line of 1,118 pages of the corpus and the
    tests' PDFs) and a slice of one ``get_text_range`` instead of a scan of the page per
    rectangle. Lines of several rectangles are left to ``_bounded_text``; if the lines' counts do
    not add up to the page's, all are."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    n = tp.count_chars()
    text = ""
    if n > 0:
        buf = (ctypes.c_ushort * (n + 1))()
        got = pdfium_c.FPDFText_GetText(tp.raw, 0, n, buf)
        text = ctypes.string_at(buf, 2 * (got - 1)).decode("utf-16-le", "ignore") if got > 1 else ""
    out: list[str | None] = []
    if len(text) == n:
        start = 0
        for m in _STREAM_BREAK.finditer(text + "\n"):
            end = m.start()
            k = pdfium_c.FPDFText_CountRects(tp.raw, start, end - start) if end > start else 0
            out.extend([text[start:end]] if k == 1 else [None] * k)
            start = m.end()
    total = tp.count_rects()  # the page's rectangles, again the ones pdfium keeps for get_rect
    return out if len(out) == total else [None] * total


_STREAM_BREAK = re.compile(r"\r\n|\n|\r")
_BUFFER_CHARS = 1 << 14
_BUFFER = None


def _bounded_text(tp, seg: _Seg) -> str:
    """The text inside a box: ``PdfTextPage.get_text_bounded`` in one call instead of two (that
    one asks pdfium for the length first, and pdfium scans the page's characters each time),
    into a buffer kept across calls; the NUL pdfium writes last is dropped."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    global _BUFFER
    if _BUFFER is None:
        _BUFFER = (ctypes.c_ushort * _BUFFER_CHARS)()
    n = pdfium_c.FPDFText_GetBoundedText(tp.raw, seg.left, seg.top, seg.right, seg.bottom, _BUFFER, _BUFFER_CHARS)
    if n >= _BUFFER_CHARS:  # a box holding more than the buffer: let pypdfium2 size it
        return tp.get_text_bounded(seg.left, seg.bottom, seg.right, seg.top)
    return ctypes.string_at(_BUFFER, 2 * (n - 1)).decode("utf-16-le", "ignore") if n > 1 else ""


def _chars(tp) -> list[tuple[str, float, float, float, bool]]:
    """(char, left, right, centre y, generated) of every character of a text page."""
    import pypdfium2.raw as pdfium_c
    text = tp.get_text_range()
    out = []
    for i, ch in enumerate(text[:tp.count_chars()]):
        left, bottom, right, top = tp.get_charbox(i)
        out.append((ch, left, right, (bottom + top) / 2, bool(pdfium_c.FPDFText_IsGenerated(tp.raw, i))))
    return out


def _reorder(seg: _Seg, chars) -> str | None:
    """The text of a box in left-to-right order, or None when the stream order is already right.

    Some writers draw a line in one font and then the glyphs a fallback font supplied ("PH NG H NG
    BÀNG ƯỜ Ồ" from LibreOffice when the main font lacks Vietnamese capitals): the stream order
    is then not the reading order. Combining marks drawn as separate glyphs keep stream order.
    """
    inside = [c for c in chars if seg.left - 0.5 <= (c[1] + c[2]) / 2 <= seg.right + 0.5
              and seg.bottom - 0.5 <= c[3] <= seg.top + 0.5 and c[0] not in "\r\n"]
    real = [c for c in inside if not c[4]]
    jumps = any(b[1] < a[1] - 1.0 and not unicodedata.combining(b[0]) for a, b in zip(real, real[1:]))
    if not jumps:
        return None
    rows = _baselines(real)
    height = max(1.0, (seg.top - seg.bottom) / len(rows))
    texts = []
    for row in rows:  # two printed lines set so close that their boxes overlap: read each apart
        out: list[str] = []
        prev = None
        for c in sorted(row, key=lambda c: c[1]):
            if prev is not None and c[1] - prev[2] > 0.15 * height and out and out[-1] != " " and c[0] != " ":
                out.append(" ")  # a gap the stream left to a generated space
            out.append(c[0])
            prev = c
        texts.append("".join(out).strip())
    return "\n".join(t for t in texts if t)


def _baselines(chars: list) -> list[list]:
    """Characters grouped by printed line (centre heights more than half a glyph apart), top
    first; combining marks and glyphs of a fallback font stay on their base line."""
    heights = sorted(c[3] for c in chars)
    if not heights:
        return [chars]
    sizes = sorted(c[2] - c[1] for c in chars if c[0].strip())
    glyph = sizes[len(sizes) // 2] if sizes else 5.0
    rows: list[list] = []
    for c in sorted(chars, key=lambda c: -c[3]):
        if rows and abs(rows[-1][0][3] - c[3]) <= 1.2 * glyph:
            rows[-1].append(c)
        else:
            rows.append([c])
    big = [r for r in rows if sum(1 for c in r if c[0].strip()) >= 3]
    return rows if len(big) > 1 else [chars]


def _merge_overlaps(segs: list[_Seg]) -> list[_Seg]:
    """Runs that overlap horizontally (fonts drawing marks as separate runs) become one box, so
    their characters are read once."""
    out: list[_Seg] = []
    for s in sorted(segs, key=lambda s: s.left):
        if out and s.left < out[-1].right - 0.5:
            o = out[-1]
            out[-1] = _Seg("", o.left, min(o.bottom, s.bottom), max(o.right, s.right), max(o.top, s.top))
        else:
            out.append(s)
    return out


def _group_lines(segs: list[_Seg]) -> list[_Line]:
    """Segments whose vertical extents overlap by more than half belong to one line."""
    groups: list[list[_Seg]] = []
    extents: list[list[float]] = []  # [top, bottom, left, right] of each line, as segments join it
    for s in sorted(segs, key=lambda s: (-s.top, s.left)):
        for k in range(max(0, len(groups) - 3), len(groups)):
            top, bottom, left, right = extents[k]
            overlap = min(top, s.top) - max(bottom, s.bottom)
            if overlap > 0.5 * min(s.top - s.bottom, top - bottom):
                groups[k].append(s)
                extents[k] = [max(top, s.top), min(bottom, s.bottom), min(left, s.left), max(right, s.right)]
                break
        else:
            groups.append([s])
            extents.append([s.top, s.bottom, s.left, s.right])
    order = sorted(range(len(groups)), key=lambda k: -extents[k][0])
    return _split_columns([_Line(groups[k], tuple(extents[k])) for k in order])


def _split_columns(lines: list[_Line]) -> list[_Line]:
    """Runs of lines that never cross the page's middle and that hold text on both sides of it
    are two-column blocks: emit the left column, then the right."""
    if not lines:
        return lines
    left_edge = min(l.left for l in lines)
    right_edge = max(l.right for l in lines)
    mid = (left_edge + right_edge) / 2
    crosses = [_continuous_across(l, mid) for l in lines]
    out: list[_Line] = []
    i = 0
    while i < len(lines):
        if crosses[i]:
            out.append(lines[i])
            i += 1
            continue
        j = i
        while j < len(lines) and not crosses[j]:
            j += 1
        block = lines[i:j]
        two_sided = (any(s.right <= mid + 5 for l in block for s in l.segs)
                     and any(s.left >= mid - 5 for l in block for s in l.segs))
        if two_sided:
            left = [_Line([s for s in l.segs if s.right <= mid + 5]) for l in block]
            right = [_Line([s for s in l.segs if s.right > mid + 5]) for l in block]
            out.extend([l for l in left if l.segs] + [_Line(l.segs) for l in right if l.segs])
            for l in out[-(len([x for x in left if x.segs]) + len([x for x in right if x.segs])):]:
                l.column_block = True  # type: ignore[attr-defined]
        else:
            out.extend(block)
        i = j
    return out


def _continuous_across(line: _Line, mid: float) -> bool:
    """True when the line runs across the middle without a gutter (a wide gap) near it."""
    if not (line.left < mid - 5 and line.right > mid + 5):
        return False
    segs = sorted(line.segs, key=lambda s: s.left)
    for a, b in zip(segs, segs[1:]):
        if b.left - a.right >= 18 and a.right <= mid + 40 and b.left >= mid - 40:
            return False
    return True


def _drop_running_lines(pages):
    """Remove page numbers and lines repeated at the same place on most pages."""
    if len(pages) < 2:
        return [([l for l in lines if not _PAGE_NUMBER.match(l.text())], w, h) for lines, w, h in pages]
    def key(l: _Line) -> str:
        return re.sub(r"\d+", "#", l.text().strip().lower())
    counts: dict[str, int] = {}
    for lines, w, h in pages:
        for l in _margin_lines(lines, h):
            counts[key(l)] = counts.get(key(l), 0) + 1
    running = {k for k, n in counts.items() if n >= max(2, len(pages) // 2)}
    out = []
    for lines, w, h in pages:
        margin = {id(l) for l in _margin_lines(lines, h)}
        kept = [l for l in lines
                if not (id(l) in margin and (key(l) in running or _PAGE_NUMBER.match(l.text())))]
        out.append((kept, w, h))
    return out


def _margin_lines(lines: list[_Line], height: float) -> list[_Line]:
    return [l for l in lines if l.top > height * 0.93 or l.bottom < height * 0.07]


def _has_rules(page) -> bool:
    """A page with several straight path objects likely draws a ruled table."""
    import pypdfium2.raw as pdfium_c

    # the page's objects and those of its forms (one level down), counted through pdfium's C
    # calls: ``page.get_objects`` wraps every object in a Python helper first, which cost as
    # much as reading the page's text
    path, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM
    kind = pdfium_c.FPDFPageObj_GetType
    n = 0
    for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
        obj = pdfium_c.FPDFPage_GetObject(page.raw, i)
        t = kind(obj)
        if t == form:
            n += sum(kind(pdfium_c.FPDFFormObj_GetObject(obj, j)) == path
                     for j in range(pdfium_c.FPDFFormObj_CountObjects(obj)))
        elif t == path:
            n += 1
        if n >= 8:
            return True
    return False


def _tables(path, data: bytes, ruled: list[bool]) -> dict[int, list[tuple[tuple, list[list[str]]]]]:
    """pdfplumber tables (bbox in PDF coordinates, rows of cell texts) for ruled pages only."""
    if not any(ruled):
        return {}
    import io

    import pdfplumber

    found: dict[int, list] = {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for i, is_ruled in enumerate(ruled):
            if not is_ruled:
                continue
            page = pdf.pages[i]
            for t in page.find_tables():
                rows = t.extract()
                if len(rows) < 2 or max(len(r) for r in rows) < 3:
                    continue
                x0, top, x1, bottom = t.bbox
                h = page.height
                found.setdefault(i, []).append(((x0, h - bottom, x1, h - top), rows))
    return found


def _assemble(path: str, pages, tables_by_page) -> SourceDoc:
    parts: list[str] = []
    pos = 0
    page_starts: list[int] = []
    tables: list[Table] = []

    def emit(s: str) -> tuple[int, int]:
        nonlocal pos
        start = pos
        parts.append(s)
        pos += len(s)
        return start, pos

    for pi, (lines, w, h) in enumerate(pages):
        if pos:
            emit("\n" if _continues_page(parts, lines) else "\n\n")
        page_starts.append(pos)
        all_tables = sorted(tables_by_page.get(pi, []), key=lambda t: -t[0][3])
        page_tables = list(all_tables)  # not emitted yet
        pitch = _line_pitch(lines)
        prev: _Line | None = None
        for line in lines:
            inside = [t for t in all_tables if _inside(line, t[0])]
            if inside:  # the table's text comes from its cells, once, where its first line stands
                tbl = inside[0]
                if tbl in page_tables:
                    if prev is not None:
                        emit("\n\n")
                    tables.append(_emit_table(tbl[1], emit, pi + 1))
                    page_tables.remove(tbl)
                    prev = None
                continue
            if prev is not None:
                gap = prev.bottom - line.top
                new_para = (gap > 0.8 * pitch or getattr(line, "column_block", False)
                            or getattr(prev, "column_block", False) or line.top > prev.top)
                emit("\n\n" if new_para else "\n")
            emit(line.text())
            prev = line
        for tbl in page_tables:  # tables whose lines were not seen (no text runs inside)
            emit("\n\n")
            tables.append(_emit_table(tbl[1], emit, pi + 1))
    text = "".join(parts)
    return SourceDoc(path, "pdf", text, page_starts=page_starts, tables=tables, encoding="pdf")


def _continues_page(parts: list[str], lines: list[_Line]) -> bool:
    """Does the new page go on with the paragraph the last page ended in? Yes when that page did
    not end a sentence ("…ISO 9001-2015;" / "Hệ thống quản lý …") and the new page does not open
    with a label, a bullet or a heading."""
    from ..normalize import LABEL

    tail = "".join(parts[-3:]).rstrip()
    if not tail or tail[-1] in ".!?:" or tail.endswith("./."):
        return False
    first = lines[0].text().strip() if lines else ""
    if not first or LABEL.match(first) or first[0] in "\uf0b7\u2022-+*" or first.isupper():
        return False
    return True


def _line_pitch(lines: list[_Line]) -> float:
    """Typical gap between consecutive lines of a paragraph (bottom of one to top of next)."""
    gaps = [a.bottom - b.top for a, b in zip(lines, lines[1:]) if 0 < a.bottom - b.top < 40]
    return statistics.median(gaps) * 1.0 + 4.0 if gaps else 6.0


def _inside(line: _Line, bbox: tuple) -> bool:
    l, b, r, t = bbox
    cy = (line.top + line.bottom) / 2
    return b - 1 <= cy <= t + 1 and line.left >= l - 2 and line.right <= r + 2


def _emit_table(rows: list[list[str | None]], emit, page: int) -> Table:
    out_rows: list[list[Cell]] = []
    for ri, row in enumerate(rows):
        if ri:
            emit("\n\n")
        cells = []
        for ci, cell in enumerate(row):
            if ci:
                emit(" | ")
            text = " ".join((cell or "").split())
            s, e = emit(text)
            cells.append(Cell(text, s, e))
        out_rows.append(cells)
    flat = [c for r in out_rows for c in r]
    return Table(out_rows, page, flat[0].start, flat[-1].end)
