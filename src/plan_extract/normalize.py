"""Normalization with an offset map back to the source text.

Readers give text as the file has it; extractors want one paragraph per line, NFC, one tone-mark
convention, no converter artifacts (``**``, ``*…*``, ``##``, headings glued to the previous line),
the known typos of real documents corrected, and hard-wrapped lines rejoined. Every pass keeps a
map from each output character to a source character, so spans found in the normalized text are
reported in source coordinates (``NormText.source_span``).
"""
from __future__ import annotations

import re as stdlib_re
import unicodedata
from array import array
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import regex as re

from .rx import rx

from .lang import load
from .memo import per_document
from .spans import OffsetMap, identity_array


@dataclass(slots=True)
class NormText:
    """Normalized text (one paragraph per line) and its map to the source text."""

    text: str
    map: OffsetMap

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.map.span(start, end)


Repl = str | Callable[["re.Match[str]"], str]


def _apply(text: str, src: array, pattern: "re.Pattern[str]", repl: Repl) -> tuple[str, array]:
    """One substitution pass that carries the offset map along.

    A replacement of the same length maps character by character, and so does one that is a piece
    of the match (wrappers removed); otherwise every replacement character maps to the first
    source character of the match."""
    pieces: list[str] = []
    out = array("l")
    pos = 0
    for m in pattern.finditer(text):
        s, e = m.span()
        new = repl(m) if callable(repl) else m.expand(repl)
        if new == m.group():
            continue
        pieces.append(text[pos:s])
        out.extend(src[pos:s])
        pieces.append(new)
        inner = m.group().find(new) if new else -1
        if len(new) == e - s:
            out.extend(src[s:e])
        elif inner >= 0:  # wrappers removed ("*text*" → "text"): keep the kept characters' places
            out.extend(src[s + inner:s + inner + len(new)])
        else:
            out.extend([src[s]] * len(new))
        pos = e
    if pos == 0:
        return text, src
    pieces.append(text[pos:])
    out.extend(src[pos:])  # includes the end sentinel
    return "".join(pieces), out


# --- tone marks --------------------------------------------------------------------------------
# Old style (hòa, thúy, Ủy), the one official documents mostly use, is the canonical one: in an
# open syllable "oa", "oe", "uy" the tone sits on the first vowel. "quý" keeps its tone on "y".
_TONES = "\u0300\u0301\u0309\u0303\u0323"  # grave, acute, hook, tilde, dot below


def _move_tone(m: "re.Match[str]") -> str:
    first, second = m.group(1), m.group(2)
    decomposed = unicodedata.normalize("NFD", second)
    tone = "".join(c for c in decomposed if c in _TONES)
    bare = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
    return unicodedata.normalize("NFC", first + tone) + bare


_NEW_STYLE_TONE = re.compile(  # the onset sits in a lookbehind: the search starts at the vowel
    r"(?<=(?<![\p{L}])(?<![qQ])(?P<onset>[hHtTkKlLnNxXsSđĐgGvVcCmMbBpPrR]|[tT][hH]|[kK][hH]|[nN][gG]|[cC][hH])?)"
    r"([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?![\p{L}])")


# the glide and toned vowel of a final "oa/oe/uy" without the context checks: where it may apply
_TONE_CANDIDATE = re.compile(r"[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?![\p{L}])")
# ... and found faster by the stdlib ``re``: there the final is "not before a letter of the Latin
# blocks" (every one a letter in any Unicode version), so it finds every candidate and a few more
# (before a Greek letter, say), which the full pattern then rejects. Most of a plan's "oà/oạ"
# stand inside a word ("toàn", "kế hoạch"): they are not even tried.
_LATIN_LETTERS = "".join(chr(c) for lo, hi in ((0x41, 0x5B), (0x61, 0x7B), (0xC0, 0x250), (0x1E00, 0x1F00))
                         for c in range(lo, hi) if chr(c).isalpha())
_TONE_PROBE = stdlib_re.compile("[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?![" + _LATIN_LETTERS + "])")


