"""Build the Word rendition of a CONSTRUCTED held-out plan from its plain-text rendition.

The plan (fiction, written 2026-12 for the seventh held-out set) is Kế hoạch 09/KH-UBND of Ủy ban
nhân dân phường Hòa Khánh (thành phố Đà Nẵng), "Bảo đảm trật tự, an toàn giao thông năm 2026".
Its source is the text file

    corpus/heldout7/constructed-hoa-khanh-da-nang-2026-kh-an-toan-giao-thong.txt

(one paragraph a line, blank lines between paragraphs; the numbers and letters of headings and
items written out: "I.", "1.", "a)", "- "; the targets table as a Markdown pipe table; the
recipients, then the signature lines at the end). This script writes next to it the .docx a ward
office would make of the same text in Word:

* a borderless 2 x 2 header table (issuer | national motto ; "Số: …" | place and date);
* "KẾ HOẠCH" and the title centred and bold;
* headings and items numbered AUTOMATICALLY: one multi-level Word list (numbering.xml) whose
  levels are "%1." upperRoman (I., II.), "%2." decimal (1., 2.), "%3)" lowerLetter (a), b)) and a
  bullet "-" level; the numbers are NOT typed in the paragraphs. The script simulates Word's
  counters and refuses to build when a label of the text is not the number Word would show;
* the targets table as a Word table ('Table Grid', header row bold);
* the recipients and the signature side by side in a borderless two-column table (the recipient
  lines keep their typed "- ", as offices type them in that cell).

Deterministic: fixed core properties (created / modified / printed 2026-01-22 08:00) and fixed
zip entry timestamps and order; no randomness.

After writing, the script reads the .docx back with python-docx / lxml and checks that the text a
reader sees (paragraph texts with the labels Word generates from w:numPr, tables printed as the
.txt prints them) is the .txt, line for line.

Usage (from the repository root)::

    python3 tools/build_heldout7_docx.py
"""
from __future__ import annotations

from docx_common import a4_document, fixed_widths, no_borders  # a sibling module: tools/ is sys.path[0] when the script runs

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STEM = "constructed-hoa-khanh-da-nang-2026-kh-an-toan-giao-thong"
TXT = ROOT / "corpus" / "heldout7" / f"{STEM}.txt"
DOCX = ROOT / "corpus" / "heldout7" / f"{STEM}.docx"
WHEN = dt.datetime(2026, 1, 22, 8, 0, 0)
AUTHOR = "UBND phường Hòa Khánh"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

# list levels: (ilvl, regex of the typed label, numFmt, lvlText)
LEVELS = [
    (0, re.compile(r"^([IVXLC]+\.) (.+)$"), "upperRoman", "%1."),
    (1, re.compile(r"^(\d+\.) (.+)$"), "decimal", "%2."),
    (2, re.compile(r"^([a-z]\)) (.+)$"), "lowerLetter", "%3)"),
    (3, re.compile(r"^- (.+)$"), "bullet", "-"),
]


# --------------------------------------------------------------------------- reading the text


def read_blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks, each a list of lines (paragraphs)."""
    assert text.endswith("\n") and "\r" not in text
    return [b.split("\n") for b in text.rstrip("\n").split("\n\n")]


def classify(line: str):
    """(ilvl, label, body) for a numbered/bulleted paragraph, else (None, "", line)."""
    for ilvl, rx, _, _ in LEVELS:
        m = rx.match(line)
        if m:
            if ilvl == 3:
                return 3, "-", m.group(1)
            return ilvl, m.group(1), m.group(2)
    return None, "", line


def roman(n: int) -> str:
    vals = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for v, s in vals:
        while n >= v:
            out += s
            n -= v
    return out


class Counters:
    """Word's counters for one list instance: a level restarts after any higher level."""

    def __init__(self):
        self.c = [0, 0, 0, 0]

    def label(self, ilvl: int) -> str:
        if ilvl == 3:
            return "-"
        self.c[ilvl] += 1
        for k in range(ilvl + 1, 3):
            self.c[k] = 0
        n = self.c[ilvl]
        return {0: roman(n) + ".", 1: f"{n}.", 2: "abcdefghijklmnopqrstuvwxyz"[n - 1] + ")"}[ilvl]


