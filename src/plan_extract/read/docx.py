"""Word (.docx) reader: body paragraphs and tables in document order.

Lists that Word numbers itself keep their labels ("1.", "a)", "- " for bullets) by resolving the
paragraph's numbering (directly or through its style) against numbering.xml. Layout tables of at
most two columns (the header block: issuer and "Số: …" | national motto, place and date; the
recipients | signature block) are read cell by cell, left column first; data tables (appendices)
are read row by row, cells joined by " | ", and kept as ``Table``s. Footnotes are appended.
Runs typed in legacy Vietnamese fonts (".VnTime" = TCVN3, "VNI-Times" = VNI) are converted to
Unicode before the text is emitted (``legacy.convert_word_runs``); ``encoding`` then names them.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from ..model import Cell, ReadError, SourceDoc, Table
from .legacy import convert_word_runs, may_name_legacy_fonts

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PPR, _NUMPR, _PSTYLE, _NUM_ID, _ILVL, _VAL = (W + t for t in ("pPr", "numPr", "pStyle", "numId", "ilvl", "val"))
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # a real plan is a few MB at most: guards against zip bombs
MAX_RATIO = 200


def check_zip(data: bytes) -> None:
    """Refuse corrupt archives and zip bombs before any XML is parsed."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReadError("not a valid .docx file (the file is damaged or is not a Word document)")
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > MAX_UNCOMPRESSED or total / packed > MAX_RATIO:
        raise ReadError(
            f"refused: the .docx would expand to {total // 1_000_000} MB (suspected zip bomb)")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ReadError("not a valid .docx file (no word/document.xml inside)")