def _tone_repl(m: "re.Match[str]") -> str:
    """The tone mark of a final "oa/oe/uy" moved onto its second vowel (the match is those two)."""
    glide, vowel = m.group(2), m.group(3)
    v_base = unicodedata.normalize("NFD", vowel)[0].lower()
    if glide in "oO" and v_base not in "ae":
        return m.group()
    if glide in "uU" and v_base != "y":
        return m.group()
    return _move_tone(rx(r"(.)(.)").match(glide + vowel))


class _ToneMatches:
    """``_NEW_STYLE_TONE.finditer``, found faster: the cheap candidate scan finds the glide and
    toned vowel, and the full pattern (onset and word-start look-behinds) is tried only there.
    Searched with the full pattern, every vowel of a plan is a place to try the look-behinds;
    plans hold few candidates ("quý", "toàn"), and most of them fail the context. Candidates
    cannot overlap (the vowel is never a glide), so these are the matches of ``finditer``."""

    @staticmethod
    def finditer(text: str) -> Iterator["re.Match[str]"]:
        for c in _TONE_PROBE.finditer(text):
            m = _NEW_STYLE_TONE.match(text, c.start())
            if m is not None:
                yield m


def canonical_tones(text: str) -> str:
    """``hoà`` → ``hòa``, ``thuý`` → ``thúy``, ``Uỷ`` → ``Ủy``; lengths are unchanged.

    >>> canonical_tones("Hoà Bình, thuỷ lợi, Uỷ ban, quý I")
    'Hòa Bình, thủy lợi, Ủy ban, quý I'
    """
    if _TONE_PROBE.search(text) is None:  # most texts have no candidate at all
        return text
    out, pos = [], 0
    for m in _ToneMatches.finditer(text):
        out += (text[pos:m.start()], _tone_repl(m))
        pos = m.end()
    return "".join(out) + text[pos:] if out else text


def fold(text: str) -> str:
    """Matching key of the same length: NFC, canonical tone marks, lower case, dashes unified.

    A whole document is folded by several extractors: long texts are folded once (memoized).
    """
    return _fold_long(text) if len(text) > 2000 else _fold(text)


def _fold(text: str) -> str:
    t = canonical_tones(unicodedata.normalize("NFC", text)).lower()
    # str.replace per dash: str.translate with a table costs ten times more on long texts
    for dash in _DASHES:
        if dash in t:
            t = t.replace(dash, "-")
    return t


@per_document()
def _fold_long(text: str) -> str:
    return _fold(text)


_CELL_SEP = "\ue000"  # a private-use character: no letter, no case, composes with nothing


def fold_cells(cells: list[str]) -> list[str]:
    """``[" ".join(fold(c).split()) for c in cells]`` (a table row's cells as matching keys) in
    one fold of the row: every step of ``fold`` reads a character alone, or its letters around
    it, and a cell's edge is no letter either way.

    >>> fold_cells(["STT", "Chỉ  tiêu", "Đơn vị tính – ĐVT"])
    ['stt', 'chỉ tiêu', 'đơn vị tính - đvt']
    """
    if any(_CELL_SEP in c for c in cells):
        return [" ".join(fold(c).split()) for c in cells]
    return [" ".join(c.split()) for c in fold(_CELL_SEP.join(cells)).split(_CELL_SEP)]


_DASHES = ("\u2013", "\u2014", "\u2012", "\u2212")  # en, em, figure dash, minus sign