def parse_table(lines: list[str]) -> list[list[str]]:
    rows = []
    for ln in lines:
        assert ln.startswith("| ") or ln.startswith("|-") or ln.startswith("|"), ln
        if re.fullmatch(r"\|(?:---\|)+", ln):
            continue
        cells = [c.strip() for c in ln.strip()[1:-1].split("|")]
        rows.append(cells)
    return rows


def table_lines(rows: list[list[str]]) -> list[str]:
    """How the .txt prints a Word table (as converters print it: Markdown pipes)."""
    out = []
    for k, cells in enumerate(rows):
        out.append("|" + "|".join(f" {c} " if c else " " for c in cells) + "|")
        if k == 0:
            out.append("|" + "|".join(["---"] * len(cells)) + "|")
    return out


# --------------------------------------------------------------------------- Word rendition


def build_docx(text: str) -> bytes:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement, parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    blocks = read_blocks(text)
    issuer, motto, number, place_date, title = blocks[:5]
    k_nn = next(i for i, b in enumerate(blocks) if b[0] == "Nơi nhận:")
    body = blocks[5:k_nn]
    recipients, signature, signer = blocks[k_nn], blocks[k_nn + 1], blocks[k_nn + 2]
    assert k_nn + 3 == len(blocks), "nothing may follow the signer"
    assert len(issuer) == 2 and len(motto) == 2 and len(number) == 1 and len(place_date) == 1
    assert title[0] == "KẾ HOẠCH" and len(signer) == 1

    document = a4_document()
    sec = document.sections[0]

    # ---- the multi-level list in numbering.xml
    numbering = document.part.numbering_part.element
    abs_ids = [int(e.get(qn("w:abstractNumId"))) for e in numbering.findall(qn("w:abstractNum"))]
    num_ids = [int(e.get(qn("w:numId"))) for e in numbering.findall(qn("w:num"))]
    abs_id = max(abs_ids, default=0) + 1
    num_id = max(num_ids, default=0) + 1
    lvls = []
    for ilvl, _, fmt, lvl_text in LEVELS:
        bold = "<w:b/>" if ilvl == 0 else ""
        lvls.append(
            f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:suff w:val="space"/><w:lvlText w:val="{lvl_text}"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman"/>{bold}</w:rPr>'
            f"</w:lvl>")
    abstract = parse_xml(
        f'<w:abstractNum xmlns:w="{W}" w:abstractNumId="{abs_id}">'
        f'<w:multiLevelType w:val="multilevel"/>' + "".join(lvls) + "</w:abstractNum>")
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)  # schema order: every abstractNum before the nums
    else:
        numbering.append(abstract)
    numbering.append(parse_xml(
        f'<w:num xmlns:w="{W}" w:numId="{num_id}"><w:abstractNumId w:val="{abs_id}"/></w:num>'))

    def para(container, text="", *, bold=False, italic=False, size=None, align=None,
             indent=True, before=6, after=0, ilvl=None):
        p = container.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if align is None else align
        f = p.paragraph_format
        f.space_before, f.space_after = Pt(before), Pt(after)
        if ilvl is not None:
            numpr = p._p.get_or_add_pPr().get_or_add_numPr()
            numpr.get_or_add_ilvl().val = ilvl
            numpr.get_or_add_numId().val = num_id
        elif indent:
            f.first_line_indent = Mm(10)
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        return p

    def rule(container, width_mm, cell_width_mm):
        """A short centred line under the issuer and the motto (empty paragraph, bottom border)."""
        p = container.add_paragraph()
        side = max(0.0, (cell_width_mm - width_mm) / 2)
        p.paragraph_format.left_indent = Mm(side)
        p.paragraph_format.right_indent = Mm(side)
        p.paragraph_format.space_after = Pt(4)
        ppr = p._p.get_or_add_pPr()
        ppr.append(parse_xml(
            f'<w:pBdr xmlns:w="{W}"><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>'))
        return p

    def fill(cell, text, *, bold=False, italic=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, pad=0):
        ps = cell.paragraphs
        fresh = len(ps) == 1 and not ps[0].runs and ps[0]._p.pPr is None
        p = ps[0] if fresh else cell.add_paragraph()
        p.alignment = align
        p.paragraph_format.space_before = Pt(pad)
        p.paragraph_format.space_after = Pt(pad)
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
            run.font.size = Pt(size)
        return p



    # ---- header block: borderless 2 x 2 table
    t = document.add_table(rows=2, cols=2)
    no_borders(t)
    fixed_widths(t, [62, 100])
    c = t.cell(0, 0)
    fill(c, issuer[0], size=13)
    fill(c, issuer[1], bold=True, size=13)
    rule(c, 22, 62)
    c = t.cell(0, 1)
    fill(c, motto[0], bold=True, size=12)
    fill(c, motto[1], bold=True, size=14)
    rule(c, 60, 100)
    fill(t.cell(1, 0), number[0], size=13)
    fill(t.cell(1, 1), place_date[0], italic=True, size=14)

    # ---- type name and title
    para(document, title[0], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=18)
    for line in title[1:]:
        para(document, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, before=0)

    # ---- body: numbered paragraphs, plain paragraphs, the targets table
    counters = Counters()
    for block in body:
        if block[0].startswith("|"):
            rows = parse_table(block)
            assert table_lines(rows) == block, "the pipe table must print back as written"
            tw = [14, 78, 24, 22, 30]
            assert all(len(r) == len(tw) for r in rows)
            tb = document.add_table(rows=len(rows), cols=len(tw))
            tb.style = document.styles["Table Grid"]
            tb.alignment = WD_TABLE_ALIGNMENT.CENTER
            fixed_widths(tb, tw)
            tb.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
            for r, cells in enumerate(rows):
                for k, val in enumerate(cells):
                    cell = tb.cell(r, k)
                    left = k == 1 and r > 0
                    fill(cell, val, bold=(r == 0), size=13, pad=2,
                         align=WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER)
                    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            continue
        assert len(block) == 1, ("one paragraph per block in the body", block)
        line = block[0]
        ilvl, label, rest = classify(line)
        if ilvl is None:
            para(document, line)
            continue
        word = counters.label(ilvl)
        assert word == label, f"Word would number {word!r} where the text has {label!r}: {line[:60]}"
        heading = ilvl == 0 or (ilvl == 1 and not rest.endswith("."))
        para(document, rest, bold=heading, ilvl=ilvl)

    # ---- recipients | signature: borderless two-column table
    t = document.add_table(rows=1, cols=2)
    no_borders(t)
    fixed_widths(t, [82, 80])
    left, right = t.cell(0, 0), t.cell(0, 1)
    p = fill(left, recipients[0], bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    p.paragraph_format.space_before = Pt(12)
    for line in recipients[1:]:
        fill(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    p = fill(right, signature[0], bold=True, size=14)
    p.paragraph_format.space_before = Pt(12)
    for line in signature[1:]:
        fill(right, line, bold=True, size=14)
    for _ in range(4):
        right.add_paragraph()
    fill(right, signer[0], bold=True, size=14)

    cp = document.core_properties
    cp.author = AUTHOR
    cp.last_modified_by = AUTHOR
    cp.title = "Kế hoạch " + " ".join(title[1:])
    cp.subject = ""
    cp.keywords = ""
    cp.comments = "Constructed held-out document of the plan_extract corpus (not a real plan)."
    cp.created = WHEN
    cp.modified = WHEN
    cp.last_printed = WHEN
    cp.revision = 1
    buf = io.BytesIO()
    document.save(buf)
    return fixed_zip(buf.getvalue())


def fixed_zip(data: bytes) -> bytes:
    """Same archive with fixed entry timestamps and order (python-docx stamps the current time)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=WHEN.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --------------------------------------------------------------------------- reading it back


def render_docx(path: Path) -> tuple[str, dict]:
    """The text a reader sees in the .docx, printed as the .txt prints it; and some facts."""
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(str(path))
    numbering = d.part.numbering_part.element
    fmts = {}
    for num in numbering.findall(qn("w:num")):
        nid = num.get(qn("w:numId"))
        aid = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        ab = next(a for a in numbering.findall(qn("w:abstractNum")) if a.get(qn("w:abstractNumId")) == aid)
        fmts[nid] = {int(l.get(qn("w:ilvl"))): (l.find(qn("w:numFmt")).get(qn("w:val")),
                                                 l.find(qn("w:lvlText")).get(qn("w:val")))
                     for l in ab.findall(qn("w:lvl"))}
    counters: dict[str, list[int]] = {}
    facts = {"numbered": 0, "by_level": {}, "typed_labels": 0, "tables": []}

    def label(nid: str, ilvl: int) -> str:
        fmt, txt = fmts[nid][ilvl]
        c = counters.setdefault(nid, [0] * 9)
        if fmt == "bullet":
            return txt
        c[ilvl] += 1
        for k in range(ilvl + 1, 9):
            c[k] = 0
        out = txt
        for k in range(ilvl + 1):
            f = fmts[nid][k][0]
            n = c[k]
            s = {"upperRoman": roman(n) if n else "", "decimal": str(n),
                 "lowerLetter": "abcdefghijklmnopqrstuvwxyz"[n - 1] if n else ""}.get(f, "")
            out = out.replace(f"%{k + 1}", s)
        return out

    def para_text(p) -> str:
        text = p.text
        ppr = p._p.pPr
        numpr = ppr.numPr if ppr is not None else None
        if numpr is not None and numpr.numId is not None:
            ilvl = numpr.ilvl.val if numpr.ilvl is not None else 0
            facts["numbered"] += 1
            facts["by_level"][ilvl] = facts["by_level"].get(ilvl, 0) + 1
            if re.match(r"^(?:[IVX]+\.|\d+\.|[a-z]\)|-) ", text):
                facts["typed_labels"] += 1
            return label(str(numpr.numId.val), ilvl) + " " + text
        return text

    blocks: list[str] = []
    body = d.element.body
    tables = iter(d.tables)
    paras = iter(d.paragraphs)
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            p = next(paras)
            t = para_text(p)
            if t:
                blocks.append(t)
        elif child.tag == qn("w:tbl"):
            tb = next(tables)
            rows = [[c.text for c in r.cells] for r in tb.rows]
            facts["tables"].append((len(rows), len(rows[0]), tb.style.name if tb.style is not None else None))
            if len(rows[0]) == 2:
                # layout tables: each cell's paragraphs, cell after cell, row after row;
                # empty paragraphs inside a cell separate blocks
                for r in tb.rows:
                    for cell in r.cells:
                        cur: list[str] = []
                        for p in cell.paragraphs:
                            if p.text:
                                cur.append(p.text)
                            elif cur:
                                blocks.append("\n".join(cur))
                                cur = []
                        if cur:
                            blocks.append("\n".join(cur))
            else:
                blocks.append("\n".join(table_lines(rows)))
    return "\n\n".join(blocks) + "\n", {"facts": facts, "formats": fmts}


def main() -> int:
    text = TXT.read_text(encoding="utf-8")
    data = build_docx(text)
    DOCX.write_bytes(data)
    seen, info = render_docx(DOCX)
    # the title block "KẾ HOẠCH" + title lines are separate paragraphs in Word
    expect = text.replace("KẾ HOẠCH\n", "KẾ HOẠCH\n\n", 1)
    if seen != expect:
        a, b = expect.split("\n"), seen.split("\n")
        for k, (x, y) in enumerate(zip(a, b)):
            if x != y:
                print(f"line {k + 1} differs:\n  txt : {x!r}\n  docx: {y!r}", file=sys.stderr)
                break
        else:
            print(f"length differs: {len(a)} vs {len(b)} lines", file=sys.stderr)
        return 1
    f = info["facts"]
    assert f["typed_labels"] == 0, "a numbered paragraph also types its number"
    print(f"wrote {DOCX.relative_to(ROOT)} ({len(data)} bytes); read back = .txt; "
          f"{f['numbered']} numbered paragraphs by level {dict(sorted(f['by_level'].items()))}; "
          f"tables {f['tables']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