class _Numbering:
    """Generates list labels the way Word renders them."""

    FORMATS = {
        "decimal": lambda n: str(n),
        "decimalZero": lambda n: f"{n:02d}",
        "lowerLetter": lambda n: "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26],
        "upperLetter": lambda n: "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26],
        "lowerRoman": lambda n: _roman(n).lower(),
        "upperRoman": lambda n: _roman(n),
    }

    def __init__(self, numbering, styles):
        self.levels: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[str, dict[str, int]] = {}
        self.style_num: dict[str, tuple[str, str]] = {}
        if numbering is not None:
            abstract = {a.get(W + "abstractNumId"): a for a in numbering.iter(W + "abstractNum")}
            for num in numbering.iter(W + "num"):
                ref = num.find(W + "abstractNumId")
                a = abstract.get(ref.get(W + "val")) if ref is not None else None
                if a is None:
                    continue
                for lvl in a.iter(W + "lvl"):
                    fmt = lvl.find(W + "numFmt")
                    text = lvl.find(W + "lvlText")
                    start = lvl.find(W + "start")
                    self.levels[(num.get(W + "numId"), lvl.get(W + "ilvl"))] = (
                        fmt.get(W + "val") if fmt is not None else "decimal",
                        text.get(W + "val") if text is not None else "%1.",
                        int(start.get(W + "val")) if start is not None else 1,
                    )
        for style in (styles.iter(W + "style") if styles is not None else ()):
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                nid, ilvl = numpr.find(W + "numId"), numpr.find(W + "ilvl")
                self.style_num[style.get(W + "styleId")] = (
                    nid.get(W + "val") if nid is not None else "",
                    ilvl.get(W + "val") if ilvl is not None else "0",
                )

    def label(self, p) -> str:
        if not self.levels:
            return ""  # nothing is numbered
        num = self._num_of(p)
        if num is None or num not in self.levels:
            return ""
        fmt, text, start = self.levels[num]
        if fmt == "bullet":
            return "- "
        if fmt == "none":
            return ""
        nid, ilvl = num
        counters = self.counters.setdefault(nid, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if int(k) > int(ilvl)]:
            del counters[deeper]
        out = text
        for i in range(int(ilvl) + 1):
            n = counters.get(str(i), self.levels.get((nid, str(i)), ("", "", 1))[2])
            f = self.levels.get((nid, str(i)), ("decimal",))[0]
            out = out.replace(f"%{i + 1}", self.FORMATS.get(f, str)(n))
        return out + " "

    def _num_of(self, p) -> tuple[str, str] | None:
        # child by child (what the paths "pPr/numPr", "pPr/pStyle" find, without parsing a path
        # on each of a document's paragraphs)
        numpr = next((n for ppr in p.iterchildren(_PPR) for n in ppr.iterchildren(_NUMPR)), None)
        if numpr is not None:
            nid, ilvl = numpr.find(_NUM_ID), numpr.find(_ILVL)
            if nid is not None:
                return nid.get(_VAL), ilvl.get(_VAL) if ilvl is not None else "0"
        style = next((n for ppr in p.iterchildren(_PPR) for n in ppr.iterchildren(_PSTYLE)), None)
        if style is not None and style.get(_VAL) in self.style_num:
            return self.style_num[style.get(_VAL)]
        return None


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                 (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= v:
            out, n = out + s, n - v
    return out


def _para_text(p) -> str:
    parts = []
    for node in p.iter(W + "t", W + "tab", W + "br", W + "cr"):
        if node.tag == W + "t":
            parts.append(node.text or "")
        elif node.tag == W + "tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


class _Writer:
    """Accumulates the linear source text and remembers spans."""

    def __init__(self):
        self.parts: list[str] = []
        self.pos = 0

    def para(self, text: str) -> tuple[int, int]:
        if self.pos:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def inline(self, text: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        return start, self.pos

    def text(self) -> str:
        return "".join(self.parts)


def read_docx(path: str | Path, data: bytes | None = None) -> SourceDoc:
    data = Path(path).read_bytes() if data is None else data
    check_zip(data)
    body, styles, numbering, legacy_fonts = _parts(data)
    legacy = convert_word_runs(body, styles) if legacy_fonts else set()
    numbering = _Numbering(numbering, styles)
    out = _Writer()
    tables: list[Table] = []
    for child in body.iterchildren():
        if child.tag == W + "p":
            text = _para_text(child)
            if text.strip():
                out.para(numbering.label(child) + text)
        elif child.tag == W + "tbl":
            tables.extend(_table(child, numbering, out))
    for note in _footnotes(data, styles, legacy):
        out.para(note)
    text = out.text()
    if not text.strip():
        raise ReadError("the .docx holds no text")
    return SourceDoc(str(path), "docx", text, tables=tables, encoding="+".join(["xml", *sorted(legacy)]))


# The package is read with lxml directly, with the parser settings python-docx uses (blank text
# between elements dropped, no entities): opening it through python-docx (``docx.Document``) costs
# about 15 ms a plan, as much as the rest of the pipeline, for the three parts this reader needs.
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def _parts(data: bytes) -> tuple[Any, Any | None, Any | None, bool]:
    """The document body, the styles and numbering parts as lxml trees, and whether any run may
    be typed in a legacy font. A part is parsed only when it can matter (parsing the styles of a
    LibreOffice export costs more than the body): the styles for numbered styles or legacy fonts,
    the numbering when a paragraph or style is numbered; they are None otherwise, or when absent."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            raw = zf.read("word/document.xml")
            targets = _related_parts(zf, names)
            styles_raw, numbering_raw = _raw(zf, names, targets.get("styles")), _raw(zf, names, targets.get("numbering"))
            legacy = may_name_legacy_fonts(raw, styles_raw)
            numbered = b"numPr" in raw or b"numPr" in (styles_raw or b"")
            root = etree.fromstring(raw, _PARSER)
            if not styles_raw or not (legacy or numbered):
                styles = None
            elif legacy or b"numPr" in raw:
                styles = etree.fromstring(styles_raw, _PARSER)
            else:  # only numbered styles can matter: parse just those
                styles = _numbered_styles(styles_raw)
            numbering = etree.fromstring(numbering_raw, _PARSER) if numbering_raw and numbered else None
    except (etree.XMLSyntaxError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReadError(f"the .docx could not be opened ({type(exc).__name__}: {exc})")
    body = root.find(W + "body")
    if body is None:
        raise ReadError("not a valid .docx file (its document part has no body)")
    return body, styles, numbering, legacy


def _related_parts(zf: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Relationship type ("styles", "numbering") → part name, from the document's .rels."""
    rels = "word/_rels/document.xml.rels"
    if rels not in names:
        return {}
    out = {}
    for rel in etree.fromstring(zf.read(rels), _PARSER).iter(_REL):
        kind, target = rel.get("Type") or "", rel.get("Target") or ""
        if kind.startswith(_REL_TYPE) and rel.get("TargetMode") != "External":
            out[kind[len(_REL_TYPE):]] = posixpath.normpath(
                target.lstrip("/") if target.startswith("/") else posixpath.join("word", target))
    return out


_W_DECL = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _numbered_styles(styles_raw: bytes) -> Any:
    """A styles tree holding only the styles that number their paragraphs (``w:numPr``), cut from
    the part's bytes: what ``_Numbering`` reads when the body numbers nothing directly. Word and
    LibreOffice write styles.xml with the ``w`` prefix; any other spelling is parsed whole."""
    if _W_DECL not in styles_raw:
        return etree.fromstring(styles_raw, _PARSER)
    pieces, pos = [], 0
    while (i := styles_raw.find(b"<w:numPr", pos)) >= 0:
        start = styles_raw.rfind(b"<w:style ", 0, i)
        end = styles_raw.find(b"</w:style>", i)
        if start < 0 or end < 0 or styles_raw.find(b"</w:style>", start, i) >= 0:
            return etree.fromstring(styles_raw, _PARSER)  # not inside a style: read it all
        end += len(b"</w:style>")
        pieces.append(styles_raw[start:end])
        pos = end
    return etree.fromstring(b"<w:styles " + _W_DECL + b">" + b"".join(pieces) + b"</w:styles>", _PARSER)


def _raw(zf: zipfile.ZipFile, names: set[str], name: str | None) -> bytes | None:
    return zf.read(name) if name and name in names else None


def _rows(tbl) -> list[list]:
    """Rows of distinct cells; horizontally merged cells (gridSpan) appear once, vertically merged
    continuation cells (vMerge without restart) are dropped."""
    rows = []
    for tr in tbl.iter(W + "tr"):
        cells = []
        for tc in tr.iterchildren(W + "tc"):
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            if vmerge is not None and vmerge.get(W + "val") in (None, "continue"):
                cells.append(None)
                continue
            cells.append(tc)
        rows.append(cells)
    return rows


def _cell_paras(tc, numbering) -> list[str]:
    return [numbering.label(p) + _para_text(p) for p in tc.iterchildren(W + "p") if _para_text(p).strip()]


def _table(tbl, numbering, out: _Writer) -> list[Table]:
    rows = _rows(tbl)
    ncols = max((len(r) for r in rows), default=0)
    if ncols <= 2:  # layout table: column by column, each cell paragraph its own paragraph
        for col in range(ncols):
            for r in rows:
                if col < len(r) and r[col] is not None:
                    for para in _cell_paras(r[col], numbering):
                        out.para(para)
        return []
    table_rows: list[list[Cell]] = []
    for r in rows:
        cells: list[Cell] = []
        first = True
        for tc in r:
            text = " ".join(_cell_paras(tc, numbering)) if tc is not None else ""
            if first:
                s, e = out.para(text)
                first = False
            else:
                out.inline(" | ")
                s, e = out.inline(text)
            cells.append(Cell(text, s, e))
        table_rows.append(cells)
    flat = [c for r in table_rows for c in r]
    return [Table(table_rows, None, flat[0].start, flat[-1].end)] if flat else []


def _footnotes(data: bytes, styles=None, legacy: set[str] | None = None) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        if "word/footnotes.xml" not in zf.namelist():
            return []
        root = etree.fromstring(zf.read("word/footnotes.xml"))
    if legacy is not None:
        legacy |= convert_word_runs(root, styles)
    notes = []
    for fn in root.iter(W + "footnote"):
        if fn.get(W + "type") in ("separator", "continuationSeparator"):
            continue
        text = " ".join(_para_text(p) for p in fn.iter(W + "p")).strip()
        if text:
            notes.append(f"[{fn.get(W + 'id')}] {text}")
    return notes