# --- passes ------------------------------------------------------------------------------------
_COMBINING = re.compile(r"\P{M}\p{M}+")
_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad\r]")
_BULLET = re.compile(r"(?m)^[ \t]*[\u2022\u25aa\u25cf\u25e6\u2023\u2043\uf0b7\uf0a7\uf0d8\uf076\u00b7\u2219\u25a0\u25a1\u27a2]\s*")
_PIPE_ROW = re.compile(r"(?m)^[ \t]*\|.*$")
_MD_SEPARATOR = re.compile(r"(?m)^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_MD_HEADING = re.compile(r"(?m)^[ \t]*#{1,6}[ \t]+")
_GLUED_BOLD = re.compile(r"(?m)^(?=[^\n]*\*\*)([^\n]*?\p{Lu}[^\n]*?[\p{Lu}\p{N}\)\.:”\"])\*\*(?=\*?[\p{Lu}\p{N}“\"])")
_GLUED_CAPS = re.compile(r"(?<=\p{Lu}{2}[.:]?)(?=(?:\d+\.)+\s+\p{Lu}\p{Ll})")
_BOLD = re.compile(r"\*{2,3}")
_ITALIC = re.compile(r"(?<![\*\w])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\*\w])")
_UNDERSCORE_EMPH = re.compile(r"(?<![\w_])__(?=\S)([^_\n]+?)(?<=\S)__(?![\w_])")
_MULTISPACE = re.compile(r" {2,}")
_LINE_EDGE_SPACE = re.compile(r"(?m)^ +| +$")
_BLANK_RUN = re.compile(r"\n{3,}")


def _caps_ratio(s: str) -> float:
    letters = [c for c in s if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _glued_bold(m: "re.Match[str]") -> str:
    before = m.group(1)
    if _caps_ratio(before) >= 0.7:
        return before + "\n\n"
    return m.group()


_HTML_BREAK = re.compile(r"<br\s*/?>", re.I)


def _html_break(m: "re.Match[str]") -> str:
    """``<br>`` of a Markdown/HTML export: a line break, except inside a data-table row (one line
    per row), where it is a space. "**KT. CHỦ TỊCH**<br>**PHÓ CHỦ TỊCH**" → two lines."""
    text = m.string
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    return " " if is_table_row(text[line_start:line_end if line_end >= 0 else len(text)]) else "\n"


def _pipe_row(m: "re.Match[str]") -> str:
    """A Markdown table row: a two-column layout row (the header block) becomes one paragraph per
    cell, read top to bottom; a data row (three columns or more) stays one line "a | b | c", as
    the .docx and .pdf readers write table rows, empty cells kept."""
    inner = m.group().strip().strip("|").strip()
    cells = [c.strip() for c in inner.split("|")]
    if len(cells) >= 3 and any(cells):
        return inner
    return "\n\n".join(c for c in cells if c) if any(cells) else ""


# Lines that stand alone whatever their case: the signature block ("TM. ỦY BAN NHÂN DÂN" /
# "KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH"), "PHỤ LỤC", "Nơi nhận:".
# An appendix heading: "PHỤ LỤC", "PHỤ LỤC II", "Phụ lục số 2", "PHỤ LỤC: PHÂN CÔNG NHIỆM VỤ"
# (an all-caps title after it); segment and metadata use it too.
APPENDIX_HEADING = (r"(?:PHỤ LỤC(?:\s+(?:SỐ\s+)?[IVX\d]+)?(?:\s*[:.\-–]\s*(?=[^\n]*\p{Lu})[\p{Lu}\d][^\p{Ll}\n]{2,150})?"
                    r"|Phụ lục(?:\s+(?:số\s+)?[IVX\d]+)?)")
_STANDALONE = re.compile(
    r"^\s*(?:(?:TM|KT|TL|TUQ|Q)\.\s|(?:PHÓ\s+)?CHỦ TỊCH\s*$|" + APPENDIX_HEADING + r"\s*:?\s*$|Nơi nhận\s*:?)")


def is_table_row(line: str) -> bool:
    """A line that is a row of a data table ("1 | Nội dung | Phòng … | Quý I/2026").

    >>> is_table_row("1 | Tổ chức hội nghị | Phòng Văn hóa - Xã hội | Quý I/2026")
    True
    >>> is_table_row("|a|b|c"), is_table_row("Phòng Văn hóa - Xã hội | Phòng Kinh tế")
    (True, False)
    """
    return "|" in line and (line.count(" | ") >= 2 or line.count("|") >= 3)  # most lines: one scan


def _typos() -> list[tuple["re.Pattern[str]", str, str]]:
    return [(re.compile(r"(?<!\p{L})" + re.escape(t["wrong"]) + r"(?!\p{L})"), t["right"], t["wrong"])
            for t in load("typos")]


_TYPOS = _typos()

# Cheap probes: a pass whose probe says its pattern cannot match is skipped (each full pass costs
# about 0.1 ms on a ten-page plan; most plans need few of them). A probe is a literal that every
# match contains, or a predicate: for a character class, one ``in`` per character (a C substring
# search; a sixth of the cost of scanning for the class with ``re``).
def _has_any(chars: str) -> Callable[[str], bool]:
    """A probe for a class of single characters: does the text hold one of ``chars``?

    >>> _has_any("\u00a0\t")("a\u00a0b"), _has_any("\u00a0\t")("ab")
    (True, False)
    """
    return lambda text: any(c in text for c in chars)


_HAS_INVISIBLE = _has_any("\u200b\u200c\u200d\u2060\ufeff\u00ad\r")
_HAS_ODD_SPACE = _has_any("\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000\t\f\v")
_HAS_BULLET = _has_any("\u2022\u25aa\u25cf\u25e6\u2023\u2043\uf0b7\uf0a7\uf0d8\uf076\u00b7\u2219\u25a0\u25a1\u27a2")


def _has_break(text: str) -> bool:
    return "<br" in text or "<BR" in text


def _edge_space(text: str) -> bool:
    return " \n" in text or "\n " in text or text.startswith(" ") or text.endswith(" ")


def _pass(text: str, src: array, probe: Callable[[str], object] | str, pattern: "re.Pattern[str]",
          repl: Repl) -> tuple[str, array]:
    """``_apply`` unless ``probe`` (a literal every match contains, or a predicate) rules it out."""
    if not (probe in text if isinstance(probe, str) else probe(text)):
        return text, src
    return _apply(text, src, pattern, repl)


# A Word table pasted as plain text: cells separated by tabs (``_tab_passes``).
_TAB_LABEL = re.compile(r"[ \t]*(?:[IVXLC]{1,6}\.|\d{1,2}(?:\.\d{1,2})*[.)]?|[a-zđ][.)]|\(\d{1,3}\)|[-+•*–]"
                        r"|Điều\s+\d+\.?|Chương\s+[IVXLC]+\.?|Phần\s+[IVXLC\d]+\.?)[ ]*")


def _tab_passes(text: str, src: array) -> tuple[str, array]:
    r"""Tabs of Word text pasted as plain text. In the rows of a pasted table (``tab_table_lines``)
    each tab becomes " | "; elsewhere tabs at a line's edges are dropped, a tab after a label
    ("1.\tMục đích", "Điều 2.\tGiao …") is a space, and a run of tabs between two texts (a
    two-column layout row: header block, signature) separates two paragraphs. Each replacement maps
    to its tab; every other character keeps its place.

    >>> t = "1.\tMục đích\nSố: 15\t\tHà Nội\n\tCHỦ TỊCH"
    >>> _tab_passes(t, identity_array(len(t) + 1))[0]
    '1. Mục đích\nSố: 15\n\nHà Nội\nCHỦ TỊCH'
    """
    from .read.txt import tab_table_lines

    lines = text.split("\n")
    rows = tab_table_lines(lines)
    pieces: list[str] = []
    out = array("l")
    pos = 0
    for i, line in enumerate(lines):
        if i:
            pieces.append("\n")
            out.append(src[pos - 1])
        if "\t" not in line:
            pieces.append(line)
            out.extend(src[pos:pos + len(line)])
            pos += len(line) + 1
            continue
        label = None if i in rows else _TAB_LABEL.match(line)
        first = len(line) - len(line.lstrip(" \t"))
        last = len(line.rstrip(" \t"))
        k = 0
        while k < len(line):
            if line[k] != "\t":
                pieces.append(line[k])
                out.append(src[pos + k])
                k += 1
                continue
            j = k
            while j < len(line) and line[j] == "\t":
                j += 1
            if i in rows:
                new = " | " * (j - k)
            elif k < first or k >= last:
                new = ""  # indentation, trailing tabs
            elif label is not None and label.end() >= k and line[:k].strip():
                new = " "  # "1.\tMục đích"
            else:
                new = "\n\n"
            pieces.append(new)
            out.extend([src[pos + k]] * len(new))
            k = j
        pos += len(line) + 1
    out.append(src[len(text)])
    return "".join(pieces), out


def _char_passes(text: str, src: array) -> tuple[str, array]:
    if not unicodedata.is_normalized("NFC", text):  # NFC text: every cluster is NFC already
        text, src = _apply(text, src, _COMBINING, lambda m: unicodedata.normalize("NFC", m.group()))
    if "\t" in text:
        text, src = _tab_passes(text, src)
    text, src = _pass(text, src, _HAS_INVISIBLE, _INVISIBLE, "")
    text, src = _pass(text, src, _HAS_ODD_SPACE, _SPACES, " ")
    text, src = _pass(text, src, _HAS_BULLET, _BULLET, "- ")
    text, src = _apply(text, src, _ToneMatches, _tone_repl)
    return text, src


def _markup_passes(text: str, src: array) -> tuple[str, array]:
    text, src = _pass(text, src, "---", _MD_SEPARATOR, "")
    text, src = _pass(text, src, "|", _PIPE_ROW, _pipe_row)
    text, src = _pass(text, src, _has_break, _HTML_BREAK, _html_break)
    text, src = _pass(text, src, "#", _MD_HEADING, "")
    text, src = _pass(text, src, "**", _GLUED_BOLD, _glued_bold)
    text, src = _pass(text, src, "**", _BOLD, "")
    text, src = _pass(text, src, "*", _ITALIC, r"\1")
    text, src = _pass(text, src, "__", _UNDERSCORE_EMPH, r"\1")
    text, src = _apply(text, src, _GLUED_CAPS, "\n\n")
    for pattern, right, wrong in _TYPOS:
        text, src = _pass(text, src, wrong, pattern, right)
    text, src = _pass(text, src, "  ", _MULTISPACE, " ")
    text, src = _pass(text, src, _edge_space, _LINE_EDGE_SPACE, "")
    text, src = _pass(text, src, "\n\n\n", _BLANK_RUN, "\n\n")
    return text, src


# --- paragraphs --------------------------------------------------------------------------------
LABEL = re.compile(
    r"^(?:[IVXLC]{1,6}\.|\d{1,2}(?:\.\d{1,2})*[.)](?=\s)|\d{1,2}(?:\.\d{1,2})+(?=\s)|[a-zđ]\)|[a-zđ]\.(?=\s+\p{Lu})|\(\d{1,3}\)|\([a-zđ]\)|-\s+[\p{Lu}\d“\"(]|\+\s|"
    r"Nhiệm vụ\s+\d+|Điều\s+\d+|Phụ lục|PHỤ LỤC|Nơi nhận|Chương\s+[IVX]+)")
_TERMINAL = re.compile(r"(?r)[.;:!?]\s*$|\./\.$")  # right to left: it ends the (long) paragraph


def _starts_lower(line: str) -> bool:
    if rx(r"^[a-zđ]\)").match(line):
        return False
    if rx(r"^-\s+\p{Ll}").match(line):  # a wrapped "- an ninh": a dash continuing a phrase
        return True
    return bool(rx(r"^[\p{Ll}\d(,;]").match(line)) and not LABEL.match(line)


# right to left: only the last "(n)" of the line can match (no bracket may follow it)
_INLINE_ITEM = re.compile(r"(?r)(?<=\S\s*)\((\d{1,2})\)[^()]*$")


def _continues_inline_list(a: str, b: str) -> bool:
    """``b`` opens with the next item of an inline list that ``a`` runs: "…; (3) Thu ngân sách …;"
    then "(4) Tỷ lệ giải ngân …" on the next line of a PDF."""
    m = _INLINE_ITEM.search(a)
    return bool(m) and b.startswith(f"({int(m.group(1)) + 1})")


def _join_decision(a: str, b: str, blank: bool, wrap_width: int, last: str | None = None) -> bool:
    """Should line ``b`` continue the paragraph of line ``a`` (``last``: its last physical line)?"""
    if not a or not b:
        return False
    last = a if last is None else last
    if is_table_row(last) or is_table_row(b) or _STANDALONE.match(last) or _STANDALONE.match(b):
        return False
    if not blank and _continues_inline_list(a, b):
        return True
    if rx(r"^\p{Ll}").match(b) and not LABEL.match(b) and (not blank or rx(r"(?r)[,;]\s*$").search(a)):
        # a paragraph never opens in lower case: "…trong Kế hoạch;" / "thực hiện các phong trào …"
        # is one clause list wrapped by the PDF (across a page break too)
        return not rx(r"^[a-zđ]\)").match(b)
    if (not blank and rx(r"(?r)[;,]\s*$").search(a) and len(last) >= 0.85 * wrap_width
            and not LABEL.match(b) and not rx(r"^(?:Căn cứ|Thực hiện|Xét)\b").match(b)):
        return True  # a clause list wrapped right after its ";" ("…chuyển đổi số";" / "Phong trào …")
    if _TERMINAL.search(a):
        return False
    if _starts_lower(b):
        return True
    if blank:
        return False
    if b.startswith("- ") and (a.count("(") > a.count(")") or a.endswith("-")
                               or len(last) >= 0.9 * wrap_width):
        return True  # a dash that wraps ("(qua Ban Thi đua" / "- Khen thưởng thành phố)")
    if LABEL.match(b):
        return False
    a_caps, b_caps = _caps_ratio(a) > 0.8, _caps_ratio(b) > 0.8
    if a_caps != b_caps:
        return False
    if a_caps and b_caps:
        return True
    if a.endswith(("“", "\"", "(", "-", ",", "về", "của", "và")):
        return True
    return len(last) >= 0.7 * wrap_width  # the line was wrapped: it ran (nearly) full width


def _paragraphs(text: str, src: array) -> tuple[str, array]:
    """Rejoin wrapped lines: decide, for each line break, whether it ends a paragraph."""
    lines = text.split("\n")
    lengths = sorted(len(l) for l in lines if l and not is_table_row(l))  # rows are not wrapped
    wrap_width = lengths[int(len(lengths) * 0.9)] if lengths else 80
    out_pieces: list[str] = []
    out_src = array("l")
    pos = 0
    prev_line: str | None = None
    last: str | None = None
    blank = False
    for line in lines:
        line_start = pos
        pos += len(line) + 1
        if not line:
            blank = prev_line is not None
            continue
        joined = prev_line is not None and _join_decision(prev_line, line, blank, wrap_width, last)
        if prev_line is not None:
            out_pieces.append(" " if joined else "\n")
            out_src.append(src[line_start - 1] if line_start > 0 else 0)
        out_pieces.append(line)
        out_src.extend(src[line_start:line_start + len(line)])
        prev_line = prev_line + " " + line if joined else line
        last = line
        blank = False
    out_src.append(src[len(text)])
    return "".join(out_pieces), out_src


# --- page furniture of text printed from pages -------------------------------------------------
# a page number standing alone on its line: "2", "- 2 -", "Trang 2", "2/6"
PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?\s*$", re.I)
# (a literal "\n" leads the probe: a scan for it is fast, "(?m)^" is not; line 1 holds no page number)
_PAGE_NUMBER_PROBE = stdlib_re.compile(r"\n(?:- ?)?(?:[Tt][Rr][Aa][Nn][Gg] )?\d{1,3}(?: ?/ ?\d{1,3})?(?: ?-)?(?=\n|$)")
_MIN_PAGE_CHARS = 1000  # text between two page numbers, at least: closer ones number a list


def _page_number(line: str) -> int | None:
    return int(re.search(r"\d+", line).group()) if PAGE_NUMBER.match(line) else None


def page_furniture(lines: list[str]) -> set[int]:
    r"""Indexes of the lines that are a page's furniture in a text printed from pages (a PDF's text
    saved as .txt): the page numbers, and the running heads printed next to them.

    Page numbers are the lines holding only a number that count up by one from page to page, at
    least ``_MIN_PAGE_CHARS`` characters apart (a table exported one cell a line numbers its rows
    closer than that). A running head is a line standing right after (or right before) two or
    more page numbers, the same each time but for its digits.

    >>> text = "a\n" * 600 + "\n2\nKẾ HOẠCH 2026\nb\n" + "c\n" * 600 + "\n3\nKẾ HOẠCH 2026\nd"
    >>> sorted(page_furniture(text.split("\n")))
    [601, 602, 1205, 1206]
    >>> sorted(page_furniture("1. Mục đích\n2\n3\n".split("\n")))
    []
    >>> sorted(page_furniture(("x\n" * 600 + "\n- 2 -\n").split("\n")))  # one page number: kept
    []
    """
    runs: list[list[tuple[int, int, int]]] = []  # (line, number, offset); a stray number is left out
    at = 0
    for i, line in enumerate(lines):
        n = _page_number(line)
        if n is not None:
            run = next((r for r in reversed(runs)  # the latest: each document of a file numbers its own
                        if r[-1][1] == n - 1 and at - r[-1][2] >= _MIN_PAGE_CHARS), None)
            if run is not None:
                run.append((i, n, at))
            elif n <= 3:  # numbering starts on the first pages
                runs.append([(i, n, at)])
        at += len(line) + 1
    pages = [p for r in runs if len(r) >= 2 for p in r]  # one number alone may be anything
    if not pages:
        return set()
    furniture = {i for i, _, _ in pages}

    def neighbour(i: int, step: int) -> int | None:
        j = i + step
        while 0 <= j < len(lines) and not lines[j].strip():
            j += step
        return j if 0 <= j < len(lines) and j not in furniture else None

    for step in (1, -1):
        heads: dict[str, list[int]] = {}
        for i, _, _ in pages:
            j = neighbour(i, step)
            if j is not None and len(lines[j]) <= 120:
                heads.setdefault(re.sub(r"\d+", "#", lines[j].strip().lower()), []).append(j)
        for found in heads.values():
            if len(found) >= 2:
                furniture.update(found)
    return furniture


def _page_furniture(text: str, src: array) -> tuple[str, array]:
    """Drop the page numbers and running heads (``page_furniture``) of a text printed from pages,
    and the blank lines just above each page number (the page's bottom margin), so that a sentence
    a page break cut reads as a wrapped line and is joined again."""
    if _PAGE_NUMBER_PROBE.search(text) is None:
        return text, src
    lines = text.split("\n")
    drop = page_furniture(lines)
    if not drop:
        return text, src
    for i in sorted(drop):
        j = i - 1
        while j >= 0 and not lines[j].strip() and j not in drop:
            drop.add(j)
            j -= 1
    pieces: list[str] = []
    out = array("l")
    pos = 0
    for i, line in enumerate(lines):
        end = pos + len(line) + 1  # its newline included (the last line has none)
        if i not in drop:
            pieces.append(text[pos:end])
            out.extend(src[pos:min(end, len(text))])
        pos = end
    new = "".join(pieces)
    if new.endswith("\n") and not text.endswith("\n"):
        new = new[:-1]
        del out[len(new):]
    out.append(src[len(text)])
    return new, out


# --- side-by-side columns of a text laid out as printed (``pdftotext -layout``) -----------------
# "ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM": two blocks set side by side (the
# header, the recipients beside the signature) share their lines, a wide run of spaces between them.
_TWO_COLUMNS = re.compile(r"(?P<l>[ \t]*\S(?:(?! {6}).)*?)(?P<gap> {6,})(?P<r>\S(?:(?! {6}).)*?)[ \t]*")
_RIGHT_ONLY = re.compile(r" {20,}(?P<r>\S(?:(?! {6}).)*?)[ \t]*")
_WIDE_GAP = stdlib_re.compile(r"\S {6,}\S")
_MAX_BLOCK = 20  # lines of one side-by-side block, at most (a recipients list beside a signature)


def _layout_columns(text: str, src: array) -> tuple[str, array]:
    r"""Read two blocks set side by side one after the other: the left one's lines, a blank line,
    then the right one's. A run of such lines starts at a line split by six spaces or more and
    goes on through split lines, right-only lines (indented twenty spaces or more) and left-only
    lines, to its last line with a right cell. Characters keep their source places (the map is not monotone
    there, but each cell's characters map to a contiguous source span).

    >>> t = "Nơi nhận:          TM. ỦY BAN NHÂN DÂN\n- Sở Y tế;          CHỦ TỊCH\n- Lưu: VT.\n"
    >>> _layout_columns(t, identity_array(len(t) + 1))[0]
    'Nơi nhận:\n- Sở Y tế;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n'
    """
    if "      " not in text or _WIDE_GAP.search(text) is None:  # the substring test first: 25x cheaper
        return text, src
    lines = text.split("\n")
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line) + 1
    pieces: list[str] = []
    out = array("l")

    def emit(a: int, b: int) -> None:  # text[a:b]
        pieces.append(text[a:b])
        out.extend(src[a:b])

    i = 0
    while i < len(lines):
        # the block runs to its last line with a right cell (at most _MAX_BLOCK lines on, no blank
        # line between) and holds two right cells at least: one wide gap in a justified line is not
        # a block, and the body text after a block is not part of it
        first = _TWO_COLUMNS.fullmatch(lines[i])
        found: list[tuple[Any, Any]] = [(first, None)] if first else []  # (two-column, right-only) a line
        last = i
        if first:
            while i + len(found) < len(lines) and len(found) < _MAX_BLOCK and lines[i + len(found)].strip():
                line = lines[i + len(found)]
                two = _TWO_COLUMNS.fullmatch(line)
                found.append((two, None if two else _RIGHT_ONLY.fullmatch(line)))
                if found[-1] != (None, None):
                    last = i + len(found) - 1
        if sum(f != (None, None) for f in found) < 2:
            emit(starts[i], starts[i] + len(lines[i]) + (1 if i + 1 < len(lines) else 0))
            i += 1
            continue
        del found[last - i + 1:]
        while (last + 1 < len(lines) and last + 1 - i < _MAX_BLOCK
               and lines[last + 1].lstrip().startswith(("- ", "+ ", "•"))):
            last += 1  # the left list goes on below the right block: "- Lưu: VT." under the signer
            found.append((None, None))
        left: list[tuple[int, int]] = []
        right: list[tuple[int, int]] = []
        for j, (two, only) in enumerate(found, start=i):
            at, line = starts[j], lines[j]
            if two:
                ls = len(two["l"]) - len(two["l"].lstrip())
                left.append((at + ls, at + two.end("l")))
                right.append((at + two.start("r"), at + two.end("r")))
            elif only:
                right.append((at + only.start("r"), at + only.end("r")))
            else:
                stripped = line.strip()
                ls = line.index(stripped[0])
                left.append((at + ls, at + ls + len(stripped)))
        j = last + 1
        cells = left + right
        for k, (a, b) in enumerate(cells):
            emit(a, b)
            if k == len(left) - 1 and right:
                pieces.append("\n\n")
                out.extend((src[b], src[b]))
            elif k < len(cells) - 1:
                pieces.append("\n")
                out.append(src[b])
        if j < len(lines):  # the line break after the block
            pieces.append("\n")
            out.append(src[starts[j] - 1])
        i = j
    out.append(src[len(text)])
    return "".join(pieces), out


def normalize(source: str) -> NormText:
    """Normalize a reader's text into one paragraph per line, keeping an offset map."""
    src = identity_array(len(source) + 1)
    text, src = _layout_columns(source, src)
    text, src = _char_passes(text, src)
    text, src = _markup_passes(text, src)
    text, src = _page_furniture(text, src)
    text, src = _paragraphs(text, src)
    return NormText(text, OffsetMap(src))
